"""The drafts' personal data: what a person of the working group created and published,
registered with deliberation.accounts.services."""

from reversion.models import Revision, Version

from deliberation.accounts.services import personal_data_register

from .models import Draft, DraftVersion, Paragraph

DRAFT_TEXT = "the draft's text, published by the working group: not a person's"
LINK_GOES = "exported; the link is set to NULL with the account, the work stays"


def drafts_work(user) -> dict:
    """The drafts `user` created and the versions they published, for the data download."""
    versions = DraftVersion.objects.filter(author=user).select_related("draft")
    return {
        "drafts_created": list(
            Draft.objects.filter(created_by=user).order_by("pk").values_list("slug", flat=True)
        ),
        "versions_published": [
            {
                "draft": v.draft.slug,
                "version": v.number,
                "message": v.message,
                "published": v.created_at.isoformat(),
            }
            for v in versions.order_by("pk")
        ],
    }


def register() -> None:
    """Register the drafts' fields (called from DraftsConfig.ready)."""
    personal_data_register(
        name="drafts",
        exporter=drafts_work,
        fields={
            Draft: {
                "created_by": LINK_GOES,
                "title": DRAFT_TEXT,
                "slug": DRAFT_TEXT,
                "introduction": DRAFT_TEXT,
            },
            DraftVersion: {
                "author": LINK_GOES,
                "message": "the publisher's note on the version, a work record: exported, kept",
                "source": DRAFT_TEXT,
                "source_format": DRAFT_TEXT,
                "changes": "figures of what changed",
            },
            Paragraph: {f: DRAFT_TEXT for f in ("section", "source", "html", "text")},
            # Each published version is one django-reversion revision (drafts/services.py).
            Revision: {"user": LINK_GOES, "comment": "the same note as DraftVersion.message"},
            Version: {
                f: DRAFT_TEXT
                for f in ("object_id", "db", "format", "serialized_data", "object_repr")
            },
        },
    )
