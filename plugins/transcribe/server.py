"""Transcription by an OpenAI-compatible server: ``POST {base}/audio/transcriptions``.

OpenAI, speaches, vLLM and LocalAI answer it; with ``response_format=verbose_json`` they
give the language, the duration and timed segments. The audio goes as a 16 kHz WAV (it was
decoded here already), so every container works whatever the server can read.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import uuid
import wave
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant.core.cancel import CancelToken
from assistant.core.speech import SAMPLE_RATE, Segment, TranscriptionInfo
from plugins.transcribe.engines import InfoFn, Options

if TYPE_CHECKING:
    from plugins.transcribe.engines import Samples

TIMEOUT_S = 600


class ServerError(Exception):
    """The server could not be reached or refused the audio; the message says which."""


def wav_bytes(audio: Samples) -> bytes:
    import numpy as np

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
    return buffer.getvalue()


def _multipart(fields: dict[str, str], audio: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="audio.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n".encode()
        + audio
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class TranscriptionServer:
    """An OpenAI-compatible transcription endpoint."""

    def __init__(self, base_url: str, model: str, api_key: str = "") -> None:
        self.url = base_url.rstrip("/") + "/audio/transcriptions"
        self.model, self._key = model, api_key

    def transcribe(
        self, audio: Samples, options: Options, cancel: CancelToken, info: InfoFn
    ) -> Iterator[Segment]:
        fields = {"model": self.model, "response_format": "verbose_json",
                  "timestamp_granularities[]": "segment"}  # fmt: skip
        if options.language:
            fields["language"] = options.language
        if options.initial_prompt:
            fields["prompt"] = options.initial_prompt
        body, content_type = _multipart(fields, wav_bytes(audio))
        reply = self._post(body, content_type)
        cancel.raise_if_cancelled()
        duration = float(reply.get("duration") or len(audio) / SAMPLE_RATE)
        info(TranscriptionInfo(_code(str(reply.get("language") or "")), None, duration))
        segments = reply.get("segments") or []
        if not segments and str(reply.get("text", "")).strip():
            segments = [{"start": 0.0, "end": duration, "text": reply["text"]}]
        for segment in segments:
            text = str(segment.get("text", "")).strip()
            if text:
                yield Segment(float(segment["start"]), float(segment["end"]), text)

    def _post(self, body: bytes, content_type: str) -> dict[str, Any]:
        headers = {"Content-Type": content_type}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise ServerError(
                f"The transcription server refused the audio ({exc.code}): {detail}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerError(
                f"The transcription server at {self.url} did not answer ({reason}). "
                "Is it running? Check the server URL in Settings → Transcribe."
            ) from exc
        except ValueError as exc:
            raise ServerError("The transcription server's answer was not JSON.") from exc
        if not isinstance(data, dict):
            raise ServerError("The transcription server's answer had no transcript in it.")
        return data


# Servers name the language in words ("english"); the transcript shows it by its code.
_CODES = {"english": "en", "chinese": "zh", "german": "de", "french": "fr", "spanish": "es",
          "japanese": "ja", "russian": "ru", "italian": "it", "portuguese": "pt"}  # fmt: skip


def _code(language: str) -> str:
    return _CODES.get(language.lower(), language.lower())
