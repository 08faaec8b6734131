"""Accounts made before addresses were confirmed keep writing as before: their addresses count
as confirmed (they were never sent a link). Accounts made from now on confirm by the link."""

from django.conf import settings
from django.db import migrations


def confirm_existing(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), primary=True, verified=True)
            for pk, email in User.objects.exclude(email="").values_list("pk", "email")
            if pk not in known
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0007_process_app"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
