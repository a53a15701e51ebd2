"""Prerequisite graphs: pure functions over (before, after) pairs, no database."""

from collections import defaultdict
from collections.abc import Hashable, Iterable


def find_cycle(edges: Iterable[tuple[Hashable, Hashable]]) -> list | None:
    """A cycle as a list of nodes [a, b, ..., a], or None. Iterative, so deep graphs cannot overflow."""
    graph: dict = defaultdict(list)
    for before, after in edges:
        graph[before].append(after)
    state: dict = {}  # 1: on the current path, 2: finished
    for root in list(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(graph[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph[nxt]))
    return None


def ready_to_learn(nodes: Iterable[Hashable], edges: Iterable[tuple[Hashable, Hashable]], mastered: set) -> list:
    """Nodes not mastered yet whose prerequisites are all mastered, in the order given."""
    needs: dict = defaultdict(set)
    for before, after in edges:
        needs[after].add(before)
    return [node for node in nodes if node not in mastered and needs[node] <= mastered]
