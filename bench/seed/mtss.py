"""MTSS (issue 20): fall and winter screening of every student in three areas, the district's intervention library,
tier 2 and tier 3 students with their tier history and an active support plan each (weekly monitoring results,
planned sessions, some missed with why), each school's problem-solving team, the team's decision at each plan's
last review and a few referrals with the parent's consent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from statistics import NormalDist

from django.utils import timezone

from iep import results
from mtss.models import (Area, Decision, Intervention, MonitoringResult, Referral, Risk, ScreeningResult, Season, Session,
                         Settings, SupportPlan, TeamSeat, TierChange)
from mtss.services import evaluation_due

from .people import People, SchoolPlan, at
from .writer import Writers

NORMAL = NormalDist()
EVALUATION_DAYS = 60
# The screener's own cut points (it exports the risk): under the 5th percentile high risk, under the 20th some risk,
# so about 5 % and 15 % of the students in each area.
HIGH_BELOW, SOME_BELOW = 5, 20
# Tier 3: about one in six students at high risk in some area (~3 %); tier 2: about one in five of the others
# at some or high risk (~10 %); a referral for about one in six tier 3 students (~0.5 %).
TIER3_PICK, TIER2_PICK, REFER_PICK = 0.18, 0.19, 1 / 6
MISSED_SHARE = 0.1
MISSED = [(Session.Missed.STUDENT_ABSENT, 50), (Session.Missed.SCHOOL_EVENT, 20), (Session.Missed.STAFF_ABSENT, 15),
          (Session.Missed.BEHAVIOR, 10), (Session.Missed.OTHER, 5)]
MEASURES = {Area.READING: "DIBELS 8 Oral Reading Fluency", Area.MATH: "aimswebPlus Math",
            Area.BEHAVIOR: "SAEBRS Total Behavior"}
# name, area, evidence, group size, sessions a week, minutes, tier it serves, what it is
LIBRARY = [
    ("Repeated reading for fluency", Area.READING, "moderate", 3, 3, 20, 2, "Short passages read several times with feedback."),
    ("Systematic phonics small group", Area.READING, "strong", 5, 4, 30, 2, "Explicit decoding lessons in a small group."),
    ("One-to-one intensive reading", Area.READING, "strong", 1, 5, 30, 3, "Daily individual lessons with a reading specialist."),
    ("Number sense small group", Area.MATH, "strong", 4, 3, 40, 2, "Explicit number and operations lessons."),
    ("Fractions small group", Area.MATH, "moderate", 4, 3, 30, 2, "Fraction concepts with number lines and area models."),
    ("Math facts fluency practice", Area.MATH, "promising", 1, 5, 10, 3, "Timed practice of facts with a graph of progress."),
    ("Check-in/check-out", Area.BEHAVIOR, "moderate", 10, 5, 10, 2, "A daily check-in with an adult and a behavior card."),
    ("Social skills group", Area.BEHAVIOR, "promising", 6, 2, 30, 2, "Modelled and practised skills for working with others."),
    ("Individual self-monitoring plan", Area.BEHAVIOR, "promising", 1, 5, 15, 3, "A daily goal the student rates with an adult."),
]
# The weekly probe of each area's plans: unit, lowest and highest possible result.
PROBES = {Area.READING: ("words read correctly per minute", 0, 250), Area.MATH: ("digits correct in two minutes", 0, 100),
          Area.BEHAVIOR: ("percent of daily behavior points earned", 0, 100)}


def risk_of(percentile: int) -> str:
    return Risk.HIGH if percentile < HIGH_BELOW else Risk.SOME if percentile < SOME_BELOW else Risk.LOW


def screening_score(area: str, grade: int, z: float, season: str) -> Decimal:
    """A score on the area's scale for a grade and a standing (z): fluency grows with the grade and the year."""
    if area == Area.READING:
        value = 30 + 18 * (grade - 2) + (10 if season == Season.WINTER else 0) + 25 * z
        return Decimal(max(0, round(value)))
    if area == Area.MATH:
        return Decimal(round(180 + 6 * grade + (5 if season == Season.WINTER else 0) + 15 * z))
    return Decimal(max(0, min(57, round(42 + 7 * z))))


class MtssSeeder:
    def __init__(self, *, rng: random.Random, writers: Writers, people: People, today: date):
        self.rng, self.w, self.people, self.today = rng, writers, people, today
        self.now = timezone.now()
        self.fall = people.term_start + timedelta(days=10)
        winter = date(people.term_start.year + 1, 1, 12)
        # The winter window opens in December: before mid-January the winter screening is the one just given.
        self.winter = max(self.fall + timedelta(days=14), min(winter, today - timedelta(days=2)))

    def run(self) -> None:
        p = self.people
        self.w[Settings].add(district_id=p.district, evaluation_days=EVALUATION_DAYS)
        self.library: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
        for name, area, evidence, size, times, minutes, tier, description in LIBRARY:
            pk = self.w[Intervention].add(district_id=p.district, name=name, area=area, description=description,
                                          evidence_level=evidence, group_size=size, sessions_per_week=times, minutes=minutes)
            self.library.setdefault((area, tier), []).append((pk, times, minutes))
        schools = {school.pk: school for school in p.schools}
        for school in p.schools:
            for user in dict.fromkeys([school.leader, (school.case_managers or [school.sisp])[0]]):
                self.w[TeamSeat].add(school_id=school.pk, user_id=user)
        for student in p.student_user:
            school = schools[p.student_school[student]]
            fall = self._screen(student, school)
            worst = min(fall, key=lambda area: fall[area][0])
            percentile, risk = fall[worst]
            if risk == Risk.HIGH and self.rng.random() < TIER3_PICK:
                self._support(student, school, worst, 3, percentile)
            elif risk != Risk.LOW and self.rng.random() < TIER2_PICK:
                self._support(student, school, worst, 2, percentile)

    def _screen(self, student: int, school: SchoolPlan) -> dict[str, tuple[int, str]]:
        """Fall and winter results in each area (winter follows fall: the same standing, moved a little)."""
        fall = {}
        grade = self.people.grade[student]
        for area in Area.values:
            z = self.rng.gauss(0, 1)
            for season, day in ((Season.FALL, self.fall), (Season.WINTER, self.winter)):
                percentile = max(1, min(99, int(NORMAL.cdf(z) * 100)))
                risk = risk_of(percentile)
                self.w[ScreeningResult].add(student_id=student, area=area, measure=MEASURES[area], season=season,
                                            score=screening_score(area, grade, z, season), percentile=percentile,
                                            risk=risk, administered_on=day, imported_by_id=school.leader,
                                            created_at=at(day, 16))
                if season == Season.FALL:
                    fall[area] = (percentile, risk)
                z = 0.8 * z + 0.6 * self.rng.gauss(0, 1)
        return fall

    def _interventionist(self, school: SchoolPlan, area: str, tier: int) -> int:
        if area == Area.BEHAVIOR:
            return school.sisp
        if tier == 3:
            return self.rng.choice(school.case_managers or [school.sisp])
        return self.rng.choice(school.teachers or [school.sisp])

    def _support(self, student: int, school: SchoolPlan, area: str, tier: int, percentile: int) -> None:
        rng, leader = self.rng, school.leader
        intervention, per_week, minutes = rng.choice(self.library[(area, tier)])
        interventionist = self._interventionist(school, area, tier)
        weeks = rng.randint(8, 12)
        start = self.today - timedelta(days=7 * weeks + rng.randrange(7))
        # The history: tier 2 after the fall screening, tier 3 when the tier 2 group was not enough.
        why = f"Fall screening: {percentile}th percentile on {MEASURES[area]}."
        first = max(self.fall + timedelta(days=1), start - timedelta(days=10 if tier == 3 else 2))
        self.w[TierChange].add(student_id=student, area=area, tier=2, reason=why, changed_by_id=leader, changed_at=at(first, 9))
        if tier == 3:
            self.w[TierChange].add(student_id=student, area=area, tier=3, changed_by_id=leader,
                                   reason="High risk at the fall screening and little response in the tier 2 group: intensify.",
                                   changed_at=at(max(first, start - timedelta(days=1)), 15))
        unit, low, high = PROBES[area]
        if area == Area.BEHAVIOR:
            baseline, target = rng.randint(40, 65), 80
        elif area == Area.MATH:
            baseline = rng.randint(8, 20)
            target = baseline + 12
        else:
            baseline = max(5, 10 + 18 * (self.people.grade[student] - 2) - rng.randint(20, 45))
            target = baseline + 27  # 1.5 words a week over 18 weeks
        met_on = start + timedelta(weeks=6)  # the team's review of the first six weeks
        refer = tier == 3 and rng.random() < REFER_PICK
        next_review = met_on + timedelta(weeks=6 if refer else rng.randint(4, 8))
        plan = self.w[SupportPlan].add(
            student_id=student, area=area, tier=tier, intervention_id=intervention, interventionist_id=interventionist,
            start_date=start, review_date=next_review, statement=f"Reach {target} {unit} on the weekly probe by the aim date.",
            unit=unit, baseline=Decimal(baseline), target=Decimal(target), target_date=start + timedelta(weeks=18),
            minimum=Decimal(low), maximum=Decimal(high), whole_numbers=True, is_active=True, created_by_id=leader,
            created_at=at(start, 8))
        measure = results.Measure(kind="count", whole_numbers=True, minimum=Decimal(low), maximum=Decimal(high), unit=unit)
        response = rng.choice([1.2, 1.0, 0.8, 0.5, 0.1])  # how well the student responds: on, near or below the aim line
        slope = (target - baseline) / 18
        above = 0
        for week in range(1, weeks + 1):
            value = Decimal(max(low, min(high, round(baseline + slope * response * week + rng.randint(-3, 3)))))
            if problems := results.value_problems(measure, value):  # the one rule every result passes (issue 16)
                raise ValueError(f"bench seed made an invalid result {value}: {problems}")
            day = start + timedelta(weeks=week) - timedelta(days=1)
            self.w[MonitoringResult].add(plan_id=plan, measured_on=day, value=value, note="", recorded_by_id=interventionist,
                                         created_at=at(day, 14))
            if day <= met_on and value >= baseline + slope * week:
                above += 1
        held = given = 0
        offsets = [round(n * 5 / per_week) for n in range(per_week)]  # the week's school days
        for week in range(weeks + 1):
            for offset in offsets:
                day = start + timedelta(weeks=week, days=offset)
                if day > self.today:
                    break
                missed = rng.random() < MISSED_SHARE
                reason = rng.choices([r for r, _w in MISSED], weights=[w for _r, w in MISSED])[0] if missed else ""
                self.w[Session].add(plan_id=plan, held_on=day, delivered=not missed, minutes=None if missed else minutes,
                                    missed_reason=reason, note="Assembly ran over." if reason == Session.Missed.OTHER else "",
                                    recorded_by_id=interventionist, created_at=at(day, 15))
                if day <= met_on:
                    held += 1
                    given += not missed
        data = (f"{above} of 6 weekly results at or above the aim line; {given} of {held} sessions given "
                f"({round(100 * given / held) if held else 0} %).")
        self.w[Decision].add(student_id=student, area=area, met_on=met_on, kind=Decision.Kind.REFER if refer else Decision.Kind.CONTINUE,
                             data=data, next_review=None if refer else next_review, decided_by_id=leader, created_at=at(met_on, 16))
        if refer:
            consent = min(self.today, met_on + timedelta(days=rng.randint(3, 10)))
            self.w[Referral].add(
                student_id=student, concerns=f"{Area(area).label}: far below grade level despite tier 2 and tier 3 support.",
                data=f"Fall screening: {percentile}th percentile on {MEASURES[area]}.\n{data}",
                interventions_tried=f"Tier 3 since {start.isoformat()}, {per_week} sessions a week of {minutes} min.",
                consent_on=consent, evaluation_due=evaluation_due(consent, days=EVALUATION_DAYS), created_by_id=leader,
                created_at=at(met_on, 17))
