"""Two real processes saving one scenario at the same time, and a reader during a save loop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from siteselect.cli import main
from siteselect.storage import ScenarioStore

HERE = Path(__file__).parent
GROUP_A = ["TX", "OK", "NM", "AZ", "NV", "UT", "CO", "WY", "MT", "ID", "OR", "WA"]
GROUP_B = ["GA", "FL", "AL", "MS", "LA", "AR", "TN", "KY", "NC", "SC", "VA", "WV"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    return env


def test_concurrent_saves_of_one_scenario_keep_both_changes(tmp_path, capsys):
    db = tmp_path / "shared.db"
    assert main(["scenario", "save", "Shared", "--db", str(db)]) == 0
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(HERE / "_cli_save_loop.py"), str(db),
                               str(go), *group], env=_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
             for group in (GROUP_A, GROUP_B)]
    ready = [Path(f"{go}.{group[0]}-ready") for group in (GROUP_A, GROUP_B)]
    while not all(r.exists() for r in ready) and all(p.poll() is None for p in procs):
        time.sleep(0.01)
    go.touch()
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with ScenarioStore.open(db) as store:
        sc = store.get("Shared")
        saved = {o.state: o.value for o in sc.settings.overrides}
        # Every save became a revision of its own: nothing was merged away or skipped.
        assert sc.revision == 1 + 2 * (len(GROUP_A) + len(GROUP_B))
    expected = {st: 2 + i / 10 for group in (GROUP_A, GROUP_B) for i, st in enumerate(group)}
    assert saved == expected, f"lost: {sorted(set(expected) - set(saved))}"
