"""The bundle's `rowboat` executable: the whole command line (`rowboat gui` opens the window)."""

from rowboat.cli import main

raise SystemExit(main())
