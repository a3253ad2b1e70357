"""What the reminder sweeps share: one notification per person per run.

A sweep claims its stages (``services.reminders_claim``), then says who should hear about each
claimed item with ``Batch.tell``. ``Batch.write`` turns that into at most one notification per
person, agency and kind for the run: the item itself when there is one, otherwise the number
of items and a link to the list they are on. So a manager of an agency with 500 actions falling
overdue today hears once, not 500 times, and the rows a sweep writes are bounded by the people
it tells rather than by people x items (docs/performance.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from apps.notifications.services import write_notifications


@dataclass(frozen=True)
class Item:
    """One thing a sweep reminds people about; ``title`` and ``url`` carry no personal data."""

    target_type: str
    target_id: UUID
    title: str
    url: str


@dataclass(frozen=True)
class Summary:
    """How a kind reads when one person hears about several items in one run."""

    title: str  # formatted with {count}
    url: str


@dataclass
class Batch:
    """Who hears of what in one run of a sweep; ``summaries`` says how each kind reads when a
    person hears of several items. A kind without a summary is told item by item (for lists
    that have no page to point at)."""

    summaries: dict[str, Summary]
    _told: dict[tuple[str, int, UUID], dict[Item, None]] = field(
        default_factory=lambda: defaultdict(dict), init=False, repr=False)

    def tell(self, *, recipients: Iterable[int | None], agency_id: UUID, kind: str,
             item: Item) -> None:
        """``agency_id``: the agency in whose work the recipient hears of it (a summary points
        at that agency's list)."""
        for user_id in recipients:
            if user_id is not None:
                self._told[(kind, user_id, agency_id)][item] = None

    def rows(self) -> list[tuple]:
        """One (recipient, agency, kind, target type, target id, title, url) per person, agency
        and kind."""
        rows = []
        for (kind, user_id, agency_id), items in self._told.items():
            summary = self.summaries.get(kind)
            if summary is not None and len(items) > 1:
                rows.append((user_id, agency_id, kind, "agency", agency_id,
                             summary.title.format(count=len(items)), summary.url))
                continue
            rows.extend((user_id, agency_id, kind, item.target_type, item.target_id,
                         item.title, item.url) for item in items)
        return rows

    def write(self) -> int:
        """One INSERT for the lot, in the caller's transaction; published on commit."""
        return len(write_notifications(self.rows()))
