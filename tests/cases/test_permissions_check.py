from __future__ import annotations

import logging

import pytest
from django.core.management import CommandError, call_command

from apps.cases.models import CaseGroupObjectPermission
from apps.cases.tasks import permissions_check

pytestmark = pytest.mark.django_db


def test_clean_after_services(world, shared_case, capsys):
    call_command("permissions_check")
    assert "0 with drift" in capsys.readouterr().out


def test_tampering_is_reported_and_fix_repairs_it(world, shared_case, capsys):
    CaseGroupObjectPermission.objects.filter(content_object=shared_case,
                                             group=world.partner.group).delete()
    stray = CaseGroupObjectPermission.objects.filter(content_object=shared_case).first()
    CaseGroupObjectPermission.objects.create(content_object=shared_case,
                                             group=world.outsider.group,
                                             permission_id=stray.permission_id)
    with pytest.raises(CommandError, match="drift"):
        call_command("permissions_check")
    out = capsys.readouterr().out
    # view, contribute and the partner's six sections
    assert f"{shared_case.reference}: 8 missing, 1 stray" in out
    call_command("permissions_check", "--fix")
    call_command("permissions_check")
    assert not CaseGroupObjectPermission.objects.filter(group=world.outsider.group).exists()


def test_nightly_task_logs_drift(world, shared_case, caplog):
    CaseGroupObjectPermission.objects.filter(content_object=shared_case).delete()
    with caplog.at_level(logging.INFO, logger="apps.cases.tasks"):
        result = permissions_check.apply().get()
    assert result == {"checked": 1, "drifted": 1}
    assert any(r.levelno == logging.WARNING and "1 with drift" in r.getMessage()
               for r in caplog.records)


def test_section_drift_is_reported_and_fixed(world, shared_case, capsys):
    """A scope narrowed in the domain (the involvement's sections) but still granted is drift;
    so is a section granted that no scope gives."""
    from apps.cases.models import Involvement

    partner = Involvement.objects.get(case=shared_case, agency=world.partner)
    Involvement.objects.filter(pk=partner.pk).update(sections=["identity", "risk"])
    contact = CaseGroupObjectPermission.objects.filter(
        content_object=shared_case, group=world.partner.group,
        permission__codename="view_case_contact")
    assert contact.exists()
    with pytest.raises(CommandError, match="drift"):
        call_command("permissions_check")
    assert f"{shared_case.reference}: 0 missing, 4 stray" in capsys.readouterr().out
    call_command("permissions_check", "--fix")
    assert not contact.exists()
    call_command("permissions_check")
