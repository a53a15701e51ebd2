"""Issue 19.4 (quality.md T1): the district administrator manages the district (schools, classes, staff,
accounts, frameworks, imports) and sees no education record (evidence, mastery, profiles, IEPs, paths, sessions)
and no restricted detail (date of birth, disability category), in the administration site or in the product.
The education-record admin pages answer 403 or 404 to them; only a superuser opens them (and is logged,
tests/audit/test_admin_events.py)."""

from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import dateformat

from audit.admin_audit import StudentRecordAdmin
from iep.models import Goal
from profiles.models import ProfileSection
from roster.models import Student
from tests.trust.crawl import _PageParser, crawl

pytestmark = pytest.mark.django_db

EDUCATION_RECORD_APPS = {"competencies.evidence", "competencies.mastery", "profiles.profilesection",
                         "profiles.profilegoal", "profiles.accommodation", "paths.studentpath", "paths.pathevent",
                         "paths.learningsession"}


def _secrets() -> set[str]:
    """Restricted details and education-record text of the demo district."""
    found = set()
    for s in Student.objects.exclude(date_of_birth__isnull=True):
        found |= {s.date_of_birth.isoformat(), dateformat.format(s.date_of_birth, "N j, Y"),
                  dateformat.format(s.date_of_birth, "F j, Y")}
    found |= {c for c in Student.objects.values_list("disability_category", flat=True) if c}
    found |= {t[:60] for t in ProfileSection.objects.values_list("text", flat=True) if len(t) >= 20}
    found |= {t[:60] for t in Goal.objects.values_list("statement", flat=True) if len(t) >= 20}
    return found


def _admin_pages(client) -> dict[str, object]:
    """Every admin page reachable by links from the index (changelists, add and change forms, history), bounded."""
    pages, todo, seen = {}, ["/admin/"], {"/admin/"}
    while todo and len(pages) < 250:
        url = todo.pop(0)
        response = client.get(url)
        pages[url] = response
        if response.status_code != 200:
            continue
        parser = _PageParser()
        parser.feed(response.content.decode())
        for href in parser.links:
            link = urldefrag(urljoin("http://testserver" + url, href.strip()))[0]
            parts = urlsplit(link)
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc != "testserver" or not parts.path.startswith("/admin/") or link in seen:
                continue
            if "logout" in parts.path or "/delete/" in parts.path or "password" in parts.path:
                continue
            route = "/".join(parts.path.split("/")[:4])  # /admin/<app>/<model>: a few pages of each
            if sum(1 for u in seen if u.startswith(route)) > 4:
                continue
            seen.add(link)
            todo.append(link)
    return pages


def test_education_record_admin_classes_are_a_superusers_only(demo):
    registered = {f"{m._meta.app_label}.{m._meta.model_name}": a for m, a in admin.site._registry.items()}
    education = {label for label, a in registered.items() if isinstance(a, StudentRecordAdmin) and a.education_record}
    assert education == EDUCATION_RECORD_APPS  # a new education-record admin must say so

    client = Client()
    client.force_login(demo["admin@demo.test"])
    for label in sorted(education):
        model = next(m for m in admin.site._registry if f"{m._meta.app_label}.{m._meta.model_name}" == label)
        row = model._default_manager.first()
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        if row is not None:
            urls += [reverse(f"{name}_change", args=[row.pk]), reverse(f"{name}_history", args=[row.pk]),
                     reverse(f"{name}_delete", args=[row.pk])]
        for url in urls:
            assert client.get(url).status_code in (403, 404), url
        assert client.post(reverse(f"{name}_changelist"), {"action": "delete_selected", "_selected_action": [1]}
                           ).status_code in (403, 404)


def test_the_district_administrator_sees_no_education_record_or_restricted_detail_anywhere(demo):
    client = Client()
    client.force_login(demo["admin@demo.test"])
    secrets = _secrets()
    assert secrets, "the demo has no restricted detail: the test would prove nothing"
    admin_pages = _admin_pages(client)
    assert any("/admin/roster/student/" in u for u, r in admin_pages.items() if r.status_code == 200)  # reaches the roster
    product = crawl(client, max_pages=60, per_route=3).pages
    leaks = []
    for url, response in [*admin_pages.items(), *product.items()]:
        assert response.status_code < 500, url
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        body = response.content.decode(errors="replace")
        leaks += [(url, secret) for secret in secrets if secret in body]
        for label in EDUCATION_RECORD_APPS:
            assert f"/admin/{label.replace('.', '/')}/" not in body, (url, label)  # not even offered
    assert leaks == []


def test_a_superuser_still_opens_them_for_repair(demo, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@t.test", password="x-Long-enough-9")
    client = Client()
    client.force_login(root)
    assert client.get(reverse("admin:competencies_evidence_changelist")).status_code == 200
    assert client.get(reverse("admin:roster_student_changelist")).status_code == 200
