"""An agent's photo: what was uploaded is read by Pillow and drawn again as a small square PNG,
so what the desk serves is always a plain image of a known size, whatever the upload held
(metadata, a script in a polyglot file, a decompression bomb). Without a photo the desk shows
the agent's initials (`Agent.initials`). A business's logo is read the same way and drawn
again as a PNG of at most LOGO_BOX, its proportions kept."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from rapport.lib.errors import ActionError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 6000 x 6000 picture from a phone fits; a bomb does not
SIZE = 256
FORMATS = frozenset({"PNG", "JPEG", "WEBP", "GIF"})


def redraw(data: bytes) -> bytes:
    """The photo as a SIZE x SIZE PNG (cropped to the middle), or an `ActionError` saying why
    it was refused."""
    image = _read(data, field="photo", noun="photo")
    return _png(ImageOps.fit(image, (SIZE, SIZE)))


LOGO_BOX = (480, 160)  # the most a logo is drawn at: wide, as logos are


def redraw_logo(data: bytes) -> bytes:
    """A business's logo as a PNG that fits LOGO_BOX, its proportions kept (never enlarged)."""
    image = _read(data, field="logo", noun="logo")
    image.thumbnail(LOGO_BOX)
    return _png(image)


def _read(data: bytes, *, field: str, noun: str) -> Image.Image:
    """The upload decoded and upright, in RGBA, or an `ActionError` naming `field`."""
    if len(data) > MAX_BYTES:
        raise ActionError(f"The {noun} is larger than 2 MB; choose a smaller one.", field=field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise ActionError(
                        f"The {noun} must be a PNG, JPEG, WebP or GIF image.", field=field
                    )
                if image.width * image.height > MAX_PIXELS:
                    raise ActionError(f"The {noun} has too many pixels.", field=field)
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                return upright.convert("RGBA")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ActionError(
            "That file is not an image Rapport can read (PNG, JPEG, WebP or GIF).", field=field
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ActionError(f"The image could not be read: {exc}.", field=field) from None


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
