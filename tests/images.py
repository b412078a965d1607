"""Small real images for tests that upload one (a logo, a photo)."""

from __future__ import annotations

import io

from PIL import Image


def png(width: int = 4, height: int = 4, colour: str = "#0b5d3b") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()
