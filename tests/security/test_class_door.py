"""Issue 19.3 (T2.1): the class door writes one access event per student of the class it shows or changes, and
opens this term's classes only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from roster.models import Enrollment

pytestmark = pytest.mark.django_db


def test_a_class_page_logs_each_student_of_the_class_and_last_terms_class_is_closed(client, teacher, section, student):
    client.force_login(teacher)
    before = AccessEvent.objects.count()
    assert client.get(reverse("competencies:section-grid", args=[section.pk])).status_code == 200
    events = AccessEvent.objects.order_by("pk")[before:]
    assert sorted(e.student_id for e in events) == sorted(Enrollment.objects.filter(section=section).values_list("student_id", flat=True))
    assert {e.permission for e in events} == {"competencies.view_section_grid"}
    term = section.term
    term.start_date, term.end_date = timezone.localdate() - timedelta(days=400), timezone.localdate() - timedelta(days=200)
    term.save()
    for name in ("competencies:section-grid", "paths:section-pacing"):
        assert client.get(reverse(name, args=[section.pk])).status_code == 404
