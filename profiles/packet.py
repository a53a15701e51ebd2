"""The present-levels (PLAAFP) input packet as a PDF, from the same template body as the print page.

WeasyPrint would fetch any URL or file named in the HTML, and the packet holds text people
typed: the fetcher below serves bundled static files only and refuses everything else
(quality.md T4.5, pitfall 17).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

from roster.models import Student

STYLESHEET = "css/packet-print.css"


class RefusedFetch(ValueError):
    pass


def static_only_url_fetcher(url: str, *args, **kwargs) -> dict:
    """Serve `/static/...` from the static files; refuse every other URL (http, file, data...)."""
    prefix = settings.STATIC_URL
    if not url.startswith(prefix) or ".." in url:
        raise RefusedFetch(f"refused to fetch {url!r}: the packet may only use bundled static files")
    found = finders.find(url[len(prefix):])
    if not found:
        raise RefusedFetch(f"no static file at {url!r}")
    path = Path(found)
    return {"string": path.read_bytes(), "mime_type": _mime(path), "filename": path.name}


def _mime(path: Path) -> str:
    return {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}.get(path.suffix, "application/octet-stream")


def packet_html(*, request: HttpRequest, student: Student, profile) -> str:
    return render_to_string("profiles/packet_pdf.html", {"student": student, "profile": profile}, request=request)


def render_packet_pdf(*, request: HttpRequest, student: Student, profile) -> bytes:
    from weasyprint import CSS, HTML  # imported here: heavy, and only the PDF needs it

    html = packet_html(request=request, student=student, profile=profile)
    stylesheet = CSS(string=Path(finders.find(STYLESHEET)).read_text(), url_fetcher=static_only_url_fetcher)
    return HTML(string=html, base_url=settings.STATIC_URL, url_fetcher=static_only_url_fetcher).write_pdf(
        stylesheets=[stylesheet]
    )
