"""What competencies tells higher apps (paths, notifications). Sent after commit only.

mastery_changed(sender=Mastery, student_id=int, competency_ids=list[int], mastered_ids=list[int])
    The stored mastery of `student_id` changed on `competency_ids` (value, mastered or override);
    `mastered_ids` is the subset now mastered (the stored effective state: a teacher's override counts), so a path
    can open the next step.
    `in_bulk=True` when it is one of many sent together (a recomputation); mastery_changed_in_bulk follows them.

mastery_changed_in_bulk(sender=Mastery, student_ids=list[int])
    Sent once after the mastery_changed of a change that touched more than one student, so that a receiver with
    set-based work (paths opening steps) does it once for all of them rather than once per student (P5).
"""

from django.dispatch import Signal

mastery_changed = Signal()
mastery_changed_in_bulk = Signal()
