"""A real piper voice, loaded once for the tests that speak."""

from __future__ import annotations

import pytest

from plugins.tts.engines import PiperEngine, builtin_piper_voice


@pytest.fixture(scope="session")
def piper() -> PiperEngine:
    return PiperEngine(builtin_piper_voice(), threads=1)
