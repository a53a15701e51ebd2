"""The family's pages: who sees what (T1.2), what the pages show, and their query counts (P1, T10)."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from competencies.services import recompute_mastery
from family_portal.models import Highlight, HighlightReply, NotificationPreference
from family_portal.selectors import ABOUT_KINDS
from iep.models import IEPInput, ProgressReport
from paths.services import assign_template
from privacy.models import AmendmentRequest, RecordStatement
from privacy.registry import item_key
from profiles.models import ProfileSection, Visibility
from roster.models import Student
from tests.factories.competencies import EvidenceFactory, SectionCompetencyFactory, scaled_framework
from tests.factories.family_portal import HighlightFactory, HighlightReplyFactory, png_bytes
from tests.factories.iep import GoalFactory, IEPInputFactory, IEPPlanFactory, ProgressPointFactory
from tests.factories.paths import PathTemplateFactory, TemplateStepFactory
from tests.factories.profiles import AccommodationFactory, ProfileGoalFactory, ProfileSectionFactory
from tests.factories.roster import GuardianshipFactory, StudentFactory

pytestmark = pytest.mark.django_db

CHILD_ROUTES = ["child", "child-learning", "child-goals", "child-about", "input-list", "input-new", "access-record"]


def test_parent_sees_only_their_two_children(client, demo):
    """T1.2: parent@demo.test's home lists Maya and Leo, nobody else's child."""
    client.force_login(demo["parent@demo.test"])
    response = client.get(reverse("family_portal:home"))
    assert [kid.sourced_id for kid in response.context["children"]] == ["demo-student-01", "demo-student-00"]
    assert "Chen" not in response.content.decode()


def test_every_portal_url_for_parent2s_child_is_404_for_parent(client, demo):
    """T1.2, T1.4: every family-portal URL about parent2's child answers 404 to parent@, and each is logged denied."""
    other = Student.objects.get(sourced_id="demo-student-02")
    highlight = Highlight.objects.filter(student=other).first()
    client.force_login(demo["parent@demo.test"])
    urls = [reverse(f"family_portal:{name}", args=[other.uuid]) for name in CHILD_ROUTES] + [
        reverse("family_portal:highlight-photo", args=[other.uuid, highlight.pk]),
        reverse("family_portal:report-pdf", args=[other.uuid, 1]),
        reverse("family_portal:input-sent", args=[other.uuid, 1]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("family_portal:highlight-reply", args=[other.uuid, highlight.pk]), {f"h{highlight.pk}-text": "hi"})
    assert response.status_code == 404
    assert HighlightReply.objects.filter(highlight=highlight).count() == 0
    assert AccessEvent.objects.filter(student=other, user=demo["parent@demo.test"], outcome="denied").count() == len(urls) + 1


def test_staff_who_see_the_child_get_403_on_family_pages(client, family, student, teacher):
    client.force_login(teacher)
    assert client.get(reverse("family_portal:child", args=[student.uuid])).status_code == 403


def test_first_visit_asks_how_to_hear_from_school_then_home(client, guardian, student):
    """Issue #7 step 1: no preference yet -> the welcome step; saving it stores the choice and the language."""
    client.force_login(guardian)
    assert client.get(reverse("family_portal:home")).headers["Location"] == reverse("family_portal:welcome")
    response = client.post(reverse("family_portal:welcome"), {"frequency": "each", "language": "es"})
    assert response.headers["Location"] == reverse("family_portal:home")
    guardian.refresh_from_db()
    assert guardian.preferred_language == "es"
    assert NotificationPreference.objects.get(user=guardian).frequency == "each"
    assert client.get(reverse("family_portal:home")).status_code == 200


def test_language_switch_is_saved_and_used_on_the_next_page(client, family, student):
    client.force_login(family)
    child_url = reverse("family_portal:child", args=[student.uuid])
    response = client.post(reverse("accounts:language"), {"language": "es", "next": child_url})
    assert response.headers["Location"] == child_url
    page = client.get(child_url)
    assert page.headers["Content-Language"] == "es"
    assert '<html lang="es" dir="ltr">' in page.content.decode()
    family.refresh_from_db()
    assert family.preferred_language == "es"


def test_language_switch_never_redirects_off_site(client, family):
    """T4.4: an outside `next` goes to the family home."""
    client.force_login(family)
    response = client.post(reverse("accounts:language"), {"language": "en", "next": "https://evil.test/"})
    assert response.headers["Location"] == reverse("accounts:home")


def test_staff_only_profile_sections_never_appear_in_the_portal(client, family, student):
    """Issue #7: a staff-only section's text is in no portal page; a family-shared one is."""
    ProfileSectionFactory(student=student, kind=ProfileSection.Kind.EXECUTIVE_FUNCTIONING, visibility=Visibility.STAFF,
                          text="STAFF-ONLY-MARKER planner checks")
    ProfileSectionFactory(student=student, kind=ProfileSection.Kind.NEEDS, visibility=Visibility.STAFF, text="SECOND-STAFF-MARKER")
    ProfileSectionFactory(student=student, kind=ProfileSection.Kind.ABOUT_ME, visibility=Visibility.STUDENT,
                          text="I learn best with pictures")
    client.force_login(family)
    bodies = [client.get(reverse(f"family_portal:{name}", args=[student.uuid])).content.decode() for name in CHILD_ROUTES]
    bodies.append(client.get(reverse("family_portal:home")).content.decode())
    assert not any("STAFF-ONLY-MARKER" in b or "SECOND-STAFF-MARKER" in b for b in bodies)
    assert "I learn best with pictures" in bodies[CHILD_ROUTES.index("child-about")]


def _rich_child(student, teacher, guardian, size: int) -> None:
    """`size` of every kind of record on the child's pages: mastered competencies (with evidence), highlights with
    replies, IEP goals with points, profile goals, shared profile sections, accommodations, steps of a learning path,
    progress reports, messages to the IEP team (half answered), statements of disagreement."""
    framework = scaled_framework()
    section = student.enrollments.first().section
    today = timezone.localdate()
    kinds = list(ABOUT_KINDS)
    template = PathTemplateFactory(framework=framework, school=student.school, created_by=teacher)
    for n in range(size):
        link = SectionCompetencyFactory(section=section, competency__framework=framework, position=n)
        for day in range(3):
            EvidenceFactory(student=student, competency=link.competency, score=Decimal(3 + day % 2),
                            observed_on=today - timedelta(days=10 - day))
        highlight = HighlightFactory(student=student, author=teacher)
        HighlightReplyFactory(highlight=highlight, author=guardian)
        plan = IEPPlanFactory(student=student) if n == 0 else student.iep_plans.get()
        goal = GoalFactory(plan=plan)
        points = ProgressPointFactory.create_batch(2, goal=goal)
        profile_goal = ProfileGoalFactory(student=student)
        if n < len(kinds):
            ProfileSectionFactory(student=student, kind=kinds[n], visibility=Visibility.FAMILY, text=f"Shared section {n}")
        AccommodationFactory(student=student)
        TemplateStepFactory(template=template, position=n)
        ProgressReport.objects.create(student=student, plan=plan, period=f"{2000 + n}-Q1", pdf=f"iep/reports/{n}.pdf")
        IEPInputFactory(student=student, submitted_by=guardian, sender=IEPInput.Sender.FAMILY,
                        **({"answer": "Yes", "answered_at": timezone.now()} if n % 2 else {}))
        for obj, field in [(goal, "statement"), (points[0], "value"), (profile_goal, "description")]:
            request = AmendmentRequest.objects.create(student=student, requested_by=guardian, item_key=item_key(type(obj), obj.pk, field),
                                                      item_label=field, reason="Wrong", status=AmendmentRequest.Status.REFUSED)
            RecordStatement.objects.create(request=request, text=f"STATEMENT {field} {n}")
    recompute_mastery(pairs=[(student.pk, c) for c in section.competency_links.values_list("competency_id", flat=True)])
    assign_template(template=template, students=[student], section=section, start_date=today - timedelta(days=7),
                    assigned_by=teacher)


CHILD_PAGES = ["child", "child-learning", "child-goals", "child-about"]
# Each with the request's fixed five (session, user, the door with every relationship, its audit row, the
# parent's children for the switch):
EXPECTED_QUERIES = {
    "child": 11,  # the summary (one aggregate); now and next (steps with paths, class competencies; prerequisites when a class has no path); goals needing a look (results with goals); highlights (with authors), replies
    "child-learning": 9,  # now and next (steps with paths, class competencies), masteries (with the day each was mastered), term
    "child-goals": 10,  # profile goals (those a current IEP goal carries on left out), IEP goals joined to the plan, points, reports, statements of disagreement
    "child-about": 8,  # profile sections, accommodations, statements of disagreement
}


def _page_queries(client, url: str):
    client.get(url)  # warm the session row
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("size", [1, 3, 50])
def test_child_pages_query_counts_do_not_grow(client, family, student, teacher, size):
    """P1/T10 and issue #7: each of the child's pages runs the same number of queries with 1, 3 or 50 of every kind
    of record (evidence, highlights, goals, points, sections, accommodations, steps, reports, messages, statements)."""
    _rich_child(student, teacher, family, size)
    client.force_login(family)
    pages, counts = {}, {}
    for name in CHILD_PAGES:
        pages[name], queries = _page_queries(client, reverse(f"family_portal:{name}", args=[student.uuid]))
        counts[name] = len(queries)
    assert counts == EXPECTED_QUERIES
    shown = min(size, 20)  # the overview shows the newest 20 highlights
    overview = pages["child"].context["page"]
    assert (len(overview.highlights), len(overview.learning.paths), overview.glance.iep_goals, overview.glance.profile_goals,
            overview.glance.messages, overview.glance.answered) == (shown, 1, size, size, size, size // 2)
    assert overview.glance.latest_report_period == f"January to March {2000 + size - 1}"
    assert pages["child-learning"].context["page"].mastered.chart.total == size
    goals = pages["child-goals"].context["page"]
    assert (len(goals.iep_goals), len(goals.goals), len(goals.reports)) == (size, size, size)
    assert pages["child-goals"].content.decode().count('aria-label="Statement of disagreement from the family"') == 3 * size
    about = pages["child-about"].context["page"]
    assert (len(about.about), len(about.accommodations)) == (min(size, len(ABOUT_KINDS)), size)


@pytest.mark.parametrize("plan", ["iep_with_goals", "iep_without_goals", "none"])
def test_every_child_page_runs_at_most_12_queries(client, family, student, teacher, plan):
    """quality.md P1: at most 12 queries for every page of the child, also for a child with no IEP and for a current
    plan with no goal yet (its plan is then read alone). The queries are listed when it fails."""
    if plan == "iep_with_goals":
        _rich_child(student, teacher, family, 3)
    elif plan == "iep_without_goals":
        IEPPlanFactory(student=student)
    else:
        Student.objects.filter(pk=student.pk).update(plan=Student.Plan.NONE)
    client.force_login(family)
    for name in CHILD_PAGES:
        _response, queries = _page_queries(client, reverse(f"family_portal:{name}", args=[student.uuid]))
        assert len(queries) <= 12, (name, len(queries), queries)


def test_child_pages_are_tabs_of_one_labelled_nav_with_one_h1_each(client, family, student, teacher):
    """The split page (P1): each section is a real URL through the door, logged; the tabs are links in a named nav,
    aria-current on the page shown; one h1 per page; tables have captions."""
    _rich_child(student, teacher, family, 2)
    client.force_login(family)
    for name in [*CHILD_PAGES, "child-supports", "input-list", "access-record"]:
        url = reverse(f"family_portal:{name}", args=[student.uuid])
        body = client.get(url).content.decode()
        assert body.count("<h1") == 1, name
        nav = re.search(r'<nav aria-label="Pages about Maya Rivera".*?</nav>', body, re.S).group(0)
        tabs = [f"family_portal:{n}" for n in [*CHILD_PAGES, "child-supports", "input-list"]]
        tabs += ["credentials:family-list", "family_portal:access-record"]
        assert re.findall(r'href="([^"]+)"', nav) == [reverse(tab, args=[student.uuid]) for tab in tabs]
        assert re.findall(r'aria-current="page" href="([^"]+)"', nav) == [url], name
        assert body.count("<table") == body.count("<caption"), name
        assert AccessEvent.objects.filter(student=student, user=family, route_name=f"family_portal:{name}",
                                          outcome="allowed").exists()


def test_the_overview_sums_up_and_links_to_every_part(client, family, student, teacher):
    """Nothing a parent needs is hidden by the split: the overview says what is where and links to it, the highlight
    anchors the reply redirect and the emails use are on it, the latest report is one click away."""
    _rich_child(student, teacher, family, 3)
    client.force_login(family)
    body = client.get(reverse("family_portal:child", args=[student.uuid])).content.decode()
    for highlight in Highlight.objects.filter(student=student):
        assert f'id="highlight-{highlight.pk}"' in body
    assert "3 goals set together with the school." in body and "3 IEP goals, each with a chart of the results." in body
    assert "Your family sent 3 messages to the IEP team." in body and "1 has an answer." in body
    latest = ProgressReport.objects.get(student=student, period="2002-Q1")
    assert "The latest progress report is for January to March 2002:" in body
    assert reverse("family_portal:report-pdf", args=[student.uuid, latest.pk]) in body
    for name in ["child-learning", "child-goals", "child-about", "input-list", "input-new"]:
        assert body.count(f'href="{reverse(f"family_portal:{name}", args=[student.uuid])}') >= 1, name
    assert "Working on now" in body and "Write to the IEP team" in body


@pytest.mark.parametrize("size", [1, 3])
def test_home_query_count_does_not_grow(client, family, student, size, django_assert_num_queries):
    for _n in range(size - 1):
        GuardianshipFactory(guardian=family, student=StudentFactory(school=student.school))
    client.force_login(family)
    with django_assert_num_queries(5):  # the person's standing (roster.access.standing), read from relationships, not User.role (issue 19.2)
        response = client.get(reverse("family_portal:home"))
    assert len(response.context["children"]) == size


@pytest.mark.parametrize("size", [1, 3])
def test_access_record_lists_staff_only_with_a_constant_query_count(client, family, student, teacher, case_manager, size,
                                                                    django_assert_num_queries):
    """FERPA 99.10/99.32, P1: staff visits (name, role) newest first; the family's own visits are not listed."""
    for _n in range(size):
        client.force_login(teacher)
        client.get(reverse("roster:student-detail", args=[student.uuid]))
    client.force_login(family)
    client.get(reverse("family_portal:child", args=[student.uuid]))
    url = reverse("family_portal:access-record", args=[student.uuid])
    with django_assert_num_queries(7):
        response = client.get(url)
    events = list(response.context["page"].object_list)
    assert [e.user for e in events] == [teacher] * size
    assert "Teacher" in response.content.decode()


def test_family_sends_input_to_the_iep_team_and_sees_it_received(client, family, student, case_manager, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    """Issue #7 step 4 (journey 4): the form calls iep.services.submit_input; confirmation; the list says Received."""
    client.force_login(family)
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("family_portal:input-new", args=[student.uuid]),
                               {"kind": "concern", "text": "Homework takes two hours.", "idempotency_key": key})
    item = IEPInput.objects.get()
    assert (item.student, item.submitted_by, item.sender, item.kind, item.status) == (student, family, "family", "concern", "received")
    assert response.headers["Location"] == reverse("family_portal:input-sent", args=[student.uuid, item.pk])
    confirmation = client.get(response.headers["Location"]).content.decode()
    assert "What happens next" in confirmation and "within 10 school days" in confirmation
    listing = client.get(reverse("family_portal:input-list", args=[student.uuid])).content.decode()
    assert "Homework takes two hours." in listing and "Received" in listing
    assert [m.to for m in mailoutbox] == [[case_manager.email]]
    # T7.2: the same form posted twice makes one row
    client.post(reverse("family_portal:input-new", args=[student.uuid]), {"kind": "concern", "text": "Homework takes two hours.", "idempotency_key": key})
    assert IEPInput.objects.count() == 1


def test_input_with_a_disguised_file_is_refused_with_a_plain_message(client, family, student):
    """T4.6: an HTML file named .pdf is refused by content; nothing is saved."""
    client.force_login(family)
    upload = SimpleUploadedFile("letter.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(reverse("family_portal:input-new", args=[student.uuid]),
                           {"kind": "other", "text": "See letter", "idempotency_key": uuid.uuid4(), "attachment": upload})
    assert response.status_code == 200
    assert "Please send a PDF or a photo" in response.content.decode()
    assert IEPInput.objects.count() == 0


def test_teacher_posts_a_highlight_with_a_photo_the_family_reads_and_replies(client, family, student, teacher,
                                                                           django_capture_on_commit_callbacks):
    """Issue #7 step 3: post with photo -> portal shows it -> reply -> staff see the reply on the student page."""
    client.force_login(teacher)
    photo = SimpleUploadedFile("work.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("family_portal:student-highlights", args=[student.uuid]),
                           {"text": "Great fractions work today!", "photo": photo, "photo_description": "Fraction strips"})
    assert response.status_code == 302
    highlight = Highlight.objects.get()
    assert (highlight.author, highlight.photo_type) == (teacher, "image/png")
    client.force_login(family)
    page = client.get(reverse("family_portal:child", args=[student.uuid])).content.decode()
    assert "Great fractions work today!" in page and 'alt="Fraction strips"' in page
    photo_response = client.get(reverse("family_portal:highlight-photo", args=[student.uuid, highlight.pk]))
    assert (photo_response.status_code, photo_response.headers["Content-Type"]) == (200, "image/png")
    assert photo_response.headers["X-Content-Type-Options"] == "nosniff"
    client.post(reverse("family_portal:highlight-reply", args=[student.uuid, highlight.pk]), {f"h{highlight.pk}-text": "Thank you!"})
    assert list(highlight.replies.values_list("author", "text")) == [(family.pk, "Thank you!")]
    client.force_login(teacher)
    staff_page = client.get(reverse("family_portal:student-highlights", args=[student.uuid])).content.decode()
    assert "Thank you!" in staff_page


@pytest.mark.parametrize("content", [b"<html>not an image</html>", png_bytes()[:30], b"GIF89a" + b"\x00" * 40])
def test_highlight_photo_is_checked_by_content(client, student, teacher, content):
    """T4.6, ASVS 4.0.3 V12.2.1: HTML, a truncated PNG and a GIF are refused; no highlight is saved."""
    client.force_login(teacher)
    upload = SimpleUploadedFile("work.png", content, content_type="image/png")
    response = client.post(reverse("family_portal:student-highlights", args=[student.uuid]),
                           {"text": "Look!", "photo": upload, "photo_description": "work"})
    assert response.status_code == 200
    assert "Please choose a photo (JPEG or PNG)" in response.content.decode()
    assert Highlight.objects.count() == 0


def test_highlight_photo_over_the_size_limit_is_refused(client, student, teacher):
    client.force_login(teacher)
    upload = SimpleUploadedFile("big.png", png_bytes() + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    response = client.post(reverse("family_portal:student-highlights", args=[student.uuid]),
                           {"text": "Look!", "photo": upload, "photo_description": "work"})
    assert "The photo is too large" in response.content.decode()
    assert Highlight.objects.count() == 0


def test_each_event_parent_is_emailed_once_in_their_language(family, student, teacher, other_guardian, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    """T8.1, T8.5: emails only after commit, one per parent who asked for each event, in their language;
    sending again sends nothing."""
    from family_portal import services

    NotificationPreference.objects.filter(user=family).update(frequency="each")
    family.preferred_language = "es"
    family.save()
    with django_capture_on_commit_callbacks(execute=True):
        highlight = services.post_highlight(student=student, author=teacher, text="¡Bravo, Maya!")
    assert [m.to for m in mailoutbox] == [[family.email]]
    assert mailoutbox[0].subject == "Un nuevo destacado sobre Maya Rivera"
    assert "¡Bravo, Maya!" in mailoutbox[0].body
    assert services.send_highlight_notices(highlight_id=highlight.pk) == 0
    assert len(mailoutbox) == 1


def test_staff_see_the_highlight_tab_only_when_they_may_post(client, student, teacher, sped_director):
    client.force_login(teacher)
    assert "Highlights for the family" in client.get(reverse("roster:student-detail", args=[student.uuid])).content.decode()
    client.force_login(sped_director)
    page = client.get(reverse("roster:student-detail", args=[student.uuid])).content.decode()
    assert not re.search(r"Highlights for the family", page)


def test_a_family_reply_emails_the_teacher_once_without_the_familys_words(client, family, student, teacher, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    """T8.1, T8.5: the teacher who posted the highlight hears that the family replied, after commit, once,
    with a link to the student's page and none of the family's words in the email."""
    from family_portal import services

    highlight = HighlightFactory(student=student, author=teacher)
    client.force_login(family)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("family_portal:highlight-reply", args=[student.uuid, highlight.pk]),
                    {f"h{highlight.pk}-text": "Private family words"})
    reply = HighlightReply.objects.get()
    assert [m.to for m in mailoutbox] == [[teacher.email]]
    assert "replied to your highlight about Maya" in mailoutbox[0].subject
    assert f"/students/{student.uuid}/highlights/" in mailoutbox[0].body
    assert "Private family words" not in mailoutbox[0].body
    assert services.tell_author_of_reply(reply_id=reply.pk) == 0
    assert services.sweep_outbox() == 0
    assert len(mailoutbox) == 1


def test_a_reply_notice_lost_with_the_broker_is_sent_by_the_sweep(family, student, teacher, mailoutbox, settings):
    """T8.2: the reply is saved even if its task never runs; the sweep sends the notice, then never again.
    A failed send releases the claim so nothing is dropped silently (T8.6)."""
    from family_portal import services

    highlight = HighlightFactory(student=student, author=teacher)
    reply = services.reply_to_highlight(highlight=highlight, author=family, text="Thanks")  # no on_commit run here
    assert len(mailoutbox) == 0
    settings.EMAIL_BACKEND = "tests.family_portal.failing_backend.EmailBackend"
    assert services.sweep_outbox() == 0
    assert HighlightReply.objects.get(pk=reply.pk).author_told_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.sweep_outbox() == 1
    assert services.sweep_outbox() == 0
    assert [m.to for m in mailoutbox] == [[teacher.email]]


def test_no_email_to_a_teacher_who_has_left(family, student, teacher, mailoutbox):
    from family_portal import services

    highlight = HighlightFactory(student=student, author=teacher)
    teacher.is_active = False
    teacher.save()
    reply = services.reply_to_highlight(highlight=highlight, author=family, text="Thanks")
    assert services.tell_author_of_reply(reply_id=reply.pk) == 0
    assert services.sweep_outbox() == 0
    assert mailoutbox == []


def test_one_current_target_per_goal_and_the_goal_not_on_track_first_on_the_overview(client, guardian, student,
                                                                                      case_manager):
    """Issue 17.2: a profile goal that an IEP goal carries on is not listed again with its older target (the demo
    showed two reading targets); the IEP goal not on track leads the overview, with what the team will do."""
    from tests.factories.iep import GoalFactory, IEPPlanFactory, ProgressPointFactory
    from tests.factories.profiles import ProfileGoalFactory

    goal = GoalFactory(plan=IEPPlanFactory(student=student, case_manager=case_manager),
                       statement="Maya will read 70 words correctly per minute.")
    for n in range(6):
        ProgressPointFactory(goal=goal, value=40, recorded_by=case_manager,
                             measured_on=timezone.localdate() - timedelta(days=60 - 7 * n))
    goal.profile_goals.add(ProfileGoalFactory(student=student, description="Read 100 words per minute with 95% accuracy."))
    ProfileGoalFactory(student=student, description="Use a calm-down strategy when frustrated.")
    client.force_login(guardian)
    goals = client.get(reverse("family_portal:child-goals", args=[student.uuid])).content.decode()
    assert "Maya will read 70 words correctly per minute." in goals
    assert "Read 100 words per minute" not in goals and "Use a calm-down strategy" in goals
    overview = client.get(reverse("family_portal:child", args=[student.uuid])).content.decode()
    flagged = overview[overview.index('id="flagged-heading"'):overview.index('id="next-steps-heading"')]
    assert "Maya will read 70 words correctly per minute." in flagged
    assert "The team is looking at how to help, and will change the teaching." in flagged
