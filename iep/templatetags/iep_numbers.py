"""How a result, a baseline or a target is written on every page, chart, PDF and email: as people write it
(11, not 11.00; 10.5; 10,5 in Spanish)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def measure(value) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = next(p for p in (0, 1, 2) if number == round(number, p) or p == 2)
    return number_format(number, decimal_pos=places, use_l10n=True)
