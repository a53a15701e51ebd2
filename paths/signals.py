"""What paths tells higher apps (iep, family_portal). Sent after commit only.

step_changed(sender=PathStep, student_id=int, path_id=int, opened_ids=list[int], finished_ids=list[int])
    Steps of a student's path opened or were finished (mastered, or skipped by the teacher).
"""

from django.dispatch import Signal

step_changed = Signal()
