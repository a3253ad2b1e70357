from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    # Built without blocking writes on a live database (large tables).
    atomic = False

    dependencies = [
        ("cases", "0008_papers_marac_coordination_people"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="involvement",
            index=models.Index(fields=["key_worker", "agency"], include=["case"],
                               condition=Q(ended_at__isnull=True),
                               name="involvement_active_kw_agency"),
        ),
        RemoveIndexConcurrently(model_name="involvement", name="involvement_active_key_worker"),
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(fields=["id"], include=["status"], name="case_id_status"),
        ),
    ]
