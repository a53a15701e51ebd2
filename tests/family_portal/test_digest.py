"""The weekly digest (quality.md T8.5, T8.7, P5): one email per opted-in family per week, in their language."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from family_portal import services
from family_portal.models import NotificationPreference, WeeklyDigest
from tests.factories.accounts import UserFactory
from tests.factories.family_portal import HighlightFactory, NotificationPreferenceFactory
from tests.factories.profiles import ProfileSectionFactory
from tests.factories.roster import GuardianshipFactory, StudentFactory

pytestmark = pytest.mark.django_db
Frequency = NotificationPreference.Frequency


def _families(school, count: int) -> dict[str, list[User]]:
    """`count` families: every 4th wants each event, every 10th none, the rest weekly (or not chosen yet);
    every 3rd reads Spanish. Each child has a highlight this week and a staff-only profile section."""
    monday = services.week_start(timezone.localdate())
    groups = {"weekly": [], "other": []}
    for n in range(count):
        parent = UserFactory(role=User.Role.GUARDIAN, email=f"family{n}@home.test", preferred_language="es" if n % 3 == 0 else "en")
        child = StudentFactory(school=school)
        GuardianshipFactory(guardian=parent, student=child)
        frequency = Frequency.EACH_EVENT if n % 4 == 0 else Frequency.NONE if n % 10 == 0 else Frequency.WEEKLY
        if n % 7 != 0 or frequency != Frequency.WEEKLY:
            NotificationPreferenceFactory(user=parent, frequency=frequency)
        highlight = HighlightFactory(student=child, text=f"Highlight for child {n}")
        type(highlight).objects.filter(pk=highlight.pk).update(created_at=timezone.make_aware(
            timezone.datetime.combine(monday + timedelta(days=1), timezone.datetime.min.time())))
        ProfileSectionFactory(student=child, kind="executive_functioning", visibility="staff", text=f"STAFF-ONLY-{n}")
        groups["weekly" if frequency == Frequency.WEEKLY else "other"].append(parent)
    return groups


def test_digest_for_200_families_sends_one_email_per_opted_in_parent_then_none(school, mailoutbox):
    """T8.7, issue #7: 200 families; exactly one email per weekly parent, each in their language, no staff-only
    text in any; a second run of the same week sends nothing."""
    groups = _families(school, 200)
    week = services.week_start(timezone.localdate())
    started = time.perf_counter()
    assert services.send_weekly_digests(week=week) == len(groups["weekly"])
    elapsed = time.perf_counter() - started
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in groups["weekly"])
    by_email = {m.to[0]: m for m in mailoutbox}
    for parent in groups["weekly"]:
        mail = by_email[parent.email]
        if parent.preferred_language == "es":
            assert mail.subject.startswith("Su semana en la escuela") and "1 destacado de la escuela:" in mail.body
        else:
            assert mail.subject.startswith("Your week at school") and "1 highlight from school:" in mail.body
    assert not any("STAFF-ONLY" in m.body for m in mailoutbox)
    assert WeeklyDigest.objects.filter(week=week, sent_at__isnull=False).count() == len(groups["weekly"])
    print(f"weekly digest: {len(mailoutbox)} emails in {elapsed:.2f} s ({len(mailoutbox) / elapsed:.0f}/s)")
    assert services.send_weekly_digests(week=week) == 0
    assert len(mailoutbox) == len(groups["weekly"])


def test_digest_lists_only_the_familys_own_children(school, mailoutbox):
    """T1.6: a digest never names another family's child."""
    mine, theirs = StudentFactory(school=school, first_name="Ana"), StudentFactory(school=school, first_name="Zed")
    parent, other = UserFactory(role=User.Role.GUARDIAN), UserFactory(role=User.Role.GUARDIAN)
    GuardianshipFactory(guardian=parent, student=mine)
    GuardianshipFactory(guardian=other, student=theirs, may_access_records=False)
    HighlightFactory(student=theirs, text="SECRET about Zed")
    assert services.send_weekly_digests(week=services.week_start(timezone.localdate())) == 1
    assert mailoutbox[0].to == [parent.email]
    assert "Ana" in mailoutbox[0].body and "Zed" not in mailoutbox[0].body and "SECRET" not in mailoutbox[0].body


def test_a_failed_send_is_released_and_sent_by_the_next_run(school, mailoutbox, settings):
    """T8.6: an email that fails is never lost: the claim is released and the next run sends it."""
    parent = UserFactory(role=User.Role.GUARDIAN)
    GuardianshipFactory(guardian=parent, student=StudentFactory(school=school))
    week = services.week_start(timezone.localdate())
    settings.EMAIL_BACKEND = "tests.family_portal.failing_backend.EmailBackend"
    assert services.send_weekly_digests(week=week) == 0
    assert WeeklyDigest.objects.get(family=parent, week=week).sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_weekly_digests(week=week) == 1
    assert [m.to for m in mailoutbox] == [[parent.email]]


def test_the_digest_names_the_same_now_as_the_overview(client, student, guardian, mailoutbox):
    """Issue 17.2: the digest says what the child works on now with the one rule the family pages use."""
    from competencies.models import Mastery
    from django.urls import reverse

    from tests.factories.competencies import CompetencyFactory, SectionCompetencyFactory, scaled_framework

    competency = CompetencyFactory(framework=scaled_framework(), statement="Add fractions", family_statement="Add fractions with different bottom numbers")
    SectionCompetencyFactory(section=student.enrollments.get().section, competency=competency)
    Mastery.objects.create(student=student, competency=competency, method="latest", computed_at=timezone.now(),
                           evidence_count=1, value=2, is_mastered=False, effective_value=2, effective_mastered=False)
    NotificationPreferenceFactory(user=guardian, frequency=Frequency.WEEKLY)
    assert services.send_weekly_digests(week=services.week_start(timezone.localdate())) == 1
    (mail,) = mailoutbox
    assert "Working on now:\n- Add fractions with different bottom numbers (Grade 5 Math)" in mail.body
    client.force_login(guardian)
    overview = client.get(reverse("family_portal:child", args=[student.uuid])).content.decode()
    assert "data-now-title>Add fractions with different bottom numbers<" in overview
