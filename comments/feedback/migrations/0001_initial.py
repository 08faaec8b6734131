"""Answer moves from the app `comments` to `feedback`.

State only: the table keeps its name (comments_answer), so not a row is copied or touched.
comments/migrations/0010 drops the model from the old app's state. The content type is renamed
in place, so permissions and admin log entries that point at it follow the model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from deliberation.migrating import content_types_move

MODELS = ("answer",)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("comments", "0009_paragraphtally_rev"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Answer",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("disposition", models.CharField(choices=[("adopted", "adopted"), ("partly_adopted", "partly adopted"), ("not_adopted", "not adopted"), ("noted", "noted"), ("to_discuss", "to be discussed in the working group")], max_length=16)),
                        ("reply", models.TextField(blank=True, max_length=5000)),
                        ("reply_html", models.TextField(blank=True, help_text="rendered by deliberation.sanitizing.render_comment")),
                        ("version_taken_up", models.PositiveIntegerField(blank=True, help_text="the draft version that took the comment up", null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("published_at", models.DateTimeField(blank=True, null=True)),
                        ("author", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("comment", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="answer", to="comments.comment")),
                    ],
                    options={
                        "db_table": "comments_answer",
                        "indexes": [models.Index(fields=["version_taken_up"], name="comments_an_version_5609d2_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            content_types_move("comments", "feedback", MODELS),
            content_types_move("feedback", "comments", MODELS),
        ),
    ]
