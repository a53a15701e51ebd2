"""The reader's language in templates (issue 18): the switch, and the language of the whole page."""

from django import template
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
