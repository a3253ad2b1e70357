"""The case-visibility condition as one SQL expression, compiled in microseconds.

``CaseGrant`` answers "does the acting agency (or its named user acting for it) hold
``codename`` on this case now?" for every row of a ``Case`` query: the rule that
``apps.cases.selectors`` applies to every list, page and API call. It is the same condition
the selectors used to build from nested ``Exists`` querysets (guardian's direct foreign-key
tables, the active involvement, live emergency access, and the timed involvement that has
run out even before the sweep): Django took 5-12 ms to resolve and compile those on every
request, more than PostgreSQL took to run them (docs/performance.md). Here the SQL text is
built from the models' table and column names, with every value passed as a parameter, and
the case column comes in as an ordinary expression, so the condition works at the top of a
query, inside ``case__in=`` subqueries and in annotations alike.

The rule (unchanged):
* (a group grant, or a user grant while the agency is involved) and the agency's
  involvement has not timed out; for ``view_case`` and the sections (not for contributing
  or managing) also a user grant while the user has live emergency access for the agency.
* For the sections a timed involvement kept for its open actions loses (``narrowed``),
  timed out means past ``ends_at`` whatever its actions.
* "timed out": the agency's active involvement is past ``ends_at`` and (unless ``narrowed``)
  the agency owns no open action on the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Expression, F
from django.utils import timezone

from apps.cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Involvement,
)

CASE = "{case}"  # where the case column goes in a fragment


@cache
def _fragments() -> dict[str, str]:
    """The SQL pieces of the rule, from the models' own table and column names (no input
    ever reaches this text: every value is a parameter, in the order of its ``%s``)."""

    def t(model) -> str:
        return model._meta.db_table

    def c(model, field: str) -> str:
        return model._meta.get_field(field).column

    # Read by name: action plans build on cases, not the other way round.
    action, plan = (apps.get_model("action_plans", name) for name in ("Action", "ActionPlan"))
    emergency = Case._meta.get_field("emergency_accesses").related_model
    inv = Involvement
    perm = (f"(SELECT p.{c(Permission, 'id')} FROM {t(Permission)} p "
            f"WHERE p.{c(Permission, 'content_type')} = (SELECT ct.id FROM {t(ContentType)} ct "
            "WHERE ct.app_label = 'cases' AND ct.model = 'case') AND p.codename = %s)")

    def grant(model, holder: str, *, probe: bool = False) -> str:
        # OFFSET 0 keeps PostgreSQL from turning the EXISTS into a hashed subplan over all of
        # the holder's grants: one index probe per case the list reads (apps/cases/sizes.py).
        return (f"EXISTS (SELECT 1 FROM {t(model)} g WHERE g.{c(model, 'content_object')} = "
                f"{CASE} AND g.{c(model, holder)} = %s AND g.{c(model, 'permission')} = {perm}"
                f"{' OFFSET 0' if probe else ''})")

    timed_out = (f"SELECT 1 FROM {t(inv)} x WHERE x.{c(inv, 'case')} = {CASE} "
                 f"AND x.{c(inv, 'agency')} = %s AND x.{c(inv, 'ended_at')} IS NULL "
                 f"AND x.{c(inv, 'ends_at')} IS NOT NULL "
                 f"AND x.{c(inv, 'ends_at')} <= STATEMENT_TIMESTAMP()")
    open_actions = (f"SELECT 1 FROM {t(action)} a JOIN {t(plan)} ap "
                    f"ON ap.{c(plan, 'id')} = a.{c(action, 'plan')} "
                    f"WHERE ap.{c(plan, 'case')} = x.{c(inv, 'case')} "
                    f"AND a.{c(action, 'owner_agency')} = %s AND a.{c(action, 'status')} = 'open'")
    def held(model, holder: str) -> str:
        return (f"ARRAY(SELECT p.codename FROM {t(model)} g JOIN {t(Permission)} p "
                f"ON p.{c(Permission, 'id')} = g.{c(model, 'permission')} "
                f"WHERE g.{c(model, 'content_object')} = {CASE} AND g.{c(model, holder)} = %s)")

    return {
        "group_held": held(CaseGroupObjectPermission, "group"),
        "user_held": held(CaseUserObjectPermission, "user"),
        "group": grant(CaseGroupObjectPermission, "group"),
        "group_probe": grant(CaseGroupObjectPermission, "group", probe=True),
        "user": grant(CaseUserObjectPermission, "user"),
        "involved": (f"EXISTS (SELECT 1 FROM {t(inv)} i WHERE i.{c(inv, 'case')} = {CASE} "
                     f"AND i.{c(inv, 'agency')} = %s AND i.{c(inv, 'ended_at')} IS NULL)"),
        "narrowed": f"NOT EXISTS ({timed_out})",
        "timed_out": f"NOT EXISTS ({timed_out} AND NOT EXISTS ({open_actions}))",
        # live_emergency_filter (apps/cases/emergency.py) in SQL: not ended, not yet expired.
        "emergency": (f"EXISTS (SELECT 1 FROM {t(emergency)} e "
                      f"WHERE e.{c(emergency, 'case')} = {CASE} "
                      f"AND e.{c(emergency, 'user')} = %s AND e.{c(emergency, 'agency')} = %s "
                      f"AND e.{c(emergency, 'ended_at')} IS NULL "
                      f"AND e.{c(emergency, 'expires_at')} > %s)"),
    }


class CaseGrant(Expression):
    """True where the actor holds ``codename`` on the case in ``case`` (default: the row's
    own ``pk``). Build it through ``apps.cases.selectors``, not directly."""

    conditional = True

    def __init__(self, *, codename: str, group_id: int, user_id: int, agency_id: object,
                 narrowed: bool, emergency: bool, probe: bool = False,
                 case: Expression | None = None) -> None:
        super().__init__(output_field=BooleanField())
        self.codename = codename
        self.group_id = group_id
        self.user_id = user_id
        self.agency_id = agency_id
        self.narrowed = narrowed
        self.emergency = emergency
        self.probe = probe
        self.case = case if case is not None else F("pk")

    def __repr__(self) -> str:
        return f"CaseGrant({self.codename!r}, group={self.group_id}, user={self.user_id})"

    def get_source_expressions(self) -> list:
        return [self.case]

    def set_source_expressions(self, exprs: list) -> None:
        (self.case,) = exprs

    def as_sql(self, compiler, connection):
        case_sql, case_params = compiler.compile(self.case)
        if case_params:  # a column, never a value: the fragments repeat it
            raise ValueError("CaseGrant needs a case column")
        f = _fragments()
        user_grant = f["user"], [self.user_id, self.codename]
        parts = [
            ("((", []), (f["group_probe" if self.probe else "group"],
                          [self.group_id, self.codename]), (" OR (", []), user_grant,
            (" AND ", []), (f["involved"], [self.agency_id]), (")) AND ", []),
            (f["narrowed"], [self.agency_id]) if self.narrowed
            else (f["timed_out"], [self.agency_id, self.agency_id]),
            (")", []),
        ]
        if self.emergency:  # break-glass access, while it lasts, shows the case (not edits)
            parts += [(" OR (", []), user_grant, (" AND ", []),
                      (f["emergency"], [self.user_id, self.agency_id, timezone.now()]),
                      (")", [])]
        sql = "".join(text for text, _ in parts).replace(CASE, case_sql)
        return f"({sql})", [value for _, values in parts for value in values]


@dataclass(frozen=True)
class CaseFacts:
    """What decides the actor's access to one case, read in one query (``case_facts``):
    the codenames granted to the agency's group and to the user, and the involvement and
    emergency facts. ``holds`` applies the same rule as ``CaseGrant``, in Python, so that a
    case page asks once for every level and section instead of once per codename; the
    section tests compare the two for every role."""

    group: frozenset[str]
    user: frozenset[str]
    involved: bool
    emergency: bool
    timed_out: bool  # past ``ends_at``, whatever its actions
    ended: bool  # past ``ends_at`` and its agency owns no open action on the case

    def holds(self, *, codename: str, narrowed: bool, emergency: bool) -> bool:
        user = codename in self.user
        granted = codename in self.group or (user and self.involved)
        live = not (self.timed_out if narrowed else self.ended)
        return (granted and live) or (emergency and user and self.emergency)


def case_facts(*, case_id: object, group_id: int, user_id: int,
               agency_id: object) -> CaseFacts:
    """One query for ``CaseFacts`` of one case."""
    f = _fragments()
    sql = (f"SELECT {f['group_held']}, {f['user_held']}, {f['involved']}, {f['emergency']}, "
           f"NOT {f['narrowed']}, NOT {f['timed_out']}").replace(CASE, "%s")
    params = [case_id, group_id, case_id, user_id, case_id, agency_id,
              case_id, user_id, agency_id, timezone.now(), case_id, agency_id,
              case_id, agency_id, agency_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        group, user, involved, emergency, timed_out, ended = cursor.fetchone()
    return CaseFacts(group=frozenset(group), user=frozenset(user), involved=involved,
                     emergency=emergency, timed_out=timed_out, ended=ended)
