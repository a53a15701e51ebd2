"""Demo learner profiles: every demo student gets a varied profile with a few weeks of history.

Idempotent: a student who already has profile sections is left alone.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from roster.models import District, Student

from .models import Accommodation, ProfileGoal, ProfileSection

Kind = ProfileSection.Kind

STRENGTHS = [
    "Curious and asks thoughtful questions. Strong visual memory; remembers diagrams and maps after one look.",
    "Kind to classmates and a natural helper in group work. Excellent at mental math with whole numbers.",
    "Loves telling stories out loud and uses rich vocabulary when speaking. Persistent with hands-on tasks.",
    "Careful, accurate worker who notices details others miss. Good at building and fixing things.",
    "Creative thinker with a great sense of humour. Reads above grade level when the topic is animals or space.",
]
NEEDS = [
    "Decoding multisyllabic words; reading fluency is below grade level (about 70 words per minute).",
    "Getting started on written tasks and organising ideas into paragraphs.",
    "Multi-step word problems: loses track of the steps without a checklist.",
    "Expressive language: finding the right words when answering quickly in class discussion.",
    "Staying focused during long independent work; needs movement breaks.",
]
INTERESTS = [
    "Soccer, drawing comics, and anything about sharks.",
    "Minecraft, building with LEGO, and cooking with grandma.",
    "Music (plays the drums), basketball, and space exploration.",
    "Horses, nature walks, and making videos.",
    "Dinosaurs, chess, and helping in the school garden.",
]
MOTIVATIONS = [
    "Choice in how to show learning; earning time to help the teacher.",
    "Seeing progress on a chart; praise given privately rather than in front of the class.",
    "Working with a partner; short goals with a quick check-in.",
    "Real-world projects and connecting work to their interests.",
    "Leading a small group or presenting to younger students.",
]
ENGAGEMENT = [
    "Engages best with short tasks and a visible timer; likes a choice of two activities.",
    "Stays with a task longer when it connects to a personal interest.",
    "Works well with a partner; needs a quiet corner when the room is loud.",
]
REPRESENTATION = [
    "Understands best with visuals, models and worked examples; audio versions of texts help.",
    "Prefers hearing instructions and seeing them written; key vocabulary pre-taught.",
    "Learns well from short videos and hands-on demonstrations.",
]
ACTION_EXPRESSION = [
    "Shows learning well orally or with drawings; speech-to-text for longer writing.",
    "Prefers building models or making a short video over writing a paragraph.",
    "Types more easily than handwriting; graphic organisers help plan answers.",
]
SUPPORTS = [
    "Reading intervention 4 times a week in a small group (30 minutes).",
    "Speech-language therapy twice a week; check-ins with the counsellor on Mondays.",
    "Co-taught math class; resource room support for writing three times a week.",
]
EXECUTIVE_FUNCTIONING = [
    "Uses a daily planner with adult check at dismissal. Benefits from breaking assignments into chunks with due dates.",
    "Loses materials often: colour-coded folders and a locker checklist help.",
    "Transitions are hard: a 5-minute warning and a visual schedule help.",
]
ABOUT_ME = [
    "I learn best when I can draw what I am thinking. I like it when the teacher shows an example first. Loud rooms make it hard for me to think.",
    "I like to listen to the story before I read it. Breaks help me focus. I am good at building things.",
    "I like to work with a friend. Please tell me the steps one at a time. I like making videos to show what I know.",
]
EVALUATION = [
    "Psychoeducational evaluation (last spring): average cognitive ability; significant weakness in phonological processing. Eligible for services.",
    "Speech-language evaluation: expressive language below age expectations; receptive language within normal limits.",
    "Evaluation found attention difficulties that affect classwork; medical diagnosis shared by the family.",
]
GOALS = [
    (ProfileGoal.Kind.ACADEMIC, ProfileGoal.Owner.IEP_TEAM, "Read grade-level passages at 100 words per minute with 95% accuracy.", 150, ProfileGoal.Status.IN_PROGRESS),
    (ProfileGoal.Kind.EXECUTIVE_FUNCTIONING, ProfileGoal.Owner.TEACHER, "Write homework in the planner every day without reminders for 4 weeks.", 60, ProfileGoal.Status.IN_PROGRESS),
    (ProfileGoal.Kind.SOCIAL_EMOTIONAL, ProfileGoal.Owner.FAMILY, "Use a calm-down strategy when frustrated, at home and at school.", 90, ProfileGoal.Status.NOT_STARTED),
    (ProfileGoal.Kind.ACADEMIC, ProfileGoal.Owner.TEACHER, "Solve two-step word problems using a checklist with 80% accuracy.", 120, ProfileGoal.Status.IN_PROGRESS),
    (ProfileGoal.Kind.FUNCTIONAL, ProfileGoal.Owner.IEP_TEAM, "Pack up materials and follow the dismissal checklist independently.", 75, ProfileGoal.Status.MET),
]
STUDENT_GOALS = [
    (ProfileGoal.Kind.SELF_ADVOCACY, "Ask for a break when I need one instead of shutting down.", 45, ProfileGoal.Status.IN_PROGRESS),
    (ProfileGoal.Kind.SELF_ADVOCACY, "Tell my teacher when I need the instructions again.", 30, ProfileGoal.Status.IN_PROGRESS),
    (ProfileGoal.Kind.ACADEMIC, "Read one chapter book on my own this term.", 100, ProfileGoal.Status.NOT_STARTED),
]
ACCOMMODATIONS = [
    (Accommodation.Category.CLASSROOM, "Preferential seating near instruction, away from the door", "All classes", "Classroom teacher"),
    (Accommodation.Category.CLASSROOM, "Text-to-speech for reading assignments", "ELA and science", "Classroom teacher"),
    (Accommodation.Category.CLASSROOM, "Movement break every 20 minutes", "All classes", "Classroom teacher"),
    (Accommodation.Category.CLASSROOM, "Graphic organiser for writing", "ELA", "Special educator"),
    (Accommodation.Category.ASSESSMENT, "Extended time (time and a half)", "Classroom tests and state assessments", "Test administrator"),
    (Accommodation.Category.ASSESSMENT, "Read aloud (except reading comprehension items)", "Math and science tests", "Special educator"),
    (Accommodation.Category.ASSESSMENT, "Separate, quiet setting", "State assessments", "Special educator"),
]


def seed(district: District) -> None:
    staff = {u.email: u for u in User.objects.filter(email__endswith="@demo.test").exclude(email__startswith="family.")}
    students = Student.objects.filter(school__district=district, sourced_id__startswith="demo-student-").order_by("sourced_id")
    already = set(ProfileSection.objects.filter(student__in=students).values_list("student_id", flat=True))
    for index, student in enumerate(students):
        if student.pk not in already:
            _profile(index, student, staff)


def _profile(index: int, student: Student, staff: dict[str, User]) -> None:
    now = timezone.now()
    first_school = student.school.sourced_id == "demo-school-1"
    author = staff["teacher@demo.test"] if first_school else staff["teacher2@demo.test"]
    editor = staff["casemanager@demo.test"] if first_school and student.has_plan else author
    written = now - timedelta(days=40 + index % 7)
    texts = {
        Kind.STRENGTHS: STRENGTHS[index % 5], Kind.NEEDS: NEEDS[(index + 1) % 5], Kind.INTERESTS: INTERESTS[(index + 2) % 5],
        Kind.MOTIVATIONS: MOTIVATIONS[(index + 3) % 5], Kind.ENGAGEMENT: ENGAGEMENT[index % 3],
        Kind.REPRESENTATION: REPRESENTATION[(index + 1) % 3], Kind.ACTION_EXPRESSION: ACTION_EXPRESSION[(index + 2) % 3],
        Kind.EXECUTIVE_FUNCTIONING: EXECUTIVE_FUNCTIONING[index % 3],
    }  # fmt: skip
    if student.has_plan:
        texts[Kind.SUPPORTS] = SUPPORTS[index % 3]
        texts[Kind.EVALUATION] = EVALUATION[index % 3]
    for kind, text in texts.items():
        section = _create(ProfileSection(student=student, kind=kind, text=text, visibility=ProfileSection.DEFAULT_VISIBILITY[kind]), author, written)
        if kind in (Kind.STRENGTHS, Kind.NEEDS, Kind.SUPPORTS):
            # A later edit by someone else, so every profile has a history worth reading.
            section.text = text + _ADDITIONS[kind]
            _edit(section, editor, now - timedelta(days=12 + index % 5))
    about_me_author = student.user or author
    _create(ProfileSection(student=student, kind=Kind.ABOUT_ME, text=ABOUT_ME[index % 3], visibility=ProfileSection.DEFAULT_VISIBILITY[Kind.ABOUT_ME]), about_me_author, now - timedelta(days=20))
    _goals(index, student, author, editor, written, now)
    _accommodations(index, student, editor, written)


_ADDITIONS = {
    Kind.STRENGTHS: " Recently took the lead in a science group project.",
    Kind.NEEDS: " Fluency up 12 words per minute since September.",
    Kind.SUPPORTS: " Added: weekly check-in with the case manager.",
}


def _goals(index, student, author, editor, written, now) -> None:
    count = 2 + index % 2
    for offset in range(count):
        kind, owner, description, days, status = GOALS[(index + offset) % len(GOALS)]
        goal = ProfileGoal(student=student, kind=kind, owner=owner, description=description, status=ProfileGoal.Status.NOT_STARTED,
                           target_date=(now + timedelta(days=days)).date())  # fmt: skip
        _create(goal, author, written)
        if status != ProfileGoal.Status.NOT_STARTED:
            goal.status = status
            _edit(goal, editor, now - timedelta(days=8))
    kind, description, days, status = STUDENT_GOALS[index % 3]
    _create(ProfileGoal(student=student, kind=kind, owner=ProfileGoal.Owner.STUDENT, description=description, status=status,
                        target_date=(now + timedelta(days=days)).date()), student.user or author, written)  # fmt: skip


def _accommodations(index, student, author, written) -> None:
    for offset in range(2 + index % 3):
        category, description, applies_in, provided_by = ACCOMMODATIONS[(index * 2 + offset) % len(ACCOMMODATIONS)]
        _create(Accommodation(student=student, category=category, description=description, applies_in=applies_in,
                              provided_by=provided_by), author, written)  # fmt: skip


def _create(item, user: User, when):
    item.updated_by = user
    item._history_user = user
    item._history_date = when
    item.save()
    type(item).objects.filter(pk=item.pk).update(updated_at=when)  # back-date the demo row; history has its own date
    return item


def _edit(item, user: User, when) -> None:
    item.version += 1
    item.updated_by = user
    item._history_user = user
    item._history_date = when
    item.save()
    type(item).objects.filter(pk=item.pk).update(updated_at=when)
