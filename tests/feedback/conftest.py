"""Shared fixtures of the feedback tests."""

import pytest

from comments import services
from comments.feedback import group_services
from comments.feedback import services as answers
from comments.models import Comment, CommentStatus
from comments.moderation import services as moderation
from drafts.services import draft_publish_version
from tests.feedback.helpers import NOTE, TEXT_V1, TEXT_V2


@pytest.fixture(autouse=True)
def _no_rate_limits(no_rate_limits):
    """The working group's pages are tested with many comments written quickly: no limits."""


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run at once inside the request (django-tasks' immediate backend): the answer table
    is made as the worker makes it, without a worker process (tests/feedback/test_docx_worker.py
    has the real one)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def table(make_draft, citizen, other_citizen, moderator, wg):
    """Version 1 with comments, version 2 that took one up; answers published, drafted, none;
    a hidden and a pending comment; a theme; an internal note."""
    draft = make_draft(text=TEXT_V1, slug="tabelle", moderation="post")
    first, second = draft.paragraphs.order_by("position")
    published = services.comment_create(
        user=citizen, paragraph=first, body="Bitte sichere Radwege statt neuer."
    )
    drafted = services.comment_create(
        user=other_citizen, paragraph=second, body="Der zweite Absatz ist zu lang."
    )
    unanswered = services.comment_create(user=citizen, paragraph=second, body="Noch offen hier.")
    hidden = services.comment_create(user=other_citizen, paragraph=first, body="Versteckter Spam")
    moderation.comment_hide(moderator=moderator, comment=hidden, reason="spam")
    draft_publish_version(draft=draft, text=TEXT_V2, message="Fassung 2", user=wg)
    answers.answer_save(
        user=wg,
        comment=published,
        disposition="adopted",
        reply="Übernommen: sichere Radwege.",
        version=2,
        publish=True,
    )
    answers.answer_save(user=wg, comment=drafted, disposition="noted", reply="Entwurf der AG")
    group_services.comment_note_save(user=wg, comment=published, note=NOTE)
    theme = group_services.theme_create(user=wg, draft=draft, name="Verkehr")
    group_services.themes_tag(user=wg, theme=theme, comment_ids=[published.pk])
    pending = Comment.objects.create(
        draft=draft,
        paragraph=first,
        author=citizen,
        body="Wartet auf Freigabe",
        body_html="<p>Wartet auf Freigabe</p>",
        version=2,
        status=CommentStatus.PENDING,
    )
    return {
        "draft": draft,
        "published": published,
        "drafted": drafted,
        "unanswered": unanswered,
        "hidden": hidden,
        "pending": pending,
    }
