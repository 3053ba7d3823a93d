"""Allow ``python -m siteselect``."""

from siteselect.cli import main

raise SystemExit(main())
