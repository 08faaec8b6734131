from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_comment_quote"),
    ]

    operations = [
        migrations.AddField(
            model_name="paragraphtally",
            name="rev",
            field=models.PositiveBigIntegerField(
                default=0,
                help_text="bumped with every change of the vote counts: the newest counts win",
            ),
        ),
    ]
