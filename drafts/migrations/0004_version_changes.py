"""Versions keep what changed as figures, said in each reader's language (was a sentence in
the publisher's language: "1 geändert, 2 neu" on English pages); the platform's own version
messages ("Erste Fassung", "Zurück zum Text von Fassung 2") become empty and are said likewise."""

import re

from django.db import migrations, models

WORDS = {
    "changed": ("changed", "geändert"),
    "added": ("new", "neu"),
    "removed": ("removed", "entfernt"),
    "moved": ("moved", "verschoben"),
}
FIRST = {"First version", "Erste Fassung"}
REVERT = re.compile(r"^(?:Back to the text of version|Zurück zum Text von Fassung) (\d+)$")


def figures(summary: str) -> dict:
    found = {}
    for key, words in WORDS.items():
        match = re.search(r"(\d+) (?:%s)\b" % "|".join(words), summary)
        if match:
            found[key] = int(match.group(1))
    return found


def forwards(apps, schema_editor):
    DraftVersion = apps.get_model("drafts", "DraftVersion")
    for version in DraftVersion.objects.all():
        version.changes = figures(version.summary)
        revert = REVERT.match(version.message)
        if revert:
            version.changes["reverted_to"] = int(revert.group(1))
            version.message = ""
        elif version.number == 1 and version.message in FIRST:
            version.message = ""
        version.save(update_fields=["changes", "message"])


class Migration(migrations.Migration):
    dependencies = [("drafts", "0003_paragraph_successors")]

    operations = [
        migrations.AddField(
            model_name="draftversion",
            name="changes",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="draftversion", name="summary"),
    ]
