"""Image generation: Stable Diffusion pictures from words, photos, masks and sketches.

Importing this package is instant: diffusers and torch load in ``ImageGenPlugin.load``.
"""

from __future__ import annotations

from plugins.imagegen.plugin import ImageGenPlugin

__all__ = ["ImageGenPlugin"]
