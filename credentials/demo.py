"""Demo: the demo district as an Open Badges issuer that badges its grade-5 math framework. For Maya and two other
demo students with a parent on Waypoint and a mastered competency, the parent has already chosen one credential
(as a family would on the portal) and a learner record (CLR) of it; every student's other mastered competencies are offered. Maya's parent (parent@) sees
one credential made and more on offer. Idempotent: the profile and rule are found by district, and a student who
already has a credential gets no other. Keys are development keys (CREDENTIALS_DEV_KEYS)."""

from django.core.files.base import ContentFile

from accounts.models import User
from competencies.models import Framework
from roster.access import guardianships_with_rights
from roster.models import District, Student

from . import clr, selectors, services
from . import educators
from .models import BadgeRule, IssuerProfile, MicroCredential, MicroCredentialReviewer, RubricCriterion, StudentCredential, Submission

DEMO_FRAMEWORK_PREFIX = "CCSS.Math.Content."
# Maya and the access matrix's two other subjects (tests/security/matrix.py): signing takes about a second each
# (JSON-LD canonicalisation), so the demo does not sign for every student.
DEMO_CHOSEN = ("demo-student-00", "demo-student-02", "demo-student-41")


def seed(district: District) -> None:
    issuer, _created = IssuerProfile.objects.get_or_create(district=district, defaults={
        "name": district.name, "url": "https://district.example.org/", "email": "credentials@district.example.org",
        "description": "Credentials for competencies mastered in the district's schools."})
    framework = Framework.objects.filter(competencies__identifier__startswith=DEMO_FRAMEWORK_PREFIX).distinct().first()
    if framework is None:
        framework = Framework.objects.order_by("pk").first()
    if framework is None:
        return
    _micro_credentials(issuer)
    BadgeRule.objects.get_or_create(issuer=issuer, framework=framework)
    guardianships = guardianships_with_rights().filter(student__school__district=district).select_related("guardian")
    parents = {g.student_id: g.guardian for g in guardianships.order_by("pk")}
    with_credentials = set(StudentCredential.objects.filter(issuer=issuer).values_list("student_id", flat=True))
    for student in Student.objects.filter(pk__in=parents, sourced_id__in=DEMO_CHOSEN).exclude(pk__in=with_credentials).select_related("school"):
        offer = selectors.offers(student, issuer).first()
        if offer is not None:
            services.issue(student=student, competency_id=offer.competency_id, chosen_by=parents[student.pk])
            clr.make(student=student, chosen_by=parents[student.pk])


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
CATALOGUE = [
    ("Universal Design for Learning in practice",
     "Plan and teach a unit with multiple means of engagement, representation, and action and expression.",
     ["Plan a lesson with options for engagement, representation and expression",
      "Remove barriers named in students' learner profiles", "Judge the effect on students' access"],
     [("Lesson design", "The plan offers real choices in how students take in and show learning."),
      ("Barriers removed", "Each named barrier has a planned option, tied to a student's profile."),
      ("Reflection on impact", "The reflection uses students' work to say what changed.")]),
    ("Progress monitoring of IEP goals",
     "Measure IEP goals often with a valid probe, graph the data, and act on the trend.",
     ["Choose a measure that fits the goal", "Collect data weekly and graph it against the aim line",
      "Change instruction when the trend is flat"],
     [("Measurement", "The probe measures the goal as written, at the same conditions each time."),
      ("Data and graph", "At least six weekly points, graphed with the aim line."),
      ("Decision", "A decision rule is applied and the change is described.")]),
    ("Co-teaching in an inclusive class",
     "Plan, teach and assess together with a general and a special educator.",
     ["Choose a co-teaching model for the lesson's purpose", "Share planning, teaching and grading",
      "Keep IEP accommodations in place in the shared lesson"],
     [("Shared planning", "Both teachers plan roles and the model before the lesson."),
      ("Parity in teaching", "Both teachers lead instruction; students see two teachers."),
      ("Accommodations kept", "Each IEP accommodation is visible in the lesson.")]),
]


def _micro_credentials(issuer: IssuerProfile) -> None:
    """The catalogue, the director as the district's reviewer, a submission waiting (teacher@, with a file) and an
    award (casemanager@), unless the demo already has them."""
    for title, description, competencies, criteria in CATALOGUE:
        item, created = MicroCredential.objects.get_or_create(issuer=issuer, title=title, defaults={
            "description": description, "competencies": "\n".join(competencies)})
        if created:
            RubricCriterion.objects.bulk_create(RubricCriterion(micro_credential=item, name=name, description=text, position=i)
                                                for i, (name, text) in enumerate(criteria))
    director = User.objects.filter(email="director@demo.test").first()
    teacher = User.objects.filter(email="teacher@demo.test").first()
    case_manager = User.objects.filter(email="casemanager@demo.test").first()
    if not (director and teacher and case_manager) or Submission.objects.filter(micro_credential__issuer=issuer).exists():
        return
    MicroCredentialReviewer.objects.get_or_create(issuer=issuer, user=director)
    udl, monitoring = (MicroCredential.objects.get(issuer=issuer, title=CATALOGUE[i][0]) for i in (0, 1))
    educators.submit(micro_credential=monitoring, educator=teacher, links="https://drive.example.org/weekly-probes",
                     reflection="I probed two students weekly for eight weeks, graphed each against the aim line, and "
                     "changed one student's practice routine when four points fell below it.",
                     file=ContentFile(MINIMAL_PDF, name="probe-graphs.pdf"))
    submission = educators.submit(micro_credential=udl, educator=case_manager, links="",
                                  reflection="My fractions unit offered manipulatives, read-aloud text and three ways to "
                                  "show learning; Maya chose to explain orally and reached mastery.")
    educators.review(submission=submission, reviewer=director, levels={c.pk: 3 for c in udl.criteria.all()},
                     feedback="Clear link from barriers to options.", award=True)
