"""Shared fixtures of the moderation tests: a comment waiting for release, a published one."""

import pytest

from comments import services


@pytest.fixture
def pending(pre_draft, citizen):
    """A citizen's comment on a pre-moderated draft: pending until a moderator decides."""
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    return services.comment_create(user=citizen, paragraph=paragraph, body="Bitte freigeben")


@pytest.fixture
def published(draft, paragraph, citizen):
    """A citizen's comment on a post-moderated draft: public at once."""
    return services.comment_create(user=citizen, paragraph=paragraph, body="Schon öffentlich")
