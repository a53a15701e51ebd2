"""The queue's filter selects print in Python (P2): the same select as Django's, escaped, the choice kept."""

import re

import pytest
from django import forms

from iep.forms import PlainSelect

CHOICES = [("", "Every <one>"), (1, "Ann & Bo"), (2, 'Zoë "Z"')]


def _parts(html: str):
    attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', re.match(r"<select ([^>]*)>", html).group(1)))
    return attrs, re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


@pytest.mark.parametrize("value", [None, 1, "2"])
def test_plain_select_prints_what_djangos_select_prints(value):
    """P2 rewrite kept T6.3 (escaped) and T9.4 (attributes such as aria-describedby kept)."""
    attrs = {"class": "form-select", "aria-describedby": "id_case_manager-error"}
    django_html = forms.Select(attrs=attrs, choices=CHOICES).render("case_manager", value, attrs={"id": "id_case_manager"})
    plain_html = PlainSelect(attrs=attrs, choices=CHOICES).render("case_manager", value, attrs={"id": "id_case_manager"})
    assert _parts(plain_html) == _parts(django_html.replace("\n", "").replace("  ", ""))
    assert "Every &lt;one&gt;" in plain_html and "Ann &amp; Bo" in plain_html and "<one>" not in plain_html
