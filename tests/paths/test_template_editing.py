"""A teacher keeps a path template up to date: edit, reorder and remove steps and options.
Paths already assigned are the students' own copies and do not change (copy-on-assign)."""

import pytest
from django.urls import reverse

from paths.models import PathStep, TemplateOption, TemplateStep

pytestmark = pytest.mark.django_db


def titles(template) -> list[str]:
    return list(template.steps.order_by("position", "pk").values_list("title", flat=True))


def test_editing_a_step_changes_the_template_and_not_an_assigned_path(client, teacher, template, student, assign,
                                                                      competencies):
    assign([student])
    step = template.steps.order_by("position").first()
    client.force_login(teacher)
    form = client.get(reverse("paths:template-step-edit", args=[template.pk, step.pk])).content.decode()
    assert 'value="Step 1"' in form and "Edit the step" in form
    response = client.post(reverse("paths:template-step-edit", args=[template.pk, step.pk]),
                           {"title": "Fractions on a number line", "description": "Place them", "target_days": 7,
                            "competencies": [competencies[0].pk, competencies[3].pk]})
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.target_days) == ("Fractions on a number line", 7)
    assert set(step.competencies.values_list("pk", flat=True)) == {competencies[0].pk, competencies[3].pk}
    assert PathStep.objects.filter(path__student=student, title="Step 1").exists()
    assert not PathStep.objects.filter(title="Fractions on a number line").exists()


def test_bad_step_input_shows_errors_and_changes_nothing(client, teacher, template):
    step = template.steps.order_by("position").first()
    client.force_login(teacher)
    response = client.post(reverse("paths:template-step-edit", args=[template.pk, step.pk]),
                           {"title": "", "target_days": 0, "competencies": []})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    step.refresh_from_db()
    assert step.title == "Step 1"


def test_steps_move_up_and_down_and_can_be_removed(client, teacher, template):
    client.force_login(teacher)
    first, second, third = template.steps.order_by("position")
    client.post(reverse("paths:template-step-action", args=[template.pk, third.pk]), {"action": "up"})
    assert titles(template) == ["Step 1", "Step 3", "Step 2"]
    client.post(reverse("paths:template-step-action", args=[template.pk, first.pk]), {"action": "down"})
    assert titles(template) == ["Step 3", "Step 1", "Step 2"]
    response = client.post(reverse("paths:template-step-action", args=[template.pk, third.pk]), {"action": "up"}, follow=True)
    assert "This step cannot move further that way." in response.content.decode()
    assert titles(template) == ["Step 3", "Step 1", "Step 2"]
    client.post(reverse("paths:template-step-action", args=[template.pk, second.pk]), {"action": "remove"})
    assert titles(template) == ["Step 3", "Step 1"]
    assert not TemplateOption.objects.filter(step_id=second.pk).exists()


def test_options_are_edited_and_removed(client, teacher, template):
    option = TemplateOption.objects.filter(step__template=template, title="Write a paragraph").first()
    client.force_login(teacher)
    response = client.post(reverse("paths:template-option-edit", args=[template.pk, option.pk]),
                           {"kind": "show", "mode": "write", "title": "Write or dictate a paragraph",
                            "estimated_minutes": 25, "accessibility_notes": "speech-to-text welcome"})
    assert response.status_code == 302
    option.refresh_from_db()
    assert (option.title, option.estimated_minutes, option.accessibility_notes) == (
        "Write or dictate a paragraph", 25, "speech-to-text welcome")
    client.post(reverse("paths:template-option-remove", args=[template.pk, option.pk]))
    assert not TemplateOption.objects.filter(pk=option.pk).exists()


def test_another_schools_teacher_changes_nothing(client, other_teacher, template):
    """T1.3: a template of another school is a 404 and no row changes."""
    step = template.steps.order_by("position").first()
    option = TemplateOption.objects.filter(step=step).first()
    client.force_login(other_teacher)
    assert client.post(reverse("paths:template-step-action", args=[template.pk, step.pk]), {"action": "remove"}).status_code == 404
    assert client.post(reverse("paths:template-option-remove", args=[template.pk, option.pk])).status_code == 404
    assert client.get(reverse("paths:template-step-edit", args=[template.pk, step.pk])).status_code == 404
    assert TemplateStep.objects.filter(pk=step.pk).exists() and TemplateOption.objects.filter(pk=option.pk).exists()


def test_an_option_of_another_template_is_not_reachable_through_this_one(client, teacher, template, school, framework):
    from tests.factories.paths import PathTemplateFactory, TemplateOptionFactory, TemplateStepFactory

    other = PathTemplateFactory(school=school, framework=framework, created_by=teacher)
    foreign = TemplateOptionFactory(step=TemplateStepFactory(template=other), kind="learn", mode="read", title="x")
    client.force_login(teacher)
    assert client.get(reverse("paths:template-option-edit", args=[template.pk, foreign.pk])).status_code == 404
