"""The sign-in journey, through the real form, for every demo account."""

import pytest

from accounts.models import User
from tests.e2e.conftest import DEMO_EMAILS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("email", DEMO_EMAILS)
def test_sign_in_lands_on_home_with_heading_and_name(signed_in_page, email):
    session = signed_in_page(email)
    page = session.page
    user = User.objects.get(email=email)

    headings = page.get_by_role("heading", level=1)
    assert headings.count() == 1
    assert headings.first.is_visible()
    assert headings.first.inner_text().strip() != ""
    # A student sees her first name, as she goes by it (issue 17.1); everyone else their full name.
    name = user.first_name if user.role == User.Role.STUDENT else user.get_full_name()
    assert page.get_by_text(name, exact=True).first.is_visible()
    assert session.problems.items == []
