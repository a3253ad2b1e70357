"""Demo: a subject access request Amina made to Safe Haven (assembled, ready for
admin.safehaven to review and download), and Kayla's closed case past its retention date,
due for mgr.safehaven to confirm its deletion."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from apps.cases.models import Case
from apps.records import services


def load_demo(context: object) -> None:
    admin = context.actor("admin.safehaven")
    amina = context.cases["amina"]
    sar = services.sar_open(actor=admin, person=amina.subject,
                            received_on=timezone.localdate() - datetime.timedelta(days=5),
                            requester_details="Asked in person at the Safe Haven office; "
                                              "identity checked.")
    services.sar_assemble(sar_id=sar.pk)
    kayla = context.cases["kayla"]
    Case.objects.filter(pk=kayla.pk).update(
        last_activity_at=timezone.now() - relativedelta(years=6, months=2))
    services.retention_sweep()
    from apps.records.rectification import rights_request_record

    rights_request_record(actor=admin, person=amina.subject, kind="restriction",
                          received_on=timezone.localdate() - datetime.timedelta(days=2),
                          details="Asks that her new address is not shared with the "
                                  "perpetrator programme.")
