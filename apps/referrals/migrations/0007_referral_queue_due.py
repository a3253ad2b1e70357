from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    # Built without blocking writes on a live database (a large table).
    atomic = False

    dependencies = [
        ("referrals", "0006_tray_referral_assigned_to"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="referral",
            index=models.Index(fields=["to_agency", "due_at", "id"],
                               condition=Q(status="submitted"), name="referral_queue_due"),
        ),
    ]
