"""Photos of work on highlights: a JPEG or PNG, size-limited, checked by what the file holds
(ASVS 4.0.3 V12.1.1, V12.2.1; quality.md T4.6), never by its name or the browser's claim."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


def check_photo(upload) -> tuple[str, str]:
    """(content type, extension) of an acceptable photo; ValidationError in words a teacher understands."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The photo is too large. Please choose one smaller than 5 MB."), code="too_large")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = FORMATS.get(image.format or "")
            too_big = image.width * image.height > MAX_PIXELS
            if kind is not None and not too_big:
                image.verify()  # reads the whole file: a truncated or forged image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind, too_big = None, False
    finally:
        upload.seek(0)
    if too_big:
        raise ValidationError(_("The photo has too many pixels. Please choose a smaller photo."), code="too_many_pixels")
    if kind is None:
        raise ValidationError(_("Please choose a photo (JPEG or PNG). This file is another kind."), code="file_type")
    return kind
