"""Pictures on a tiny real pipeline: reproducible, batched by seed+i, previewed, stoppable,
one base model for every mode, metadata others read."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.core.cancel import Cancelled
from assistant.core.messages import ImageOut, Kind, Notice, Preview, Progress, Request, TextDelta
from plugins.imagegen import ImageGenPlugin
from plugins.imagegen.metadata import parse_a1111, read_png
from plugins.imagegen.settings import ImageGenSettings


@pytest.fixture
def settings(tiny_model: Path) -> ImageGenSettings:
    return ImageGenSettings(model=str(tiny_model), device="cpu", steps=4, guidance=2.0,
                            size="64x64", sampler="DDIM", translate_prompts=False)  # fmt: skip


@pytest.fixture
def plugin(make_context, settings):
    plugin = ImageGenPlugin()
    plugin.load(make_context(settings))
    yield plugin
    plugin.unload()


def _run(plugin, context, text="a lighthouse", **options):
    request = Request(text, options=options, message_id=1, command="imagine")
    return list(plugin.run(request, context))


def _pixels(chunks) -> list[np.ndarray]:
    return [np.asarray(Image.open(c.path)) for c in chunks if isinstance(c, ImageOut)]


def test_the_same_seed_makes_the_same_picture_and_says_its_seed(plugin, make_context, settings):
    context = make_context(settings)
    first = _run(plugin, context, seed=7)
    second = _run(plugin, context, seed=7)
    other = _run(plugin, context, seed=8)
    assert np.array_equal(_pixels(first)[0], _pixels(second)[0])
    assert not np.array_equal(_pixels(first)[0], _pixels(other)[0])
    text = "".join(c.text for c in first if isinstance(c, TextDelta))
    assert "Seed **7**" in text and "4 steps" in text and "64×64" in text


def test_without_a_seed_one_is_chosen_and_shown(plugin, make_context, settings):
    chunks = _run(plugin, make_context(settings))
    image = next(c for c in chunks if isinstance(c, ImageOut))
    seed = int(image.caption.removeprefix("seed "))
    text = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert f"Seed **{seed}**" in text
    assert read_png(image.path)["seed"] == seed


def test_batch_item_i_equals_a_single_picture_with_seed_plus_i(plugin, make_context, settings):
    context = make_context(settings)
    batch = _pixels(_run(plugin, context, seed=40, batch=3))
    assert len(batch) == 3
    assert np.array_equal(batch[2], _pixels(_run(plugin, context, seed=42))[0])


def test_every_step_streams_progress_and_a_preview_before_the_picture(plugin, make_context,
                                                                     settings):  # fmt: skip
    chunks = _run(plugin, make_context(settings), seed=1)
    steps = [c for c in chunks if isinstance(c, Progress) and c.message.startswith("Step")]
    previews = [c for c in chunks if isinstance(c, Preview)]
    assert [round(s.fraction * 4) for s in steps] == [1, 2, 3, 4]
    assert "left" in steps[0].message
    assert previews and chunks.index(previews[-1]) < chunks.index(
        next(c for c in chunks if isinstance(c, ImageOut))
    )
    assert Image.open(previews[-1].path).size == (64, 64) if previews[-1].path.exists() else True


def test_stop_at_a_step_skips_the_rest_and_the_decode_and_keeps_the_pipeline(
    plugin, make_context, settings
):
    context = make_context(settings)
    pipelines = plugin.pipelines(context)
    decodes = []
    vae = pipelines.base.vae
    original = vae.decode
    vae.decode = lambda *a, **k: decodes.append(1) or original(*a, **k)
    steps = 0
    with pytest.raises(Cancelled):
        for chunk in plugin.run(Request("a fox", options={"seed": 3, "steps": 8}), context):
            if isinstance(chunk, Progress) and chunk.message.startswith("Step"):
                steps += 1
                if steps == 2:
                    context.cancel.cancel()
    assert steps <= 3 and decodes == []
    assert not list((context.data_dir / "outputs").glob("*.png"))
    del vae.decode
    again = _run(plugin, make_context(settings), seed=3)  # still usable
    assert len(_pixels(again)) == 1


def test_a_consumer_that_goes_away_stops_the_call_within_a_step(plugin, make_context, settings):
    context = make_context(settings)
    stream = plugin.run(Request("a fox", options={"seed": 3, "steps": 30}), context)
    next(c for c in stream if isinstance(c, Progress) and c.message.startswith("Step"))
    stream.close()  # as the engine does after a stop
    assert not [t for t in threading.enumerate() if t.name == "imagegen-steps"]


def test_img2img_and_inpainting_share_the_one_base_model(plugin, make_context, settings, tmp_path):
    context = make_context(settings)
    pipelines = plugin.pipelines(context)
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(photo)
    mask = tmp_path / "mask.png"
    painted = Image.new("L", (64, 64), 0)
    painted.paste(255, (0, 0, 64, 24))  # the sky
    painted.save(mask)
    attachments = tuple(_attachment(p) for p in (photo, mask))
    unet = pipelines.base.unet
    pointer = next(unet.parameters()).data_ptr()
    img2img = list(plugin.run(Request("a watercolor", attachments[:1], options={"seed": 5}),
                              context))  # fmt: skip
    inpaint = list(plugin.run(Request("stormy", attachments, options={"seed": 5}), context))
    for mode in ("img2img", "inpaint"):
        pipe = pipelines.pipeline(mode)
        assert pipe.unet is unet and pipe.vae is pipelines.base.vae
    assert next(unet.parameters()).data_ptr() == pointer
    assert read_png(next(c.path for c in img2img if isinstance(c, ImageOut)))["mode"] == "img2img"
    assert read_png(next(c.path for c in inpaint if isinstance(c, ImageOut)))["mode"] == "inpaint"
    inpainted = _pixels(inpaint)[0]
    assert (inpainted[32:] == (200, 40, 40)).all(), "what is not painted stays the photo"
    assert not (inpainted[:20] == (200, 40, 40)).all(), "what is painted is made anew"


def test_metadata_is_a1111_text_and_the_apps_own_recipe(plugin, make_context, settings):
    chunks = _run(plugin, make_context(settings), text="a fox, ink", seed=9,
                  negative="blurry", sampler="Euler a")  # fmt: skip
    path = next(c.path for c in chunks if isinstance(c, ImageOut))
    with Image.open(path) as image:
        text = image.info["parameters"]
    parsed = parse_a1111(text)
    assert parsed["prompt"] == "a fox, ink" and parsed["negative"] == "blurry"
    assert (parsed["Seed"], parsed["Steps"], parsed["Sampler"], parsed["Size"]) == (
        "9",
        "4",
        "Euler a",
        "64x64",
    )
    assert len(parsed["Model hash"]) == 10
    recipe = read_png(path)
    assert recipe["tool"] == "assistant" and recipe["sampler"] == "Euler a"
    # Made again from its own recipe: the same picture.
    again = _run(plugin, make_context(settings), text="a fox, ink", negative="blurry",
                 sampler="Euler a", seed=recipe["seed"], steps=recipe["steps"])  # fmt: skip
    assert np.array_equal(_pixels(chunks)[0], _pixels(again)[0])


def test_a_missing_model_is_one_notice_that_says_where_to_set_it(make_context, tmp_path):
    plugin = ImageGenPlugin()
    settings = ImageGenSettings(model=str(tmp_path / "nowhere"), device="cpu")
    chunks = list(plugin.run(Request("a fox"), make_context(settings)))
    notice = next(c for c in chunks if isinstance(c, Notice))
    assert "not on this computer" in notice.text and notice.key
    assert not any(isinstance(c, ImageOut) for c in chunks)


def test_a_corrupt_checkpoint_file_is_said_in_words(make_context, tmp_path, tiny_model):
    broken = tmp_path / "model.safetensors"
    broken.write_bytes(b"not a checkpoint at all")
    settings = ImageGenSettings(model=str(broken), single_file_config=str(tiny_model),
                                device="cpu")  # fmt: skip
    chunks = list(ImageGenPlugin().run(Request("a fox"), make_context(settings)))
    notice = next(c for c in chunks if isinstance(c, Notice))
    assert "model.safetensors" in notice.text and "not a readable" in notice.text


def test_another_one_after_a_picture_draws_its_prompt_again(plugin, make_context, settings):
    context = make_context(settings)
    _run(plugin, context, text="a red barn", seed=11)
    again = list(plugin.run(Request("another one"), context))
    bluer = list(plugin.run(Request("make it bluer"), context))
    another = read_png(next(c.path for c in again if isinstance(c, ImageOut)))
    assert another["prompt"] == "a red barn" and another["seed"] != 11  # a new seed
    changed = read_png(next(c.path for c in bluer if isinstance(c, ImageOut)))
    assert changed["prompt"] == "a red barn, bluer" and changed["seed"] == another["seed"]


def _attachment(path: Path):
    from assistant.core.messages import Attachment

    return Attachment(path, Kind.IMAGE, "image/png", path.name)
