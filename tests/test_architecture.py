"""The layering holds: import-linter contracts, and the headless core runs with Qt absent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"lint-imports is not installed next to {sys.executable}; run `uv sync`")
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    proc = lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout
    for name in ("The core never imports Qt", "Scoring depends on numpy alone"):
        assert f"{name} KEPT" in proc.stdout


def test_import_contracts_catch_a_violation(tmp_path):
    """The contracts are live: a scoring module importing Qt or the model breaks them."""
    shutil.copytree(ROOT / "siteselect", tmp_path / "siteselect",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "siteselect" / "scoring" / "_probe.py").write_text(
        "def f():\n    import PySide6.QtGui\n    from siteselect.model import criteria\n",
        encoding="utf-8",
    )
    proc = lint_imports(tmp_path, extra_path=tmp_path)
    assert proc.returncode != 0
    assert "The core never imports Qt BROKEN" in proc.stdout
    assert "Scoring depends on numpy alone BROKEN" in proc.stdout


# A finder placed first on sys.meta_path makes Qt look uninstalled to everything imported after it.
BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"No module named {name!r} (blocked by the test)")
            return None

    sys.meta_path.insert(0, BlockQt())
    """
)

HEADLESS = BLOCK_QT + textwrap.dedent(
    """
    import importlib, json, pkgutil
    import siteselect
    names = ["siteselect", "siteselect.errors", "siteselect.analysis", "siteselect.cli",
             "siteselect.cli.rank"]
    for pkg in ("siteselect.scoring", "siteselect.model", "siteselect.storage",
                "siteselect.exports"):
        module = importlib.import_module(pkg)
        names.append(pkg)
        names += [f"{pkg}.{m.name}" for m in pkgutil.iter_modules(module.__path__)]
    for name in names:
        importlib.import_module(name)
    qt_after_imports = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)

    from siteselect.cli import main
    status_rank = main(["rank", "--format", "json", "--top", "3", "--method", "topsis"])
    status_criteria = main(["criteria", "--format", "json"])
    try:
        import PySide6  # noqa: F401
        blocked = False
    except ImportError:
        blocked = True
    print("@@" + json.dumps({
        "modules": names,
        "qt_after_imports": qt_after_imports,
        "qt_at_end": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
        "status": [status_rank, status_criteria],
        "blocked": blocked,
    }))
    """
)


def test_headless_commands_run_with_qt_absent():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-c", HEADLESS], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out, _, tail = proc.stdout.rpartition("@@")
    report = json.loads(tail)
    assert report["blocked"], "the finder did not block PySide6"
    assert report["status"] == [0, 0], proc.stderr
    assert report["qt_after_imports"] == [] and report["qt_at_end"] == []
    assert {"siteselect.scoring.engine", "siteselect.model.dataset",
            "siteselect.model.geography", "siteselect.model.settings"} <= set(report["modules"])
    # both commands wrote their JSON
    decoder = json.JSONDecoder()
    ranking, end = decoder.raw_decode(out.lstrip())
    criteria, _ = decoder.raw_decode(out.lstrip()[end:].lstrip())
    assert ranking["method"] == "topsis" and len(ranking["ranking"]) == 3
    assert any(c["id"] == "energy_cost" for c in criteria)
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- .ci/run

CI_SCRIPT = ROOT / ".ci" / "run"


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


def _run_ci(tmp_path: Path, path_dirs: list[Path], uv_status: int = 0):
    """.ci/run in a copy of the checkout, with stub tools first on PATH (no network)."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(CI_SCRIPT, repo / ".ci" / "run")
    log = tmp_path / "uv-calls.log"
    env = {
        "PATH": os.pathsep.join([*map(str, path_dirs), "/usr/bin", "/bin"]),
        "HOME": str(tmp_path / "home"),
        "UV_STATUS": str(uv_status),
        "UV_LOG": str(log),
    }
    proc = subprocess.run(["bash", str(repo / ".ci" / "run")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return proc, calls


UV_STUB = 'echo "$*" >> "$UV_LOG"\nexit "$UV_STATUS"\n'


def test_ci_runs_exactly_the_readme_test_command(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert "uv run pytest" in quickstart and "uv run siteselect" in quickstart
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stub(bin_dir / "uv", UV_STUB)
    proc, calls = _run_ci(tmp_path, [bin_dir])
    assert proc.returncode == 0, proc.stderr
    assert calls == ["run pytest"]


@pytest.mark.parametrize("status", [1, 5])
def test_ci_fails_when_pytest_fails_or_collects_nothing(tmp_path, status):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stub(bin_dir / "uv", UV_STUB)
    proc, calls = _run_ci(tmp_path, [bin_dir], uv_status=status)
    assert proc.returncode == status and calls == ["run pytest"]
    assert ("collected no tests" in proc.stderr) == (status == 5)


def test_ci_installs_uv_with_pip_when_it_is_missing(tmp_path):
    """No uv anywhere on PATH: `python3 -m pip install uv` provides it, then it runs."""
    if shutil.which("uv", path="/usr/bin:/bin"):
        pytest.skip("a uv in /usr/bin or /bin would be found before the stub install")
    bin_dir, user_bin = tmp_path / "bin", tmp_path / "home" / ".local" / "bin"
    bin_dir.mkdir()
    # python3 stub: `-m pip install uv` writes a uv into the user base, `-m site --user-base`
    # names it; anything else fails.
    _stub(bin_dir / "python3", textwrap.dedent(f"""\
        if [ "$1 $2 $3" = "-m pip install" ]; then
            mkdir -p "{user_bin}"
            printf '#!/bin/bash\\n{UV_STUB.replace(chr(10), chr(92) + 'n')}' > "{user_bin}/uv"
            chmod +x "{user_bin}/uv"
            echo "pip $*" >> "$UV_LOG"
            exit 0
        fi
        if [ "$1 $2 $3" = "-m site --user-base" ]; then echo "{user_bin.parent}"; exit 0; fi
        exit 1
        """))
    proc, calls = _run_ci(tmp_path, [bin_dir])
    assert proc.returncode == 0, proc.stderr
    assert "uv not found" in proc.stderr
    assert calls[0].startswith("pip -m pip install") and calls[0].split()[-1] == "uv"
    assert calls[1:] == ["run pytest"]
