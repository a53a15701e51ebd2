"""Single sign-on in a real browser (issue 22): the district's provider button on the sign-in page, the
real provider's own sign-in form (tests/sso/provider, authorization code with PKCE), and back. A teacher gets
in; signing out offers the provider's sign-out; an unknown person gets the no-access page. axe finds nothing
on any page (T9.1); the button is reached and pressed with the keyboard; the page reads in Spanish too."""

import pytest

from accounts.models import User
from roster.models import StaffAssignment
from sso.models import IdentityProvider
from tests.e2e.axe import run_axe
from tests.e2e.conftest import PageProblems
from tests.factories.accounts import UserFactory
from tests.factories.roster import SchoolFactory, StaffAssignmentFactory
from tests.sso.oidc_server import CLIENT_ID, CLIENT_SECRET, PASSWORD, TestIdentityProvider

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_with_sso(live_server, monkeypatch):
    provider = TestIdentityProvider([f"{live_server.url}/sign-in/sso/callback/", f"{live_server.url}/sign-in/"])
    monkeypatch.setenv("WAYPOINT_SSO_E2E_SECRET", CLIENT_SECRET)
    school = SchoolFactory()
    teacher = UserFactory(role=User.Role.TEACHER, email="teacher@district.test", first_name="Tess", last_name="Teacher")
    StaffAssignmentFactory(user=teacher, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
    IdentityProvider.objects.create(district=school.district, kind=IdentityProvider.Kind.OIDC, name="District Google",
                                    issuer=provider.issuer, client_id=CLIENT_ID, client_secret_env="WAYPOINT_SSO_E2E_SECRET")
    yield provider
    provider.stop()


def _no_violations(page) -> None:
    result = run_axe(page)
    assert result.violations == [], "\n".join(map(str, result.violations))


def _sign_in_at_provider(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in at the provider").click()


def test_teacher_and_unknown_person_through_the_provider(browser, live_server, district_with_sso):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)

    page.goto("/sign-in/")
    _no_violations(page)
    button = page.get_by_role("link", name="Sign in with District Google")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{district_with_sso.base}/**")
    _sign_in_at_provider(page, "teacher")
    page.wait_for_url(f"{live_server.url}/**")
    assert page.get_by_text("Tess Teacher", exact=True).first.is_visible()
    assert page.get_by_role("status").or_(page.get_by_role("alert")).or_(page.get_by_text("is now linked")).first.is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="You are signed out of Waypoint").is_visible()
    _no_violations(page)
    page.get_by_role("link", name="Sign out of District Google too").click()
    page.wait_for_url(f"{live_server.url}/sign-in/**")

    # Someone the district has not added: the provider knows them, Waypoint does not.
    page.get_by_role("link", name="Sign in with District Google").click()
    page.wait_for_url(f"{district_with_sso.base}/**")
    _sign_in_at_provider(page, "stranger")
    assert page.get_by_role("heading", name="Your district has not given you access to Waypoint").is_visible()
    _no_violations(page)
    assert [p for p in problems.items if "403" not in p] == []
    context.close()


def test_sign_in_page_in_spanish(browser, live_server, district_with_sso):
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    page.goto("/sign-in/")
    assert page.get_by_role("heading", name="Entrar con su cuenta escolar").is_visible()
    assert page.get_by_role("link", name="Entrar con District Google").is_visible()
    _no_violations(page)
    context.close()
