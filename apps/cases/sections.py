"""Need to know by purpose: which parts ("sections") of a case an involvement may see.

One policy table, keyed by involvement role and by whom the agency works with, gives each
involvement its default scope (set when the involvement starts) and the widest scope the lead
agency's manager may widen it to. Grants are derived from the stored scope by
``apps.cases.permissions.expected_grants``; nothing else decides a section. See docs/sharing.md.
"""

from __future__ import annotations

from django.db import models


class Section(models.TextChoices):
    IDENTITY = "identity", "Identity: name, date of birth, case reference"
    CONTACT = "contact", "Contact and location: addresses, phone, safe-contact arrangements"
    PEOPLE = "people", "People and relationships"
    RISK = "risk", "Risk: checklists and risk level"
    CHRONOLOGY = "chronology", "Chronology: summary and notes"
    PLAN = "plan", "Action plan: every action"
    PLAN_OWN = "plan_own", "Action plan: only the actions your agency owns"


SHORT_LABELS: dict[str, str] = {
    Section.IDENTITY: "Identity",
    Section.CONTACT: "Contact and location",
    Section.PEOPLE: "People and relationships",
    Section.RISK: "Risk",
    Section.CHRONOLOGY: "Chronology",
    Section.PLAN: "Action plan",
    Section.PLAN_OWN: "Your agency's actions",
}


class WorksWith(models.TextChoices):
    """Whom the involved agency works with: decides what it may ever see of the victim."""

    VICTIM = "victim", "The victim or the case's subject"
    PERSON_CAUSING_HARM = "person_causing_harm", "The person causing harm"
    FAMILY = "family", "The family or children"


def codename(section: str) -> str:
    return f"view_case_{section}"


SECTION_CODENAMES: dict[str, str] = {s.value: codename(s.value) for s in Section}
SECTION_BY_CODENAME: dict[str, str] = {v: k for k, v in SECTION_CODENAMES.items()}

# Case.Meta.permissions entries (and the migration that adds them).
PERMISSIONS: list[tuple[str, str]] = [
    (codename(s.value), f"Can see the case's section: {s.label}") for s in Section
]

EVERYTHING = frozenset({Section.IDENTITY, Section.CONTACT, Section.PEOPLE, Section.RISK,
                        Section.CHRONOLOGY, Section.PLAN})
MARAC_DEFAULT = frozenset({Section.IDENTITY, Section.RISK, Section.PLAN_OWN})
# A MARAC involvement past its end that still owns open actions keeps only these.
MARAC_ACTIONS_ONLY = frozenset({Section.IDENTITY, Section.PLAN_OWN})
# The MARAC coordinating agency tracks every action agreed at the meeting, and its meeting pack
# names the people involved, children in the household among them, so the chair can run it.
MARAC_COORDINATION = frozenset({Section.IDENTITY, Section.PEOPLE, Section.RISK, Section.PLAN})
# Emergency ("break-glass") access: time-limited, audited, the lead's managers are told.
EMERGENCY = EVERYTHING
# Never, for any involvement of an agency working with the person causing harm.
NEVER_FOR_PERSON_CAUSING_HARM = frozenset({Section.CONTACT})


class Scope:
    """One row of the policy table: the default sections and the widest allowed."""

    def __init__(self, default: frozenset[str], widest: frozenset[str]) -> None:
        self.default = frozenset(default)
        # Own actions are always allowed: they are the narrowest view of the plan.
        self.widest = frozenset(widest) | self.default | {Section.PLAN_OWN}


_HARM = frozenset(EVERYTHING - NEVER_FOR_PERSON_CAUSING_HARM)

# (involvement role, works with) -> Scope. The one table; docs/sharing.md reproduces it.
POLICY: dict[tuple[str, str], Scope] = {
    ("lead", WorksWith.VICTIM): Scope(EVERYTHING, EVERYTHING),
    ("lead", WorksWith.FAMILY): Scope(EVERYTHING, EVERYTHING),
    ("lead", WorksWith.PERSON_CAUSING_HARM): Scope(_HARM, _HARM),
    ("partner", WorksWith.VICTIM): Scope(EVERYTHING, EVERYTHING),
    ("partner", WorksWith.FAMILY): Scope(EVERYTHING, EVERYTHING),
    ("partner", WorksWith.PERSON_CAUSING_HARM): Scope(
        frozenset({Section.IDENTITY, Section.PEOPLE, Section.RISK, Section.PLAN}), _HARM),
    ("marac", WorksWith.VICTIM): Scope(MARAC_DEFAULT, EVERYTHING),
    ("marac", WorksWith.FAMILY): Scope(MARAC_DEFAULT, EVERYTHING),
    ("marac", WorksWith.PERSON_CAUSING_HARM): Scope(MARAC_DEFAULT, _HARM),
}


def scope_for(*, role: str, works_with: str) -> Scope:
    return POLICY[(role, works_with or WorksWith.VICTIM)]


def default_sections(*, role: str, works_with: str) -> list[str]:
    return ordered(scope_for(role=role, works_with=works_with).default)


def scope_choices(*, role: str, works_with: str) -> list[tuple[str, str]]:
    """The sections a scope change may offer for this involvement (its widest scope, and
    always "only our own actions")."""
    widest = scope_for(role=role, works_with=works_with).widest
    return [(s.value, s.label) for s in Section if s.value in widest | {Section.PLAN_OWN}]


def allowed(*, role: str, works_with: str, sections: set[str] | frozenset[str]) -> bool:
    """Whether ``sections`` lies inside what the involvement's basis allows. Identity is
    always part of a scope: nobody works on a case without knowing whom it is about."""
    return Section.IDENTITY in sections and set(sections) <= scope_for(
        role=role, works_with=works_with).widest


def effective(*, sections: list[str] | set[str], works_with: str,
              actions_only: bool = False) -> frozenset[str]:
    """The sections actually granted for a stored scope: never contact for the person causing
    harm (whatever is stored), only identity and own actions once MARAC access has run out."""
    result = frozenset(sections)
    if works_with == WorksWith.PERSON_CAUSING_HARM:
        result -= NEVER_FOR_PERSON_CAUSING_HARM
    if actions_only:
        result &= MARAC_ACTIONS_ONLY
    if Section.PLAN in result:
        result -= {Section.PLAN_OWN}
    return result


def ordered(sections: set[str] | frozenset[str] | list[str]) -> list[str]:
    wanted = set(sections)
    return [s.value for s in Section if s.value in wanted]


def labels(sections: set[str] | frozenset[str] | list[str]) -> list[str]:
    return [SHORT_LABELS[s] for s in ordered(sections)]


class Visible:
    """What the acting agency may see of one case, for templates and serializers:
    ``visible.contact``, ``visible.plan`` … (``plan`` is true for full or own-actions plan)."""

    def __init__(self, sections: set[str] | frozenset[str]) -> None:
        self.sections = frozenset(sections)

    def __contains__(self, section: str) -> bool:
        return section in self.sections

    def __getattr__(self, name: str) -> bool:
        if name == "plan":
            return bool({Section.PLAN, Section.PLAN_OWN} & self.sections)
        if name in SECTION_CODENAMES:
            return name in self.sections
        raise AttributeError(name)

    @property
    def own_actions_only(self) -> bool:
        return Section.PLAN not in self.sections and Section.PLAN_OWN in self.sections

    @property
    def hidden(self) -> list[str]:
        return labels(EVERYTHING - self.sections - (
            {Section.PLAN} if Section.PLAN_OWN in self.sections else set()))

    @property
    def shown(self) -> list[str]:
        return labels(self.sections)


SHOWN, OWN_ONLY, NOT_SHARED = "shown", "own", "hidden"


def section_rows(visible: Visible) -> list[tuple[str, str, str]]:
    """(section, label, shown | own | hidden) for each of the six sections, in words for the
    "Why can I see this?" page."""
    rows = []
    for section in EVERYTHING:
        state = SHOWN if section in visible.sections else NOT_SHARED
        if section == Section.PLAN and visible.own_actions_only:
            state = OWN_ONLY
        rows.append((section, SHORT_LABELS[section], state))
    order = [s.value for s in Section]
    return sorted(rows, key=lambda row: order.index(row[0]))
