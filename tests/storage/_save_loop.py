"""Helper process for the crash test: saves scenarios in a loop until it is killed.

Usage: python _save_loop.py DB_PATH PREFIX.  After each committed save it prints the name of
the scenario it created and flushes, so the test knows which saves were confirmed.
"""

import sys

from siteselect.model.scenario import Scenario
from siteselect.model.settings import ScoringSettings
from siteselect.storage import ScenarioStore

path, prefix = sys.argv[1], sys.argv[2]
store = ScenarioStore.open(path)
i = 0
while True:
    i += 1
    name = f"{prefix} {i}"
    store.save(Scenario(name, description="x" * 2000 + str(i),
                        settings=ScoringSettings(method="topsis" if i % 2 else "wsm")))
    # A second scenario that is saved again and again: its history grows on every round.
    store.save(Scenario("Steady", description=f"{prefix} {i}"))
    print(name, flush=True)
