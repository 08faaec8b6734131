"""The paragraphs' counters (ParagraphTally), changed with F() inside the writing transaction."""

from django.db.models import F

from .models import ParagraphTally


def tally_add(paragraph_id: int, **deltas: int) -> ParagraphTally:
    """Apply counter deltas (field name -> +/- count) to the paragraph's ParagraphTally with F(),
    creating the row on the paragraph's first vote or comment; takes the row lock, so call it
    inside the writing transaction. Returns the row as it is now in that transaction."""
    rows = ParagraphTally.objects.filter(paragraph_id=paragraph_id)
    changes = {field: F(field) + delta for field, delta in deltas.items()}
    if not rows.update(**changes):  # the paragraph's first vote or comment
        ParagraphTally.objects.get_or_create(paragraph_id=paragraph_id)
        rows.update(**changes)
    return rows.get()
