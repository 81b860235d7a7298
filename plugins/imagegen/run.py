"""One pipeline call, streamed: a preview and progress at every step, Stop within a step.

The call runs on a thread of its own so that the plugin's generator can yield what each
step makes while the next one computes. A stop is seen in the step callback, which
raises: the rest of the steps and the VAE decode are skipped, and the pipeline stays
usable.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.core.cancel import Cancelled, CancelToken
from assistant.core.messages import Preview, Progress
from plugins.imagegen.preview import predicted_x0, write_preview

PREVIEW_INTERVAL_S = 0.1  # at most this often, so fast models do not flood the window
KEEP_PREVIEWS = 3  # files kept while the window may still be reading them


class _StepTap:
    """Wraps a scheduler's ``step`` to keep the predicted final latents of each step."""

    def __init__(self, scheduler: Any) -> None:
        self.scheduler, self.original = scheduler, scheduler.step
        self.x0: Any = None

    def __enter__(self) -> _StepTap:
        # Its signature is the original's (``__wrapped__``): pipelines pass the generator
        # only to a step that names it, and ancestral samplers draw their noise from it.
        @functools.wraps(self.original)
        def step(model_output: Any, timestep: Any, sample: Any, *args: Any, **kwargs: Any):
            return_dict = kwargs.pop("return_dict", True)
            output = self.original(model_output, timestep, sample, *args, return_dict=True,
                                   **kwargs)  # fmt: skip
            self.x0 = predicted_x0(self.scheduler, output, model_output, timestep, sample)
            return output if return_dict else output.to_tuple()

        self.scheduler.step = step
        return self

    def __exit__(self, *exc: object) -> None:
        del self.scheduler.step  # the class's own step again


class StreamedCall:
    """``pipe(**kwargs)`` on its own thread; iterate to get previews and progress; the
    images are in :attr:`images` once the iteration ends."""

    def __init__(self, pipe: Any, kwargs: dict[str, Any], cancel: CancelToken,
                 previews: Path | None, xl: bool = False) -> None:  # fmt: skip
        self.pipe, self.kwargs, self.cancel = pipe, kwargs, cancel
        self.previews, self.xl = previews, xl
        self.images: list[Any] = []
        self.steps_done = 0
        self.decoded = False
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._closed = threading.Event()
        self._written: list[Path] = []

    def _callback(self, pipe: Any, index: int, timestep: Any, values: dict[str, Any]):
        if self.cancel.cancelled or self._closed.is_set():
            raise Cancelled  # before the next step: no more steps, no decode
        self._queue.put(("step", (index, pipe.num_timesteps, self._tap.x0)))
        return values

    def _work(self) -> None:
        try:
            with _StepTap(self.pipe.scheduler) as self._tap:
                result = self.pipe(**self.kwargs, callback_on_step_end=self._callback)
            self._queue.put(("done", result.images))
        except BaseException as exc:  # handed to the generator, which raises it
            self._queue.put(("error", exc))

    def __iter__(self) -> Iterator[Preview | Progress]:
        thread = threading.Thread(target=self._work, name="imagegen-steps", daemon=True)
        started = time.monotonic()
        last_preview = 0.0
        thread.start()
        try:
            while True:
                kind, value = self._queue.get()
                if kind == "error":
                    raise value
                if kind == "done":
                    self.images, self.decoded = list(value), True
                    return
                index, total, x0 = value
                self.steps_done = index + 1
                yield Progress(_step_text(index + 1, total, time.monotonic() - started),
                               (index + 1) / max(total, 1))  # fmt: skip
                now = time.monotonic()
                if (
                    self.previews is not None
                    and x0 is not None
                    and self._queue.empty()
                    and (now - last_preview >= PREVIEW_INTERVAL_S or index + 1 == total)
                ):
                    last_preview = now
                    yield Preview(self._preview(x0, index), caption=f"step {index + 1}/{total}")
        finally:
            self._closed.set()  # a consumer gone early stops the call at its next step
            thread.join()

    def _preview(self, x0: Any, index: int) -> Path:
        assert self.previews is not None
        self.previews.mkdir(parents=True, exist_ok=True)
        path = self.previews / f"step-{index:03d}.png"
        write_preview(x0, path, getattr(self.pipe, "vae_scale_factor", 8), self.xl)
        self._written.append(path)
        while len(self._written) > KEEP_PREVIEWS:
            self._written.pop(0).unlink(missing_ok=True)
        return path


def _step_text(done: int, total: int, elapsed: float) -> str:
    left = elapsed / done * (total - done)
    return f"Step {done} of {total} · about {_duration(left)} left"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(seconds, 0):.0f} s"
    return f"{seconds // 60:.0f} min {seconds % 60:.0f} s"
