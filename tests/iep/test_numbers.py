"""A result is written as people write it on every IEP page, chart table and PDF (iep_numbers.measure)."""

from decimal import Decimal

import pytest
from django.utils import translation

from iep.templatetags.iep_numbers import measure


@pytest.mark.parametrize(("value", "en", "es"), [
    (Decimal("11.00"), "11", "11"), (Decimal("10.50"), "10.5", "10,5"), (Decimal("0.25"), "0.25", "0,25"),
    (Decimal("250.00"), "250", "250"), (None, "", ""),
])
def test_a_result_has_no_trailing_zeros_and_the_readers_decimal_mark(value, en, es):
    with translation.override("en"):
        assert measure(value) == en
    with translation.override("es"):
        assert measure(value) == es
