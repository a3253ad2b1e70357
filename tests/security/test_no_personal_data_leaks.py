"""No demo person's name or address may appear in the logs or emails of a realistic session.

The demo is loaded; several demo users browse their cases in the UI and the API; a referral
is made, accepted and completed, so notifications and emails are sent; failed sign-ins are
attempted. Every log record (all loggers, DEBUG and up) and every email is scanned.
"""

from __future__ import annotations

import datetime
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.services import api_token_create
from apps.agencies.models import Agency, Membership
from apps.agencies.service_services import service_create
from apps.cases.selectors import case_list
from apps.core.demo import data, loader
from apps.notifications.models import Notification
from apps.notifications.services import notification_deliver
from apps.referrals import services as referrals
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
BROWSING_USERS = ["pc.jones", "idva.clarke", "sw.ahmed", "admin.safehaven", "worker.hearth"]


def sensitive_strings() -> set[str]:
    found = set()
    for _key, given, family, _dob, _gender, (line, _town, postcode), *_ in data.PEOPLE:
        found |= {f"{given} {family}", family, line}
        if postcode:
            found.add(postcode)
    return found


def membership(username: str) -> Membership:
    return Membership.objects.active().filter(user__username=username).first()


def browse(username: str) -> None:
    client = Client()
    assert client.login(username=username, password=loader.demo_password())
    client.get("/cases/")
    client.get("/people/")
    client.get("/profile/")
    client.get("/audit/access-log/")
    actor = actor_of(membership(username))
    for case in case_list(actor=actor):
        client.get(f"/cases/{case.pk}/")
        client.get(f"/people/{case.subject_id}/")
        client.post(f"/cases/{case.pk}/notes/", {"text": "", "kind": "note",
                                                 "visibility": "shared"})
    api = APIClient()
    key = api_token_create(membership=membership(username), name="t")[1]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for path in ("/api/v1/cases/", "/api/v1/people/", "/api/v1/referrals/",
                 "/api/v1/notifications/"):
        api.get(path)


def refer_and_close_the_loop(django_capture_on_commit_callbacks) -> None:
    police = actor_of(membership("pc.jones"))
    haven_admin = actor_of(membership("admin.safehaven"))
    haven = actor_of(membership("idva.clarke"))
    service = service_create(actor=haven_admin, data={
        "name": "IDVA support", "description": "Independent domestic violence advice.",
        "response_target_hours": 8, "accepting_referrals": True})
    case = case_list(actor=police).get(subject__family_name="Rahman")
    with django_capture_on_commit_callbacks(execute=True):
        referral = referrals.referral_create(
            actor=police, case=case, to_service=service, reason="High risk; wants support.",
            basis={"kind": "consent", "consent_given_by": "person",
                   "consent_given_on": datetime.date.today()}, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_accept(actor=haven, referral=referral)
    with django_capture_on_commit_callbacks(execute=True):
        referrals.referral_complete(actor=haven, referral=referral,
                                    outcome="Engaged with IDVA; safety plan in place.")
    for notification in Notification.objects.all():
        notification_deliver(notification_id=notification.pk)


def test_logs_and_emails_carry_no_personal_data(caplog, django_capture_on_commit_callbacks):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    caplog.set_level(logging.DEBUG)
    for username in BROWSING_USERS:
        browse(username)
    Client().post("/sign-in/", {"username": "pc.jones", "password": "wrong"})
    refer_and_close_the_loop(django_capture_on_commit_callbacks)

    assert mail.outbox, "the referral should have sent emails to scan"
    assert caplog.records, "the session should have logged something to scan"
    texts = [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    for message in mail.outbox:
        texts += [message.subject, message.body,
                  *(content for content, _type in getattr(message, "alternatives", []))]
    haystack = "\n".join(texts)
    leaked = sorted(s for s in sensitive_strings() if s in haystack)
    assert not leaked, f"personal data in logs or emails: {leaked}"
    assert Agency.objects.count() == len(data.AGENCIES)
