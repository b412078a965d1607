"""An agent's photo: what was uploaded is read by Pillow and drawn again as a small square PNG,
so what the desk serves is always a plain image of a known size, whatever the upload held
(metadata, a script in a polyglot file, a decompression bomb). Without a photo the desk shows
the agent's initials (`Agent.initials`)."""

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
    if len(data) > MAX_BYTES:
        raise ActionError("The photo is larger than 2 MB; choose a smaller one.", field="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise ActionError(
                        "The photo must be a PNG, JPEG, WebP or GIF image.", field="photo"
                    )
                if image.width * image.height > MAX_PIXELS:
                    raise ActionError("The photo has too many pixels.", field="photo")
                image.load()
                upright = ImageOps.exif_transpose(image) or image
                square = ImageOps.fit(upright.convert("RGBA"), (SIZE, SIZE))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ActionError(
            "That file is not an image Rapport can read (PNG, JPEG, WebP or GIF).", field="photo"
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ActionError(f"The image could not be read: {exc}.", field="photo") from None
    out = io.BytesIO()
    square.save(out, format="PNG", optimize=True)
    return out.getvalue()
