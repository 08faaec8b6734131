"""The participation process becomes an app of its own: its models move here from `deliberation`.

Nothing changes in the database: the tables keep their names (``db_table``), so this migration
only tells Django's model state that the models now belong to `process` (deliberation 0007
removes them from `deliberation`'s state once drafts and comments point here). Content types
are renamed in place, so admin history and any permission granted on these models stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import deliberation.process.models
from deliberation.migrating import content_types_move

MOVED = ["process", "milestone", "publicsession", "document", "follow"]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deliberation", "0006_receipt_fingerprint"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Process",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "slug",
                            models.SlugField(
                                max_length=80, unique=True, verbose_name="short name in the address"
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, max_length=10000, verbose_name="description"
                            ),
                        ),
                        (
                            "contact_name",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="coordinating office"
                            ),
                        ),
                        (
                            "contact_email",
                            models.EmailField(blank=True, max_length=254, verbose_name="e-mail"),
                        ),
                        (
                            "contact_phone",
                            models.CharField(blank=True, max_length=50, verbose_name="phone"),
                        ),
                        (
                            "contact_address",
                            models.TextField(blank=True, max_length=500, verbose_name="address"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "deliberation_process",
                        "verbose_name": "participation process",
                        "verbose_name_plural": "participation processes",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Milestone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "description",
                            models.TextField(
                                blank=True, max_length=5000, verbose_name="description"
                            ),
                        ),
                        ("starts_on", models.DateField(verbose_name="start date")),
                        (
                            "ends_on",
                            models.DateField(blank=True, null=True, verbose_name="end date"),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("planned", "planned"),
                                    ("current", "current step"),
                                    ("done", "done"),
                                ],
                                default="planned",
                                max_length=10,
                                verbose_name="state",
                            ),
                        ),
                        (
                            "position",
                            models.PositiveIntegerField(default=0, verbose_name="position"),
                        ),
                        (
                            "process",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="milestones",
                                to="process.process",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliberation_milestone",
                        "verbose_name": "milestone",
                        "verbose_name_plural": "milestones",
                        "ordering": ["process", "position", "starts_on", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PublicSession",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        ("ends_at", models.DateTimeField(verbose_name="ends")),
                        (
                            "place",
                            models.CharField(blank=True, max_length=300, verbose_name="place"),
                        ),
                        (
                            "place_accessibility",
                            models.TextField(
                                blank=True,
                                max_length=2000,
                                verbose_name="accessibility of the place",
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, max_length=5000, verbose_name="description"
                            ),
                        ),
                        (
                            "listeners_welcome",
                            models.BooleanField(default=True, verbose_name="listeners welcome"),
                        ),
                        (
                            "online_url",
                            models.URLField(blank=True, max_length=500, verbose_name="online link"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "process",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="sessions",
                                to="process.process",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliberation_publicsession",
                        "verbose_name": "public session",
                        "verbose_name_plural": "public sessions",
                        "ordering": ["starts_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="Document",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("protocol", "result protocol"),
                                    ("presentation", "presentation"),
                                    ("other", "other document"),
                                ],
                                default="other",
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "file",
                            models.FileField(
                                max_length=200,
                                upload_to=deliberation.process.models.document_path,
                                verbose_name="file",
                            ),
                        ),
                        (
                            "file_format",
                            models.CharField(
                                choices=[
                                    ("pdf", "PDF"),
                                    ("md", "Markdown"),
                                    ("docx", "Word (.docx)"),
                                ],
                                editable=False,
                                max_length=10,
                            ),
                        ),
                        ("content_type", models.CharField(editable=False, max_length=120)),
                        ("size", models.PositiveBigIntegerField(default=0, editable=False)),
                        (
                            "html",
                            models.TextField(
                                blank=True,
                                editable=False,
                                help_text="Markdown only: sanitized by deliberation.sanitizing",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "process",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="documents",
                                to="process.process",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="documents",
                                to="process.publicsession",
                                verbose_name="session",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliberation_document",
                        "verbose_name": "document",
                        "verbose_name_plural": "documents",
                        "ordering": ["-date", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Follow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "email",
                            models.BooleanField(
                                default=False, verbose_name="also notify me by e-mail"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="process_follows",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "process",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="follows",
                                to="process.process",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliberation_follow",
                        "verbose_name": "follower",
                        "verbose_name_plural": "followers",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "process"), name="unique_process_follow"
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="publicsession",
                    index=models.Index(
                        fields=["process", "starts_at"], name="deliberatio_process_5ace6c_idx"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_move("deliberation", "process", MOVED),
            content_types_move("process", "deliberation", MOVED),
        ),
    ]
