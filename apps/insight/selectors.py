"""Reads the reports need besides the figures themselves."""

from __future__ import annotations

from apps.agencies.actor import Actor
from apps.marac.models import MaracArea
from apps.marac.selectors import coordinated_areas


def marac_return_areas(*, actor: Actor | None) -> list[MaracArea]:
    """The MARAC areas whose data return the actor may see: those they coordinate
    (``apps.cases.policy.may_coordinate``, through the MARAC selectors)."""
    return list(coordinated_areas(actor=actor).order_by("name"))
