"""Cases triaged before `MessageSignal` existed: their stored reading (`Case.triage`, only the
latest one a case has) becomes rows on the customer message it was read from, the case's newest
inbound message. Earlier readings of the same case were overwritten and cannot be recovered."""

from typing import Any

from django.db import migrations
from django.db.models import OuterRef, Subquery

from rapport.triage.reasons import signal_kinds

BATCH = 2000


def backfill(apps: Any, schema_editor: Any) -> None:
    case_model = apps.get_model("cases", "Case")
    message_model = apps.get_model("cases", "Message")
    signal_model = apps.get_model("triage", "MessageSignal")
    newest = message_model.objects.filter(case=OuterRef("pk"), direction="in").order_by(
        "-created_at", "-pk"
    )
    cases = (
        case_model.objects.filter(triage__has_key="signals")
        .annotate(
            message_id=Subquery(newest.values("pk")[:1]),
            message_at=Subquery(newest.values("created_at")[:1]),
        )
        .filter(message_id__isnull=False)
        .values_list("pk", "triage", "message_id", "message_at")
    )
    rows = []
    for case_id, stored, message_id, at in cases.iterator(chunk_size=BATCH):
        rows.extend(
            signal_model(message_id=message_id, case_id=case_id, signal=signal, kind=kind, at=at)
            for signal, kind in signal_kinds(stored or {})
        )
        if len(rows) >= BATCH:
            signal_model.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    signal_model.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("triage", "0003_message_signals")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
