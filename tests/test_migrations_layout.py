"""Models that moved between apps (issue 15) keep every row of an existing database.

Each test builds a database at the migration state main had before the move (the old leaf
migrations), writes rows with the historical models of that state, migrates forward to the
newest migrations and reads every row back through today's models. Runs on the database of the
test run: SQLite by default, PostgreSQL in CI's second pass.
"""

from datetime import UTC, date, datetime

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# The process app's models lived in `deliberation` until these migrations (main before the move).
BEFORE_PROCESS_APP = [
    ("deliberation", "0006_receipt_fingerprint"),
    ("drafts", "0004_version_changes"),
    ("comments", "0009_paragraphtally_rev"),
    ("process", None),  # the app had no migration yet
]


def _migrate(targets):
    """Migrate the test database to `targets` and return the historical apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    # The state of everything applied now (not only the targets' ancestors: a model of another
    # app, e.g. Draft, must point at the same historical Process as the targets' models do).
    applied = set(executor.loader.applied_migrations) & set(executor.loader.graph.nodes)
    return executor.loader.project_state(sorted(applied)).apps


@pytest.fixture
def migrate_from():
    """Call with old targets to get their historical apps; the database ends migrated to the
    newest state again, whatever the test did, so that later tests find today's schema."""
    yield _migrate
    _newest()


def _newest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_process_models_keep_their_rows_when_they_move_into_the_process_app(migrate_from):
    old = migrate_from(BEFORE_PROCESS_APP)
    content_type = old.get_model("contenttypes", "ContentType")
    # A database of main knew these models under `deliberation` only (a fresh test database
    # was set up with today's content types: make it look like main's).
    content_type.objects.filter(app_label="process").delete()
    old_types = {
        model: content_type.objects.get_or_create(app_label="deliberation", model=model)[0].pk
        for model in ("process", "milestone", "publicsession", "document", "follow")
    }

    user = old.get_model("auth", "User").objects.create(username="lena", email="l@example.org")
    process = old.get_model("deliberation", "Process").objects.create(
        title="Leitlinien", slug="leitlinien", description="Alle reden mit.", contact_name="Amt"
    )
    milestone = old.get_model("deliberation", "Milestone").objects.create(
        process=process, title="Auftakt", starts_on=date(2026, 3, 1), state="current", position=1
    )
    session = old.get_model("deliberation", "PublicSession").objects.create(
        process=process,
        title="Sitzung",
        starts_at=datetime(2026, 3, 2, 17, tzinfo=UTC),
        ends_at=datetime(2026, 3, 2, 19, tzinfo=UTC),
        place="Rathaus",
        online_url="https://meet.example.org/x",
    )
    document = old.get_model("deliberation", "Document").objects.create(
        process=process,
        session=session,
        title="Protokoll",
        kind="protocol",
        date=date(2026, 3, 3),
        file="process-documents/0123abcd.md",
        file_format="md",
        content_type="text/markdown",
        size=42,
        html="<p>Protokoll</p>",
    )
    follow = old.get_model("deliberation", "Follow").objects.create(
        user=user, process=process, email=True
    )
    draft = old.get_model("drafts", "Draft").objects.create(
        title="Entwurf", slug="entwurf", process=process
    )
    paragraph = old.get_model("drafts", "Paragraph").objects.create(
        draft=draft, position=0, source="Text", html="<p>Text</p>", text="Text"
    )
    comment = old.get_model("comments", "Comment").objects.create(
        draft=draft,
        paragraph=paragraph,
        body="Aus dem Workshop",
        body_html="<p>Aus dem Workshop</p>",
        version=1,
        channel="offline",
        session=session,
    )

    _newest()

    from comments.models import Comment
    from deliberation.process.models import Document, Follow, Milestone, Process, PublicSession
    from drafts.models import Draft

    moved = Process.objects.get(pk=process.pk)
    assert (moved.title, moved.slug, moved.description, moved.contact_name) == (
        "Leitlinien",
        "leitlinien",
        "Alle reden mit.",
        "Amt",
    )
    step = Milestone.objects.get(pk=milestone.pk)
    assert (step.process, step.title, step.state, step.position) == (moved, "Auftakt", "current", 1)
    meeting = PublicSession.objects.get(pk=session.pk)
    assert (meeting.process, meeting.place, meeting.is_hybrid) == (moved, "Rathaus", True)
    paper = Document.objects.get(pk=document.pk)
    assert (paper.process, paper.session, paper.file.name, paper.size, paper.html) == (
        moved,
        meeting,
        "process-documents/0123abcd.md",
        42,
        "<p>Protokoll</p>",
    )
    assert Follow.objects.get(pk=follow.pk).user.username == "lena"
    assert Follow.objects.get(pk=follow.pk).email is True
    assert Draft.objects.get(pk=draft.pk).process == moved
    assert list(moved.drafts.values_list("slug", flat=True)) == ["entwurf"]
    assert Comment.objects.get(pk=comment.pk).session == meeting
    assert list(meeting.contributions.values_list("pk", flat=True)) == [comment.pk]

    # The content types moved along (admin history and permissions keep pointing at them).
    content_types = current_apps.get_model("contenttypes", "ContentType").objects
    for model, pk in old_types.items():
        assert content_types.get(pk=pk).app_label == "process", model
    assert not content_types.filter(app_label="deliberation", model__in=old_types).exists()


# Reports, blocks, the moderation log and the answers lived in `comments` until these migrations
# (main before comments/ was split into the apps moderation, feedback and offline).
BEFORE_COMMENT_APPS = [
    ("comments", "0011_comment_search"),
    ("moderation", None),  # the apps had no migration yet
    ("feedback", None),
]
COMMENT_APPS_MOVED = {
    "flag": "moderation",
    "userblock": "moderation",
    "moderationaction": "moderation",
    "answer": "feedback",
}


def test_moderation_and_feedback_models_keep_their_rows_when_they_leave_comments(migrate_from):
    old = migrate_from(BEFORE_COMMENT_APPS)
    content_type = old.get_model("contenttypes", "ContentType")
    # A database of main knew these models under `comments` only (see the test above).
    content_type.objects.filter(app_label__in=("moderation", "feedback")).delete()
    old_types = {
        model: content_type.objects.get_or_create(app_label="comments", model=model)[0].pk
        for model in COMMENT_APPS_MOVED
    }
    # A permission granted on a moved model keeps pointing at it.
    permission = old.get_model("auth", "Permission").objects.create(
        content_type_id=old_types["flag"], codename="audit_flag", name="Can audit reports"
    )

    users = old.get_model("auth", "User").objects
    author = users.create(username="lena", email="l@example.org")
    reporter = users.create(username="tom", email="t@example.org")
    moderator = users.create(username="mod", email="m@example.org")
    process = old.get_model("process", "Process").objects.create(title="Leitlinien", slug="ll")
    draft = old.get_model("drafts", "Draft").objects.create(
        title="Entwurf", slug="entwurf", process=process
    )
    paragraph = old.get_model("drafts", "Paragraph").objects.create(
        draft=draft, position=0, source="Text", html="<p>Text</p>", text="Text"
    )
    comment = old.get_model("comments", "Comment").objects.create(
        draft=draft,
        paragraph=paragraph,
        author=author,
        body="Mehr Bänke",
        body_html="<p>Mehr Bänke</p>",
        version=1,
    )
    until = datetime(2026, 4, 1, 12, tzinfo=UTC)
    flag = old.get_model("comments", "Flag").objects.create(
        comment=comment, reporter=reporter, reason="spam", note="Werbung"
    )
    block = old.get_model("comments", "UserBlock").objects.create(
        user=reporter, blocked_by=moderator, justification="Wiederholt Werbung", until=until
    )
    action = old.get_model("comments", "ModerationAction").objects.create(
        actor=moderator,
        actor_name="mod",
        action="hide",
        draft=draft,
        comment=comment,
        target_user=author,
        target_name="lena",
        reason="spam",
        note="nach Meldungen",
    )
    answer = old.get_model("comments", "Answer").objects.create(
        comment=comment,
        disposition="adopted",
        reply="Übernommen.",
        reply_html="<p>Übernommen.</p>",
        version_taken_up=2,
        author=moderator,
        published_at=until,
    )

    _newest()

    from comments.feedback.models import Answer
    from comments.models import Comment
    from comments.moderation.models import Flag, ModerationAction, UserBlock

    kept = Comment.objects.get(pk=comment.pk)
    report = Flag.objects.get(pk=flag.pk)
    assert (report.comment, report.reporter.username, report.reason, report.note) == (
        kept,
        "tom",
        "spam",
        "Werbung",
    )
    assert list(kept.flags.all()) == [report]
    stop = UserBlock.objects.get(pk=block.pk)
    assert (stop.user.username, stop.blocked_by.username, stop.justification, stop.until) == (
        "tom",
        "mod",
        "Wiederholt Werbung",
        until,
    )
    entry = ModerationAction.objects.get(pk=action.pk)
    assert (entry.actor_name, entry.action, entry.draft_id, entry.comment, entry.note) == (
        "mod",
        "hide",
        draft.pk,
        kept,
        "nach Meldungen",
    )
    assert (entry.target_user.username, entry.target_name, entry.reason) == ("lena", "lena", "spam")
    reply = Answer.objects.get(pk=answer.pk)
    assert (reply.comment, reply.disposition, reply.reply_html, reply.version_taken_up) == (
        kept,
        "adopted",
        "<p>Übernommen.</p>",
        2,
    )
    assert (reply.author.username, reply.published_at) == ("mod", until)
    assert kept.answer == reply
    # The log is still append-only in the database (the trigger stayed on the kept table).
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationAction._base_manager.filter(pk=action.pk).update(note="changed")

    content_types = current_apps.get_model("contenttypes", "ContentType").objects
    for model, app in COMMENT_APPS_MOVED.items():
        assert content_types.get(pk=old_types[model]).app_label == app, model
    assert not content_types.filter(app_label="comments", model__in=COMMENT_APPS_MOVED).exists()
    moved = current_apps.get_model("auth", "Permission").objects.get(pk=permission.pk)
    assert (moved.content_type.app_label, moved.content_type.model) == ("moderation", "flag")
