"""The participation process's models leave this app's state for the process app's.

State only: the tables stay (the process app's models keep their names with ``db_table``).
Runs after drafts and comments point their foreign keys at the process app's models.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0006_receipt_fingerprint"),
        ("process", "0001_initial"),
        ("drafts", "0005_process_app"),
        ("comments", "0010_process_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Follow"),
                migrations.DeleteModel(name="Document"),
                migrations.DeleteModel(name="Milestone"),
                migrations.DeleteModel(name="PublicSession"),
                migrations.DeleteModel(name="Process"),
            ],
            database_operations=[],
        ),
    ]
