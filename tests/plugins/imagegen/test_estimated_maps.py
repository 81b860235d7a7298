"""Depth, normal, segmentation and pose maps: computed by transformers models loaded
through the real loading code (tiny ones built here from configs), a clear message when the
model is missing, and a map the person gives taken instead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from plugins.imagegen import control_maps
from plugins.imagegen.control_maps import (
    ESTIMATED_KINDS,
    ESTIMATORS,
    MapModelUnavailableError,
    class_colours,
    draw_skeleton,
    estimated_map,
    estimator_for,
    normals_from_depth,
)


@pytest.fixture(autouse=True)
def no_kept_models() -> Iterator[None]:
    yield
    control_maps.forget_models()


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.fromarray(data.astronaut())


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny depth (DPT), segmentation (SegFormer) and pose (ViTPose) models, saved as
    folders the way the hub's are."""
    import torch
    import transformers as t

    root = tmp_path_factory.mktemp("estimators")
    torch.manual_seed(0)
    depth = t.DPTConfig(
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=37,
        image_size=32,
        patch_size=8,
        backbone_out_indices=[0, 1, 2, 3],
        neck_hidden_sizes=[8, 16, 32, 32],
        fusion_hidden_size=16,
        head_in_index=-1,
        initializer_range=0.2,  # at the usual 0.02 a tiny DPT's depth is flat to 1e-9
    )
    t.DPTForDepthEstimation(depth).save_pretrained(root / "depth")
    t.DPTImageProcessor(size={"height": 32, "width": 32}, keep_aspect_ratio=False).save_pretrained(
        root / "depth"
    )
    segmentation = t.SegformerConfig(
        num_encoder_blocks=2,
        depths=[1, 1],
        sr_ratios=[4, 2],
        hidden_sizes=[8, 16],
        num_attention_heads=[1, 1],
        patch_sizes=[7, 3],
        strides=[4, 2],
        mlp_ratios=[2, 2],
        decoder_hidden_size=16,
        num_labels=5,
    )
    t.SegformerForSemanticSegmentation(segmentation).save_pretrained(root / "segmentation")
    t.SegformerImageProcessor(size={"height": 32, "width": 32}).save_pretrained(
        root / "segmentation"
    )
    backbone = t.VitPoseBackboneConfig(
        image_size=[64, 48],
        patch_size=[16, 16],
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        out_indices=[2],
    )
    pose = t.VitPoseConfig(backbone_config=backbone, num_labels=17)
    t.VitPoseForPoseEstimation(pose).save_pretrained(root / "pose")
    two_points = t.VitPoseConfig(backbone_config=backbone, num_labels=2)
    t.VitPoseForPoseEstimation(two_points).save_pretrained(root / "two points")
    t.VitPoseImageProcessor(size={"height": 64, "width": 48}).save_pretrained(root / "two points")
    t.VitPoseImageProcessor(size={"height": 64, "width": 48}).save_pretrained(root / "pose")
    return {
        "depth": root / "depth",
        "normal": root / "depth",
        "segmentation": root / "segmentation",
        "pose": root / "pose",
        "two points": root / "two points",
    }


def test_a_pose_model_of_other_points_is_a_clear_message(
    astronaut: Image.Image, models: dict[str, Path]
) -> None:
    with pytest.raises(MapModelUnavailableError, match="17 COCO body keypoints"):
        estimated_map("pose", astronaut, model=str(models["two points"]))


def test_each_kind_says_which_model_makes_it() -> None:
    assert set(ESTIMATORS) == set(ESTIMATED_KINDS)
    assert estimator_for("depth").model == "depth-anything/Depth-Anything-V2-Small-hf"
    assert "ViTPose" in estimator_for("pose").description
    with pytest.raises(ValueError, match="depth, pose, normal, segmentation"):
        estimator_for("canny")


@pytest.mark.parametrize("kind", ESTIMATED_KINDS)
def test_a_missing_model_is_a_clear_message(kind: str, astronaut: Image.Image) -> None:
    """Offline (the tests keep the hub away), the hub model is not on this computer."""
    with pytest.raises(MapModelUnavailableError) as missing:
        estimated_map(kind, astronaut)
    message = str(missing.value)
    assert ESTIMATORS[kind].model in message
    assert f"give a {kind} map of your own" in message


def test_a_folder_without_a_model_is_a_clear_message(
    astronaut: Image.Image, tmp_path: Path
) -> None:
    with pytest.raises(MapModelUnavailableError, match="empty"):
        (tmp_path / "empty").mkdir()
        estimated_map("depth", astronaut, model=str(tmp_path / "empty"))


def test_a_map_the_person_gives_is_used_as_it_is(astronaut: Image.Image) -> None:
    given = Image.fromarray(np.tile(np.arange(256, dtype=np.uint8), (256, 1)), "L")
    made = estimated_map("depth", astronaut, given=given, size=(300, 200))
    assert made.mode == "RGB" and made.size == (304, 200)
    values = np.asarray(made)[:, :, 0].astype(int)
    assert (np.diff(values[100]) >= 0).all() and values[100, 0] < 10 and values[100, -1] > 245


@pytest.mark.parametrize("kind", ESTIMATED_KINDS)
def test_a_downloaded_model_makes_the_map(
    kind: str, astronaut: Image.Image, models: dict[str, Path]
) -> None:
    made = estimated_map(kind, astronaut, model=str(models[kind]), size=(200, 130))
    assert made.mode == "RGB" and made.size == (200, 128)
    pixels = np.asarray(made).reshape(-1, 3)
    if kind == "depth":  # grey, from near (white) to far (black)
        assert (pixels[:, 0] == pixels[:, 1]).all() and (pixels[:, 1] == pixels[:, 2]).all()
        assert pixels.min() == 0 and pixels.max() == 255
    if kind == "normal":  # mostly facing the viewer: blue above the middle everywhere
        assert (pixels[:, 2] >= 127).all()
    if kind == "segmentation":  # one colour per class, from the class palette
        palette = {tuple(c) for c in class_colours(5)}
        assert {tuple(c) for c in np.unique(pixels, axis=0)} <= palette


def test_normals_of_a_dome_face_outwards() -> None:
    y, x = np.mgrid[-1:1:128j, -1:1:128j]
    dome = np.sqrt(np.clip(1 - x**2 - y**2, 0, None)).astype(np.float32)  # near = large
    normal = normals_from_depth(dome).astype(int)
    assert normal[64, 100, 0] > 150 and normal[64, 28, 0] < 105  # right side faces right
    assert normal[28, 64, 1] > 150 and normal[100, 64, 1] < 105  # top faces up
    assert abs(normal[64, 64] - [128, 128, 255]).max() <= 3  # the middle faces the viewer
    flat = normals_from_depth(np.zeros((16, 16), np.float32))
    assert (flat == [127, 127, 255]).all()


def test_the_skeleton_joins_the_keypoints_it_trusts() -> None:
    keypoints = np.zeros((17, 2), np.float32)
    keypoints[5], keypoints[7] = (40, 40), (40, 100)  # left shoulder, left elbow
    keypoints[6] = (80, 40)  # right shoulder
    scores = np.zeros(17, np.float32)
    scores[[5, 6, 7]] = 0.9
    canvas = draw_skeleton((128, 128), [(keypoints, scores)])
    lit = canvas.max(axis=2) > 0
    assert lit[45:95, 37:44].any(axis=1).all()  # the upper arm, shoulder to elbow
    assert lit[38:43, 45:75].any(axis=0).all()  # shoulder to neck to shoulder
    assert not lit[110:, :].any() and not lit[:, 100:].any()  # nothing it did not see
    assert not draw_skeleton((64, 64), [(keypoints, scores * 0.1)]).any()  # all unsure
