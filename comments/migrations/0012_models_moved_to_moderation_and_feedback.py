"""Flag, UserBlock, ModerationAction (now app `moderation`) and Answer (now app `feedback`) leave
this app's state. State only: their tables stay where they are, the new apps took them over
(comments/moderation/migrations/0001, comments/feedback/migrations/0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0011_comment_search"),
        ("moderation", "0001_initial"),
        ("feedback", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Flag"),
                migrations.DeleteModel(name="UserBlock"),
                migrations.DeleteModel(name="ModerationAction"),
                migrations.DeleteModel(name="Answer"),
            ],
            database_operations=[],
        ),
    ]
