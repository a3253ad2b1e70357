"""The referral screens: refer from a case, inbox, outgoing, detail and every action."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.consent.models import SharingBasis
from apps.referrals import services
from apps.referrals.models import Referral, ReferralStatus
from tests.conftest import client_for
from tests.factories import actor_of, make_case, make_member
from tests.referrals.helpers import make_referral, make_service

pytestmark = pytest.mark.django_db

S = ReferralStatus


def _form(service, **extra):
    data = {"to_service": str(service.pk), "reason": "Needs an IDVA.", "urgency": "urgent",
            "shared_information": "Two incidents this month.", "person_told": "yes",
            "sharing_kind": "consent", "consent_given_by": "person",
            "consent_given_on_day": "5", "consent_given_on_month": "1",
            "consent_given_on_year": "2026", "action": "submit"}
    data.update(extra)
    return data


def test_case_page_links_to_refer_and_the_form_prefills_the_case(world):
    case = make_case(lead=world.lead_practitioner, given_name="Robin", family_name="Example")
    make_service(agency=world.partner)
    client = client_for(world.lead_practitioner)
    assert b'data-testid="refer-link"' in client.get(f"/cases/{case.pk}/").content
    response = client.get(f"/cases/{case.pk}/refer/")
    assert response.status_code == 200
    body = response.content.decode()
    assert case.summary in body  # tell it once: the summary is what is shared by default
    assert "Robin Example" in body
    assert "IDVA service (Safe Haven)" in body


def test_outsider_and_partner_without_case_get_404_on_the_refer_page(world):
    case = make_case(lead=world.lead_practitioner)
    for member in (world.outsider_practitioner, world.partner_practitioner):
        assert client_for(member).get(f"/cases/{case.pk}/refer/").status_code == 404
        assert client_for(member).post(f"/cases/{case.pk}/refer/", {}).status_code == 404


def test_refer_and_send_in_one_screen(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    response = client_for(world.lead_practitioner).post(f"/cases/{case.pk}/refer/",
                                                        _form(service))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert referral.status == S.SUBMITTED
    assert referral.sharing_basis.consent_given_by == "person"
    assert referral.urgency == "urgent"


def test_bad_input_shows_govuk_errors_and_saves_nothing(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    client = client_for(world.lead_practitioner)
    cases = [
        ({"to_service": ""}, "Choose the service you are referring to."),
        ({"sharing_kind": ""}, "Record the basis for sharing"),
        ({"consent_given_on_day": "31", "consent_given_on_month": "2"}, "must be a real date"),
        ({"sharing_kind": "lawful_basis"}, "Select the lawful basis"),
        ({"person_told": "no"}, "Explain why the person has not been told."),
        ({"reason": ""}, "Enter the reason for the referral."),
    ]
    for extra, message in cases:
        response = client.post(f"/cases/{case.pk}/refer/", _form(service, **extra))
        assert response.status_code == 400, extra
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert message in body.replace("&#x27;", "'"), (extra, message)
    assert not Referral.objects.exists()
    assert not SharingBasis.objects.exists()


def test_draft_saved_without_basis_is_editable_then_sent(world):
    case = make_case(lead=world.lead_practitioner)
    service = make_service(agency=world.partner)
    client = client_for(world.lead_practitioner)
    response = client.post(f"/cases/{case.pk}/refer/",
                           _form(service, sharing_kind="", action="draft"))
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.status == S.DRAFT
    # the receiving agency cannot see a draft
    assert client_for(world.partner_practitioner).get(
        f"/referrals/{referral.pk}/").status_code == 404
    assert client_for(world.outsider_practitioner).get(
        f"/referrals/{referral.pk}/edit/").status_code == 404
    edit = client.get(f"/referrals/{referral.pk}/edit/")
    assert edit.status_code == 200 and "Needs an IDVA." in edit.content.decode()
    # sending a draft that still lacks a basis changes nothing
    response = client.post(f"/referrals/{referral.pk}/edit/",
                           _form(service, sharing_kind="", reason="Changed"))
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == S.DRAFT and referral.reason == "Needs an IDVA."
    response = client.post(f"/referrals/{referral.pk}/edit/", _form(service, reason="Changed"))
    referral.refresh_from_db()
    assert response.status_code == 302
    assert referral.status == S.SUBMITTED and referral.reason == "Changed"
    # once sent it is no longer editable
    assert client.get(f"/referrals/{referral.pk}/edit/").status_code == 404


def test_receiver_sees_only_what_was_shared_and_the_case_after_accepting(world):
    referral = make_referral(world=world)
    receiver = client_for(world.partner_practitioner)
    case_url = f"/cases/{referral.case_id}/"
    response = receiver.get(f"/referrals/{referral.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert referral.shared_information in body
    assert 'data-testid="case-link"' not in body
    assert "Concerns raised." not in body  # the case summary was not shared
    assert receiver.get(case_url).status_code == 404
    response = receiver.post(f"/referrals/{referral.pk}/accept/")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert receiver.get(case_url).status_code == 200
    assert 'data-testid="case-link"' in receiver.get(f"/referrals/{referral.pk}/").content.decode()


def test_declined_with_signposting_gives_no_case_access(world):
    referral = make_referral(world=world)
    other = make_service(agency=world.outsider, name="Tenancy support")
    receiver = client_for(world.partner_practitioner)
    response = receiver.post(f"/referrals/{referral.pk}/decline/", {
        "decline_category": "wrong_service", "decline_reason": "Housing need first.",
        "signpost_service": str(other.pk)})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.DECLINED and referral.signpost_service == other
    assert receiver.get(f"/cases/{referral.case_id}/").status_code == 404
    body = client_for(world.lead_practitioner).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="signpost"' in body and "Tenancy support" in body


def test_decline_without_reason_is_a_govuk_error(world):
    referral = make_referral(world=world)
    response = client_for(world.partner_practitioner).post(
        f"/referrals/{referral.pk}/decline/", {"decline_category": "", "decline_reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose why you are declining the referral." in body
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_second_decision_sees_a_clear_conflict_message(world):
    referral = make_referral(world=world)
    first = client_for(world.partner_practitioner)
    second = client_for(world.partner_manager)
    second.get(f"/referrals/{referral.pk}/")  # both have the page open
    assert first.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    response = second.post(f"/referrals/{referral.pk}/decline/", {
        "decline_category": "no_capacity", "decline_reason": "Full."})
    assert response.status_code == 409
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "This referral was already accepted by" in body
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.decline_reason == ""


def test_two_people_accepting_one_wins_the_other_sees_who(world):
    referral = make_referral(world=world)
    assert client_for(world.partner_manager).post(
        f"/referrals/{referral.pk}/accept/").status_code == 302
    response = client_for(world.partner_practitioner).post(f"/referrals/{referral.pk}/accept/")
    assert response.status_code == 409
    name = world.partner_manager.user.get_full_name()
    assert f"This referral was already accepted by {name}" in response.content.decode().replace(
        "&#x27;", "'")
    assert referral.case.involvements.filter(agency=world.partner).count() == 1


def test_request_info_answer_then_complete_with_outcome(world):
    referral = make_referral(world=world)
    receiver = client_for(world.partner_practitioner)
    referrer = client_for(world.lead_practitioner)
    url = f"/referrals/{referral.pk}/"
    assert receiver.post(url + "request-info/", {"info_request": "Is she safe at home?"}
                         ).status_code == 302
    assert "Is she safe at home?" in referrer.get(url).content.decode()
    assert referrer.post(url + "respond/", {"info_response": ""}).status_code == 400
    assert referrer.post(url + "respond/", {"info_response": "Yes, with a safety plan."}
                         ).status_code == 302
    assert receiver.post(url + "accept/").status_code == 302
    assert receiver.post(url + "complete/", {"outcome": ""}).status_code == 400
    assert receiver.post(url + "complete/", {"outcome": "Six IDVA sessions."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.outcome == "Six IDVA sessions."
    history = referrer.get(url).content.decode()
    for text in ("Is she safe at home?", "Yes, with a safety plan.", "Six IDVA sessions.",
                 "Accepted."):
        assert text in history


def test_referrer_withdraws_before_a_decision_and_the_wrong_side_is_refused(world):
    referral = make_referral(world=world)
    url = f"/referrals/{referral.pk}/"
    # the receiver may not withdraw and the referrer may not accept: no button, 403 if posted
    assert client_for(world.partner_practitioner).post(url + "withdraw/").status_code == 403
    assert client_for(world.lead_practitioner).post(url + "accept/").status_code == 403
    response = client_for(world.lead_practitioner).post(url + "withdraw/",
                                                         {"withdraw_reason": "Moved away."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.WITHDRAWN


def test_outsider_gets_404_on_the_referral_and_every_action_and_no_rows(world):
    referral = make_referral(world=world)
    outsider = client_for(world.outsider_practitioner)
    url = f"/referrals/{referral.pk}/"
    assert outsider.get(url).status_code == 404
    for action in ("submit", "accept", "decline", "request-info", "respond", "withdraw",
                   "complete", "edit"):
        assert outsider.post(url + f"{action}/", {}).status_code == 404, action
    for path in ("/referrals/inbox/", "/referrals/inbox/awaiting/", "/referrals/inbox/overdue/",
                 "/referrals/outgoing/"):
        response = outsider.get(path)
        assert response.status_code == 200
        assert b'data-testid="referral-row"' not in response.content
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_inbox_tabs_and_outgoing(world):
    new = make_referral(world=world)
    seen = make_referral(world=world, service=new.to_service)
    services.referral_open(actor=actor_of(world.partner_practitioner), referral=seen)
    overdue = make_referral(world=world, service=new.to_service)
    Referral.objects.filter(pk=overdue.pk).update(due_at="2020-01-01T09:00Z")
    receiver = client_for(world.partner_practitioner)
    new_tab = receiver.get("/referrals/inbox/").content.decode()
    assert f"/referrals/{new.pk}/" in new_tab and f"/referrals/{seen.pk}/" not in new_tab
    awaiting = receiver.get("/referrals/inbox/awaiting/").content.decode()
    assert f"/referrals/{seen.pk}/" in awaiting and f"/referrals/{new.pk}/" not in awaiting
    overdue_tab = receiver.get("/referrals/inbox/overdue/").content.decode()
    assert f"/referrals/{overdue.pk}/" in overdue_tab and "Overdue" in overdue_tab
    assert receiver.get("/referrals/inbox/nope/").status_code == 404
    outgoing = client_for(world.lead_practitioner).get("/referrals/outgoing/").content.decode()
    assert all(f"/referrals/{r.pk}/" in outgoing for r in (new, seen, overdue))
    assert "referral-row" not in receiver.get("/referrals/outgoing/").content.decode()
    filtered = client_for(world.lead_practitioner).get("/referrals/outgoing/?status=accepted")
    assert b'data-testid="referral-row"' not in filtered.content


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_inbox_and_outgoing_run_a_fixed_number_of_queries(world):
    service = make_service(agency=world.partner)
    referrer = world.lead_practitioner
    for _ in range(5):
        make_referral(world=world, service=service, referrer=referrer)
    receiver, sender = client_for(world.partner_practitioner), client_for(referrer)
    receiver.get("/referrals/inbox/"), sender.get("/referrals/outgoing/")  # warm the session
    few = [_queries(receiver, "/referrals/inbox/"), _queries(sender, "/referrals/outgoing/")]
    other = make_member(agency=world.lead)
    for _ in range(25):
        make_referral(world=world, service=service, referrer=other)
    many = [_queries(receiver, "/referrals/inbox/"), _queries(sender, "/referrals/outgoing/")]
    assert few == many, (few, many)
    # 5, joins_as_written()'s savepoint and planner setting, and the navigation's bounded
    # "Referrals N" count (issue 13)
    assert max(many) <= 10


def test_demo_has_referrals_in_every_state_and_some_overdue(db):
    from django.core.management import call_command
    from django.utils import timezone

    from apps.agencies.models import AgencyKind
    from apps.notifications.models import Notification

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(Referral.objects.values_list("status", flat=True)) == set(S.values)
    assert Referral.objects.filter(status=S.SUBMITTED, due_at__lte=timezone.now()).count() >= 2
    assert Referral.objects.filter(status=S.DECLINED, signpost_service__isnull=False).exists()
    kinds = set(Referral.objects.values_list("from_agency__kind", flat=True)) | set(
        Referral.objects.values_list("to_agency__kind", flat=True))
    assert {AgencyKind.STATUTORY, AgencyKind.VOLUNTARY, AgencyKind.SOCIAL_ENTERPRISE} <= kinds
    assert Notification.objects.filter(kind__startswith="referral").exists()
    assert Notification.objects.filter(kind__contains="remind").exists() or \
        Notification.objects.filter(kind__contains="escalat").exists()
