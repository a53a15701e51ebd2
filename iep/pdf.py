"""HTML to PDF with WeasyPrint, never fetching anything (quality.md T4.5, pitfall 17).

Report templates inline their CSS and their SVG charts, so the renderer needs no URL at all: any URL
in the document, for example one a person typed into a note, is refused instead of fetched.
"""

import logging

from weasyprint import HTML
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)


class RefuseEveryURL(URLFetcher):
    def __init__(self):
        super().__init__()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch a URL")
        raise ValueError("Progress reports fetch no URLs")


def render_pdf(html: str) -> tuple[bytes, list[str]]:
    """The PDF bytes and the URLs that were refused."""
    fetcher = RefuseEveryURL()
    pdf = HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf()
    return pdf, fetcher.refused
