"""Small-number suppression: no count under 5 is ever shown (docs/insight.md).

For one dimension (e.g. ethnic group), each group has ``n`` people-outcomes and ``k`` of them
with the outcome. A group's figures are suppressed when ``n`` is under 5, or when ``k`` or
``n - k`` is between 1 and 4 (its rate would reveal that small count). When exactly one group
of a dimension is suppressed, the next smallest group is suppressed too, so that the hidden
one cannot be worked out by subtracting the others from the total."""

from __future__ import annotations

from dataclasses import dataclass

from apps.insight.tables import SMALL, SUPPRESSED


@dataclass
class Group:
    key: str
    label: str
    n: int
    k: int
    suppressed: bool = False


def is_small(count: int) -> bool:
    return 0 < count < SMALL


def needs_suppression(*, n: int, k: int) -> bool:
    return n < SMALL or is_small(k) or is_small(n - k)


def suppress(groups: list[Group]) -> list[Group]:
    """Marks the groups to hide (primary, then secondary suppression); returns them."""
    for group in groups:
        group.suppressed = needs_suppression(n=group.n, k=group.k)
    hidden = [g for g in groups if g.suppressed]
    shown = sorted((g for g in groups if not g.suppressed), key=lambda g: (g.n, g.key))
    if len(hidden) == 1 and shown:
        shown[0].suppressed = True
    return groups


def safe_count(count: int) -> int | str:
    """A count to show on its own (a total): under 5 (but not 0) is suppressed."""
    return SUPPRESSED if is_small(count) else count
