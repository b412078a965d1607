"""The chat keeps one proof of an address: the code (`verified_at`). A link confirmed before
this (`email_confirmed_at`) proved the same thing, so it becomes `verified_at`."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import F


def links_become_proofs(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    conversation = apps.get_model("chat", "Conversation")
    conversation.objects.filter(
        email_confirmed_at__isnull=False, verified_at__isnull=True
    ).update(verified_at=F("email_confirmed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0005_conversation_client_id"),
    ]

    operations = [
        migrations.RunPython(links_become_proofs, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="conversation",
            name="email_confirmed_at",
        ),
    ]
