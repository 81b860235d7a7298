"""A tiny real Stable Diffusion pipeline, built from configs and saved like a hub model.

Random weights, 64 px pictures from 32×32 latents, a byte-level CLIP tokenizer written
here (no hub): every loading and sampling path of the plugin runs on it in a second.
"""

from __future__ import annotations

import json
from pathlib import Path


def _tokenizer_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    characters = _byte_characters()
    vocab = {c: i for i, c in enumerate(characters)}
    vocab.update({f"{c}</w>": len(characters) + i for i, c in enumerate(characters)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")


def _byte_characters() -> list[str]:
    """The 256 printable characters byte-level BPE (GPT-2, CLIP) writes bytes as."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]  # fmt: skip
    codes, extra = list(printable), 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return [chr(c) for c in codes]


def build_tiny_pipeline(folder: Path, *, seed: int = 0, unet_channels: tuple[int, int] = (32, 64),
                        layers: int = 2) -> Path:  # fmt: skip
    """Save a tiny SD 1.x pipeline (DDIM scheduler) into *folder*; returns *folder*."""
    import torch
    from diffusers import (
        AutoencoderKL,
        DDIMScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=unet_channels, layers_per_block=layers, sample_size=32,
        in_channels=4, out_channels=4, cross_attention_dim=32,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
    )  # fmt: skip
    vae = AutoencoderKL(
        block_out_channels=[32, 64], in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
    )  # fmt: skip
    text_encoder = CLIPTextModel(CLIPTextConfig(
        bos_token_id=0, eos_token_id=2, hidden_size=32, intermediate_size=37,
        layer_norm_eps=1e-05, num_attention_heads=4, num_hidden_layers=5, pad_token_id=1,
        vocab_size=1000,
    ))  # fmt: skip
    _tokenizer_files(folder / "tokenizer-src")
    tokenizer = CLIPTokenizer(
        str(folder / "tokenizer-src" / "vocab.json"),
        str(folder / "tokenizer-src" / "merges.txt"),
        model_max_length=77,
    )
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False,
                              steps_offset=1)  # fmt: skip
    pipe = StableDiffusionPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=scheduler,
        safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    )  # fmt: skip
    pipe.save_pretrained(folder / "model")
    return folder / "model"
