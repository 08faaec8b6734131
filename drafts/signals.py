"""Signals of the drafts app, for apps that keep their own data in step with the text."""

from django.dispatch import Signal

# Sent by drafts.services inside the publishing transaction, once the new version's paragraphs
# are saved, archived and their `current` paragraph is up to date. Keyword arguments:
#   draft: drafts.models.Draft (its `version` is the new number)
#   number: int, the new version's number
#   successors: dict[str, str | None], for every paragraph of the previous version its key ->
#     the key of the paragraph of the new version that continues it (the same key when kept;
#     the successor when rewritten, merged or split; None when removed)
#   restored: list[str], keys of archived paragraphs this version brought back
#   old_texts: dict[str, str], for every paragraph of the previous version its key -> its plain
#     text then (comments/services.quotes_reanchor compares it with the new text)
# A receiver that raises aborts the publication (it runs in the same transaction).
version_published = Signal()
