"""Issue 21, item 5: educator micro-credentials, from submission to award (T1, T2, P1)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credentials import educators, schema, verify
from credentials.models import Submission
from roster.models import StaffAssignment
from tests.factories.accounts import UserFactory
from tests.factories.roster import StaffAssignmentFactory

from .conftest import levels as _levels
from .conftest import submit as _submit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"




def test_bad_evidence_is_refused_with_a_clear_message_and_nothing_saved(micro, teacher):
    with pytest.raises(ValidationError, match="reflection"):
        _submit(micro, teacher, reflection="  ")
    with pytest.raises(ValidationError, match="https://"):
        _submit(micro, teacher, links="javascript:alert(1)")
    with pytest.raises(ValidationError):
        _submit(micro, teacher, file=SimpleUploadedFile("notes.txt", b"just text", content_type="application/pdf"))
    assert not Submission.objects.exists()
    _submit(micro, teacher, file=SimpleUploadedFile("graphs.pdf", PDF, content_type="application/pdf"))
    with pytest.raises(ValidationError, match="waiting for review"):
        _submit(micro, teacher)
    assert Submission.objects.get().file_type == "application/pdf"


def test_the_reviewer_scores_against_the_rubric_and_awards_an_open_badge(micro, teacher, reviewer):
    submission = _submit(micro, teacher)
    with pytest.raises(ValidationError, match="every criterion"):
        educators.review(submission=submission, reviewer=reviewer, levels={}, feedback="", award=True)
    with pytest.raises(ValidationError, match="level 3 or above"):
        educators.review(submission=submission, reviewer=reviewer, levels=_levels(micro) | {micro.criteria.first().pk: 2},
                         feedback="", award=True)
    with pytest.raises(ValidationError, match="feedback"):
        educators.review(submission=submission, reviewer=reviewer, levels=_levels(micro, 2), feedback=" ", award=False)
    assert Submission.objects.get().status == Submission.Status.SUBMITTED and not submission.scores.exists()

    educators.review(submission=submission, reviewer=reviewer, levels=_levels(micro, 4), feedback="Strong data.", award=True)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.AWARDED and submission.scores.count() == 3
    achievement = submission.document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "MicroCredential" and achievement["name"] == micro.title
    assert schema.errors({k: v for k, v in submission.document.items() if k != "proof"}) == []
    assert verify.verify(submission.jwt).is_valid and verify.verify(submission.document).is_valid
    assert teacher.email not in submission.jwt and teacher.email not in str(submission.document)
    with pytest.raises(ValidationError, match="already reviewed"):
        educators.review(submission=submission, reviewer=reviewer, levels=_levels(micro), feedback="", award=True)


def test_no_one_reviews_their_own_submission(micro, reviewer, client):
    submission = _submit(micro, reviewer)
    assert educators.submission_for_reviewer(reviewer, submission.pk) is None
    client.force_login(reviewer)
    assert client.get(reverse("credentials:micro-review", args=[submission.pk])).status_code == 404


def test_a_returned_submission_lets_the_educator_send_again(micro, teacher, reviewer):
    submission = _submit(micro, teacher)
    educators.review(submission=submission, reviewer=reviewer, levels=_levels(micro, 2), feedback="Add a graph.", award=False)
    assert Submission.objects.get().status == Submission.Status.RETURNED
    _submit(micro, teacher)
    assert Submission.objects.count() == 2


def test_from_submission_to_award_through_the_pages(client, micro, teacher, reviewer, case_manager):
    client.force_login(teacher)
    response = client.post(reverse("credentials:micro-detail", args=[micro.pk]), {"reflection": "", "links": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(reverse("credentials:micro-detail", args=[micro.pk]),
                {"reflection": "Weekly probes for 8 weeks.", "links": "https://drive.example.org/probes",
                 "file": SimpleUploadedFile("graphs.pdf", PDF, content_type="application/pdf")})
    submission = Submission.objects.get()
    assert client.get(reverse("credentials:micro-queue")).status_code == 403  # not a reviewer
    assert client.get(reverse("credentials:micro-file", args=[submission.pk])).status_code == 200

    client.force_login(reviewer)
    assert teacher.get_full_name() in client.get(reverse("credentials:micro-queue")).content.decode()
    data = {f"criterion_{pk}": level for pk, level in _levels(micro).items()} | {"decision": "award", "feedback": ""}
    assert client.post(reverse("credentials:micro-review", args=[submission.pk]), data).status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.AWARDED

    client.force_login(teacher)
    assert client.get(reverse("credentials:micro-award-jwt", args=[submission.award_uuid])).content.decode() == submission.jwt
    client.force_login(case_manager)
    assert client.get(reverse("credentials:micro-award-jwt", args=[submission.award_uuid])).status_code == 404
    assert client.get(reverse("credentials:micro-file", args=[submission.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 3])
def test_the_holders_chart_and_table_keep_their_query_count(client, micro, reviewer, school, size, django_assert_num_queries):
    for n in range(size):
        educator = UserFactory(email=f"educator{n}@school.test", first_name=f"Ed{n}")
        StaffAssignmentFactory(user=educator, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
        educators.review(submission=_submit(micro, educator), reviewer=reviewer, levels=_levels(micro), feedback="", award=True)
    client.force_login(reviewer)
    with django_assert_num_queries(5):  # session, user, standing, the micro-credentials with counts, the holders
        response = client.get(reverse("credentials:micro-holders"))
    page = response.content.decode()
    assert "<svg" in page and "<table" in page and f"<td>{size}</td>" in page


@pytest.mark.parametrize("size", [1, 3])
def test_the_review_queue_keeps_its_query_count(client, micro, reviewer, school, size, django_assert_num_queries):
    for n in range(size):
        educator = UserFactory(email=f"educator{n}@school.test")
        StaffAssignmentFactory(user=educator, district=school.district, school=school, role=StaffAssignment.Role.TEACHER)
        _submit(micro, educator)
    client.force_login(reviewer)
    with django_assert_num_queries(5):
        response = client.get(reverse("credentials:micro-queue"))
    assert len(response.context["submissions"]) == size
