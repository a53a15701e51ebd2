"""The reader's language in templates (issue 18): the switch, the language of the whole page, and how a figure is
written (`measure`). Dates use Django's `date:"DATE_FORMAT"`, which follows the active language."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, get_language_bidi

from accounts import language as account_language

register = template.Library()


@register.inclusion_tag("components/language_switch.html", takes_context=True)
def language_switch(context):
    """Every language in its own name ("English", "Español"), the current one pressed; back to this page."""
    request = context.get("request")
    return {
        "languages": account_language.choices(),
        "current": get_language(),
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


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
