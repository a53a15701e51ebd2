"""Demo data: the grade-5 part of the real CCSS Mathematics CASE package, linked to the demo math
classes, a few prerequisites, and a term of evidence for every demo student.

The package is `demo_data/ccss-math-grade5-case.json`: the grade-5 items (and their domains) cut
from the OpenSALT export in tests/data/samples/case/opensalt-ccss-math-2016-preliminary.json, with
their original identifiers, so importing the full file later updates this framework in place.
Idempotent: the import upserts, links and prerequisites are get_or_create, evidence is written once.
"""

import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import User
from roster.models import District, Section, Student

from . import services
from .importers import case
from .models import Competency, Evidence, Framework, Prerequisite

PACKAGE = Path(__file__).parent / "demo_data" / "ccss-math-grade5-case.json"
PREFIX = "CCSS.Math.Content."
CLASS_CODES = ["5.NBT.A.1", "5.NBT.A.2", "5.NBT.A.3", "5.NBT.A.4", "5.NBT.B.5", "5.NBT.B.6", "5.NBT.B.7",
               "5.NF.A.1", "5.NF.A.2", "5.NF.B.3", "5.NF.B.4", "5.NF.B.5", "5.NF.B.6", "5.NF.B.7"]
PREREQUISITES = [("5.NBT.A.1", "5.NBT.A.2"), ("5.NBT.A.3", "5.NBT.A.4"), ("5.NBT.B.5", "5.NBT.B.6"),
                 ("5.NF.A.1", "5.NF.A.2"), ("5.NF.B.3", "5.NF.B.4"), ("5.NF.B.4", "5.NF.B.6")]

# What the demo district's curriculum staff wrote for families and students (issue 17.2), English and Spanish.
FAMILY_STATEMENTS = {
    "5.NBT.A.1": ("Know that each place in a number is worth 10 times the place to its right",
                  "Saber que cada lugar de un número vale 10 veces el lugar a su derecha"),
    "5.NBT.A.2": ("Multiply and divide by 10, 100 and 1,000 and explain the zeros",
                  "Multiplicar y dividir entre 10, 100 y 1,000 y explicar los ceros"),
    "5.NBT.A.3": ("Read, write and compare decimals", "Leer, escribir y comparar decimales"),
    "5.NBT.A.4": ("Round decimals", "Redondear decimales"),
    "5.NBT.B.5": ("Multiply large whole numbers", "Multiplicar números enteros grandes"),
    "5.NBT.B.6": ("Divide with up to four-digit numbers", "Dividir con números de hasta cuatro cifras"),
    "5.NBT.B.7": ("Add, subtract, multiply and divide decimals", "Sumar, restar, multiplicar y dividir decimales"),
    "5.NF.A.1": ("Add and subtract fractions with different bottom numbers",
                 "Sumar y restar fracciones con distinto denominador"),
    "5.NF.A.2": ("Solve word problems that add or subtract fractions",
                 "Resolver problemas escritos que suman o restan fracciones"),
    "5.NF.B.3": ("See a fraction as a division", "Entender una fracción como una división"),
    "5.NF.B.4": ("Multiply a fraction by a whole number or a fraction",
                 "Multiplicar una fracción por un número entero o por otra fracción"),
    "5.NF.B.5": ("Understand multiplying as making bigger or smaller", "Entender la multiplicación como agrandar o achicar"),
    "5.NF.B.6": ("Solve real-life problems that multiply fractions",
                 "Resolver problemas de la vida real que multiplican fracciones"),
    "5.NF.B.7": ("Divide with unit fractions", "Dividir con fracciones unitarias"),
}


def seed(district: District) -> None:
    framework, _summary = case.write_package(case.parse_package(PACKAGE.read_bytes()))
    if framework.min_evidence != 2 or framework.grade_range != "5":
        framework.min_evidence, framework.grade_range = 2, "5"  # so the demo shows "not enough evidence yet" too
        framework.save(update_fields=["min_evidence", "grade_range"])
    by_code = {c.short_code: c for c in Competency.objects.filter(framework=framework, code__in=[PREFIX + c for c in CLASS_CODES])}
    competencies = [by_code[code] for code in CLASS_CODES]
    for code, (english, spanish) in FAMILY_STATEMENTS.items():
        if not by_code[code].family_statement:
            by_code[code].family_statement, by_code[code].family_statement_es = english, spanish
            by_code[code].save(update_fields=["family_statement", "family_statement_es"])
    for before, after in PREREQUISITES:
        if not Prerequisite.objects.filter(prerequisite=by_code[before], competency=by_code[after]).exists():
            services.add_prerequisite(prerequisite=by_code[before], competency=by_code[after])
    sections = list(Section.objects.filter(school__district=district, sourced_id__in=["demo-section-math-1", "demo-section-math-2"]))
    for section in sections:
        services.link_section_competencies(section=section, competencies=competencies)
    _open_admin(Group.objects.filter(name="District administrators").first())
    if not Evidence.objects.filter(competency__framework=framework, student__school__district=district).exists():
        _evidence(framework, sections, competencies)


def _open_admin(group: Group | None) -> None:
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="competencies"))


def _evidence(framework: Framework, sections: list[Section], competencies: list[Competency]) -> None:
    """About three months of results: each student works through the list at their own pace."""
    today = timezone.localdate()
    rows, pairs = [], set()
    for section in sections:
        start = max(section.term.start_date, today - timedelta(days=120))
        teacher = section.teachers.order_by("pk").first() or User.objects.filter(role=User.Role.TEACHER).first()
        students = Student.objects.filter(enrollments__section=section).order_by("sourced_id")
        for student in students:
            rng = random.Random(student.sourced_id)  # nosec B311 (demo data, repeatable on purpose)
            reach = rng.randint(4, len(competencies))
            skill = rng.uniform(0.0, 1.2)
            for index, competency in enumerate(competencies[:reach]):
                for attempt in range(rng.randint(1, 4)):
                    day = start + timedelta(days=min((today - start).days, index * 8 + attempt * 9 + rng.randint(0, 5)))
                    score = min(4, max(1, round(1 + skill + attempt * 0.7 + rng.uniform(-0.6, 0.6))))
                    rows.append(_result(student, competency, score, day, teacher, rng))
                    pairs.add((student.pk, competency.pk))
    Evidence.objects.bulk_create(rows, batch_size=1000)
    services.recompute_mastery(pairs=pairs)


def _result(student: Student, competency: Competency, score: int, day, teacher, rng: random.Random) -> Evidence:
    accommodations = []
    if student.has_plan:
        accommodations = rng.sample([Evidence.Accommodation.READ_ALOUD, Evidence.Accommodation.EXTENDED_TIME,
                                     Evidence.Accommodation.SPEECH_TO_TEXT], k=rng.randint(1, 2))
    return Evidence(
        student=student, competency=competency, score=Decimal(score), observed_on=day, recorded_by=teacher,
        kind=rng.choice(Evidence.Kind.values), demonstration=rng.choice(Evidence.Demonstration.values),
        accommodations=sorted(str(a) for a in accommodations),
    )
