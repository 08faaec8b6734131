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
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


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
