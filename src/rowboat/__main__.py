"""`python -m rowboat` runs the command line."""

from rowboat.cli import main

raise SystemExit(main())
