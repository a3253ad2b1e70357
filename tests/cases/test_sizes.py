"""Each agency's share of the cases: the case lists' planning hint (apps/cases/sizes.py)."""

from __future__ import annotations

import pytest

from apps.agencies.models import Agency
from apps.cases.models import Case
from apps.cases.selectors import case_list
from apps.cases.sizes import agencies_case_share_refresh
from apps.cases.tasks import case_share_refresh
from tests.factories import actor_of, involve, make_agency, make_case

pytestmark = pytest.mark.django_db


def test_refresh_sets_each_agencys_share_of_the_cases(world):
    idle = make_agency(name="Idle Agency")
    for _ in range(3):
        case = make_case(lead=world.lead_manager)
        involve(case=case, manager=world.lead_manager, agency=world.partner)
    make_case(lead=world.lead_manager)
    total = Case.objects.count()
    assert case_share_refresh.apply().get() >= 2
    lead, partner = (Agency.objects.get(pk=a.pk) for a in (world.lead, world.partner))
    assert lead.case_share == pytest.approx(4 / total)
    assert partner.case_share == pytest.approx(3 / total)
    assert Agency.objects.get(pk=idle.pk).case_share == 0.0
    assert agencies_case_share_refresh() == 0  # nothing changed: nothing written


@pytest.mark.parametrize("share, probed", [(0.5, True), (0.001, False)])
def test_a_large_agency_probes_each_case_and_a_small_one_hashes(world, share, probed):
    Agency.objects.filter(pk=world.lead.pk).update(case_share=share)
    case = make_case(lead=world.lead_manager)
    actor = actor_of(world.lead_practitioner)
    assert actor.membership.agency.case_share == share
    cases = case_list(actor=actor)
    assert ("OFFSET 0" in str(cases.query)) is probed
    assert list(cases.values_list("pk", flat=True)) == [case.pk]
