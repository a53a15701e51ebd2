"""Photos of work on highlights: a JPEG or PNG, size-limited, checked by what the file holds
(ASVS 4.0.3 V12.1.1, V12.2.1; quality.md T4.6), never by its name or the browser's claim.

What is stored is never the uploaded file: the photo is decoded, turned upright by its EXIF Orientation,
and encoded afresh from its pixels alone (quality.md T4.6). So nothing the camera or an editor wrote
(EXIF with the GPS position of a child's home or school, XMP, ICC profiles, comments, text chunks) and
nothing appended after the image (a script, a zip) reaches a family or the storage.
"""

import io
import struct
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# A phone photo with a second picture in it (Multi-Picture Format) opens as "MPO": the first picture is a JPEG.
_OPENED_AS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}
JPEG_QUALITY = 85
# What Pillow raises for a file that is broken, forged or not an image after all.
_UNREADABLE = (OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError, KeyError, struct.error)


class CleanPhoto(NamedTuple):
    """A photo ready to store: new bytes holding pixels only, and what they are."""

    file: ContentFile
    content_type: str
    extension: str


def _too_large() -> ValidationError:
    return ValidationError(_("The photo is too large. Please choose one smaller than 5 MB."), code="too_large")


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("The photo has too many pixels. Please choose a smaller photo."), code="too_many_pixels")


def _another_kind() -> ValidationError:
    return ValidationError(_("Please choose a photo (JPEG or PNG). This file is another kind."), code="file_type")


def _open(upload) -> Image.Image:
    """Read the header only (no pixels yet). Pillow refuses a huge image inside Image.open
    (DecompressionBombError; the warning too, where warnings are errors): that is "too many pixels",
    not "another kind" (quality.md T4.6)."""
    upload.seek(0)
    try:
        image = Image.open(upload, formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except _UNREADABLE:
        raise _another_kind() from None
    if image.format not in _OPENED_AS:
        image.close()
        raise _another_kind()
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise _too_many_pixels()
    return image


def _upright(image: Image.Image) -> None:
    """Turn the pixels the way the EXIF Orientation says (a phone photo held sideways). Orientation is a
    nicety: an EXIF block that cannot be read leaves the photo as it is, and is dropped with the rest."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except _UNREADABLE:
        pass


def _storable_mode(image: Image.Image, kind: str) -> str:
    """The mode to encode in: JPEG holds grey or RGB (so CMYK and the rest become RGB); PNG keeps its
    modes, and a palette or a transparent colour becomes RGBA or RGB so no palette or tRNS chunk is carried."""
    if kind == "JPEG":
        return "L" if image.mode == "L" else "RGB"
    if image.mode in ("RGBA", "LA", "I;16"):
        return image.mode
    if "transparency" in image.info or image.mode == "PA":
        return "RGBA"
    return image.mode if image.mode in ("1", "L", "RGB") else "RGB"


def clean_photo(upload) -> CleanPhoto:
    """Check an uploaded photo and encode it afresh; ValidationError in words a teacher understands.

    - more than MAX_BYTES: "too large"; more than MAX_PIXELS (read from the header, never decoded): "too many pixels"
    - not a whole JPEG or PNG (by content, not by name): "another kind"
    - else the pixels, turned upright by EXIF Orientation, in a new JPEG (quality 85) or PNG with no metadata
    """
    if upload.size > MAX_BYTES:
        raise _too_large()
    try:
        with _open(upload) as image:
            kind = _OPENED_AS[image.format or ""]
            try:
                image.verify()  # reads the whole file: a truncated or forged image fails here
            except _UNREADABLE:
                raise _another_kind() from None
        with _open(upload) as image:  # verify() leaves the image unusable: open it again to decode
            try:
                image.load()
                _upright(image)
                mode = _storable_mode(image, kind)
                pixels = image if image.mode == mode else image.convert(mode)
                fresh = Image.new(mode, pixels.size)  # pixels only: no info, EXIF, XMP, ICC, comment or palette
                fresh.paste(pixels)
                del pixels
                buffer = io.BytesIO()
                if kind == "JPEG":
                    fresh.save(buffer, format="JPEG", quality=JPEG_QUALITY)
                else:
                    fresh.save(buffer, format="PNG")
            except _UNREADABLE:
                raise _another_kind() from None
    finally:
        upload.seek(0)
    content_type, extension = FORMATS[kind]
    return CleanPhoto(ContentFile(buffer.getvalue(), name=f"photo.{extension}"), content_type, extension)

