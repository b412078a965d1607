"""Waits are bucketed up to 2^30 s (34 years), no longer 2^24 s (194 days): the buckets below
keep their numbers, but the last one of before (247: any wait of 194 days or more) now means
194-208 days. The days kept with a wait in it are marked stale, so the sweep builds them again."""

from typing import Any

from django.db import migrations

OLD_LAST_BUCKET = 247


def mark_stale(apps: Any, schema_editor: Any) -> None:
    rollup_day = apps.get_model("insights", "RollupDay")
    wait_day = apps.get_model("insights", "WaitDay")
    days = wait_day.objects.filter(bucket=OLD_LAST_BUCKET).values("day")
    rollup_day.objects.filter(question="time-to-human", day__in=days).update(stale=True)


class Migration(migrations.Migration):
    dependencies = [("insights", "0003_personal_touch")]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]
