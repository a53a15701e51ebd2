"""The goal status (iep.status) in a reader's words: `{{ progress.status|status_label:audience }}`,
`{{ progress.status|status_reason:audience }}`, where audience is "staff", "family" or "student"
(iep.selectors.status_audience). No default: a page that forgets whose words it uses fails loudly."""

from django import template

register = template.Library()


@register.filter
def status_label(status, audience: str) -> str:
    return status.label(audience)


@register.filter
def status_reason(status, audience: str) -> str:
    return status.reason(audience)
