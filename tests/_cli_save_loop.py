"""Helper process for the concurrent-save test: one `scenario save` per state, in one process.

Usage: python _cli_save_loop.py DB_PATH GO_FILE ST ST ...  Creates GO_FILE.NAME-ready, waits
until GO_FILE exists (so two of these start together), then runs ``siteselect scenario save
Shared --what-if ST:energy_cost=VALUE`` for each state in turn, in two rounds (the second
with VALUE = 2 + i/10), exiting non-zero if any save fails.
"""

import sys
import time
from pathlib import Path

from siteselect.cli import main

db, go, states = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
Path(f"{go}.{states[0]}-ready").touch()
while not go.exists():
    time.sleep(0.01)
for round_ in (1, 2):
    for i, st in enumerate(states):
        rc = main(["scenario", "save", "Shared", "--what-if",
                   f"{st}:energy_cost={round_ + i / 10}", "--db", db])
        if rc != 0:
            sys.exit(rc)
