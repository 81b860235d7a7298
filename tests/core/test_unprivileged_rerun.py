"""The permission tests' unprivileged re-run works from a checkout only its owner can read
(a ``mktemp -d`` clone, a private home), virtualenv included."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ignores_file_permissions, unprivileged


def test_a_private_checkout_and_its_virtualenv_are_readable_when_rerun(tmp_path: Path) -> None:
    if not ignores_file_permissions():
        pytest.skip("runs as root only: there is no re-run otherwise")
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    checkout = private / "checkout"
    (checkout / "tests").mkdir(parents=True)
    (checkout / "tests" / "test_here.py").write_text("def test_here():\n    assert True\n")
    # A virtualenv inside the private folder that sees this one's packages (pytest).
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(checkout / ".venv")], check=True
    )
    site = Path(sysconfig.get_path("purelib", vars={"base": str(checkout / ".venv")}))
    (site / "parent.pth").write_text("".join(f"{p}\n" for p in sys.path if "-packages" in p))
    python = checkout / ".venv" / "bin" / "python"
    done = subprocess.run(
        unprivileged(str(python), "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"),
        cwd=checkout,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
    # And the folder is private indeed: without the capabilities, no one else gets in.
    assert private.stat().st_mode & 0o777 == 0o700
