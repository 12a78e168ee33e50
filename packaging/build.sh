#!/usr/bin/env bash
# Build Rowboat's desktop bundle for this platform, smoke-test it, and pack it.
#
#   packaging/build.sh [--no-apt] [--no-keychain] [--no-window]      (or: make package)
#
# 1. On Linux, installs the Debian packages the checks need when they are missing (apt-get, as
#    root or with sudo; --no-apt only says which are missing): desktop-file-utils and appstream to validate the
#    desktop metadata, gnome-keyring and dbus-daemon for the keychain check, xvfb and x11-utils
#    for the window check, and the two X libraries Qt's xcb plugin needs that a minimal system
#    lacks, so the bundle carries them.
# 2. Validates the .desktop entry and the AppStream metainfo.
# 3. Builds a wheel and installs it with the `package` extra into build/package-venv, so the bundle
#    is made of what a user's install holds (package data included), not of the source tree.
# 4. Runs PyInstaller (packaging/rowboat.spec) into dist/rowboat/.
# 5. Runs packaging/smoke_test.py on the result (--no-keychain and --no-window skip its checks
#    with a real keychain and an X11 window).
# 6. Packs dist/rowboat-VERSION-OS-ARCH.tar.gz with the desktop files and install.sh (Linux).
#
# Times and sizes are printed at the end. Needs Python 3.11+ (PYTHON, default python3) and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
APT=1
WINDOW=1
KEYCHAIN=1
for arg in "$@"; do
    case $arg in
        --no-apt) APT=0 ;;
        --no-keychain) KEYCHAIN=0 ;;
        --no-window) WINDOW=0 ;;
        *) echo "usage: packaging/build.sh [--no-apt] [--no-keychain] [--no-window]" >&2; exit 2 ;;
    esac
done

OS=$(uname -s | tr '[:upper:]' '[:lower:]')
ARCH=$(uname -m)
APP_ID=io.github.rowboat.Rowboat
VENV=build/package-venv
STARTED=$SECONDS
step() { printf '\n== %s (%d s)\n' "$1" $((SECONDS - STARTED)); }

if [[ $OS == linux ]]; then
    step "Debian packages for the checks"
    needed=()
    command -v desktop-file-validate >/dev/null || needed+=(desktop-file-utils)
    command -v appstreamcli >/dev/null || needed+=(appstream)
    if [[ $KEYCHAIN == 1 ]]; then
        command -v gnome-keyring-daemon >/dev/null || needed+=(gnome-keyring)
        command -v dbus-daemon >/dev/null || needed+=(dbus-daemon)
    fi
    if [[ $WINDOW == 1 ]]; then
        command -v Xvfb >/dev/null || needed+=(xvfb)
        command -v xwininfo >/dev/null || needed+=(x11-utils)
    fi
    # Qt's xcb plugin links these; PyInstaller bundles them only if they are here at build time.
    ldconfig -p | grep -q 'libxcb-icccm\.so\.4' || needed+=(libxcb-icccm4)
    ldconfig -p | grep -q 'libxcb-keysyms\.so\.1' || needed+=(libxcb-keysyms1)
    as_root=()
    [[ $(id -u) == 0 ]] || as_root=(sudo -n)
    if ((${#needed[@]})); then
        if [[ $APT == 1 ]] && command -v apt-get >/dev/null && "${as_root[@]}" true 2>/dev/null; then
            "${as_root[@]}" apt-get update -qq
            "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends "${needed[@]}" >/dev/null
        else
            echo "Missing Debian packages: ${needed[*]} (apt-get install them, as root)" >&2
            exit 2
        fi
    fi

    step "Desktop entry and AppStream metainfo"
    desktop-file-validate "packaging/linux/$APP_ID.desktop"
    appstreamcli validate --no-net "packaging/linux/$APP_ID.metainfo.xml"
fi

step "Wheel, installed into $VENV"
rm -rf build/wheel
[[ -d $VENV ]] || "$PYTHON" -m venv "$VENV"
BIN=$VENV/bin
[[ -d $VENV/Scripts ]] && BIN=$VENV/Scripts  # Windows (Git Bash)
"$BIN/python" -m pip install --quiet --upgrade pip
"$BIN/python" -m pip wheel --quiet --no-deps --wheel-dir build/wheel .
WHEEL=$(ls build/wheel/rowboat-*.whl)
"$BIN/python" -m pip install --quiet --force-reinstall --no-deps "$WHEEL"
"$BIN/python" -m pip install --quiet "$WHEEL[package]"
VERSION=$("$BIN/python" -c 'from importlib.metadata import version; print(version("rowboat"))')

step "PyInstaller"
BUILD_STARTED=$SECONDS
"$BIN/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/rowboat.spec
if [[ $OS == linux ]]; then
    # A self-built Python (pyenv, as on CI) carries its debug symbols: 23 MB of libpython's 29.
    # Only libpython: strip breaks the libraries that wheels patch (numpy's OpenBLAS).
    strip --strip-unneeded dist/rowboat/_internal/libpython3*.so*
fi
BUILD_TIME=$((SECONDS - BUILD_STARTED))

step "Smoke test"
smoke=(dist/rowboat)
[[ $KEYCHAIN == 0 ]] && smoke+=(--no-keychain)
[[ $WINDOW == 0 ]] && smoke+=(--no-window)
"$BIN/python" packaging/smoke_test.py "${smoke[@]}"

step "Archive"
NAME=rowboat-$VERSION-$OS-$ARCH
STAGE=build/$NAME
rm -rf "$STAGE" && mkdir -p "$STAGE"
mv dist/rowboat "$STAGE/rowboat"  # moved there and back, not copied: it is a third of a GB
trap 'mv "$STAGE/rowboat" dist/rowboat 2>/dev/null || true' EXIT
if [[ $OS == linux ]]; then
    share=$STAGE/share
    mkdir -p "$share/applications" "$share/metainfo" \
        "$share/icons/hicolor/scalable/apps" "$share/icons/hicolor/256x256/apps"
    cp "packaging/linux/$APP_ID.desktop" "$share/applications/"
    cp "packaging/linux/$APP_ID.metainfo.xml" "$share/metainfo/"
    cp src/rowboat/resources/icons/rowboat.svg "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
    cp src/rowboat/resources/icons/rowboat.png "$share/icons/hicolor/256x256/apps/$APP_ID.png"
    cp packaging/linux/install.sh "$STAGE/"

    # The archive installs: into a scratch prefix, the linked command runs and its entry validates.
    prefix=$(mktemp -d)
    "$STAGE/install.sh" "$prefix" >/dev/null
    [[ $("$prefix/bin/rowboat" --version) == "rowboat $VERSION" ]]
    desktop-file-validate "$prefix/share/applications/$APP_ID.desktop"
    rm -rf "$prefix"
fi
tar -C build -czf "dist/$NAME.tar.gz" "$NAME"
mv "$STAGE/rowboat" dist/rowboat
trap - EXIT
rm -rf "$STAGE"

step "Done"
echo "PyInstaller and strip: ${BUILD_TIME} s; everything: $((SECONDS - STARTED)) s"
echo "bundle dist/rowboat: $(du -sh dist/rowboat | cut -f1); archive dist/$NAME.tar.gz: $(du -h "dist/$NAME.tar.gz" | cut -f1)"
