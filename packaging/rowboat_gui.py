"""The bundle's windowed executable, rowboat-gui: the desktop app, on FILE if one is given.

Windows and macOS start it without a terminal (no console window opens behind the app); the
bundle's `rowboat` executable is the command line, where `rowboat gui` does the same.
"""

import sys

from rowboat.gui.app import main

raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else None))
