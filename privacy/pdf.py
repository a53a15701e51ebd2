"""The readable copy of a student's record as a PDF. WeasyPrint fetches only bundled static files
(quality.md T4.5, pitfall 17): the fetcher of the profiles packet refuses everything else."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

from profiles.packet import static_only_url_fetcher
from roster.models import Student

from .export import redisclosure_notice
from .models import DisclosureRecord

STYLESHEET = "privacy/record-print.css"


def readable_sections(data: dict) -> list[dict]:
    """Each table as rows of (field, value, statements of disagreement about that field)."""
    sections = []
    for label, table in data["tables"].items():
        rows = []
        for row in table["rows"]:
            contested = row.get("statements_of_disagreement", {})
            rows.append([(column, row.get(column), contested.get(column.removesuffix("_id"), []) + contested.get(column, []))
                         for column in table["columns"]])
        sections.append({"label": label, "title": table["title"], "rows": rows})
    return sections


def record_html(*, request: HttpRequest | None, student: Student, data: dict, disclosure: DisclosureRecord | None) -> str:
    context = {"student": student, "data": data, "sections": readable_sections(data), "disclosure": disclosure,
               "people": data["people"], "notice": redisclosure_notice()}
    return render_to_string("privacy/record_pdf.html", context, request=request)


def render_record_pdf(*, request: HttpRequest | None, student: Student, data: dict, disclosure: DisclosureRecord | None) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only the PDF needs it

    html = record_html(request=request, student=student, data=data, disclosure=disclosure)
    stylesheet = CSS(string=Path(finders.find(STYLESHEET)).read_text(), url_fetcher=static_only_url_fetcher)
    return HTML(string=html, base_url=settings.STATIC_URL, url_fetcher=static_only_url_fetcher).write_pdf(stylesheets=[stylesheet])
