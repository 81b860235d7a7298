from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.core.cancel import CancelToken
from assistant.core.messages import Attachment, Chunk, Kind, Request, guess_mime
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from plugins.transcribe import TranscribePlugin, TranscribeSettings


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[TranscribePlugin, ModelRegistry]:
    """The plugin with the embedded tiny.en loaded once for the whole run."""
    plugin, models = TranscribePlugin(), ModelRegistry()
    context = PluginContext(
        CancelToken(), TranscribeSettings(), models, tmp_path_factory.mktemp("transcribe")
    )
    plugin.load(context)
    return plugin, models


@pytest.fixture
def run_plugin(
    tiny: tuple[TranscribePlugin, ModelRegistry], tmp_path: Path
) -> Callable[..., list[Chunk]]:
    """Run the loaded plugin on files, as the app would; returns every chunk."""
    plugin, models = tiny

    def run(
        *files: Path, settings: TranscribeSettings | None = None, text: str = ""
    ) -> list[Chunk]:
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        context = PluginContext(CancelToken(), settings or TranscribeSettings(), models, data)
        attachments = tuple(
            Attachment(f, Kind.AUDIO, guess_mime(f), f.name, size=f.stat().st_size) for f in files
        )
        return list(plugin.run(Request(text, attachments), context))

    return run
