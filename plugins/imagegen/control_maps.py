"""ControlNet condition maps: what a ControlNet reads beside the prompt.

Six maps come from OpenCV and numpy alone, with no weights to download: ``canny`` edges,
``scribble`` (white strokes on black, drawn or made from a photo), ``lineart`` (XDoG line
drawing), ``shuffle`` (the image's colours and textures moved about by a random flow that
the seed fixes), ``mlsd`` (straight line segments, a stand-in for the learned M-LSD) and
``tile`` (the image blurred by a downscale and upscale). :func:`make_map` makes any of
them at a size the pipelines accept (multiples of 8).

Depth, pose, surface normals and segmentation need a learned model: :data:`ESTIMATORS`
says which transformers model computes each, and :func:`estimated_map` runs it when it is
on this computer, or takes a map the person gives instead (``given=``). OpenCV, numpy's
heavier users and transformers are imported on first use (start-up time is a feature).

The ControlNet checkpoint that reads each kind of map is in :data:`CONTROLNET_MODELS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

MAP_KINDS: tuple[str, ...] = ("canny", "scribble", "lineart", "shuffle", "mlsd", "tile")
ESTIMATED_KINDS: tuple[str, ...] = ("depth", "pose", "normal", "segmentation")

CONTROLNET_MODELS: dict[str, str] = {
    "canny": "lllyasviel/control_v11p_sd15_canny",
    "scribble": "lllyasviel/control_v11p_sd15_scribble",
    "lineart": "lllyasviel/control_v11p_sd15_lineart",
    "shuffle": "lllyasviel/control_v11e_sd15_shuffle",
    "mlsd": "lllyasviel/control_v11p_sd15_mlsd",
    "tile": "lllyasviel/control_v11f1e_sd15_tile",
    "depth": "lllyasviel/control_v11f1p_sd15_depth",
    "pose": "lllyasviel/control_v11p_sd15_openpose",
    "normal": "lllyasviel/control_v11p_sd15_normalbae",
    "segmentation": "lllyasviel/control_v11p_sd15_seg",
}

Array = np.ndarray[Any, Any]


def map_size(image_size: tuple[int, int], size: tuple[int, int] | None = None) -> tuple[int, int]:
    """The (width, height) of a map for an image of *image_size*: *size* when given, the
    image's own otherwise, each side rounded to the nearest multiple of 8 (at least 8), as
    the UNet's downsampling needs."""
    width, height = size or image_size
    if width <= 0 or height <= 0:
        raise ValueError(f"a map needs a positive size, not {width}x{height}")
    return max(8, int(width / 8 + 0.5) * 8), max(8, int(height / 8 + 0.5) * 8)


def _rgb_array(image: Image.Image, size: tuple[int, int]) -> Array:
    """*image* as an RGB uint8 array of *size* (width, height)."""
    rgb = image.convert("RGB")
    if rgb.size != size:
        shrinking = size[0] * size[1] < rgb.size[0] * rgb.size[1]
        resample = Image.Resampling.BOX if shrinking else Image.Resampling.BICUBIC
        rgb = rgb.resize(size, resample)
    return np.asarray(rgb, dtype=np.uint8)


def _gray(rgb: Array) -> Array:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _as_image(values: Array) -> Image.Image:
    """A one-channel (or RGB) uint8 array as an RGB image."""
    if values.ndim == 2:
        values = np.repeat(values[:, :, None], 3, axis=2)
    return Image.fromarray(np.ascontiguousarray(values, dtype=np.uint8), "RGB")


def canny(rgb: Array, *, low: int = 100, high: int = 200, **_: Any) -> Array:
    """White edges on black where the brightness changes between *low* and *high*
    (Canny's hysteresis thresholds, 0–255)."""
    import cv2

    if not 0 <= low <= high:
        raise ValueError(f"canny needs 0 <= low <= high, not low={low}, high={high}")
    return cv2.Canny(_gray(rgb), low, high)


def _looks_drawn(gray: Array) -> bool:
    """Whether *gray* is a drawing (nearly every pixel near black or near white), not a photo."""
    extreme = (gray < 48) | (gray > 207)
    return bool(extreme.mean() > 0.97)


def scribble(
    rgb: Array, *, drawn: bool | None = None, threshold: int = 32, thickness: int = 3, **_: Any
) -> Array:
    """White strokes on black. A drawing (*drawn*, or guessed when None) is binarised and
    turned white-on-black if it was dark on light; a photo's soft edges (a difference of
    Gaussians, σ 0.5 and 5) above *threshold* are kept and thickened to *thickness* px,
    since scribble ControlNets were trained on rough, bold strokes."""
    import cv2

    gray = _gray(rgb)
    if drawn if drawn is not None else _looks_drawn(gray):
        strokes = np.where(gray > 127, 255, 0).astype(np.uint8)
        return 255 - strokes if strokes.mean() > 127 else strokes
    image = rgb.astype(np.float32)
    fine = cv2.GaussianBlur(image, (0, 0), 0.5)
    coarse = cv2.GaussianBlur(image, (0, 0), 5.0)
    edges = np.max(coarse - fine, axis=2)  # dark detail against its surroundings
    strokes = np.where(edges > threshold, 255, 0).astype(np.uint8)
    if thickness > 1:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (thickness, thickness))
        strokes = cv2.dilate(strokes, kernel)
    return strokes


def lineart(
    rgb: Array,
    *,
    sigma: float = 1.0,
    k: float = 1.6,
    threshold: float = 0.01,
    sharpness: float = 60.0,
    **_: Any,
) -> Array:
    """White lines on black, soft-edged: where the brightness at scale *sigma* is darker
    than at *k* × *sigma* by more than *threshold* (a difference of Gaussians, the core of
    XDoG, Winnemöller 2012; *sharpness* is XDoG's φ), so each edge gets one line, on its
    dark side, and flat dark areas stay black."""
    import cv2

    gray = _gray(rgb).astype(np.float32) / 255.0
    fine = cv2.GaussianBlur(gray, (0, 0), sigma)
    coarse = cv2.GaussianBlur(gray, (0, 0), sigma * k)
    darker = coarse - fine
    lines = np.tanh(np.maximum(darker - threshold, 0.0) * sharpness)
    return (lines * 255.0).round().astype(np.uint8)


def shuffle(rgb: Array, *, seed: int = 0, scale: int = 256, **_: Any) -> Array:
    """The image's content moved by a smooth random flow drawn from *seed* (the same seed
    gives the same map); *scale* is the flow's feature size in pixels."""
    import cv2

    height, width = rgb.shape[:2]
    generator = np.random.default_rng(seed)
    grid = max(1, scale)
    coarse_shape = (height // grid + 2, width // grid + 2)

    def field(extent: int) -> Array:
        noise = generator.uniform(0, 1, coarse_shape).astype(np.float32)
        smooth = cv2.resize(
            noise, (width + 2 * grid, height + 2 * grid), interpolation=cv2.INTER_CUBIC
        )
        smooth = smooth[grid : grid + height, grid : grid + width]
        smooth = (smooth - smooth.min()) / max(float(np.ptp(smooth)), 1e-6)
        return smooth * (extent - 1)

    map_x, map_y = field(width), field(height)
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def line_segments(rgb: Array, *, min_length: float = 0.06, thickness: int = 1, **_: Any) -> Array:
    """Straight line segments drawn white on black, as M-LSD maps look: OpenCV's line
    segment detector, keeping segments at least *min_length* × the image's diagonal."""
    import cv2

    gray = _gray(rgb)
    detector = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD)
    found = detector.detect(gray)[0]
    segments = np.zeros_like(gray)
    if found is None:
        return segments
    shortest = min_length * float(np.hypot(*gray.shape))
    for x1, y1, x2, y2 in found.reshape(-1, 4):
        if np.hypot(x2 - x1, y2 - y1) >= shortest:
            start, end = (round(x1), round(y1)), (round(x2), round(y2))
            cv2.line(segments, start, end, 255, thickness, cv2.LINE_AA)
    return segments


def tile(rgb: Array, *, factor: float = 4.0, **_: Any) -> Array:
    """The image with its fine detail gone (down by *factor*, then back up), for the tile
    ControlNet, which puts detail back."""
    import cv2

    if factor < 1:
        raise ValueError(f"tile needs a factor of at least 1, not {factor}")
    height, width = rgb.shape[:2]
    small = (max(1, round(width / factor)), max(1, round(height / factor)))
    shrunk = cv2.resize(rgb, small, interpolation=cv2.INTER_AREA)
    return cv2.resize(shrunk, (width, height), interpolation=cv2.INTER_CUBIC)


_MAKERS: dict[str, Callable[..., Array]] = {
    "canny": canny,
    "scribble": scribble,
    "lineart": lineart,
    "shuffle": shuffle,
    "mlsd": line_segments,
    "tile": tile,
}


def make_map(
    kind: str,
    image: Image.Image,
    *,
    size: tuple[int, int] | None = None,
    seed: int = 0,
    **params: Any,
) -> Image.Image:
    """The *kind* map of *image* as an RGB image of *size* (the image's own when None),
    rounded to multiples of 8; *params* tune the kind (see each function above), *seed*
    fixes the shuffle's flow. An unknown kind is a ValueError that names the valid ones."""
    maker = _MAKERS.get(kind)
    if maker is None:
        valid = ", ".join(MAP_KINDS)
        hint = f" ({kind} needs a model: see estimated_map)" if kind in ESTIMATED_KINDS else ""
        raise ValueError(f"unknown control map “{kind}”{hint}; the maps are: {valid}")
    rgb = _rgb_array(image, map_size(image.size, size))
    try:
        return _as_image(maker(rgb, seed=seed, **params))
    except TypeError as exc:  # a parameter the kind does not take, or of the wrong type
        raise ValueError(f"bad parameter for the {kind} map: {exc}") from exc


@dataclass(frozen=True)
class Estimator:
    """The transformers model that computes one kind of map, and how it is made."""

    kind: str
    model: str  # default hub id; a local folder of the same architecture works too
    description: str


ESTIMATORS: dict[str, Estimator] = {
    "depth": Estimator(
        "depth",
        "depth-anything/Depth-Anything-V2-Small-hf",
        "relative depth from Depth Anything V2 (small, 25M parameters); near is bright",
    ),
    "normal": Estimator(
        "normal",
        "depth-anything/Depth-Anything-V2-Small-hf",
        "surface normals from the gradients of the Depth Anything V2 depth",
    ),
    "segmentation": Estimator(
        "segmentation",
        "openmmlab/upernet-convnext-small",
        "ADE20K classes from UperNet (ConvNeXt small), one colour per class",
    ),
    "pose": Estimator(
        "pose",
        "usyd-community/vitpose-base-simple",
        "COCO body keypoints from ViTPose, drawn as an OpenPose skeleton",
    ),
}


class MapModelUnavailableError(RuntimeError):
    """The model a map needs is not on this computer; the message says which and what to do."""


def estimator_for(kind: str) -> Estimator:
    """Which model computes the *kind* map (depth, pose, normal or segmentation)."""
    try:
        return ESTIMATORS[kind]
    except KeyError:
        valid = ", ".join(ESTIMATED_KINDS)
        raise ValueError(f"no model computes a “{kind}” map; these do: {valid}") from None


def estimated_map(
    kind: str,
    image: Image.Image,
    *,
    given: Image.Image | None = None,
    model: str | None = None,
    size: tuple[int, int] | None = None,
) -> Image.Image:
    """The *kind* map (depth, pose, normal or segmentation) of *image*, RGB, at
    :func:`map_size`: the map the person *given* (resized to fit) when there is one,
    otherwise computed by *model* (a hub id or folder; :data:`ESTIMATORS` by default).

    Raises :class:`MapModelUnavailableError` when the model is not on this computer and
    cannot be downloaded, ValueError for a kind no model computes.
    """
    estimator = estimator_for(kind)
    target = map_size(image.size, size)
    if given is not None:
        return _as_image(_rgb_array(given, target))
    source = model or estimator.model
    compute = {"depth": _depth, "normal": _normal, "segmentation": _segmentation, "pose": _pose}
    return _as_image(compute[kind](_rgb_array(image, target), source))


def unavailable_message(kind: str, source: str) -> str:
    """What to tell the person when the model for a *kind* map cannot be loaded."""
    return (
        f"The {kind} map needs the model “{source}”, which is not on this computer. It "
        "downloads by itself on first use when the internet is reachable; offline, give a "
        f"{kind} map of your own instead, or a folder that holds the model."
    )


def _loaded(kind: str, source: str, auto_model: str) -> tuple[Any, Any]:
    """The image processor and *auto_model* (a transformers Auto class) from *source*,
    kept for the next map; a missing model (``OSError``) or a folder of another kind
    (``ValueError``, ``KeyError``) becomes :class:`MapModelUnavailableError`."""
    key = (auto_model, source)
    if key not in _models:
        import transformers

        try:
            processor = transformers.AutoImageProcessor.from_pretrained(source)
            network = getattr(transformers, auto_model).from_pretrained(source)
        except (OSError, ValueError, KeyError) as exc:
            raise MapModelUnavailableError(unavailable_message(kind, source)) from exc
        _models.clear()  # one estimator at a time: each is large next to a diffusion model
        _models[key] = (processor, network.eval())
    return _models[key]


_models: dict[tuple[str, str], tuple[Any, Any]] = {}


def forget_models() -> None:
    """Let the loaded estimator go (to free its memory)."""
    _models.clear()


def _relative_depth(rgb: Array, source: str, kind: str = "depth") -> Array:
    """Depth of *rgb* as float32 in [0, 1], near = 1, at the image's size."""
    import torch

    processor, network = _loaded(kind, source, "AutoModelForDepthEstimation")
    with torch.inference_mode():
        predicted = network(**processor(images=rgb, return_tensors="pt")).predicted_depth
    resized = torch.nn.functional.interpolate(
        predicted[:, None].float(), size=rgb.shape[:2], mode="bicubic", align_corners=False
    )[0, 0].numpy()
    low, span = float(resized.min()), float(np.ptp(resized))
    if not span > 0:  # flat (or not finite): no depth to tell
        return np.zeros(resized.shape, dtype=np.float32)
    return ((resized - low) / span).astype(np.float32)


def _depth(rgb: Array, source: str) -> Array:
    return (_relative_depth(rgb, source) * 255.0).round().astype(np.uint8)


def normals_from_depth(depth: Array, *, relief: float = 0.3) -> Array:
    """A normal map (uint8 RGB) of *depth* (float, near = large): red grows as the surface
    faces right, green as it faces up, blue as it faces the viewer. Depth models give
    relative depth, so the depth's whole range is taken as *relief* × the image's larger
    side (0.3: about a head's depth for a portrait)."""
    import cv2

    depth = depth.astype(np.float32)
    span = float(np.ptp(depth))
    # Sobel's 3 × 3 kernel answers 8 per unit of slope per pixel
    scale = relief * max(depth.shape) / (8.0 * span) if span > 0 else 0.0
    right = -cv2.Sobel(depth, cv2.CV_32F, 1, 0, ksize=3) * scale  # nearer to the left
    up = cv2.Sobel(depth, cv2.CV_32F, 0, 1, ksize=3) * scale  # nearer below (rows go down)
    normal = np.stack([right, up, np.ones_like(depth)], axis=2)
    normal /= np.linalg.norm(normal, axis=2, keepdims=True)
    return ((normal + 1.0) * 127.5).clip(0, 255).astype(np.uint8)


def _normal(rgb: Array, source: str) -> Array:
    return normals_from_depth(_relative_depth(rgb, source, kind="normal"))


def class_colours(count: int) -> Array:
    """*count* distinct RGB colours, the same on every run (class i gets row i): hues a
    golden-ratio step apart, in three brightnesses. Not ADE20K's own palette, which the
    seg ControlNet was trained on (it is not shipped by any package here), so that
    ControlNet follows these regions less closely than a map made by ADE20K's tools."""
    import colorsys

    rows = [
        colorsys.hsv_to_rgb((i * 0.618034) % 1.0, 0.9, (1.0, 0.7, 0.45)[i % 3])
        for i in range(count)
    ]
    return (np.array(rows) * 255.0).round().astype(np.uint8)


def _segmentation(rgb: Array, source: str) -> Array:
    import torch

    processor, network = _loaded("segmentation", source, "AutoModelForSemanticSegmentation")
    with torch.inference_mode():
        outputs = network(**processor(images=rgb, return_tensors="pt"))
    classes = processor.post_process_semantic_segmentation(outputs, target_sizes=[rgb.shape[:2]])
    labels = classes[0].numpy().astype(np.int64)
    return class_colours(max(int(network.config.num_labels), int(labels.max()) + 1))[labels]


COCO_KEYPOINTS = 17
# OpenPose's 18 body points from COCO's 17 (index 1, the neck, is between the shoulders),
# and the 17 limbs OpenPose draws between them, each in its own hue.
_OPENPOSE_FROM_COCO = (0, -1, 6, 8, 10, 5, 7, 9, 12, 14, 16, 11, 13, 15, 2, 1, 4, 3)
_LIMBS = (
    (1, 2),
    (1, 5),
    (2, 3),
    (3, 4),
    (5, 6),
    (6, 7),
    (1, 8),
    (8, 9),
    (9, 10),
    (1, 11),
    (11, 12),
    (12, 13),
    (1, 0),
    (0, 14),
    (14, 16),
    (0, 15),
    (15, 17),
)


def _hue(index: int, count: int) -> tuple[int, int, int]:
    import colorsys

    red, green, blue = colorsys.hsv_to_rgb(index / count, 1.0, 1.0)
    return round(red * 255), round(green * 255), round(blue * 255)


def draw_skeleton(
    shape: tuple[int, int], people: list[tuple[Array, Array]], *, min_score: float = 0.3
) -> Array:
    """An OpenPose-style skeleton map (uint8 RGB of *shape*, height × width) of *people*,
    each a pair of COCO keypoints (17 × 2, x and y in pixels) and their scores."""
    import cv2

    canvas = np.zeros((*shape, 3), dtype=np.uint8)
    width = max(2, round(max(shape) / 128))
    for keypoints, scores in people:
        neck = (keypoints[5] + keypoints[6]) / 2
        neck_score = min(scores[5], scores[6])
        points = [neck if i < 0 else keypoints[i] for i in _OPENPOSE_FROM_COCO]
        seen = [neck_score if i < 0 else scores[i] for i in _OPENPOSE_FROM_COCO]
        for number, (a, b) in enumerate(_LIMBS):
            if min(seen[a], seen[b]) >= min_score:
                start, end = tuple(map(round, points[a])), tuple(map(round, points[b]))
                colour = tuple(c * 6 // 10 for c in _hue(number, len(_LIMBS)))
                cv2.line(canvas, start, end, colour, width * 2, cv2.LINE_AA)
        for number, point in enumerate(points):
            if seen[number] >= min_score:
                centre = tuple(map(round, point))
                cv2.circle(canvas, centre, width * 2, _hue(number, len(points)), -1, cv2.LINE_AA)
    return canvas


def _pose(rgb: Array, source: str) -> Array:
    """Keypoints of one person filling the image (ViTPose is a top-down model: it needs
    each person's box, and the whole picture is the box here)."""
    import torch

    processor, network = _loaded("pose", source, "AutoModelForPoseEstimation")
    if network.config.num_labels != COCO_KEYPOINTS:
        raise MapModelUnavailableError(
            f"The pose map needs a model of the 17 COCO body keypoints; “{source}” finds "
            f"{network.config.num_labels} points."
        )
    height, width = rgb.shape[:2]
    boxes = [np.array([[0, 0, width, height]], dtype=np.float32)]
    with torch.inference_mode():
        outputs = network(**processor(images=rgb, boxes=boxes, return_tensors="pt"))
    found = processor.post_process_pose_estimation(outputs, boxes=boxes)[0]
    people = [(p["keypoints"].numpy(), p["scores"].numpy()) for p in found]
    return draw_skeleton((height, width), people)
