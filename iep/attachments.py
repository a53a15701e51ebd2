"""Attachments to IEP input: a PDF or a picture, checked by what the file holds, not by its name
(ASVS 4.0.3 V12.2.1, quality.md T4.6)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) for the first bytes of a file we accept, else None."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def check_attachment(upload) -> tuple[str, str]:
    """Raise a ValidationError a parent understands, or return (content type, extension)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is too large. Please send a file smaller than 5 MB."), code="too_large")
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(_("Please send a PDF or a photo (JPEG or PNG). This file is another kind."), code="file_type")
    return kind
