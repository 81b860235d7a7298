"""Whether Qt can open a window here, asked before Qt is started.

Qt 6.5 and later draw on X11 through the xcb platform plugin, which needs the system
library libxcb-cursor. Without it Qt stops with "could not load the Qt platform plugin
"xcb"" and no hint of what is missing; this module says which package to install.

Only the standard library is used, so ``make run`` runs this file with the system Python
before anything is installed (``python3 assistant/ui/platform_check.py``; exit status 1
when the library is missing).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

XCB_CURSOR = "libxcb-cursor.so.0"
HINT = (
    "The window cannot open: Qt's xcb platform plugin (Qt 6.5 and later) needs the system "
    "library libxcb-cursor, which is not installed. Install it with\n"
    "  sudo apt install libxcb-cursor0      (Debian, Ubuntu)\n"
    "  sudo dnf install xcb-util-cursor     (Fedora)\n"
    "  sudo pacman -S xcb-util-cursor       (Arch)\n"
    "or run without a window with QT_QPA_PLATFORM=offscreen."
)


def _loads(name: str) -> bool:
    """Whether the dynamic loader finds the library *name*, as Qt's plugin would."""
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt will open its window through xcb: on Linux and the BSDs, unless
    ``QT_QPA_PLATFORM`` names another platform plugin (offscreen, wayland, …) first."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    first = chosen.split(";")[0].split(":")[0].strip()
    return first in ("", "xcb")


def platform_hint(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    loads: Callable[[str], bool] | None = None,
) -> str:
    """What to install for the window to open here, or "" when nothing is missing."""
    environ = os.environ if environ is None else environ
    if uses_xcb(environ, platform) and not (loads or _loads)(XCB_CURSOR):
        return HINT
    return ""


def main() -> int:
    """Print the hint (exit 1) when the window cannot open; for ``make run``."""
    hint = platform_hint()
    if hint:
        print(hint, file=sys.stderr)
    return 1 if hint else 0


if __name__ == "__main__":
    sys.exit(main())
