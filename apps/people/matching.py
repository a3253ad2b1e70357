"""How two person records are recognised as possibly the same person (pure functions).

Checked on every channel before a person is created (``people.selectors.person_matches``).
The embedded PostgreSQL of development and tests ships no contrib extensions (neither
``fuzzystrmatch`` nor ``pg_trgm``), so the phonetic keys are computed here and stored on the
record (``given_name_key``, ``family_name_key``, ``postcode_key``, indexed): the same on every
PostgreSQL, and the match step stays one indexed query.

- **Names**: a common short form becomes its full name ("Kate" -> "katherine"), then a
  sound-alike key: a Soundex (vowels not separating letters of one sound) after folding
  spellings that sound the same ("Kayleigh", "Kayley", "Kaylee" -> ``K400``; "Brooks",
  "Brookes" -> ``B620``; "Stephen", "Steven").
- **Date of birth**: the same day; day and month swapped (5/3 and 3/5); the same day and
  month one year either side (a year typed wrong).
- **Postcode**: the same postcode, ignoring spaces and case.

A record is offered as a likely match when its score is at least ``MATCH_THRESHOLD``:
both names sound alike (4); one name and the date of birth (2 + 3 or 2 + 2); one name and
the postcode with a date of birth that does not conflict.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

MATCH_THRESHOLD = 4
SCORE_NAME = 2
SCORE_DOB_SAME = 3
SCORE_DOB_NEAR = 2
SCORE_POSTCODE = 2

# Common short forms and their full names (one spelling each; the key absorbs the others).
SHORT_FORMS = {
    "kate": "katherine", "katie": "katherine", "kath": "katherine", "cathy": "katherine",
    "catherine": "katherine", "kathryn": "katherine", "liz": "elizabeth",
    "lizzie": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "bill": "william",
    "will": "william", "billy": "william", "bob": "robert", "rob": "robert", "robbie": "robert",
    "bobby": "robert", "jim": "james", "jimmy": "james", "jamie": "james", "mike": "michael",
    "mick": "michael", "dave": "david", "tom": "thomas", "tommy": "thomas", "dan": "daniel",
    "danny": "daniel", "sam": "samuel", "chris": "christopher", "nick": "nicholas",
    "ben": "benjamin", "alex": "alexander", "pete": "peter", "steve": "stephen",
    "steven": "stephen", "jen": "jennifer", "jenny": "jennifer", "sue": "susan",
    "maggie": "margaret", "peggy": "margaret", "meg": "margaret", "jo": "joanne",
    "tony": "anthony", "ted": "edward", "ed": "edward", "eddie": "edward", "joe": "joseph",
    "becky": "rebecca", "becca": "rebecca", "vicky": "victoria", "nicky": "nicola",
}

_SOUNDEX = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"),
            **dict.fromkeys("dt", "3"), "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
_FOLD = [(r"(?<=.)gh", ""), (r"ph", "f"), (r"ck", "k"), (r"(?<=.)x", "ks")]


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def _soundex(word: str) -> str:
    if not word:
        return ""
    first, codes, last = word[0].upper(), [], _SOUNDEX.get(word[0], "")
    for char in word[1:]:
        code = _SOUNDEX.get(char, "")
        if code and code != last:  # vowels do not separate two letters of one sound
            codes.append(code)
            last = code
    return (first + "".join(codes) + "000")[:4]


def name_key(name: str) -> str:
    """The sound-alike key of a name ("" for none): the first word of it only, so that
    "Mary Ann" and "Mary" meet."""
    word = _letters((name or "").split()[0] if (name or "").split() else "")
    word = SHORT_FORMS.get(word, word)
    for pattern, replacement in _FOLD:
        word = re.sub(pattern, replacement, word)
    return _soundex(word)


def postcode_key(postcode: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (postcode or "").upper())


def near_dates(day: datetime.date | None) -> set[datetime.date]:
    """Dates of birth close enough to be the same person's mistyped: day and month swapped,
    or the same day and month one year either side (the date itself is not included)."""
    if day is None:
        return set()
    found = set()
    for year, month, dom in ((day.year, day.day, day.month), (day.year - 1, day.month, day.day),
                             (day.year + 1, day.month, day.day)):
        try:
            found.add(datetime.date(year, month, dom))
        except ValueError:
            continue
    found.discard(day)
    return found


@dataclass
class Match:
    """Why a record is offered: its score and the reasons in words."""

    score: int = 0
    reasons: list[str] = field(default_factory=list)


def score(*, given_key: str, family_key: str, date_of_birth: datetime.date | None,
          postcode: str, candidate: object) -> Match:
    match = Match()
    if given_key and candidate.given_name_key == given_key:
        match.score += SCORE_NAME
        match.reasons.append("first name sounds alike")
    if family_key and candidate.family_name_key == family_key:
        match.score += SCORE_NAME
        match.reasons.append("last name sounds alike")
    theirs = candidate.date_of_birth
    if date_of_birth and theirs:
        if theirs == date_of_birth:
            match.score += SCORE_DOB_SAME
            match.reasons.append("same date of birth")
        elif theirs in near_dates(date_of_birth):
            match.score += SCORE_DOB_NEAR
            match.reasons.append("date of birth close")
        else:
            match.score -= SCORE_DOB_NEAR  # a clearly different date of birth
    pc = postcode_key(postcode)
    if pc and candidate.postcode_key == pc:
        match.score += SCORE_POSTCODE
        match.reasons.append("same postcode")
    return match
