"""Draft.process points to the process app's Process (same table: a change of state only)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("drafts", "0004_version_changes"),
        ("process", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="draft",
                    name="process",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="drafts",
                        to="process.process",
                        verbose_name="participation process",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
