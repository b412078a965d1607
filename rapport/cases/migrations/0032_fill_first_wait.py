"""Fill `Case.first_wait` for the cases answered before it existed, in batches of ids, each in
its own transaction: SQLite is never held for long by one write, and an interrupted run is
resumed by running it again (only the cases still without a wait are written). Then
`case_window` carries the wait, so insights read it from the index alone."""

from typing import Any

from django.db import migrations, models, transaction
from django.db.models import F, Max, Min

BATCH = 20_000


def fill(apps: Any, schema_editor: Any) -> None:
    case_model = apps.get_model("cases", "Case")
    cases = case_model.objects.using(schema_editor.connection.alias)
    bounds = cases.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    for start in range(bounds["low"], bounds["high"] + 1, BATCH):
        with transaction.atomic(using=schema_editor.connection.alias):
            cases.filter(
                pk__gte=start,
                pk__lt=start + BATCH,
                first_response_at__isnull=False,
                first_wait__isnull=True,
            ).update(first_wait=F("first_response_at") - F("created_at"))


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch (see fill)

    dependencies = [
        ("cases", "0031_case_first_wait"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="case", name="case_window"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=[
                    "created_at",
                    "initiative",
                    "origin_channel",
                    "priority",
                    "first_response_at",
                    "first_response_due_at",
                    "first_wait",
                    "id",
                ],
                name="case_window",
            ),
        ),
    ]
