"""Vision plugin: per-photo latency against the same model called directly, and GUI stalls.

``python -m bench.vision`` (from the repository root) measures, in one run:

* ``plugin_ms``: one photo through ``VisionPlugin.run`` with a real context (open and
  normalise the file, classify with the built-in EfficientNet-Lite0, give the photo to
  show, format the summary); the detector, captioner and VQA model are off, since no
  weights for them ship offline.
* ``raw_pipeline_ms``: the same model called directly on the same file, written with the
  raw libraries and no plugin code: decode (Pillow), the model's preprocessing (256-px
  bilinear resize, 224 centre crop, pixels to [-1, 1]), forward, softmax and top 5 —
  the work the answer needs, no more and no less. ``ratio`` = plugin / raw pipeline
  (goal ≤ 1.05): the plugin's own overhead. ``ratio_paired`` is the median of the ratios
  of calls made back to back, which load from other processes skews less.
* ``forward_only_ms``: the forward pass alone on a ready 1×3×224×224 tensor;
  ``ratio_vs_forward_only`` = plugin / forward only.
* ``max_stall_ms``: the longest gap between ticks of a 1 ms ``QTimer`` on a Qt event loop
  (offscreen) while a Python thread runs the plugin on a 4000×3000 JPEG (goal ≤ 16 ms):
  how long the worker keeps the GIL from the GUI thread. ``idle_max_stall_ms`` is the same
  measurement with no worker, the timer's own noise.

Photos are scikit-image's coffee, chelsea, astronaut and rocket; each is timed ``RUNS``
times after a warm-up, the three calls for a photo back to back in a rotating order, and
medians are reported. The last line printed is the JSON result.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.core.cancel import CancelToken
from assistant.core.messages import Attachment, Kind, Request, guess_mime
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from plugins.vision import VisionPlugin
from plugins.vision.settings import VisionSettings

PHOTOS = ("coffee", "chelsea", "astronaut", "rocket")
RUNS = 15
STALL_RUNS = 3
TICK_MS = 1
GOAL_RATIO = 1.05
GOAL_MAX_STALL_MS = 16.0
KINDS = ("plugin_ms", "raw_pipeline_ms", "forward_only_ms")
CLASSIFY_ONLY = VisionSettings(detector_model="", caption_model="", vqa_model="")


def save_photos(folder: Path) -> dict[str, Path]:
    """The scikit-image photos as PNG files, and a 4000×3000 JPEG for the stall test."""
    from PIL import Image
    from skimage import data

    paths = {}
    for name in PHOTOS:
        paths[name] = folder / f"{name}.png"
        Image.fromarray(getattr(data, name)()).save(paths[name])
    big = Image.fromarray(data.astronaut()).resize((4000, 3000), Image.Resampling.BICUBIC)
    paths["big"] = folder / "big.jpg"
    big.save(paths["big"], quality=90)
    return paths


def timed_ms(call: Callable[[], object]) -> float:
    """The wall time of one call of *call*, in milliseconds."""
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def plugin_runner(plugin: VisionPlugin, context: PluginContext, path: Path) -> Callable[[], list]:
    """One analysis of *path* through the plugin, as the app would ask for it."""
    attachment = Attachment(path, Kind.IMAGE, guess_mime(path), path.name)
    request = Request("", (attachment,))
    return lambda: list(plugin.run(request, context))


def raw_pipeline(model, labels: list[str], path: Path) -> list[tuple[str, float]]:
    """The same answer with the libraries alone: decode, resize, crop, model, top 5."""
    import numpy as np
    import torch
    from PIL import Image

    with Image.open(path) as image:
        image.load()  # leaving the block closes the file; the decoded pixels stay
    if image.mode != "RGB":
        image = image.convert("RGB")
    scale = 256 / min(image.size)
    size = (max(224, round(image.width * scale)), max(224, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
    left, top = (image.width - 224) // 2, (image.height - 224) // 2
    crop = np.asarray(image.crop((left, top, left + 224, top + 224)), dtype=np.float32)
    tensor = torch.from_numpy(crop).permute(2, 0, 1).unsqueeze(0) / 127.5 - 1.0
    with torch.inference_mode():
        values, indices = model(tensor)[0].softmax(-1).topk(5)
    return [(labels[i], float(v)) for v, i in zip(values, indices.tolist(), strict=True)]


def photo_calls(classifier, plugin, context, path: Path) -> dict[str, Callable[[], object]]:
    """The three timed calls for one photo, checked to give the same answer, and warmed up."""
    import torch

    from plugins.vision.classify import EfficientNetClassifier
    from plugins.vision.images import open_image

    display = open_image(path).display
    answer = [(c.label, c.score) for c in classifier.classify(display)]
    if raw_pipeline(classifier.model, classifier.labels, path) != answer:
        raise AssertionError(f"the raw pipeline and the plugin disagree on {path.name}")
    tensor = EfficientNetClassifier.preprocess(display)

    def forward_only() -> object:
        with torch.inference_mode():
            return classifier.model(tensor)

    calls = {
        "plugin_ms": plugin_runner(plugin, context, path),
        "raw_pipeline_ms": lambda: raw_pipeline(classifier.model, classifier.labels, path),
        "forward_only_ms": forward_only,
    }
    for call in calls.values():
        call()
    return calls


def latency(paths: dict[str, Path], data_dir: Path) -> dict[str, dict[str, list[float]]]:
    """Per-photo times of the plugin, the raw pipeline and the forward pass, interleaved.

    The three calls for one photo run back to back in every round, in an order that
    rotates from round to round, so that load from other processes and cache effects
    touch them alike; paired ratios are taken per round.
    """
    context = make_context(data_dir)
    plugin = VisionPlugin()
    plugin.load(context)
    plugin_runner(plugin, context, paths["coffee"])()  # loads the model
    classifier = next(iter(plugin._models._handles.values())).get()  # the same model object
    calls = {name: photo_calls(classifier, plugin, context, paths[name]) for name in PHOTOS}
    samples = {name: {kind: [] for kind in KINDS} for name in PHOTOS}
    for round_ in range(RUNS):
        order = KINDS[round_ % 3 :] + KINDS[: round_ % 3]
        for name in PHOTOS:
            for kind in order:
                samples[name][kind].append(timed_ms(calls[name][kind]))
    plugin.unload()
    return samples


def make_context(data_dir: Path) -> PluginContext:
    """A real plugin context, as the app builds one."""
    return PluginContext(
        cancel=CancelToken(),
        settings=CLASSIFY_ONLY,
        models=ModelRegistry(),
        data_dir=data_dir,
    )


def max_stall_ms(work: Callable[[], object] | None) -> float:
    """The longest gap between 1 ms timer ticks on a Qt event loop while *work* runs.

    A QApplication must exist (see :func:`stalls`).
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    ticks: list[float] = []
    loop = QEventLoop()
    worker = threading.Thread(target=work or (lambda: time.sleep(1.0)), name="vision-bench")

    def on_tick() -> None:
        ticks.append(time.perf_counter())
        if not worker.is_alive():
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(on_tick)
    timer.start()
    worker.start()
    loop.exec()
    timer.stop()
    worker.join()
    return max((b - a) * 1000 for a, b in itertools.pairwise(ticks))


def stalls(paths: dict[str, Path], data_dir: Path) -> dict[str, float]:
    """GUI stalls with no worker, and while the plugin analyses the 4000×3000 photo."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    context = make_context(data_dir)
    plugin = VisionPlugin()
    plugin.load(context)
    analyse = plugin_runner(plugin, context, paths["big"])
    analyse()  # warm: the first call loads the model, which the app does in load()
    idle = max_stall_ms(None)
    worst = max(max_stall_ms(analyse) for _ in range(STALL_RUNS))
    big_ms = statistics.median(timed_ms(analyse) for _ in range(STALL_RUNS))
    plugin.unload()
    app.processEvents()
    return {"idle_max_stall_ms": idle, "max_stall_ms": worst, "big_photo_plugin_ms": big_ms}


def summarise(samples: dict[str, dict[str, list[float]]]) -> dict[str, float]:
    """Medians over every photo and round, their ratios, and the median per-round ratio.

    ``ratio`` is median plugin time over median raw-pipeline time. ``ratio_paired`` is the
    median of the ratios of calls made back to back, which a machine busy with other work
    skews less evenly; both are reported so that noise shows.
    """
    every = {kind: [t for photo in samples.values() for t in photo[kind]] for kind in KINDS}
    result = {kind: round(statistics.median(times), 2) for kind, times in every.items()}
    paired = [
        p / r
        for photo in samples.values()
        for p, r in zip(photo["plugin_ms"], photo["raw_pipeline_ms"], strict=True)
    ]
    result["ratio"] = round(result["plugin_ms"] / result["raw_pipeline_ms"], 3)
    result["ratio_paired"] = round(statistics.median(paired), 3)
    result["ratio_vs_forward_only"] = round(result["plugin_ms"] / result["forward_only_ms"], 3)
    return result


def main() -> int:
    """Run both measurements and print the JSON result last."""
    import torch

    with tempfile.TemporaryDirectory(prefix="bench-vision-") as tmp:
        folder = Path(tmp)
        paths = save_photos(folder)
        samples = latency(paths, folder / "data")
        stall = stalls(paths, folder / "data")
    for name, photo in samples.items():
        medians = {kind: round(statistics.median(times), 2) for kind, times in photo.items()}
        print(name, medians, file=sys.stderr)
    result = {
        "bench": "vision",
        "photos": list(PHOTOS),
        "runs": RUNS,
        "torch_threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        **summarise(samples),
        "goal_ratio": GOAL_RATIO,
        **{k: round(v, 2) for k, v in stall.items()},
        "goal_max_stall_ms": GOAL_MAX_STALL_MS,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
