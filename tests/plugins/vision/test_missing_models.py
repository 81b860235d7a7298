"""A missing model: one notice with what to do, a Download that works, a cheap check."""

from __future__ import annotations

from assistant.core.messages import Notice, Progress
from plugins.vision import VisionPlugin
from plugins.vision.missing import missing_notice
from plugins.vision.settings import VisionSettings
from tests.plugins.vision.conftest import attach, run_plugin

ONLY_DETECTOR = {"caption_model": "", "vqa_model": "", "score_threshold": 0.0}


def test_with_the_hub_reachable_the_notice_offers_a_download() -> None:
    notice = missing_notice("detector", "someone/tiny-detr", downloadable=True)
    assert notice.text.startswith("The object detector (someone/tiny-detr, about 160 MB)")
    assert [(a.label, a.link) for a in notice.actions] == [
        ("Download (about 160 MB)", "vision:download/detector"),
        ("Choose a folder…", "app:choose-folder/vision/detector_model"),
        ("Settings", "app:settings/vision/detector_model"),
    ]
    assert notice.key == "vision.missing-model.detector/someone/tiny-detr"


def test_the_download_link_downloads_with_progress_and_the_next_photo_uses_it(
    make_context, hub, tiny_models, photos, monkeypatch
) -> None:
    import huggingface_hub.constants

    settings = VisionSettings(detector_model="someone/tiny-detr", **ONLY_DETECTOR)
    heard: list[object] = []
    context = make_context(settings, report=heard.append)
    plugin = VisionPlugin()
    plugin.load(context)
    assert [m.source for m in plugin.missing_models(settings)] == ["someone/tiny-detr"]
    with monkeypatch.context() as offline:  # first, the hub is out of reach: missing
        offline.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        chunks = run_plugin(plugin, context, "", [attach(photos["coffee"])])
    assert [c.key for c in chunks if isinstance(c, Notice)] == [
        "vision.missing-model.detector/someone/tiny-detr"
    ]
    hub.repos["someone/tiny-detr"] = tiny_models["detector"]

    shown = list(plugin.handle_link("download/detector", context))

    assert isinstance(shown[0], Progress)
    assert shown[-1] == Notice(
        "The object detector (someone/tiny-detr) is downloaded; the next photo uses it.", "info"
    )
    fractions = [p.fraction for p in heard if isinstance(p, Progress)]
    assert fractions[-1] == 1.0
    assert plugin.missing_models(settings) == []
    chunks = run_plugin(plugin, context, "", [attach(photos["coffee"])])
    assert not [c for c in chunks if isinstance(c, Notice)], "the detector loaded"


def test_missing_models_look_at_folders_only(tmp_path) -> None:
    there = tmp_path / "detr"
    there.mkdir()
    settings = VisionSettings(
        detector_model=str(there), caption_model=str(tmp_path / "gone"), vqa_model=""
    )
    missing = VisionPlugin().missing_models(settings)
    assert [(m.name, m.source) for m in missing] == [("caption model", str(tmp_path / "gone"))]
