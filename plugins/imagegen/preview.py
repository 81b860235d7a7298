"""A glimpse of the picture at every step: the predicted final latents through a linear
latent-to-RGB map (no VAE, no weights to download), a few milliseconds a step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Rows: latent channels; columns: R, G, B (ComfyUI's published factors).
SD15 = ((0.3512, 0.2297, 0.3227), (0.3250, 0.4974, 0.2350),
        (-0.2829, 0.1762, 0.2721), (-0.2120, -0.2616, -0.7177))  # fmt: skip
SDXL = ((0.3651, 0.4232, 0.4341), (-0.2533, -0.0042, 0.1068),
        (0.1076, 0.1111, -0.0362), (-0.3165, -0.2492, -0.2188))  # fmt: skip
SDXL_BIAS = (0.1084, -0.0175, -0.0011)


def latents_to_rgb(latents: Any, xl: bool = False) -> Any:
    """(B, 4, h, w) predicted latents → a (h, w, 3) uint8 array of the first picture."""
    import torch

    sample = latents[0].detach().float().cpu()
    if sample.shape[0] != 4:  # another latent space: its first three channels, stretched
        rgb = sample[:3]
        rgb = (rgb - rgb.min()) / (rgb.max() - rgb.min() + 1e-6) * 2 - 1
    else:
        factors = torch.tensor(SDXL if xl else SD15)
        rgb = torch.einsum("chw,cr->rhw", sample, factors)
        if xl:
            rgb = rgb + torch.tensor(SDXL_BIAS)[:, None, None]
    rgb = ((rgb + 1) / 2).clamp(0, 1)
    return (rgb.permute(1, 2, 0) * 255).round().to(torch.uint8).numpy()


def write_preview(latents: Any, path: Path, scale: int, xl: bool = False) -> Path:
    """The preview of *latents*, *scale* times the latent size, as a quick PNG."""
    from PIL import Image

    image = Image.fromarray(latents_to_rgb(latents, xl))
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.BILINEAR)
    image.save(path, compress_level=1)
    return path


def predicted_x0(scheduler: Any, output: Any, model_output: Any, timestep: Any, sample: Any):
    """The latents the scheduler expects at the end, from one step: its own
    ``pred_original_sample`` when it gives one, else worked out from the noise estimate."""
    x0 = getattr(output, "pred_original_sample", None)
    if x0 is not None:
        return x0
    x0 = getattr(output, "denoised", None)  # LCM
    if x0 is not None:
        return x0
    alphas = getattr(scheduler, "alphas_cumprod", None)
    if alphas is None:
        return sample
    index = int(timestep.item() if hasattr(timestep, "item") else timestep)
    alpha = alphas[min(max(index, 0), len(alphas) - 1)].to(sample.dtype)
    if getattr(scheduler.config, "prediction_type", "epsilon") == "v_prediction":
        return alpha.sqrt() * sample - (1 - alpha).sqrt() * model_output
    return (sample - (1 - alpha).sqrt() * model_output) / alpha.sqrt()
