"""What families and students read of a competency, and the one way to shorten a text (issue 17.2).

`{{ competency|plain }}` is `Competency.plain_statement` in the active language. `{{ text|shorten:120 }}` cuts at
the last word boundary within the limit and adds an ellipsis; nothing on a family or student page is cut mid-word
(`truncatechars` is not used on statements)."""

from django import template

register = template.Library()

ELLIPSIS = "…"


@register.filter
def plain(competency) -> str:
    return competency.plain_statement() if competency is not None else ""


@register.filter
def shorten(text, limit: int) -> str:
    """`text` whole when it fits in `limit` characters; else up to its last whole word that fits, then "…"."""
    text = " ".join(str(text or "").split())
    limit = int(limit)
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    cut = text[:room]
    if text[room] != " " and " " in cut:  # the limit falls inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS
