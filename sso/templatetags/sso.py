from django import template

from ..selectors import sign_in_choices

register = template.Library()


@register.inclusion_tag("sso/sign_in_choices.html", takes_context=True)
def sign_in_providers(context):
    """The district's providers at the top of the sign-in page (accounts/sign_in.html)."""
    return {"choices": sign_in_choices(), "next": context.get("next", "")}
