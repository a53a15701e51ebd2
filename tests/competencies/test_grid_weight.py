"""The class grid at full size (35 students x 60 competencies): weight and markup stay lean (P2, P3, P6)."""

import gzip
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from competencies import mastery, services
from competencies.models import Mastery
from tests.factories.competencies import CompetencyFactory
from tests.factories.roster import EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db

STUDENTS, COMPETENCIES = 35, 60
# Measured at 35 x 60 with every kind of cell: 350 KB after precomputed cells and CSS-drawn symbols (503 KB before,
# per-cell includes and {% url %}). The budget leaves a little room for longer names; it fails if cells grow back.
BYTE_BUDGET = 375_000


@pytest.fixture
def full_grid(section, framework, teacher):
    """35 students x 60 competencies, every cell state present (mastered, near, beginning, not enough, none, override)."""
    competencies = [CompetencyFactory(framework=framework, code=f"CCSS.Math.Content.5.NF.A.{n}") for n in range(COMPETENCIES)]
    services.link_section_competencies(section=section, competencies=competencies)
    students = [EnrollmentFactory(student=StudentFactory(school=section.school), section=section).student for _ in range(STUDENTS)]
    params = {"method": "decaying_average", "threshold": "3"}
    now, rows = timezone.now(), []
    for i, student in enumerate(students):
        for j, competency in enumerate(competencies):
            kind = (i + j) % 6
            if kind == 5:
                continue  # no evidence: no stored row
            value = {0: D(4), 1: D("2.5"), 2: D(1), 3: None, 4: D(2)}[kind]
            override = D(3) if kind == 4 else None
            effective = mastery.effective(value, kind == 0, override, D(3))
            rows.append(Mastery(student=student, competency=competency, value=value, is_mastered=kind == 0,
                                evidence_count=2, method="decaying_average", params=params, computed_at=now,
                                override_value=override, effective_value=effective[0], effective_mastered=effective[1],
                                mastered_on=now.date() if effective[1] else None))
    Mastery.objects.bulk_create(rows)
    return students, competencies


def test_full_grid_stays_under_its_byte_budget(client, teacher, section, full_grid):
    """P2/P3/P6: 2,100 cells render from precomputed values; the HTML stays under a measured budget."""
    client.force_login(teacher)
    response = client.get(reverse("competencies:section-grid", args=[section.pk]))
    assert response.status_code == 200
    size = len(response.content)
    print(f"grid 35x60: {size} bytes")
    assert size < BYTE_BUDGET


def test_override_and_empty_cells_say_so_in_words(client, teacher, section, full_grid):
    """T9.5: a level set by a teacher and a cell without results are told in words, each cell a link."""
    students, competencies = full_grid
    client.force_login(teacher)
    html = client.get(reverse("competencies:section-grid", args=[section.pk])).content.decode()
    overridden = reverse("competencies:student-competency", args=[students[0].uuid, competencies[4].pk])
    assert (f'<td class="state-mastered set"><a href="{overridden}">3<span class="vh"> Proficient, mastered (set by a teacher)'
            f'</span></a></td>') in html
    empty = reverse("competencies:student-competency", args=[students[0].uuid, competencies[5].pk])
    assert f'<td class="state-none"><a href="{empty}"><span class="vh"> No results yet</span></a></td>' in html
    assert html.count('<td class="state-') == STUDENTS * COMPETENCIES


def test_full_grid_transfers_under_150_kb_compressed_with_its_css_and_js(client, teacher, section, full_grid):
    """P6: at most 150 KB transferred for the page, compressed, counting the HTML and every stylesheet and script
    it loads (all same-site: no external request)."""
    client.force_login(teacher)
    response = client.get(reverse("competencies:section-grid", args=[section.pk]), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert html.count('<td class="state-') == STUDENTS * COMPETENCIES
    assets = re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)
    assert assets and all(url.startswith(settings.STATIC_URL) for url in assets)
    asset_bytes = sum(len(gzip.compress(Path(finders.find(url.removeprefix(settings.STATIC_URL))).read_bytes()))
                      for url in assets)
    total = len(response.content) + asset_bytes
    print(f"grid 35x60 transferred: HTML {len(response.content)} + CSS/JS {asset_bytes} = {total} bytes compressed")
    assert total <= 150 * 1024
