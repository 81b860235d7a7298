"""Remote image backends against a loopback server that speaks the A1111 and OpenAI APIs:
every parameter sent, previews from the server, Stop interrupts it, metadata written,
a dead server or a refused key said in words."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.core.cancel import Cancelled
from assistant.core.messages import Attachment, ImageOut, Kind, Notice, Preview, Progress, Request
from assistant.core.secrets import set_secret
from plugins.imagegen import ImageGenPlugin
from plugins.imagegen.metadata import read_png
from plugins.imagegen.settings import ImageGenSettings
from tests.plugins.imagegen.image_server import ImageServer, picture


@pytest.fixture
def server() -> Iterator[ImageServer]:
    with ImageServer() as running:
        yield running


def _settings(server: ImageServer, backend: str = "a1111", **extra) -> ImageGenSettings:
    url = server.url + ("/v1" if backend == "openai" else "")
    return ImageGenSettings(backend=backend, server_url=url, steps=5, guidance=6.0,
                            size="64x64", sampler="DPM++ 2M Karras", translate_prompts=False,
                            **extra)  # fmt: skip


def _run(context, text="a lighthouse", attachments=(), **options):
    request = Request(text, attachments=tuple(attachments), options=options, message_id=3,
                      command="imagine")  # fmt: skip
    return list(ImageGenPlugin().run(request, context))


def _pictures(chunks) -> list[ImageOut]:
    return [c for c in chunks if isinstance(c, ImageOut)]


def _attachment(path: Path, image: Image.Image) -> Attachment:
    image.save(path)
    return Attachment(path, Kind.IMAGE, "image/png", path.name)


def test_a1111_gets_every_parameter_and_its_picture_carries_the_recipe(server, make_context):
    chunks = _run(make_context(_settings(server)), "a fox <lora:ink:0.5>", seed=7, batch=2,
                  negative="blurry")  # fmt: skip
    body = server.bodies("/sdapi/v1/txt2img")[0]
    assert body["prompt"] == "a fox <lora:ink:0.5>" and body["negative_prompt"] == "blurry"
    assert (body["seed"], body["steps"], body["cfg_scale"], body["batch_size"]) == (7, 5, 6.0, 2)
    assert (body["sampler_name"], body["scheduler"]) == ("DPM++ 2M", "Karras")
    pictures = _pictures(chunks)
    assert [p.caption for p in pictures] == ["seed 7", "seed 8"]
    assert np.array_equal(np.asarray(Image.open(pictures[1].path)), np.asarray(picture(8, 64, 64)))
    recipe = read_png(pictures[0].path)
    assert (recipe["seed"], recipe["model"], recipe["model_hash"]) == (7, "tiny-server-model",
                                                                       "0123456789")  # fmt: skip
    assert "Seed **7–8**" in "".join(getattr(c, "text", "") for c in chunks)


def test_a1111_previews_come_from_its_progress_before_the_picture(server, make_context):
    server.script.step_s = 0.3
    chunks = _run(make_context(_settings(server)), seed=3)
    previews = [c for c in chunks if isinstance(c, Preview)]
    steps = [c for c in chunks if isinstance(c, Progress) and c.message.startswith("Step")]
    assert previews and steps
    assert chunks.index(previews[0]) < chunks.index(_pictures(chunks)[0])
    assert previews[-1].caption.startswith("step ")
    assert not previews[-1].path.exists()  # previews are not kept once the picture is


def test_stop_interrupts_the_a1111_server_and_saves_nothing(server, make_context):
    server.script.step_s = 0.2
    context = make_context(_settings(server))
    seen: list[object] = []
    with pytest.raises(Cancelled):
        for chunk in ImageGenPlugin().run(Request("a fox", options={"steps": 50}), context):
            seen.append(chunk)
            if isinstance(chunk, Progress) and chunk.message.startswith("Step"):
                context.cancel.cancel()
    assert server.state.interrupted.wait(5)
    assert "/sdapi/v1/interrupt" in server.paths()
    assert not _pictures(seen)
    assert not list((context.data_dir / "outputs").glob("*.png"))


def test_a1111_img2img_and_inpainting_send_the_photo_and_the_mask(server, make_context, tmp_path):
    photo = _attachment(tmp_path / "photo.png", picture(1, 64, 64))
    mask = _attachment(tmp_path / "mask.png", Image.new("L", (64, 64), 255))
    context = make_context(_settings(server))
    _run(context, "as a watercolor", [photo], strength=0.4)
    _run(context, "a stormy sky", [photo, mask])
    img2img, inpaint = server.bodies("/sdapi/v1/img2img")
    assert img2img["denoising_strength"] == 0.4 and len(img2img["init_images"]) == 1
    assert "mask" not in img2img and inpaint["mask"]


def test_openai_generation_keeps_the_revised_prompt_and_says_the_seed_is_the_servers(
    server, make_context, memory_keyring
):
    settings = _settings(server, "openai", server_model="dall-e-3")
    set_secret("imagegen", "server_api_key", "sk-test", scope=settings.server_url)
    server.script.api_key = "sk-test"
    chunks = _run(make_context(settings), "a lighthouse", batch=1)
    body = server.bodies("/v1/images/generations")[0]
    assert body == {"prompt": "a lighthouse", "n": 1, "size": "64x64", "model": "dall-e-3",
                    "response_format": "b64_json"}  # fmt: skip
    text = "".join(getattr(c, "text", "") for c in chunks)
    assert "a lighthouse, revised" in text and "cannot be made again exactly" in text
    recipe = read_png(_pictures(chunks)[0].path)
    assert recipe["model"] == "dall-e-3" and recipe["seed"] == -1


def test_openai_gpt_image_streams_a_partial_picture_first(server, make_context):
    chunks = _run(make_context(_settings(server, "openai", server_model="gpt-image-1")))
    assert server.bodies("/v1/images/generations")[0]["stream"] is True
    kinds = [type(c).__name__ for c in chunks if isinstance(c, Preview | ImageOut)]
    assert kinds == ["Preview", "ImageOut"]


def test_openai_edits_send_the_photo_and_a_mask_transparent_where_painted(
    server, make_context, tmp_path
):
    photo = _attachment(tmp_path / "photo.png", picture(1, 64, 64))
    painted = Image.new("L", (64, 64), 0)
    painted.paste(255, (0, 0, 32, 64))
    mask = _attachment(tmp_path / "mask.png", painted)
    _run(make_context(_settings(server, "openai", server_model="dall-e-2")), "a storm",
         [photo, mask])  # fmt: skip
    sent = server.bodies("/v1/images/edits")[0]
    assert sent["prompt"] == "a storm" and sent["model"] == "dall-e-2"
    alpha = np.asarray(Image.open(__import__("io").BytesIO(sent["mask"])))[..., 3]
    assert alpha[:, :32].max() == 0 and alpha[:, 32:].min() == 255


def test_a_refused_key_is_said_with_where_to_set_it(server, make_context):
    server.script.api_key = "sk-right"
    chunks = _run(make_context(_settings(server, "openai", server_api_key="sk-wrong")))
    notice = next(c for c in chunks if isinstance(c, Notice))
    assert "refused the API key" in notice.text and "Server API key" in notice.text
    assert notice.actions[0].link == "app:settings/imagegen/server_url"


def test_a_server_error_is_said_with_its_reason(server, make_context):
    server.script.status = 500
    notice = next(c for c in _run(make_context(_settings(server))) if isinstance(c, Notice))
    assert "500" in notice.text and "out of memory" in notice.text


def test_a_dead_server_is_a_clear_message_and_the_plugin_goes_on(make_context):
    with ImageServer() as gone:
        url = gone.url
    settings = ImageGenSettings(backend="a1111", server_url=url, translate_prompts=False)
    notice = next(c for c in _run(make_context(settings)) if isinstance(c, Notice))
    assert f"The image server at {url} does not answer" in notice.text
    assert "Server URL" in notice.text


def test_a_stop_does_not_wait_for_a_server_that_never_answers(server, make_context):
    server.script.step_s = 30  # one step takes half a minute
    context = make_context(_settings(server))
    timer = threading.Timer(0.3, context.cancel.cancel)
    timer.start()
    with pytest.raises(Cancelled):
        _run(context, steps=1)
    timer.join()
    assert "/sdapi/v1/interrupt" in server.paths()


def test_a_dropped_a1111_picture_shows_its_parameters_and_same_seed_redoes_them(
    server, make_context, tmp_path
):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("parameters", "a castle on a hill\nNegative prompt: fog\nSteps: 12, Sampler: "
                  "DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 99, Size: 64x64, "
                  "Model: v1-5")  # fmt: skip
    path = tmp_path / "a1111.png"
    picture(1, 64, 64).save(path, pnginfo=info)
    dropped = Attachment(path, Kind.IMAGE, "image/png", "a1111.png")
    plugin = ImageGenPlugin()
    chunks = list(plugin.run(Request("make this again", attachments=(dropped,)),
                             make_context(_settings(server))))  # fmt: skip
    text = "".join(getattr(c, "text", "") for c in chunks)
    assert "Made with A1111" in text and "a castle on a hill" in text and "Seed: 99" in text
    assert [c.path for c in _pictures(chunks)] == [path]
    assert not server.bodies("/sdapi"), "nothing is generated before the person asks"

    again = plugin.picture_request("same-seed", path)
    assert again is not None and again.text == "/imagine a castle on a hill"
    assert again.options == {"negative": "fog", "steps": 12, "guidance": 6.5, "seed": 99,
                             "size": "64x64", "sampler": "DPM++ 2M Karras", "batch": 1}  # fmt: skip
    chunks = _run(make_context(_settings(server)), "a castle on a hill", **again.options)
    sent = server.bodies("/sdapi/v1/txt2img")[0]
    assert (sent["seed"], sent["steps"], sent["negative_prompt"]) == (99, 12, "fog")


def test_a_picture_that_says_nothing_of_itself_is_not_taken_for_a_recipe(make_context, tmp_path):
    path = tmp_path / "photo.png"
    picture(1, 64, 64).save(path)
    assert ImageGenPlugin().picture_request("same-seed", path) is None
