"""Image generation: what the plugin's previews, progress and Stop cost against raw diffusers.

On a pipeline built from a config (random weights, big enough that one raw step takes a
noticeable time), in one run: the plugin with previews on against the raw ``pipe()`` call
(same model, size, steps, seed); switching t2i → img2img → ControlNet → t2i; a stop at
step 2. Prints one JSON object as its last line.

    python -m bench.imagegen
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

STEPS = 6


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
    for _ in range(3):
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

    result = {
        "raw_step_s": round(raw_step, 4),
        "plugin_step_s": round(our_step, 4),
        "step_overhead": round(our_step / raw_step - 1, 4),
        "mode_switch_ms": round(max(switches), 2),
        "base_reloads": len(loads) - 1,
        "stop_latency_steps": after,
        "decodes_after_stop": len(decodes),
        "steps": STEPS,
        "size": "64x64",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
