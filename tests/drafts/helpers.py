"""Plain helpers of the drafts tests."""


def keys(draft) -> list[str]:
    """The keys of the draft's current paragraphs, in reading order."""
    return [
        str(k)
        for k in draft.paragraphs.filter(archived=False)
        .order_by("position")
        .values_list("key", flat=True)
    ]
