"""A player under an answer shows the length of any sound it is given, not only a WAV's."""

from __future__ import annotations

from pathlib import Path

from assistant.ui.audio_player import AudioPlayer
from assistant.ui.message_parts import ViewSignals
from tests.plugins.transcribe.media import encode, samples


def test_an_mp3_answer_shows_its_length(qtbot, tmp_path: Path) -> None:
    mp3 = encode(samples(seconds=9), tmp_path / "spoken.mp3")
    player = AudioPlayer(mp3, "spoken.mp3", ViewSignals())
    qtbot.addWidget(player)
    assert player.time.text() == "0:00 / 0:09"
    assert player.slider.maximum() > 8_900
