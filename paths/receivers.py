"""What paths does when a lower app tells it something."""

from . import services


def advance_on_mastery(sender, *, student_id: int, competency_ids: list[int], mastered_ids: list[int], **kwargs) -> None:
    """competencies.signals.mastery_changed, sent after commit: mastery moved, so steps may open or finish."""
    services.advance_paths(student_id=student_id)
