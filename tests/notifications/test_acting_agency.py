"""Notifications belong to the agency they are about: a secondee sees, counts and is emailed
about one agency's notifications only while acting for it (web list, API list, badge)."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.core import mail
from django.db import connection

from apps.agencies.models import Membership, Role
from apps.agencies.services import membership_add, membership_end
from apps.notifications import services
from apps.notifications.models import Notification
from apps.notifications.selectors import notification_list, unread_count
from tests.conftest import api_client_for, client_for
from tests.factories import actor_of, make_member
from tests.referrals.helpers import make_referral, whole_agency_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def secondee(world):
    """A practitioner of Safe Haven (the partner, which receives referrals) seconded to
    Hearth Homes (the outsider): two memberships, one user."""
    home = make_member(agency=world.partner, username="secondee.morgan")
    away = membership_add(actor=None, user=home.user, agency=world.outsider,
                          role=Role.PRACTITIONER)
    return home, away


def _titles(rows) -> set[str]:
    return {row["title"] for row in rows}


def test_a_referral_notification_is_only_for_the_receiving_agency(world, secondee):
    home, away = secondee
    referral = make_referral(world=world)
    row = Notification.objects.get(recipient=home.user, kind="referral_submitted")
    assert row.agency_id == world.partner.pk
    title = row.title
    assert title.startswith(f"New urgent referral {referral.case.reference}")

    # Web list and header badge.
    acting_away = client_for(away).get("/notifications/").content.decode()
    assert title not in acting_away and "Notifications (0)" in acting_away
    acting_home = client_for(home).get("/notifications/").content.decode()
    assert title in acting_home and "Notifications (1)" in acting_home

    # API list and count (a token acts for its own membership).
    api_away = api_client_for(away)
    assert api_away.get("/api/v1/notifications/").json()["results"] == []
    assert api_away.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert api_away.post(f"/api/v1/notifications/{row.pk}/read/").status_code == 404
    api_home = api_client_for(home)
    assert _titles(api_home.get("/api/v1/notifications/").json()["results"]) == {title}
    assert api_home.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}

    # Marking everything read while acting for the other agency leaves it unread.
    assert client_for(away).post("/notifications/read-all/").status_code == 302
    assert api_away.post("/api/v1/notifications/read-all/").json() == {"marked": 0,
                                                                       "unread": 0}
    assert client_for(away).post(f"/notifications/{row.pk}/read/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None
    assert unread_count(actor=actor_of(home)) == 1 and unread_count(actor=actor_of(away)) == 0


def test_selectors_and_badge_are_scoped_to_the_acting_agency(world, secondee):
    home, away = secondee
    for membership, n in ((home, 2), (away, 3)):
        services.notify(recipients=[membership.user_id], kind="test", target_type="agency",
                        target_id=membership.agency_id, title=f"For {membership.agency}",
                        url="/notifications/", agency_id=membership.agency_id)
        for _ in range(n - 1):
            services.notify(recipients=[membership.user_id], kind="test",
                            target_type="agency", target_id=membership.agency_id,
                            title=f"For {membership.agency}", url="/notifications/",
                            agency_id=membership.agency_id)
    assert notification_list(actor=actor_of(home)).count() == 2
    assert notification_list(actor=actor_of(away)).count() == 3
    assert {n.title for n in notification_list(actor=actor_of(away))} == {
        f"For {world.outsider}"}
    assert unread_count(actor=actor_of(home)) == 2
    assert unread_count(actor=actor_of(away)) == 3
    assert unread_count(actor=None) == 0


def test_the_badge_count_uses_the_recipient_and_agency_index(world, secondee):
    home, _away = secondee
    actor = actor_of(home)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Notification.objects.filter(
            recipient_id=actor.user.pk, agency_id=actor.agency_id,
            read_at__isnull=True).values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN SELECT count(*) FROM (" + sql + ") t", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Both columns are index conditions (either recipient index leads with them): no filter
    # on the agency over all of the user's rows.
    assert "Index Cond: ((recipient_id = " in plan and "AND (agency_id = " in plan, plan
    assert "Filter: (agency_id" not in plan, plan


def test_a_notification_always_carries_its_agency(world):
    with pytest.raises(TypeError):
        services.notify(recipients=[world.lead_practitioner.user_id], kind="test",  # type: ignore[call-arg]
                        target_type="agency", target_id=world.lead.pk, title="x", url="/")
    with pytest.raises(ValueError, match="agency"):
        services.notify(recipients=[world.lead_practitioner.user_id], kind="test",
                        target_type="agency", target_id=world.lead.pk, title="x", url="/",
                        agency_id=None)
    assert not Notification.objects.exists()


def test_agreement_parties_hear_once_per_agency(world, secondee):
    """A user who is an agency admin of two parties gets one notification for each agency."""
    from apps.consent.services import dsa_terminate

    home, _away = secondee
    admin_home = membership_add(actor=None, user=home.user, agency=world.lead,
                                role=Role.AGENCY_ADMIN)
    Membership.objects.filter(pk=home.pk).update(role=Role.AGENCY_ADMIN)
    from apps.consent.models import DataSharingAgreement

    agreement = DataSharingAgreement.objects.get(title="Northbridge DSA")
    dsa_terminate(actor=actor_of(world.lead_admin), agreement=agreement,
                  reason="Replaced by a new agreement.")
    rows = Notification.objects.filter(kind="dsa_terminated", recipient=home.user)
    assert sorted(str(r.agency_id) for r in rows) == sorted(
        [str(world.lead.pk), str(world.partner.pk)])
    assert notification_list(actor=actor_of(admin_home)).filter(
        kind="dsa_terminated").count() == 1


def test_email_names_the_agency_and_not_after_leaving_it(world, secondee):
    home, away = secondee
    service = whole_agency_service(agency=world.partner)  # team routing: all told
    make_referral(world=world, service=service)
    row = Notification.objects.get(recipient=home.user, kind="referral_submitted")
    mail.outbox.clear()
    assert services.notification_deliver(notification_id=row.pk)
    (sent,) = [m for m in mail.outbox if m.to == [home.user.email]]
    assert f"your work for {world.partner}" in sent.body
    assert str(world.outsider) not in sent.body
    # After the secondee leaves Safe Haven they are not emailed about its work.
    make_referral(world=world, service=service)
    later = Notification.objects.filter(recipient=home.user, kind="referral_submitted",
                                        emailed_at__isnull=True).get()
    membership_end(actor=None, membership=home)
    mail.outbox.clear()
    assert services.notification_deliver(notification_id=later.pk)
    assert not [m for m in mail.outbox if m.to == [home.user.email]]
    later.refresh_from_db()
    assert later.emailed_at is None and later.state == "delivered"
    # Nor do they see it while acting for the agency they still belong to.
    assert notification_list(actor=actor_of(away)).count() == 0


def test_the_backfill_places_legacy_rows_and_leaves_ambiguous_ones_hidden(world, secondee):
    home, away = secondee
    referral = make_referral(world=world)
    single = world.lead_practitioner
    Notification.objects.all().delete()
    legacy = []
    for recipient, target_type, target_id in (
            (home.user_id, "referral", referral.pk),  # to_agency = partner: home
            (single.user_id, "referral", uuid.uuid4()),  # unknown target, one agency
            (home.user_id, "agency", world.outsider.pk),  # a summary of the outsider's work
            (home.user_id, "referral", uuid.uuid4())):  # a secondee, target unknown
        legacy += services.notify(recipients=[recipient], kind="legacy",
                                  target_type=target_type, target_id=target_id,
                                  title="Legacy", url="/", agency_id=world.lead.pk)
    Notification.objects.update(agency=None)
    migration = importlib.import_module(
        "apps.notifications.migrations.0004_notification_agency")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL_SQL)
    placed = dict(Notification.objects.values_list("pk", "agency_id"))
    assert [placed[pk] for pk in legacy] == [world.partner.pk, world.lead.pk,
                                             world.outsider.pk, None]
    # The unplaced row is shown for neither of the secondee's agencies.
    assert legacy[3] not in set(notification_list(actor=actor_of(home)).values_list(
        "pk", flat=True)) | set(notification_list(actor=actor_of(away)).values_list(
        "pk", flat=True))
