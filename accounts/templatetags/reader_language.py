"""The reader's language in templates (issue 18): the switch, the language of the whole page, and how a figure is
written (`measure`). Dates use Django's `date:"DATE_FORMAT"`, which follows the active language."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, get_language_bidi, get_language_info
from django.utils.translation import gettext_lazy

from accounts import language as account_language

register = template.Library()


@register.inclusion_tag("components/language_switch.html", takes_context=True)
def language_switch(context):
    """Every language in its own name ("English", "Español"), the current one pressed. The view goes back to
    the page the switch was on (its same-origin Referer): the switch carries no address, so a page that must be
    byte-identical for two addresses (a 404 for a hidden and an unknown student) stays identical."""
    return {"languages": account_language.choices(), "current": get_language(), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def page_direction() -> str:
    """`dir` for <html>: "rtl" for a right-to-left language (Arabic, Hebrew...), else "ltr"."""
    return "rtl" if get_language_bidi() else "ltr"


@register.inclusion_tag("components/student_language_form.html", takes_context=True)
def student_language_form(context, student):
    """The small form with which a teacher, case manager or parent sets a student's language; nothing for a
    student without an account or a reader the access door does not allow (roster.set_student_language)."""
    request = context.get("request")
    allowed = (request is not None and student.user_id is not None
               and request.user.has_perm("roster.set_student_language", student))
    return {
        "show": allowed,
        "student": student,
        "languages": account_language.choices(),
        "current": account_language.language_of(student.user) if allowed else "",
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def measure(value) -> str:
    """How a result, a level, a baseline or a target is written on every page, chart, PDF and email: as people
    write it (11, not 11.00; 10.5; 10,5 in Spanish), so a chart, its table and the PDF agree (issue 18). Works
    inside `{% localize off %}` (SVG coordinates) because it asks for the reader's format itself."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = next(p for p in (0, 1, 2) if number == round(number, p) or p == 2)
    return number_format(number, decimal_pos=places, use_l10n=True)


# --- Text written by staff (WCAG 3.1.2, language of parts) -------------------------------------------------

# The note after a passage in another language than the page, in the reader's language: "(en inglés)".
WRITTEN_IN = {"en": gettext_lazy("(in English)"), "es": gettext_lazy("(in Spanish)")}


def _reader() -> str:
    """The page's language without its region ("es" for "es-mx")."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def reader_version(obj, field: str) -> tuple[str, str]:
    """(text, language it is in) of `obj.<field>` for the reader: the Spanish version `<field>_es` (or any
    `<field>_<code>`) when a staff member wrote one, else the original, written in `obj.written_language` when
    the model has it, else the site's language (settings.LANGUAGE_CODE). The one selector of a reader's version."""
    reader = _reader()
    written = getattr(obj, "written_language", "") or settings.LANGUAGE_CODE
    if reader != written:
        version = getattr(obj, f"{field}_{reader}", "")
        if version:
            return version, reader
    return getattr(obj, field, "") or "", written


@register.simple_tag
def staff_text(obj, field: str, breaks: bool = False, note: bool = True):
    """Text a staff member wrote (a goal, an accommodation, a highlight, an answer, a path or step name), shown
    in the reader's version; when it is in another language than the page it is wrapped in its own `lang`
    (a screen reader switches voice) and followed by a visible "(en inglés)". `breaks`: keep line breaks."""
    text, language = reader_version(obj, field)
    if not text:
        return ""
    body = linebreaksbr(text, autoescape=True) if breaks else conditional_escape(text)
    if language == _reader():
        return body
    if not note:
        return format_html('<span lang="{}">{}</span>', language, body)
    return format_html('<span lang="{}">{}</span> <span class="written-in">{}</span>', language, body, _written_in(language))


@register.simple_tag
def staff_paragraphs(obj, field: str):
    """Text a staff member wrote in paragraphs (a learner profile's section), as `staff_text` shows a line: the
    reader's version in a <div>, with its own `lang` and the note after it when it is not the page's language."""
    text, language = reader_version(obj, field)
    if not text:
        return ""
    body = linebreaks_filter(text, autoescape=True)
    if language == _reader():
        return format_html('<div class="text-break-anywhere">{}</div>', body)
    return format_html('<div class="text-break-anywhere" lang="{}">{}</div><p class="written-in small text-body-secondary">{}</p>',
                       language, body, _written_in(language))


def _written_in(language: str) -> str:
    return WRITTEN_IN.get(language) or get_language_info(language)["name_translated"]


@register.filter
def written_words(text):
    """A piece of staff-written text with no model at hand (a change in a record's history): wrapped in the
    site's language (settings.LANGUAGE_CODE) when the page is in another, with no note (the page says what it is)."""
    if not text:
        return text
    reader = _reader()
    if reader == settings.LANGUAGE_CODE:
        return text
    return format_html('<span lang="{}">{}</span>', settings.LANGUAGE_CODE, text)


@register.simple_tag
def reader_text(obj, field: str) -> str:
    """The reader's version of staff-written text as plain text, for emails and digests (rendered in the
    recipient's language): the Spanish version when written, else the original."""
    return reader_version(obj, field)[0]
