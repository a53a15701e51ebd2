"""What paths does when a lower app tells it something."""

from . import services


def advance_on_mastery(sender, *, student_id: int, in_bulk: bool = False, **kwargs) -> None:
    """competencies.signals.mastery_changed, sent after commit: mastery moved, so steps may open or finish.
    One of many (a recomputation): left to advance_on_mastery_in_bulk, which follows."""
    if not in_bulk:
        services.advance_paths(student_id=student_id)


def advance_on_mastery_in_bulk(sender, *, student_ids: list[int], **kwargs) -> None:
    """competencies.signals.mastery_changed_in_bulk: the paths of many students, a fixed number of queries per chunk."""
    services.advance_paths_of(student_ids=student_ids)
