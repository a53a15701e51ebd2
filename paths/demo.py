"""Demo data: two learning paths over the demo CCSS grade-5 framework, with real options to learn and to
show learning; the fractions path assigned to both demo math classes a month ago (so students stand at
different points and paces, from their evidence), Maya's copy put on her IEP timeline, and a few small-group
sessions scheduled from the suggestions. Idempotent: everything is found by a stable key first.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from competencies.demo import PREFIX
from competencies.models import Competency
from roster.models import District, School, Section, Student

from . import pacing, selectors, services
from .models import LearningSession, OptionKind, OptionMode, PathEvent, PathTemplate, StudentPath

LEARN = [
    (OptionMode.READ, "Read a short article", "A two-page explanation with worked examples.", 15, "Large print and a read-aloud version available"),
    (OptionMode.WATCH, "Watch a video lesson", "A six-minute video that works through three examples.", 10, "Captions and a transcript available"),
    (OptionMode.LISTEN, "Listen to the audio version", "The article read aloud, with pauses to try each example.", 15, "Audio; transcript on request"),
    (OptionMode.BUILD, "Build it with fraction tiles", "Work with fraction tiles or strips in the math corner, with the teacher.", 25, "Hands-on; large tiles available"),
]
SHOW = [
    (OptionMode.WRITE, "Write a paragraph", "Explain how you solved two problems, in your own words.", 20, "Speech-to-text allowed"),
    (OptionMode.VIDEO, "Make a short video", "Record a one-to-two-minute video solving a problem and saying why it works.", 25, "Tablet available; captions optional"),
    (OptionMode.PRESENT, "Present to the teacher", "Talk the teacher through a problem at the board or the table.", 10, "Spoken; no writing needed"),
]
PATHS = {
    "Fractions: add, subtract, multiply and divide": [
        ("Add and subtract fractions with unlike denominators", "5.NF.A.1", 10),
        ("Solve word problems with fractions", "5.NF.A.2", 8),
        ("See a fraction as a division", "5.NF.B.3", 8),
        ("Multiply a fraction by a whole number or a fraction", "5.NF.B.4", 10),
        ("Multiplying as resizing", "5.NF.B.5", 8),
        ("Real-world problems with multiplying fractions", "5.NF.B.6", 8),
        ("Divide with unit fractions", "5.NF.B.7", 10),
    ],
    "Place value and decimals": [
        ("Place value: each place is ten times the one to its right", "5.NBT.A.1", 8),
        ("Powers of ten and patterns of zeros", "5.NBT.A.2", 8),
        ("Read, write and compare decimals to thousandths", "5.NBT.A.3", 10),
        ("Round decimals", "5.NBT.A.4", 6),
    ],
}
FRACTIONS = "Fractions: add, subtract, multiply and divide"


def seed(district: District) -> None:
    today = timezone.localdate()
    for section_key, teacher_email in (("demo-section-math-1", "teacher@demo.test"), ("demo-section-math-2", "teacher2@demo.test")):
        section = Section.objects.filter(sourced_id=section_key, school__district=district).select_related("school").first()
        teacher = User.objects.filter(email=teacher_email).first()
        if section is None or teacher is None:
            continue
        templates = {title: _template(section.school, title, steps, teacher) for title, steps in PATHS.items()}
        students = list(Student.objects.filter(enrollments__section=section).order_by("sourced_id"))
        services.assign_template(template=templates[FRACTIONS], students=students, section=section,
                                 start_date=today - timedelta(days=30), assigned_by=teacher)
        _sessions(section, teacher)
    _maya_on_her_iep_timeline()


def _template(school: School, title: str, steps: list, teacher: User) -> PathTemplate:
    first = Competency.objects.filter(code=PREFIX + steps[0][1]).select_related("framework").first()
    template, created = PathTemplate.objects.get_or_create(
        school=school, title=title,
        defaults={"framework": first.framework, "created_by": teacher,
                  "description": "Grade 5 math. Each step offers several ways to learn and to show what you learned."},
    )
    if created:
        for step_title, code, days in steps:
            competency = Competency.objects.get(framework=template.framework, code=PREFIX + code)
            step = services.add_template_step(template=template, title=step_title, description="", target_days=days,
                                              competencies=[competency])
            for kind, options in ((OptionKind.LEARN, LEARN), (OptionKind.SHOW, SHOW)):
                for mode, option_title, description, minutes, notes in options:
                    services.add_template_option(step=step, kind=kind, mode=mode, title=option_title, description=description,
                                                 estimated_minutes=minutes, accessibility_notes=notes)
    return template


def _sessions(section: Section, teacher: User) -> None:
    """Schedule the first suggested groups on the next school days, once."""
    if LearningSession.objects.filter(section=section).exists():
        return
    day = pacing.school_days_after(timezone.localdate(), 1)
    rooms = ["Room 12", "Library"]
    for index, suggestion in enumerate(selectors.group_suggestions(section)[:2]):
        starts = timezone.make_aware(datetime.combine(pacing.school_days_after(day, index), time(10 + index, 0)))
        kind = LearningSession.Kind.SMALL_GROUP if index == 0 else LearningSession.Kind.TUTORING
        services.schedule_session(section=section, students=suggestion.students, kind=kind, staff=teacher, room=rooms[index],
                                  starts_at=starts, minutes=30, focus=str(suggestion.competency), created_by=teacher,
                                  competency=suggestion.competency)


def _maya_on_her_iep_timeline() -> None:
    """Maya's IEP sets a longer timeline: her case manager stretches her copy by three weeks, once."""
    path = StudentPath.objects.filter(student__sourced_id="demo-student-00", title=FRACTIONS, is_active=True).first()
    manager = User.objects.filter(email="casemanager@demo.test").first()
    if path is None or manager is None or path.events.filter(kind=PathEvent.Kind.RESCHEDULED).exists():
        return
    last = path.steps.order_by("-position").values_list("target_date", flat=True).first()
    services.reschedule_path(path=path, end_date=last + timedelta(days=21), changed_by=manager)
