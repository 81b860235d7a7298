"""Vision: boxes, classes and a caption for each photo, and answers to questions about it.

Importing this package is instant: models and image code load in ``VisionPlugin.load``.
"""

from __future__ import annotations

from typing import Any

from plugins.vision.plugin import VisionPlugin

__all__ = ["VisionPlugin", "highlight"]


def __getattr__(name: str) -> Any:
    # ``highlight`` needs Pillow; import it only when the app asks for it.
    if name == "highlight":
        from plugins.vision.drawing import highlight

        return highlight
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
