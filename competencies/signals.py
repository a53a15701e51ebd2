"""What competencies tells higher apps (paths, notifications). Sent after commit only.

mastery_changed(sender=Mastery, student_id=int, competency_ids=list[int], mastered_ids=list[int])
    The stored mastery of `student_id` changed on `competency_ids` (value, mastered or override);
    `mastered_ids` is the subset now mastered, so a path can open the next step.
"""

from django.dispatch import Signal

mastery_changed = Signal()
