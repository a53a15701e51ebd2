"""Highlight photos are stored encoded afresh: no EXIF/GPS, nothing appended, upright; a huge image is
refused as too large, not as "another kind" (quality.md T4.6, found by an outside probe)."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from family_portal import services
from family_portal.models import Highlight
from tests.factories.family_portal import png_bytes

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110
CAMERA = "Probe Camera Model 7"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps_sideways() -> bytes:
    """A 40 x 20 JPEG, left half red and right half blue, whose EXIF says: a camera, a GPS position, and
    Orientation 6 (the phone was held sideways: turn 90 degrees clockwise to show it upright)."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[ORIENTATION] = "Probe", CAMERA, 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"Probe comment")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert('probe')</script>")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A few dozen bytes declaring a width x height PNG (IHDR written by hand, a token IDAT): cheap to make,
    huge if anyone decoded it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_header_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is rewritten to claim width x height."""
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def post_photo(client, teacher, student, content: bytes, name: str = "work.jpg", content_type: str = "image/jpeg"):
    """The teacher's real path: the student's highlights page, a multipart POST with the photo."""
    client.force_login(teacher)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("family_portal:student-highlights", args=[student.uuid]),
                       {"text": "Look at this work!", "photo": upload, "photo_description": "Worksheet"})


def stored(highlight: Highlight) -> bytes:
    with highlight.photo.open("rb") as file:
        return file.read()


def served_to_family(client, family, student, highlight: Highlight) -> bytes:
    client.force_login(family)
    response = client.get(reverse("family_portal:highlight-photo", args=[student.uuid, highlight.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def assert_no_metadata(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.getexif().get_ifd(GPS_IFD) == {}
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
    for marker in (b"Exif\x00\x00", CAMERA.encode(), b"Probe", b"http://ns.adobe.com/xap"):
        assert marker not in data


def test_exif_and_gps_are_gone_and_the_photo_is_turned_upright(client, family, student, teacher):
    """quality.md T4.6: a phone photo's EXIF (camera, GPS position of a child's home or school) and its comment
    are not stored nor served to the family; its EXIF Orientation is applied to the pixels first (40 x 20 held
    sideways is stored 20 x 40, the red left half on top)."""
    original = jpeg_with_gps_sideways()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the upload does carry GPS

    response = post_photo(client, teacher, student, original)

    assert response.status_code == 302
    highlight = Highlight.objects.get()
    assert (highlight.photo_type, highlight.photo.name.endswith(".jpg")) == ("image/jpeg", True)
    data = stored(highlight)
    assert_no_metadata(data)
    assert served_to_family(client, family, student, highlight) == data
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (20, 40))
    top, bottom = image.convert("RGB").getpixel((10, 5)), image.convert("RGB").getpixel((10, 35))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]  # red on top, blue below


@pytest.mark.parametrize(("content", "name", "content_type", "payload"), [
    (png_bytes(), "work.png", "image/png", b"<script>alert('probe')</script>"),
    (jpeg_bytes(), "work.jpg", "image/jpeg", zip_bytes()),
], ids=["png-with-script", "jpeg-with-zip"])
def test_bytes_appended_after_the_image_are_not_stored(client, family, student, teacher, content, name,
                                                        content_type, payload):
    """quality.md T4.6: a script or a zip appended after a valid PNG or JPEG is accepted as the photo it is,
    but what is stored (and served to the family) is the image alone, ending where the image ends."""
    response = post_photo(client, teacher, student, content + payload, name=name, content_type=content_type)

    assert response.status_code == 302
    highlight = Highlight.objects.get()
    data = stored(highlight)
    assert payload not in data and b"<script" not in data and b"PK\x03\x04" not in data
    assert data.endswith(b"IEND\xaeB`\x82" if content_type == "image/png" else b"\xff\xd9")
    assert served_to_family(client, family, student, highlight) == data
    assert Image.open(io.BytesIO(data)).format == ("PNG" if content_type == "image/png" else "JPEG")


@pytest.mark.parametrize(("content", "name", "content_type"), [
    (png_header_only(60_000, 60_000), "huge.png", "image/png"),
    (jpeg_header_claiming(60_000, 60_000), "huge.jpg", "image/jpeg"),
], ids=["png", "jpeg"])
def test_a_60000_by_60000_image_is_refused_as_too_many_pixels(client, student, teacher, content, name, content_type):
    """quality.md T4.6: a 60,000 x 60,000 image (a decompression bomb; Pillow stops it inside Image.open) is
    refused with the "too many pixels" message, not as "another kind" of file; it is never decoded."""
    assert len(content) < 1_000

    response = post_photo(client, teacher, student, content, name=name, content_type=content_type)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The photo has too many pixels. Please choose a smaller photo." in page
    assert "This file is another kind" not in page
    assert Highlight.objects.count() == 0


def test_the_service_stores_a_clean_photo_when_given_the_upload_itself(student, teacher):
    """quality.md T4.6: post_highlight called with a raw upload (not through the form) also stores the photo
    re-encoded: no EXIF/GPS, upright."""
    upload = SimpleUploadedFile("work.jpg", jpeg_with_gps_sideways() + b"<script>alert(1)</script>")

    highlight = services.post_highlight(student=student, author=teacher, text="Look!", photo=upload,
                                        photo_description="Worksheet")

    data = stored(highlight)
    assert_no_metadata(data)
    assert b"<script" not in data
    assert Image.open(io.BytesIO(data)).size == (20, 40)
