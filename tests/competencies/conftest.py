import pytest

from competencies import services
from tests.factories.competencies import CompetencyFactory, scaled_framework


@pytest.fixture
def framework(db):
    return scaled_framework(title="Grade 5 Math")


@pytest.fixture
def competencies(framework, section):
    """Three competencies taught in the personas' class: 5.NF.1 opens 5.NF.2."""
    items = [CompetencyFactory(framework=framework, code=f"5.NF.{n}", statement=f"Fractions skill {n}") for n in (1, 2, 3)]
    services.link_section_competencies(section=section, competencies=items)
    services.add_prerequisite(prerequisite=items[0], competency=items[1])
    return items
