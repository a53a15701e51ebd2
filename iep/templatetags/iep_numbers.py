"""`measure` under the name the IEP templates load; the one function is accounts' reader_language.measure."""

from django import template

from accounts.templatetags.reader_language import measure

register = template.Library()
register.filter("measure", measure)
