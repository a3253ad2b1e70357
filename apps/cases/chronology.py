"""The chronology as people read it: system entries recorded together (a MARAC listing adds
one "… involved on the MARAC basis." per member agency) fold into one grouped entry, so the
notes people wrote are not pushed down. Presentation only: every entry stays in the database,
in the notes API and in the grouped entry's details."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from apps.cases.models import CaseNote, NoteKind

# System entries by the same author within this long of each other belong together.
GROUP_WINDOW = datetime.timedelta(minutes=2)
MIN_COMMON_SUFFIX = 12


@dataclass
class Entry:
    """One row of the timeline: a note, or several system entries recorded together."""

    notes: list[CaseNote] = field(default_factory=list)

    @property
    def note(self) -> CaseNote:
        return self.notes[0]

    @property
    def grouped(self) -> bool:
        return len(self.notes) > 1

    @property
    def summary(self) -> str:
        """One line for a group: "A, B and C involved on the MARAC basis." when the entries
        share an ending, else "N entries recorded by Wraparound"."""
        texts = [n.text.strip() for n in reversed(self.notes)]
        suffix = _common_suffix(texts)
        if len(suffix) >= MIN_COMMON_SUFFIX:
            heads = [t[: len(t) - len(suffix)].strip() for t in texts]
            if all(heads):
                listed = (", ".join(heads[:-1]) + " and " + heads[-1]) if len(heads) > 1 \
                    else heads[0]
                return f"{listed} {suffix.strip()}"
        return f"{len(self.notes)} entries recorded by Wraparound"


def _common_suffix(texts: list[str]) -> str:
    if not texts:
        return ""
    shortest = min(texts, key=len)
    size = 0
    while size < len(shortest) and all(t[-1 - size] == shortest[-1 - size] for t in texts):
        size += 1
    suffix = shortest[len(shortest) - size:] if size else ""
    # Start at a word: " involved on the MARAC basis." not "es involved on …".
    cut = suffix.find(" ")
    return suffix[cut:] if cut > 0 else suffix


def _joins(group: list[CaseNote], note: CaseNote) -> bool:
    last = group[-1]
    return (note.kind == NoteKind.SYSTEM and last.kind == NoteKind.SYSTEM
            and note.author_id == last.author_id and note.visibility == last.visibility
            and abs(last.created_at - note.created_at) <= GROUP_WINDOW)


def group_entries(notes: list[CaseNote]) -> list[Entry]:
    """Fold consecutive system entries (newest first, as listed) into grouped entries."""
    entries: list[Entry] = []
    for note in notes:
        if entries and _joins(entries[-1].notes, note):
            entries[-1].notes.append(note)
        else:
            entries.append(Entry(notes=[note]))
    return entries
