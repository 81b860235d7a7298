"""The hint for a Linux desktop that lacks what Qt's xcb plugin needs (libxcb-cursor)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.ui import platform_check
from assistant.ui.platform_check import HINT, XCB_CURSOR, platform_hint, uses_xcb

ROOT = Path(__file__).resolve().parents[2]


def missing(name: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("chosen", "platform", "xcb"),
    [
        ("", "linux", True),
        ("xcb", "linux", True),
        ("xcb:display=:1", "linux", True),
        ("xcb;offscreen", "linux", True),
        ("offscreen", "linux", False),
        ("wayland;xcb", "linux", False),
        ("minimal", "freebsd14", False),
        ("", "freebsd14", True),
        ("", "darwin", False),
        ("", "win32", False),
    ],
)
def test_only_a_window_through_xcb_needs_the_library(chosen: str, platform: str, xcb: bool) -> None:
    environ = {"QT_QPA_PLATFORM": chosen} if chosen else {}
    assert uses_xcb(environ, platform) is xcb
    assert (platform_hint(environ, platform, missing) == HINT) is xcb


def test_the_hint_names_the_package_for_each_family() -> None:
    assert "libxcb-cursor0" in HINT and "(Debian, Ubuntu)" in HINT
    assert "xcb-util-cursor" in HINT and "(Fedora)" in HINT
    assert "QT_QPA_PLATFORM=offscreen" in HINT
    assert platform_hint({}, "linux", lambda name: name == XCB_CURSOR) == ""


def test_the_library_is_looked_for_as_the_loader_finds_it() -> None:
    assert platform_check._loads("libc.so.6") is sys.platform.startswith("linux")
    assert not platform_check._loads("libno-such-library-here.so.0")


def test_make_run_says_what_to_install_before_anything_else(monkeypatch, capsys) -> None:
    monkeypatch.setattr(platform_check, "_loads", missing)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    assert platform_check.main() == 1
    assert capsys.readouterr().err.strip() == HINT
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.main() == 0


def test_the_check_runs_on_the_system_python_before_the_install() -> None:
    """``make run`` runs the file with a Python that has none of the app's packages, after
    the system packages (on Debian they bring the library) and before anything else."""
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    check = [i for i, line in enumerate(dry) if line.endswith("assistant/ui/platform_check.py")]
    assert check, dry
    installs = [i for i, line in enumerate(dry) if "venv" in line or "pip install" in line]
    assert check[0] < min(installs, default=len(dry)), dry
    assert any("libxcb-cursor0" in line for line in dry[: check[0]]), dry
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "assistant/ui/platform_check.py")],
        env={"QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_the_app_prints_the_hint_before_it_starts_qt() -> None:
    """Qt stops the process when its platform plugin cannot load: the hint comes first."""
    script = (
        "import sys\n"
        "from assistant.ui import app\n"
        "app.platform_hint = lambda: 'HINT: install libxcb-cursor0'\n"
        "app.create_application = lambda argv: sys.exit(3)  # where Qt would stop\n"
        "app.run_app()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("HINT: install libxcb-cursor0\n")
