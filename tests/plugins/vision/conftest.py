"""Fixtures of the vision plugin's tests: tiny real models saved to folders, real photos.

The tiny models are built from configs and saved with their processors, then loaded by
the plugin through the same ``from_pretrained`` code that loads hub models. Their random
weights give random outputs, except where a test fixes a head's bias so that the answer
is known (the caption always says "cat", the VQA model always answers "2").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from assistant.core.messages import Attachment, Chunk, Kind, Request, guess_mime
from assistant.core.plugin import PluginContext
from plugins.vision import VisionPlugin
from plugins.vision.settings import VisionSettings

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]"]
PLAIN_WORDS = "a the photo of cat dog person car red blue how many is what colour are there ? 1 2 3"
WORDS = [*SPECIAL_TOKENS, *PLAIN_WORDS.split(), "yes", "no"]
DETECTOR_LABELS = {0: "person", 1: "dog", 2: "traffic light"}
CLASSIFIER_LABELS = {0: "alpha", 1: "beta", 2: "gamma"}
VQA_LABELS = {0: "yes", 1: "no", 2: "2", 3: "red"}


def _tokenizer():
    from transformers import BertTokenizer

    # Like BLIP's own tokenizer, "[DEC]" (the start of a caption) is a special token.
    vocab = {word: i for i, word in enumerate(WORDS)}
    return BertTokenizer(vocab=vocab, do_lower_case=True, bos_token="[DEC]")


def build_classifier(folder: Path) -> Path:
    """A tiny ViT image classifier and its processor."""
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessor

    config = ViTConfig(
        image_size=32,
        patch_size=8,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        id2label=CLASSIFIER_LABELS,
        label2id={v: k for k, v in CLASSIFIER_LABELS.items()},
    )
    ViTForImageClassification(config).save_pretrained(folder)
    ViTImageProcessor(size={"height": 32, "width": 32}).save_pretrained(folder)
    return folder


def build_detector(folder: Path) -> Path:
    """A tiny DETR (ResNet backbone from config, no timm) and its processor."""
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor, ResNetConfig

    backbone = ResNetConfig(
        embedding_size=8,
        hidden_sizes=[8, 16, 16, 32],
        depths=[1, 1, 1, 1],
        layer_type="basic",
        out_features=["stage4"],
    )
    config = DetrConfig(
        use_timm_backbone=False,
        use_pretrained_backbone=False,
        backbone_config=backbone,
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        num_queries=10,
        id2label=DETECTOR_LABELS,
        label2id={v: k for k, v in DETECTOR_LABELS.items()},
    )
    DetrForObjectDetection(config).save_pretrained(folder)
    DetrImageProcessor(size={"shortest_edge": 64, "longest_edge": 128}).save_pretrained(folder)
    return folder


def build_captioner(folder: Path) -> Path:
    """A tiny BLIP captioner whose language head always picks the word "cat"."""
    import torch
    from transformers import (
        BlipConfig,
        BlipForConditionalGeneration,
        BlipImageProcessor,
        BlipProcessor,
    )

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = _tokenizer()
    text = {
        "vocab_size": len(WORDS),
        "hidden_size": 32,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "max_position_embeddings": 64,
        "bos_token_id": WORDS.index("[DEC]"),
        "sep_token_id": WORDS.index("[SEP]"),
        "eos_token_id": WORDS.index("[SEP]"),
        "pad_token_id": 0,
    }
    vision = {
        "hidden_size": 32,
        "image_size": 32,
        "patch_size": 8,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "intermediate_size": 64,
    }
    model = BlipForConditionalGeneration(
        BlipConfig(text_config=text, vision_config=vision, projection_dim=32)
    )
    head = model.text_decoder.cls.predictions.decoder
    with torch.no_grad():
        head.weight.zero_()
        head.bias.zero_()
        head.bias[WORDS.index("cat")] = 10.0
    model.save_pretrained(folder)
    image_processor = BlipImageProcessor(size={"height": 32, "width": 32})
    BlipProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


def build_question_answerer(folder: Path) -> Path:
    """A tiny ViLT VQA model whose answer head always picks "2"."""
    import torch
    from transformers import ViltConfig, ViltForQuestionAnswering, ViltImageProcessor, ViltProcessor

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = _tokenizer()
    config = ViltConfig(
        vocab_size=len(WORDS),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        image_size=32,
        patch_size=8,
        max_position_embeddings=40,
        id2label=VQA_LABELS,
        label2id={v: k for k, v in VQA_LABELS.items()},
    )
    model = ViltForQuestionAnswering(config)
    with torch.no_grad():
        model.classifier[-1].weight.zero_()
        model.classifier[-1].bias.zero_()
        model.classifier[-1].bias[2] = 10.0
    model.save_pretrained(folder)
    image_processor = ViltImageProcessor(size={"shortest_edge": 32}, size_divisor=32)
    ViltProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders holding a tiny classifier, detector, captioner and VQA model."""
    root = tmp_path_factory.mktemp("tiny-vision-models")
    return {
        "classifier": build_classifier(root / "vit"),
        "detector": build_detector(root / "detr"),
        "caption": build_captioner(root / "blip"),
        "vqa": build_question_answerer(root / "vilt"),
    }


@pytest.fixture
def tiny_settings(tiny_models: dict[str, Path]) -> VisionSettings:
    """Settings pointing every model at a tiny folder; threshold 0 so boxes appear."""
    return VisionSettings(
        classifier_model=str(tiny_models["classifier"]),
        detector_model=str(tiny_models["detector"]),
        caption_model=str(tiny_models["caption"]),
        vqa_model=str(tiny_models["vqa"]),
        score_threshold=0.0,
    )


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real photos from scikit-image, saved as PNG files."""
    from PIL import Image
    from skimage import data

    root = tmp_path_factory.mktemp("photos")
    saved = {}
    for name in ("coffee", "chelsea", "astronaut"):
        path = root / f"{name}.png"
        Image.fromarray(getattr(data, name)()).save(path)
        saved[name] = path
    return saved


def attach(path: Path, name: str = "") -> Attachment:
    """An image attachment for *path*, as the app makes one for a dropped file."""
    return Attachment(path, Kind.IMAGE, guess_mime(path), name or path.name)


def run_plugin(
    plugin: VisionPlugin,
    context: PluginContext,
    text: str = "",
    attachments: Iterable[Attachment] = (),
    **request: object,
) -> list[Chunk]:
    """Every chunk of one run."""
    return list(plugin.run(Request(text, tuple(attachments), **request), context))  # type: ignore[arg-type]


@pytest.fixture
def vision(
    make_context: Callable[..., PluginContext],
) -> Callable[..., tuple[VisionPlugin, PluginContext]]:
    """A loaded plugin and its context, for given settings."""

    def build(settings: VisionSettings | None = None) -> tuple[VisionPlugin, PluginContext]:
        context = make_context(settings or VisionSettings())
        plugin = VisionPlugin()
        plugin.load(context)
        return plugin, context

    return build
