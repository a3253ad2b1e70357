from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    # Built without blocking writes on a live database (a large table).
    atomic = False

    dependencies = [
        ("action_plans", "0003_tray_open_owner_due"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="action",
            index=models.Index(fields=["owner_agency", "due_date", "id"],
                               condition=Q(status="open"), name="action_open_agency_due"),
        ),
    ]
