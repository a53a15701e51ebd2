"""Small-group suggestions: pure functions, no database.

From each student's next step (the competencies of their current step not mastered yet), group the
students of a class who share one unmastered competency. Each student is placed in one group at most:
the biggest shared need first, so a teacher gets the fewest groups that reach the most students.
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

MIN_SIZE, MAX_SIZE = 2, 6


@dataclass(frozen=True)
class Group:
    competency: Hashable
    students: tuple


def suggest_groups(
    needs: Mapping[Hashable, Sequence[Hashable]],
    competency_order: Sequence[Hashable],
    *,
    min_size: int = MIN_SIZE,
    max_size: int = MAX_SIZE,
) -> list[Group]:
    """`needs`: student -> the unmastered competencies of their current step, in step order.

    Returns groups of `min_size` to `max_size` students, each sharing one competency; a bigger set of
    students sharing a competency is split into groups as even as possible. Students keep the order of
    `needs`; competencies with equal counts keep `competency_order`."""
    rank = {c: i for i, c in enumerate(competency_order)}
    sharing: dict = defaultdict(list)
    for student, competencies in needs.items():
        for competency in dict.fromkeys(competencies):
            sharing[competency].append(student)
    placed: set = set()
    groups: list[Group] = []
    for competency in sorted(sharing, key=lambda c: (-len(sharing[c]), rank.get(c, len(rank)))):
        members = [s for s in sharing[competency] if s not in placed]
        if len(members) < min_size:
            continue
        placed.update(members)
        groups.extend(Group(competency, tuple(chunk)) for chunk in split_evenly(members, max_size))
    return groups


def split_evenly(members: list, max_size: int) -> list[list]:
    """`members` in order, cut into as few groups of at most `max_size` as possible, as even as possible."""
    count = -(-len(members) // max_size)  # ceiling
    size, extra = divmod(len(members), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(members[start:end])
        start = end
    return chunks
