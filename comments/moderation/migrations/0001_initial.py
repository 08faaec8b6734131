"""Flag, UserBlock and ModerationAction move from the app `comments` to `moderation`.

State only: the tables keep their names (comments_flag, comments_userblock,
comments_moderationaction, with the append-only triggers of comments/migrations/0006), so not a
row is copied or touched. comments/migrations/0010 drops the models from the old app's state.
The content types are renamed in place, so permissions and admin log entries that point at them
follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from deliberation.migrating import content_types_move

MODELS = ("flag", "userblock", "moderationaction")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("comments", "0009_paragraphtally_rev"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("drafts", "0002_draft_process"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ModerationAction",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("actor_name", models.CharField(blank=True, help_text="kept if the account goes", max_length=150)),
                        ("action", models.CharField(choices=[("release", "released"), ("reject", "rejected"), ("hide", "hidden"), ("auto_hide", "hidden after reports"), ("restore", "restored"), ("dismiss", "reports dismissed"), ("resubmit", "resubmitted by the author"), ("block", "user blocked"), ("unblock", "user unblocked"), ("mode", "moderation mode changed")], max_length=12)),
                        ("target_name", models.CharField(blank=True, max_length=150)),
                        ("reason", models.CharField(blank=True, max_length=40)),
                        ("note", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("comment", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="actions", to="comments.comment")),
                        ("draft", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="drafts.draft")),
                        ("target_user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "comments_moderationaction",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="UserBlock",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("justification", models.TextField(max_length=1000)),
                        ("until", models.DateTimeField(blank=True, help_text="empty: permanently", null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("lifted_at", models.DateTimeField(blank=True, null=True)),
                        ("blocked_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("lifted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="blocks", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "comments_userblock",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="Flag",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reason", models.CharField(max_length=40)),
                        ("note", models.TextField(blank=True, max_length=1000)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        ("comment", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="flags", to="comments.comment")),
                        ("reporter", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="flags", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "comments_flag",
                        "indexes": [models.Index(fields=["resolved_at", "comment"], name="comments_fl_resolve_c3b37d_idx")],
                        "constraints": [models.UniqueConstraint(fields=("comment", "reporter"), name="one_flag_per_reporter")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_move("comments", "moderation", MODELS),
            content_types_move("moderation", "comments", MODELS),
        ),
    ]
