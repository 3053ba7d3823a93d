"""Helper process: saves like repeated `siteselect scenario save` commands until killed.

Usage: python _open_save_close_loop.py DB_PATH.  Each round opens the database, saves five
scenarios and closes it again (so the -wal file comes and goes, as with separate commands),
then prints the round number and flushes.
"""

import sys

from siteselect.model.scenario import Scenario
from siteselect.storage import ScenarioStore

path = sys.argv[1]
i = 0
while True:
    i += 1
    with ScenarioStore.open(path) as store:
        for j in range(4):
            store.save(Scenario(f"Loop {(4 * i + j) % 200}", description="x" * 9000 + str(i)))
        store.save(Scenario("Steady", description=str(i)))
    print(i, flush=True)
