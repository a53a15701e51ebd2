"""Editing in the browser: in place with htmx, full forms, the merge view, the student's own voice."""

import pytest
from django.urls import reverse
from django.utils import timezone

from profiles.models import Accommodation, ProfileGoal, ProfileSection
from profiles.packet import RefusedFetch, static_only_url_fetcher
from tests.factories.profiles import ProfileSectionFactory

pytestmark = pytest.mark.django_db
Kind = ProfileSection.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_in_place_edit_serves_the_form_fragment_then_the_saved_card(client, teacher, student, sections):
    client.force_login(teacher)
    url = reverse("profiles:section-edit", args=[student.uuid, "strengths"])
    fragment = client.get(url, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section class="card mb-3 border-primary" id="section-strengths"')
    assert "<html" not in fragment and 'hx-post="%s"' % url in fragment
    assert 'for="id_text" class="form-label"' in fragment and "Who can read this" in fragment
    saved = client.post(url, {"text": "Draws detailed maps", "visibility": "family", "base_version": 1}, **HTMX)
    body = saved.content.decode()
    assert saved.status_code == 200
    assert body.lstrip().startswith('<section class="card mb-3" id="section-strengths"')
    assert "Draws detailed maps" in body and 'role="status"' in body
    section = ProfileSection.objects.get(student=student, kind=Kind.STRENGTHS)
    assert (section.text, section.visibility, section.version, section.updated_by) == ("Draws detailed maps", "family", 2, teacher)


def test_full_page_edit_redirects_with_a_message(client, teacher, student):
    client.force_login(teacher)
    url = reverse("profiles:section-edit", args=[student.uuid, "interests"])
    page = client.get(url).content.decode()
    assert "<html" in page and "Editing: Interests" in page
    response = client.post(url, {"text": "Sharks", "visibility": "student", "base_version": 1}, follow=True)
    assert response.redirect_chain == [(reverse("profiles:detail", args=[student.uuid]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Saved: Interests."]


def test_cancel_puts_the_reading_card_back(client, teacher, student, sections):
    client.force_login(teacher)
    body = client.get(reverse("profiles:section", args=[student.uuid, "strengths"]), **HTMX).content.decode()
    assert body.lstrip().startswith('<section class="card mb-3" id="section-strengths"')
    assert "STUDENT-SHARED great at drawing" in body


def test_validation_messages_are_plain_and_nothing_is_saved(client, teacher, student, sections):
    client.force_login(teacher)
    url = reverse("profiles:section-edit", args=[student.uuid, "strengths"])
    response = client.post(url, {"text": "x" * 10_001, "visibility": "everyone", "base_version": 1}, **HTMX)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "text": ["Please keep this to 10000 characters or fewer (it has 10001)."],
        "visibility": ["Please choose who can read this section."],
    }
    assert 'id="error-summary"' in response.content.decode()
    assert ProfileSection.objects.get(pk=sections["student"].pk).text == "STUDENT-SHARED great at drawing"


def test_second_editor_gets_the_merge_view_and_nothing_is_lost(client, teacher, case_manager, student):
    """T7.1 (journey 2): both open version 1; the teacher saves; the case manager's save is refused
    with both texts shown, and after merging it is accepted on top of the teacher's."""
    section = ProfileSectionFactory(student=student, kind=Kind.NEEDS, text="Reads slowly.", visibility="family")
    url = reverse("profiles:section-edit", args=[student.uuid, "needs"])
    client.force_login(teacher)
    client.post(url, {"text": "Reads slowly. Needs audio books.", "visibility": "family", "base_version": 1}, **HTMX)
    client.force_login(case_manager)
    refused = client.post(url, {"text": "Reads slowly. Uses a reading ruler.", "visibility": "family", "base_version": 1}, **HTMX)
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "Your changes are not saved yet." in body
    assert "Reads slowly. Needs audio books." in body and "Reads slowly. Uses a reading ruler." in body
    assert refused.context["form"].initial["base_version"] == 2
    section.refresh_from_db()
    assert (section.text, section.version) == ("Reads slowly. Needs audio books.", 2)
    merged = "Reads slowly. Needs audio books. Uses a reading ruler."
    client.post(url, {"text": merged, "visibility": "family", "base_version": 2}, **HTMX)
    section.refresh_from_db()
    assert (section.text, section.version) == (merged, 3)
    editors = list(section.history.filter(history_type="~").order_by("history_id").values_list("history_user", flat=True))
    assert editors == [teacher.pk, case_manager.pk]


def test_student_writes_about_me_and_staff_cannot_overwrite_it(client, student_user, teacher, student):
    client.force_login(student_user)
    response = client.post(reverse("profiles:about-me-edit", args=[student.uuid]), {"text": "I like to draw my ideas.", "base_version": 1})
    assert response.status_code == 302
    section = ProfileSection.objects.get(student=student, kind=Kind.ABOUT_ME)
    assert (section.text, section.visibility, section.updated_by) == ("I like to draw my ideas.", "student", student_user)
    client.force_login(teacher)
    denied = client.post(reverse("profiles:section-edit", args=[student.uuid, "about_me"]), {"text": "Overwritten", "base_version": 2})
    assert denied.status_code == 403
    assert client.get(reverse("profiles:about-me-edit", args=[student.uuid])).status_code == 403
    section.refresh_from_db()
    assert section.text == "I like to draw my ideas."


def test_student_edits_their_own_goal_only(client, student_user, student, goal, student_goal):
    client.force_login(student_user)
    url = reverse("profiles:my-goal-edit", args=[student.uuid, student_goal.pk])
    response = client.post(url, {"description": "Ask for a break before I get upset", "status": "met", "target_date": "", "base_version": 1})
    assert response.status_code == 302
    student_goal.refresh_from_db()
    assert (student_goal.description, student_goal.status, student_goal.owner, student_goal.kind) == (
        "Ask for a break before I get upset", "met", "student", "self_advocacy"
    )
    other = client.post(reverse("profiles:my-goal-edit", args=[student.uuid, goal.pk]), {"description": "Mine now", "status": "met", "base_version": 1})
    assert other.status_code == 404
    goal.refresh_from_db()
    assert goal.description == "Read 100 words per minute"


def test_teacher_adds_and_changes_goals_and_accommodations(client, teacher, student):
    client.force_login(teacher)
    client.post(reverse("profiles:goal-add", args=[student.uuid]), {
        "description": "Use a planner daily", "kind": "executive_functioning", "owner": "teacher", "target_date": "2030-06-01", "status": "not_started",
    })  # fmt: skip
    goal = ProfileGoal.objects.get(student=student)
    assert (goal.description, goal.kind, str(goal.target_date), goal.updated_by) == ("Use a planner daily", "executive_functioning", "2030-06-01", teacher)
    client.post(reverse("profiles:goal-edit", args=[student.uuid, goal.pk]), {
        "description": "Use a planner daily", "kind": "executive_functioning", "owner": "teacher", "target_date": "2030-06-01", "status": "met", "base_version": 1,
    })  # fmt: skip
    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("met", 2)
    client.post(reverse("profiles:accommodation-add", args=[student.uuid]), {
        "category": "assessment", "description": "Read aloud", "applies_in": "Math tests", "provided_by": "Special educator", "is_active": "on",
    })  # fmt: skip
    accommodation = Accommodation.objects.get(student=student)
    assert (accommodation.category, accommodation.applies_in, accommodation.provided_by, accommodation.is_active) == (
        "assessment", "Math tests", "Special educator", True
    )


def test_goal_form_errors_speak_plainly(client, teacher, student):
    client.force_login(teacher)
    response = client.post(reverse("profiles:goal-add", args=[student.uuid]), {"description": "", "kind": "", "owner": "", "target_date": "soon", "status": "not_started"})
    assert response.context["form"].errors == {
        "description": ["Please write the goal."],
        "kind": ["Please choose what kind of goal this is."],
        "owner": ["Please choose whose goal this is."],
        "target_date": ["Please enter the target date as a date, for example 2026-06-15."],
    }
    assert ProfileGoal.objects.count() == 0


def test_stale_goal_edit_shows_both_versions(client, teacher, case_manager, student, goal):
    client.force_login(teacher)
    data = {"description": goal.description, "kind": goal.kind, "owner": goal.owner, "target_date": "", "base_version": 1}
    client.post(reverse("profiles:goal-edit", args=[student.uuid, goal.pk]), {**data, "status": "met"})
    client.force_login(case_manager)
    response = client.post(reverse("profiles:goal-edit", args=[student.uuid, goal.pk]), {**data, "status": "discontinued"})
    fields = response.context["conflict"]["fields"]
    assert [(f["label"], f["mine"], f["theirs"]) for f in fields] == [("Status", "Stopped", "Met")]
    goal.refresh_from_db()
    assert goal.status == "met"


def test_history_shows_who_changed_what_and_changes_since_a_date(client, teacher, case_manager, student):
    client.force_login(teacher)
    url = reverse("profiles:section-edit", args=[student.uuid, "strengths"])
    client.post(url, {"text": "Kind to others", "visibility": "student", "base_version": 1})
    client.force_login(case_manager)
    client.post(url, {"text": "Kind to others and patient", "visibility": "family", "base_version": 2})
    response = client.get(reverse("profiles:history", args=[student.uuid]))
    entries = response.context["entries"]
    assert [(e.subject, e.who, [(c.label, c.old, c.new) for c in e.changes]) for e in entries[:2]] == [
        ("Strengths", str(case_manager), [("Text", "Kind to others", "Kind to others and patient"),
                                          ("Visibility", "Staff, family and the student", "Staff and family")]),
        ("Strengths", str(teacher), [("Text", "", "Kind to others")]),
    ]
    body = response.content.decode()
    assert "<ins><span class=\"visually-hidden\">[added] </span> and patient</ins>" in body
    today = timezone.localtime(entries[0].at).date().isoformat()
    since = client.get(reverse("profiles:history", args=[student.uuid]), {"since": today})
    summary = since.context["summary"]
    assert [(e.subject, [(c.label, c.old, c.new) for c in e.changes]) for e in summary] == [
        ("Strengths", [("Text", "", "Kind to others and patient"), ("Visibility", "", "Staff and family")])
    ]
    future = client.get(reverse("profiles:history", args=[student.uuid]), {"since": "2999-01-01"})
    assert (future.context["summary"], future.context["entries"]) == ([], [])


def test_packet_page_and_pdf(client, teacher, student, sections, goal, accommodation):
    client.force_login(teacher)
    page = client.get(reverse("profiles:packet", args=[student.uuid])).content.decode()
    assert "input packet" in page and "STUDENT-SHARED great at drawing" in page and "Extended time on tests" in page
    assert "Last updated" in page
    pdf = client.get(reverse("profiles:packet-pdf", args=[student.uuid]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 2000
    assert pdf["Content-Disposition"] == f'attachment; filename="present-levels-{student.uuid}.pdf"'


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/x.png", "file:///etc/passwd", "/static/../../etc/passwd", "data:text/plain,hi"])
def test_pdf_fetcher_refuses_anything_but_static_files(url):
    """T4.5: no outside fetch, no local file."""
    with pytest.raises(RefusedFetch):
        static_only_url_fetcher(url)


def test_pdf_fetcher_serves_the_packet_stylesheet():
    assert static_only_url_fetcher("/static/css/packet-print.css")["string"].startswith(b"/* The present-levels packet")


def test_meet_page_for_a_new_teacher(client, teacher, student, sections, accommodation):
    client.force_login(teacher)
    response = client.get(reverse("profiles:meet", args=[student.uuid]))
    body = response.content.decode()
    assert f"Meet {student.display_name}" in body
    assert [s.kind for s in response.context["profile"].meet_sections] == ["strengths"]
    assert "Extended time on tests" in body and "STAFF-ONLY" not in body


def test_student_nav_link_leads_to_their_profile(client, student_user, student):
    client.force_login(student_user)
    response = client.get(reverse("profiles:mine"))
    assert response["Location"] == reverse("profiles:detail", args=[student.uuid])


def test_emptying_a_section_asks_first_and_the_history_keeps_the_text(client, teacher, student, sections):
    """Issue 17.6: a cleared section is not saved on the first click; "Yes, clear it" saves it, says so, and the
    text stays in the history."""
    client.force_login(teacher)
    url = reverse("profiles:section-edit", args=[student.uuid, "strengths"])
    version = ProfileSection.objects.get(pk=sections["student"].pk).version
    asked = client.post(url, {"text": "  ", "visibility": "student", "base_version": version}, **HTMX)
    body = asked.content.decode()
    assert asked.status_code == 200 and "You emptied “Strengths”." in body
    assert 'name="confirm_clear" value="true"' in body and "Yes, clear it" in body
    assert ProfileSection.objects.get(pk=sections["student"].pk).text == "STUDENT-SHARED great at drawing"
    cleared = client.post(url, {"text": "", "visibility": "student", "base_version": version, "confirm_clear": "true"}, **HTMX)
    assert 'class="alert alert-success py-1 px-2 small mt-2 mb-0" role="status">Saved: Strengths.' in cleared.content.decode()
    section = ProfileSection.objects.get(pk=sections["student"].pk)
    assert section.text == ""
    assert section.history.order_by("-history_date")[1].text == "STUDENT-SHARED great at drawing"


def test_emptying_an_empty_section_is_not_asked(client, teacher, student):
    client.force_login(teacher)
    url = reverse("profiles:section-edit", args=[student.uuid, "interests"])
    response = client.post(url, {"text": "", "visibility": "student", "base_version": 1}, **HTMX)
    assert "You emptied" not in response.content.decode()
