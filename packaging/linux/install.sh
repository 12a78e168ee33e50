#!/usr/bin/env bash
# Install Rowboat from this unpacked archive: install.sh [PREFIX]
#
# PREFIX is /usr/local by default (as root), or ~/.local for one user. The bundle goes to
# PREFIX/lib/rowboat, the `rowboat` command to PREFIX/bin, and the menu entry, icons and
# AppStream metadata to PREFIX/share. Run it again to update; remove those paths to uninstall.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:-/usr/local}

mkdir -p "$prefix/lib" "$prefix/bin" "$prefix/share"
rm -rf "$prefix/lib/rowboat"
cp -a "$here/rowboat" "$prefix/lib/rowboat"
ln -sfn "../lib/rowboat/rowboat" "$prefix/bin/rowboat"
cp -a "$here/share/." "$prefix/share/"
# The menu entry starts the command by its full path, whether or not PREFIX/bin is on PATH.
entry="$prefix/share/applications/io.github.rowboat.Rowboat.desktop"
sed -i -e "s|^Exec=rowboat |Exec=$prefix/bin/rowboat |" -e "s|^TryExec=rowboat$|TryExec=$prefix/bin/rowboat|" "$entry"

# Menus and icon caches pick the new files up at once where their tools exist.
if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$prefix/share/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
fi
echo "Installed Rowboat into $prefix (command: $prefix/bin/rowboat)."
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Add $prefix/bin to PATH to type rowboat in a terminal (the menu entry needs no PATH)." ;;
esac
