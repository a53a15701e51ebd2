import pytest

from competencies import services as competency_services
from paths import services
from tests.factories.competencies import CompetencyFactory, scaled_framework
from tests.factories.paths import PathTemplateFactory, TemplateOptionFactory, TemplateStepFactory


@pytest.fixture
def framework(db):
    return scaled_framework(title="Grade 5 Math")


@pytest.fixture
def competencies(framework, section):
    """Four competencies of the personas' class; 5.NF.1 opens 5.NF.2, 5.NF.2 opens 5.NF.3."""
    items = [CompetencyFactory(framework=framework, code=f"5.NF.{n}", statement=f"Fractions skill {n}") for n in (1, 2, 3, 4)]
    competency_services.link_section_competencies(section=section, competencies=items)
    competency_services.add_prerequisite(prerequisite=items[0], competency=items[1])
    competency_services.add_prerequisite(prerequisite=items[1], competency=items[2])
    return items


@pytest.fixture
def template(school, framework, competencies, teacher):
    """Three steps, one competency each, with a way to learn and two ways to show learning."""
    path = PathTemplateFactory(school=school, framework=framework, created_by=teacher, title="Fractions")
    for index, competency in enumerate(competencies[:3]):
        step = TemplateStepFactory(template=path, position=index, title=f"Step {index + 1}", competencies=[competency])
        TemplateOptionFactory(step=step, kind="learn", mode="watch", title="Watch a video lesson")
        TemplateOptionFactory(step=step, kind="show", mode="write", title="Write a paragraph")
        TemplateOptionFactory(step=step, kind="show", mode="video", title="Make a short video")
    return path


@pytest.fixture
def assign(template, section, teacher):
    def _assign(students, start_date=None):
        from django.utils import timezone

        made, _had = services.assign_template(template=template, students=students, section=section,
                                              start_date=start_date or timezone.localdate(), assigned_by=teacher)
        return made

    return _assign
