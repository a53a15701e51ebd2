"""Issue 17.2: what families and students read of a competency, and the one way to shorten a text."""

import pytest
from django.utils import translation

from competencies.templatetags.plain_words import shorten
from iep.monitoring import period_name
from tests.factories.competencies import CompetencyFactory

STATEMENT = ("Use whole-number exponents to denote powers of 10. Explain the placement of the decimal point when a "
             "decimal is multiplied or divided by a power of 10.")


@pytest.mark.parametrize("limit", [20, 41, 60, 83, 100])
def test_shorten_never_cuts_a_word(limit):
    short = shorten(STATEMENT, limit)
    assert len(short) <= limit and short.endswith("…")
    kept = short.removesuffix("…").split()
    assert kept and all(word.strip(",.;:") in STATEMENT.split() or word in STATEMENT.split() for word in kept)
    assert STATEMENT.startswith(short.removesuffix("…"))
    assert STATEMENT[len(short.removesuffix("…"))] in " .,;:"  # the cut falls between words


def test_shorten_keeps_a_text_that_fits_whole():
    assert shorten("Read decimals", 40) == "Read decimals"


@pytest.mark.django_db
def test_the_family_statement_wins_in_each_language_and_falls_back_to_the_framework():
    competency = CompetencyFactory(statement=STATEMENT, short_statement="Powers of 10")
    assert competency.plain_statement("en") == "Powers of 10"
    competency.family_statement = "Multiply and divide by 10, 100 and 1,000"
    assert competency.plain_statement("en") == "Multiply and divide by 10, 100 and 1,000"
    assert competency.plain_statement("es") == "Multiply and divide by 10, 100 and 1,000"  # no Spanish yet: English
    competency.family_statement_es = "Multiplicar y dividir entre 10, 100 y 1,000"
    with translation.override("es"):
        assert competency.plain_statement() == "Multiplicar y dividir entre 10, 100 y 1,000"
    assert CompetencyFactory(statement=STATEMENT, short_statement="").plain_statement("en") == STATEMENT


def test_a_period_is_named_as_families_say_it():
    with translation.override("en"):
        assert period_name("2026-Q4") == "October to December 2026"
        assert period_name("2027-Q1") == "January to March 2027"
    with translation.override("es"):
        assert period_name("2026-Q4") == "octubre a diciembre de 2026"


@pytest.mark.django_db
def test_district_curriculum_staff_write_the_family_statements_in_the_admin(client):
    """The admin's competency form has the two family statements; saving them changes what families read."""
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from tests.factories.accounts import UserFactory

    competency = CompetencyFactory(statement=STATEMENT, short_statement="")
    admin = UserFactory(role="district_admin", is_staff=True)
    admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="competencies"))
    client.force_login(admin)
    url = reverse("admin:competencies_competency_change", args=[competency.pk])
    form = client.get(url).content.decode()
    assert 'name="family_statement"' in form and 'name="family_statement_es"' in form
    data = {"framework": competency.framework_id, "parent": "", "identifier": competency.identifier, "uri": "",
            "code": competency.code, "statement": competency.statement, "short_statement": "", "item_type": "",
            "education_level": "", "position": 0, "family_statement": "Multiply and divide by 10, 100 and 1,000",
            "family_statement_es": "Multiplicar y dividir entre 10, 100 y 1,000"}
    assert client.post(url, data).status_code == 302
    competency.refresh_from_db()
    assert competency.plain_statement("es") == "Multiplicar y dividir entre 10, 100 y 1,000"
