"""Full mastery recomputation, framework by framework (the command, the Celery task and the job benchmark; P5).

- Every method is one set-based statement per framework on PostgreSQL: the evidence is aggregated in SQL, upserted
  into Mastery on (student, competency) and compared with the stored rows in the same statement, so only the pairs
  whose value, mastered state or parameters changed are announced.
- latest, highest, average and n_times_at_mastery work on scores as whole hundredths, rounded half up as mastery.py
  does (the same statement on SQLite).
- decaying_average is a weighted sum: with the results numbered r = 1 (newest) .. n (oldest), v = sum of
  w*(1-w)^(r-1)*s_r, except the oldest, which has (1-w)^(n-1). It is summed exactly as integers (bigint up to SHORT
  results, numeric beyond; never float): with W = 100*w and c_r the score in hundredths, the value in hundredths is
  sum(c_r * (W, or 100 for the oldest) * (100-W)^(r-1) * 100^(n-r)) / 100^n, rounded half up: mastery.py's
  exact recurrence, to the cent.
- power_law repeats mastery.py's float arithmetic operation for operation (float8 is the same IEEE double, ln, exp
  and pow the same C library on the same machine, the sums in the same order because a window frame feeds its
  aggregate in the window's order), and rounds the float's shortest text form (extra_float_digits >= 1), as
  Decimal(str(float)) does. A database server with another C library could differ in the last bit of ln or exp:
  that changes the stored cent only for a prediction within about 1e-15 of a half cent.
- On SQLite (the embedded default) these two stay in mastery.py: SQLite has no exact decimal type and prints floats
  with 15 digits, so evidence is read in (student, competency, date) order per chunk of students with
  values_list().iterator(), and written with one bulk upsert. So does a decaying weight that is not whole hundredths
  (the model allows only those).

Voided evidence does not count (Evidence.objects.current()). Teacher overrides are columns the upsert never touches; the
effective state (override over computed) and the day it was reached are written with the result (mastery.effective,
mastery.mastered_since, said once more in SQL in _in_sql). Like every other write of mastery, the changed pairs are
announced with mastery_changed after commit (services._announce).
"""

from __future__ import annotations

# Bandit B608 (SQL built from strings) is reviewed on each statement below: what is formatted into the SQL
# is only our own fragments, table names from the model, and numbers from mastery.Params (whole numbers,
# checked in Params.__post_init__) or Decimals turned into ints; every value from the data is a parameter.

import json
from collections.abc import Sequence
from itertools import groupby

from django.db import connection, transaction
from django.utils import timezone

from . import mastery
from .models import Evidence, Mastery
from .selectors import ScaleInfo, scale_info
from .services import STORED

SQL_METHODS = frozenset({mastery.LATEST, mastery.HIGHEST, mastery.AVERAGE, mastery.N_TIMES_AT_MASTERY})
SEQUENCE_METHODS = frozenset({mastery.DECAYING_AVERAGE, mastery.POWER_LAW})  # set-based on PostgreSQL only
SHORT = 6  # decaying average: up to 6 results, the exact sum fits in bigint (scores below 100: < 6 * 10^16)


def recompute_frameworks(*, framework_id: int | None = None, student_ids: Sequence[int] | None = None,
                         chunk: int = 1000) -> tuple[int, dict[int, set[int]]]:
    """Recompute every (student, competency) pair with evidence, per framework; returns (pairs, changed)."""
    evidence = Evidence.objects.current()
    if framework_id is not None:
        evidence = evidence.filter(competency__framework_id=framework_id)
    framework_ids = set(evidence.values_list("competency__framework_id", flat=True).distinct().order_by())
    total, changed = 0, {}
    for fw_id, info in sorted(scale_info(framework_ids).items()):
        if set_based(info.params):
            done, fw_changed = _in_sql(fw_id, info, student_ids)
        else:
            done, fw_changed = _in_python(fw_id, info, student_ids, chunk)
        total += done
        for student_id, ids in fw_changed.items():
            changed.setdefault(student_id, set()).update(ids)
    return total, changed


# --- set-based ------------------------------------------------------------------------


def set_based(params: mastery.Params) -> bool:
    """Whether this framework's pairs are recomputed in one statement on the current database (else in Python)."""
    if params.method in SQL_METHODS:
        return True
    if params.method not in SEQUENCE_METHODS or connection.vendor != "postgresql":
        return False
    return params.method == mastery.POWER_LAW or (params.decay_weight * 100) % 1 == 0


def _scores(framework_id: int, student_ids: Sequence[int] | None) -> tuple[str, tuple]:
    """The framework's evidence as SQL: student, competency, id, date and score in whole hundredths."""
    rows = Evidence.objects.current().filter(competency__framework_id=framework_id)
    if student_ids is not None:
        rows = rows.filter(student_id__in=list(student_ids))
    sql, params = rows.order_by().values_list("student_id", "competency_id", "id", "observed_on", "score").query.sql_with_params()
    return sql, params


def _new_rows_sql(framework_id: int, info: ScaleInfo, student_ids: Sequence[int] | None) -> tuple[str, list]:
    """SELECT student_id, competency_id, cnt, cents, value, mastered, last_day: the new Mastery of every pair (one GROUP
    BY); last_day is the date of the pair's newest result (the day a computed mastery is reached)."""
    params = info.params
    if params.method in SEQUENCE_METHODS:
        return _sequence_rows_sql(framework_id, info, student_ids)
    base, base_params = _scores(framework_id, student_ids)
    threshold = int((params.threshold * 100).to_integral_value())
    windows = ""
    if params.method == mastery.LATEST:
        windows = ", ROW_NUMBER() OVER (PARTITION BY b.sid, b.cid ORDER BY b.day DESC, b.eid DESC) AS rn"
    elif params.method == mastery.N_TIMES_AT_MASTERY:
        windows = ", ROW_NUMBER() OVER (PARTITION BY b.sid, b.cid ORDER BY b.cents DESC) AS rn"
    mean = "(2 * SUM(w.cents) + COUNT(*)) / (2 * COUNT(*))"  # the mean, rounded half up, in integer arithmetic
    at_mastery = f"SUM(CASE WHEN w.cents >= {threshold} THEN 1 ELSE 0 END)"
    n = params.n_times
    cents, mastered = {
        mastery.LATEST: ("MAX(CASE WHEN w.rn = 1 THEN w.cents END)", None),
        mastery.HIGHEST: ("MAX(w.cents)", None),
        mastery.AVERAGE: (mean, None),
        mastery.N_TIMES_AT_MASTERY: (
            f"CASE WHEN {at_mastery} >= {n} THEN (2 * SUM(CASE WHEN w.rn <= {n} THEN w.cents ELSE 0 END) + {n}) / {2 * n} "
            f"ELSE {mean} END",
            f"{at_mastery} >= {n}",
        ),
    }[params.method]
    mastered = mastered or f"{cents} >= {threshold}"
    sql = (
        f"SELECT w.sid AS student_id, w.cid AS competency_id, COUNT(*) AS cnt, "  # nosec B608 (ints, own SQL)
        f"CASE WHEN COUNT(*) >= {params.min_evidence} THEN {cents} END AS cents, "
        f"CASE WHEN COUNT(*) >= {params.min_evidence} THEN ({cents}) / 100.0 END AS value, "
        f"(COUNT(*) >= {params.min_evidence} AND {mastered}) AS mastered, MAX(w.day) AS last_day "
        f"FROM (SELECT b.sid, b.cid, b.day, b.cents{windows} FROM (SELECT s.student_id AS sid, s.competency_id AS cid, s.id AS eid, "
        f"s.observed_on AS day, CAST(ROUND(s.score * 100) AS INTEGER) AS cents FROM ({base}) s) b) w "
        f"GROUP BY w.sid, w.cid"
    )
    return sql, list(base_params)


def _sequence_rows_sql(framework_id: int, info: ScaleInfo, student_ids: Sequence[int] | None) -> tuple[str, list]:
    """The same columns for decaying_average and power_law (PostgreSQL): window functions over each pair's results."""
    params = info.params
    base, base_params = _scores(framework_id, student_ids)
    scores = (f"SELECT s.student_id AS sid, s.competency_id AS cid, s.id AS eid, s.observed_on AS day, s.score, "  # nosec B608 (ints, own SQL)
              f"CAST(ROUND(s.score * 100) AS INTEGER) AS cents FROM ({base}) s")
    full = "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
    if params.method == mastery.DECAYING_AVERAGE:
        weight, rest = int(params.decay_weight * 100), 100 - int(params.decay_weight * 100)
        # r = 1 is the newest result (latest date, then latest recorded), r = n the oldest; every factor an integer.
        # Up to SHORT results (almost every pair) the sum fits in bigint, with the powers read from constant arrays;
        # longer sequences take numeric, which has no limit.
        powers = f"(ARRAY[{', '.join(str(rest ** k) for k in range(SHORT))}]::bigint[])"
        hundreds = f"(ARRAY[{', '.join(str(100 ** k) for k in range(SHORT + 1))}]::bigint[])"
        share = f"(CASE WHEN w.r = w.n THEN 100 ELSE {weight} END)"
        short = f"CAST(w.cents AS bigint) * {share} * {powers}[w.r] * {hundreds}[w.n - w.r + 1]"
        long = (f"CAST(w.cents AS numeric) * {share} * TRUNC(POWER(CAST({rest} AS numeric), w.r - 1)) "
                f"* TRUNC(POWER(CAST(100 AS numeric), w.n - w.r))")
        # the value in hundredths rounded half up (away from zero) by integer division: bigint, or numeric's DIV
        den = f"{hundreds}[g.cnt + 1]"
        short_cents = f"(CASE WHEN g.small < 0 THEN -1 ELSE 1 END) * ((2 * ABS(g.small) + {den}) / (2 * {den}))"
        den = "TRUNC(POWER(CAST(100 AS numeric), g.cnt))"
        long_cents = f"SIGN(g.num) * DIV(2 * ABS(g.num) + {den}, 2 * {den})"
        pairs = (
            f"SELECT g.sid, g.cid, g.cnt, g.last_day, "  # nosec B608 (ints, own SQL)
            f"CASE WHEN g.cnt <= {SHORT} THEN {short_cents} ELSE {long_cents} END AS cents "
            f"FROM (SELECT w.sid, w.cid, COUNT(*) AS cnt, MAX(w.day) AS last_day, "
            f"CAST(SUM(CASE WHEN w.n <= {SHORT} THEN {short} END) AS bigint) AS small, "
            f"SUM(CASE WHEN w.n > {SHORT} THEN {long} END) AS num "
            f"FROM (SELECT b.sid, b.cid, b.day, b.cents, "
            f"ROW_NUMBER() OVER f AS r, COUNT(*) OVER f AS n FROM ({scores}) b "  # one window: one pass
            f"WINDOW f AS (PARTITION BY b.sid, b.cid ORDER BY b.day DESC, b.eid DESC {full})) w "
            f"GROUP BY w.sid, w.cid) g"
        )
    else:
        # mastery.power_law step by step: x = ln t, y = ln max(s, 0.1), the means, sxx and sxy summed oldest first,
        # the prediction at t = n; one result: the score itself (not clamped, as in mastery.py)
        lowest, highest = (int(mastery._round(v) * 100) for v in (params.scale_min, params.scale_max))
        window = f"WINDOW f AS (PARTITION BY {{t}}.sid, {{t}}.cid ORDER BY {{t}}.day, {{t}}.eid {full})"
        slope = "(l3.sxy / l3.sxx)"
        predicted = f"EXP((l3.my - {slope} * l3.mx) + {slope} * l3.x)"
        pairs = (
            f"SELECT l3.sid, l3.cid, l3.n AS cnt, l3.day AS last_day, CASE WHEN l3.n = 1 THEN l3.cents ELSE LEAST(GREATEST("  # nosec B608 (ints, own SQL)
            f"ROUND(CAST(CAST({predicted} AS text) AS numeric) * 100), {lowest}), {highest}) END AS cents "
            f"FROM (SELECT l2.*, SUM(POWER(l2.x - l2.mx, CAST(2 AS float8))) OVER f AS sxx, "
            f"SUM((l2.x - l2.mx) * (l2.y - l2.my)) OVER f AS sxy "
            f"FROM (SELECT l1.*, LN(CAST(l1.t AS float8)) AS x, "
            f"SUM(LN(CAST(l1.t AS float8))) OVER f / CAST(l1.n AS float8) AS mx, "
            f"SUM(l1.y) OVER f / CAST(l1.n AS float8) AS my "
            f"FROM (SELECT b.sid, b.cid, b.day, b.eid, b.cents, ROW_NUMBER() OVER f AS t, COUNT(*) OVER f AS n, "
            f"LN(GREATEST(CAST(b.score AS float8), CAST('{mastery.POWER_LAW_FLOOR!r}' AS float8))) AS y "
            f"FROM ({scores}) b {window.format(t='b')}) l1 {window.format(t='l1')}) l2 {window.format(t='l2')}) l3 "
            f"WHERE l3.t = l3.n"
        )
    threshold = int((params.threshold * 100).to_integral_value())
    enough = f"p.cnt >= {params.min_evidence}"
    sql = (
        f"SELECT p.sid AS student_id, p.cid AS competency_id, p.cnt, CASE WHEN {enough} THEN p.cents END AS cents, "  # nosec B608 (ints, own SQL)
        f"CASE WHEN {enough} THEN p.cents / 100.0 END AS value, ({enough} AND p.cents >= {threshold}) AS mastered, "
        f"p.last_day FROM ({pairs}) p"
    )
    return sql, list(base_params)


def _in_sql(framework_id: int, info: ScaleInfo, student_ids: Sequence[int] | None) -> tuple[int, dict[int, set[int]]]:
    from .services import _announce

    new_sql, new_params = _new_rows_sql(framework_id, info, student_ids)
    table = Mastery._meta.db_table
    postgres = connection.vendor == "postgresql"
    cfg = ("SELECT CAST(%s AS jsonb) AS params, CAST(%s AS varchar) AS method, CAST(%s AS timestamptz) AS now, "
           "CAST(%s AS numeric) AS threshold" if postgres
           else "SELECT %s AS params, %s AS method, %s AS now, CAST(%s AS NUMERIC) AS threshold")
    # mastery.effective and mastery.mastered_since, in SQL: the override (kept) over the computed result; the day a
    # mastered state began is kept while it lasts, the newest result's date when it begins.
    effective_mastered = "(CASE WHEN m.override_value IS NULL THEN n.mastered ELSE m.override_value >= cfg.threshold END)"
    effective = (f"COALESCE(m.override_value, n.value) AS effective_value, {effective_mastered} AS effective_mastered, "
                 f"CASE WHEN NOT {effective_mastered} THEN NULL WHEN m.effective_mastered AND m.mastered_on IS NOT NULL "
                 f"THEN m.mastered_on ELSE n.last_day END AS mastered_on")
    announce = ("m.id IS NULL OR m.is_mastered <> n.mastered OR m.params <> cfg.params "
                "OR (m.value IS NULL) <> (n.cents IS NULL) OR ROUND(m.value * 100) <> n.cents")
    # diff: the pairs whose stored row differs at all (only these are written); announce: those whose value,
    # mastered state or parameters moved (these are told to higher apps).
    ctes = (
        f"WITH fresh AS ({new_sql}), cfg AS ({cfg}), diff AS (SELECT n.student_id, n.competency_id, n.value, n.mastered, "  # nosec B608 (ints, own SQL)
        f"n.cnt, {effective}, ({announce}) AS announce FROM fresh n CROSS JOIN cfg LEFT JOIN {table} m "
        f"ON m.student_id = n.student_id AND m.competency_id = n.competency_id "
        f"WHERE {announce} OR m.evidence_count <> n.cnt OR m.method <> cfg.method)"
    )
    upsert = (
        f"INSERT INTO {table} (student_id, competency_id, value, is_mastered, evidence_count, method, params, computed_at, "  # nosec B608 (ints, own SQL)
        f"override_reason, effective_value, effective_mastered, mastered_on) SELECT d.student_id, d.competency_id, d.value, "
        f"d.mastered, d.cnt, cfg.method, cfg.params, cfg.now, '', d.effective_value, d.effective_mastered, d.mastered_on "
        f"FROM diff d CROSS JOIN cfg WHERE true ON CONFLICT (student_id, competency_id) DO UPDATE SET "
        + ", ".join(f"{column} = EXCLUDED.{column}" for column in STORED)
    )
    report = "SELECT 0, student_id, competency_id, announce FROM diff UNION ALL SELECT 1, COUNT(*), 0, false FROM fresh"
    params = [*new_params, json.dumps(info.params.as_json()), info.params.method,
              connection.ops.adapt_datetimefield_value(timezone.now()), str(info.params.threshold)]
    changed: dict[int, set[int]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if info.params.method == mastery.POWER_LAW:
            cursor.execute("SET LOCAL extra_float_digits = 1")  # a float's text is its shortest exact form, as str()
        if postgres:  # one statement: every part sees the stored rows as they were before the upsert
            cursor.execute(f"{ctes}, up AS ({upsert}) {report}", params)
            rows = cursor.fetchall()
        else:  # SQLite (the embedded default) has no data-modifying CTE: read the differences, then upsert them
            cursor.execute(f"{ctes} {report}", params)
            rows = cursor.fetchall()
            cursor.execute(f"{ctes} {upsert}", params)
        done = 0
        for is_count, a, b, moved in rows:
            if is_count:
                done = a
            elif moved:
                changed.setdefault(a, set()).add(b)
        _announce(changed)
    return done, changed


# --- sequences in Python, in batches ----------------------------------------------------


def _in_python(framework_id: int, info: ScaleInfo, student_ids: Sequence[int] | None, chunk: int) -> tuple[int, dict[int, set[int]]]:
    evidence = Evidence.objects.current().filter(competency__framework_id=framework_id)
    if student_ids is not None:
        evidence = evidence.filter(student_id__in=list(student_ids))
    students = list(evidence.values_list("student_id", flat=True).distinct().order_by("student_id"))
    done, changed = 0, {}
    for start in range(0, len(students), chunk):
        batch_done, batch_changed = _python_batch(framework_id, info, students[start:start + chunk])
        done += batch_done
        changed.update(batch_changed)
    return done, changed


@transaction.atomic
def _python_batch(framework_id: int, info: ScaleInfo, student_ids: list[int]) -> tuple[int, dict[int, set[int]]]:
    from .services import _announce, stored_row

    params, params_json, now = info.params, info.params.as_json(), timezone.now()
    rows = (Evidence.objects.current().filter(competency__framework_id=framework_id, student_id__in=student_ids)
            .order_by("student_id", "competency_id", "observed_on", "pk").values_list("student_id", "competency_id", "score", "observed_on"))
    before = {(m.student_id, m.competency_id): m for m in Mastery.objects.filter(
        competency__framework_id=framework_id, student_id__in=student_ids).only(
        "student_id", "competency_id", "value", "is_mastered", "params", "evidence_count", "method", "override_value",
        "effective_mastered", "mastered_on")}
    new, changed, done = [], {}, 0
    for (student_id, competency_id), group in groupby(rows.iterator(chunk_size=10_000), key=lambda row: (row[0], row[1])):
        group = list(group)
        result, done = mastery.compute([row[2] for row in group], params), done + 1
        old = before.get((student_id, competency_id))
        moved = old is None or (old.value, old.is_mastered, old.params) != (result.value, result.is_mastered, params_json)
        if not moved and (old.evidence_count, old.method) == (result.evidence_count, params.method):
            continue  # the same result: no write, computed_at unchanged
        if moved:
            changed.setdefault(student_id, set()).add(competency_id)
        new.append(stored_row((student_id, competency_id), result, params, old, group[-1][3], now))
    Mastery.objects.bulk_create(new, batch_size=2000, update_conflicts=True, unique_fields=["student", "competency"],
                                update_fields=list(STORED))
    _announce(changed)
    return done, changed

