"""The MARAC coordinating agency's scope gains the people section (issue 16: the meeting pack
names the children in the household). Stored scopes of live coordination involvements follow;
run ``manage.py permissions_check --fix`` afterwards to grant it (docs/marac.md)."""

from django.db import migrations

REASON = "MARAC coordination: tracks every action agreed."
ORDER = ["identity", "contact", "people", "risk", "chronology", "plan", "plan_own"]


def widen(apps, schema_editor):
    Involvement = apps.get_model("cases", "Involvement")
    for involvement in Involvement.objects.filter(role="marac", scope_reason=REASON,
                                                  ended_at__isnull=True):
        if "people" not in involvement.sections and "plan" in involvement.sections:
            wanted = {*involvement.sections, "people"}
            involvement.sections = [s for s in ORDER if s in wanted]
            involvement.save(update_fields=["sections"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_filter_indexes")]
    operations = [migrations.RunPython(widen, migrations.RunPython.noop)]
