"""Fixtures of image generation: one tiny pipeline per test session, saved like a hub model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugins.imagegen.tiny import build_tiny_pipeline


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A diffusers folder of a tiny SD 1.x pipeline (64 px pictures)."""
    return build_tiny_pipeline(tmp_path_factory.mktemp("tiny-sd"))
