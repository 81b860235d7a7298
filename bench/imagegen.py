"""Image generation: what the plugin's previews, progress and Stop cost against raw diffusers.

On a pipeline built from a config (random weights, big enough that one raw step takes a
noticeable time), in one run: the plugin with previews on against the raw ``pipe()`` call
(same model, size, steps, seed), in PAIRS alternating runs, the fastest of each; switching
t2i → img2img → ControlNet → t2i; a stop at step 2; and the GUI's longest wait between
ticks of a 1 ms timer (``max_stall_ms``, the method of ``bench.ui_stall``) while the
plugin generates into the real window (offscreen), against a control run: the raw call
on a plain thread with nothing drawn (``excess_ms``, goal <= 4). Prints one JSON object
as its last line.

    python -m bench.imagegen
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS = 6
PAIRS = 5  # raw and plugin runs, alternating: the machine's drift hits both alike
STALL_RUNS = 3  # window runs and control runs, alternating; the median of each
GOAL_EXCESS_MS = 4.0


def main() -> None:
    import torch
    from diffusers import ControlNetModel

    from assistant.core.cancel import Cancelled, CancelToken
    from assistant.core.messages import Progress, Request
    from assistant.core.models import ModelRegistry
    from assistant.core.plugin import PluginContext
    from plugins.imagegen import ImageGenPlugin
    from plugins.imagegen.settings import ImageGenSettings
    from tests.plugins.imagegen.tiny import build_tiny_pipeline

    torch.set_num_threads(1)
    folder = Path(tempfile.mkdtemp(prefix="bench-imagegen-"))
    model = build_tiny_pipeline(folder, unet_channels=(128, 256), layers=2)
    settings = ImageGenSettings(model=str(model), device="cpu", steps=STEPS, guidance=5.0,
                                size="64x64", sampler="DDIM", translate_prompts=False)  # fmt: skip

    def context() -> PluginContext:
        return PluginContext(cancel=CancelToken(), settings=settings, models=ModelRegistry(),
                             data_dir=folder / "data")  # fmt: skip

    plugin = ImageGenPlugin()
    ctx = context()
    pipelines = plugin.pipelines(ctx)
    base = pipelines.base
    loads = [pipelines]

    def raw() -> float:
        generator = [torch.Generator("cpu").manual_seed(1)]
        started = time.perf_counter()
        base(prompt="a lighthouse", num_inference_steps=STEPS, guidance_scale=5.0, width=64,
             height=64, generator=generator, output_type="pil")  # fmt: skip
        return time.perf_counter() - started

    def ours() -> float:
        started = time.perf_counter()
        list(plugin.run(Request("a lighthouse", options={"seed": 1}), context()))
        return time.perf_counter() - started

    raw(), ours()  # warm-up
    raw_times, our_times = [], []
    for _ in range(PAIRS):
        raw_times.append(raw())
        our_times.append(ours())
    raw_step, our_step = min(raw_times) / STEPS, min(our_times) / STEPS

    unet = base.unet
    pipelines._controlnets["canny"] = ControlNetModel.from_unet(unet)
    pipelines._controlnets["scribble"] = ControlNetModel.from_unet(unet)
    switches = []
    for mode, control in [("txt2img", ""), ("img2img", ""), ("txt2img", "canny"),
                          ("txt2img", "scribble"), ("txt2img", "")]:  # fmt: skip
        started = time.perf_counter()
        pipe = pipelines.pipeline(mode, control, pipelines._controlnets.get(control))
        switches.append((time.perf_counter() - started) * 1000)
        assert pipe.unet is unet
    if plugin.pipelines(context()) is not loads[0]:
        loads.append(object())

    decodes: list[int] = []
    original = base.vae.decode
    base.vae.decode = lambda *a, **k: decodes.append(1) or original(*a, **k)
    stop_ctx = context()
    seen = after = 0
    try:
        for chunk in plugin.run(Request("a fox", options={"seed": 2, "steps": 10}), stop_ctx):
            if isinstance(chunk, Progress) and chunk.message.startswith("Step"):
                seen += 1
                if stop_ctx.cancel.cancelled:
                    after += 1
                if seen == 2:
                    stop_ctx.cancel.cancel()
    except Cancelled:
        pass
    del base.vae.decode

    stalls = gui_stalls(settings, folder, raw)

    result = {
        **stalls,
        "raw_step_s": round(raw_step, 4),
        "plugin_step_s": round(our_step, 4),
        "step_overhead": round(our_step / raw_step - 1, 4),
        "mode_switch_ms": round(max(switches), 2),
        "base_reloads": len(loads) - 1,
        "stop_latency_steps": after,
        "decodes_after_stop": len(decodes),
        "raw_step_s_each": [round(t / STEPS, 4) for t in raw_times],
        "plugin_step_s_each": [round(t / STEPS, 4) for t in our_times],
        "steps": STEPS,
        "size": "64x64",
    }
    print(json.dumps(result))


def gui_stalls(settings: Any, folder: Path, raw: Callable[[], float]) -> dict[str, Any]:
    """The GUI's longest tick gap while the plugin generates into the real window, and
    while the raw call runs on a plain thread with nothing drawn (the control)."""
    import os
    import statistics
    import threading

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from assistant.core.bootstrap import open_assistant
    from assistant.core.paths import Paths
    from assistant.core.registry import PluginRegistry
    from assistant.ui.app import keep_window_responsive
    from assistant.ui.main_window import MainWindow
    from bench.ui_stall import TickRecorder, settle
    from plugins.help import HelpPlugin
    from plugins.imagegen import ImageGenPlugin

    keep_window_responsive()  # as the app does
    app = QApplication.instance() or QApplication([])
    root = folder / "window"
    paths = Paths(config=root / "config", data=root / "data", models=root / "models",
                  cache=root / "cache")  # fmt: skip
    assistant = open_assistant(paths, PluginRegistry([ImageGenPlugin(), HelpPlugin()]))
    assistant.settings.update_section("imagegen", settings)
    window = MainWindow(assistant)
    window.resize(1100, 760)
    window.show()

    def in_window() -> list[float]:
        recorder, loop, finished = TickRecorder(), QEventLoop(), []

        def on_finished(reply: int) -> None:
            recorder.stop()
            finished.append(reply)
            loop.quit()

        window.turns.turn_finished.connect(on_finished)
        recorder.start()
        QTimer.singleShot(0, lambda: window.send("/imagine a lighthouse --seed 1", []))
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        window.turns.turn_finished.disconnect(on_finished)
        if not finished:
            raise SystemExit("the picture did not finish in time")
        stored = window.store.message(finished[0])
        if stored is None or stored.status != "done" or not stored.attachments:
            raise SystemExit(f"no picture was made: {stored and (stored.status, stored.error)}")
        return recorder.gaps

    def control() -> list[float]:
        recorder, loop, done = TickRecorder(), QEventLoop(), threading.Event()
        worker = threading.Thread(target=lambda: (raw(), done.set()), name="bench-control")
        poll = QTimer()
        poll.setInterval(5)
        poll.timeout.connect(lambda: done.is_set() and loop.quit())
        recorder.start()
        poll.start()
        worker.start()
        loop.exec()
        recorder.stop()
        poll.stop()
        worker.join()
        return recorder.gaps

    load_before = os.getloadavg()[0]
    try:
        settle(500)
        in_window()  # the model loads in the window's plugin: not measured
        ours, controls = [], []
        for _ in range(STALL_RUNS):
            settle(200)
            ours.append(max(in_window()) * 1000)
            settle(200)
            controls.append(max(control()) * 1000)
    finally:
        window.close()
        window.jobs.shutdown()
        assistant.store.close()
        app.processEvents()
    stall, control_stall = statistics.median(ours), statistics.median(controls)
    return {
        "max_stall_ms": round(stall, 2),
        "control_max_stall_ms": round(control_stall, 2),
        "excess_ms": round(stall - control_stall, 2),
        "stall_goal_met": stall - control_stall <= GOAL_EXCESS_MS,
        "max_stall_ms_each_run": [round(x, 2) for x in ours],
        "control_max_stall_ms_each_run": [round(x, 2) for x in controls],
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


if __name__ == "__main__":
    main()
