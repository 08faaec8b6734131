"""Notifications are stored as kind + parameters and said in the reader's language."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0003_process")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(blank=True, max_length=40, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="notification",
            name="text",
            field=models.CharField(blank=True, max_length=500, verbose_name="text"),
        ),
    ]
