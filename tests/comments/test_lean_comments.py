"""The websocket comment's write, lean (issue 14): a fixed, small number of statements without
savepoints, and the same outcome as before for everything its checks decide."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.consumers import DraftConsumer
from comments.models import Comment, CommentStatus, ParagraphTally
from comments.moderation.models import UserBlock
from deliberation.errors import ActionRefused
from deliberation.idempotency import write_once
from deliberation.models import Event, WriteReceipt

TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK")


def frame_comment(user, paragraph, body, request_id, parent=None):
    """What the draft socket does for {"action": "comment", ...} with a request id
    (DraftConsumer._write: the receipt claimed first, then `_do_comment`)."""
    consumer = DraftConsumer()
    consumer.user, consumer.draft_id = user, paragraph.draft_id
    message = {"action": "comment", "paragraph": str(paragraph.key), "body": body, "parent": parent}
    return write_once(
        user=user,
        request_id=request_id,
        what=message,
        write=lambda: consumer._do_comment(str(paragraph.key), body, parent),
    )


def statements(function) -> list[str]:
    """The SQL statements `function` runs, without BEGIN and COMMIT."""
    with CaptureQueriesContext(connection) as captured:
        function()
    return [q["sql"] for q in captured if not q["sql"].upper().startswith(TRANSACTION)]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}


@pytest.mark.django_db(transaction=True)
def test_a_comment_costs_ten_statements_without_a_savepoint(paragraph, citizen):
    """The receipt's claim, the joined read, the comment, its likeness (its group read and its
    row), the tally, the count shown, the event's seq and row, the receipt's answer; SQLite's
    search index one more. It took 17 and ten savepoint statements (five with their releases)."""
    frame_comment(citizen, paragraph, "Die Radwege sind viel zu schmal.", "warm-up")
    run = statements(lambda: frame_comment(citizen, paragraph, "Der Radweg ist zu schmal.", "c"))
    assert not [sql for sql in run if "SAVEPOINT" in sql.upper()], run
    index = 1 if connection.vendor == "sqlite" else 0
    assert len(run) == 10 + index, run
    repeat = statements(lambda: frame_comment(citizen, paragraph, "Der Radweg ist zu schmal.", "c"))
    assert len(repeat) == 2, repeat  # the claim finds the receipt, which is read
    assert Comment.objects.count() == 2
    assert ParagraphTally.objects.get(paragraph=paragraph).comments == 2
    assert Event.objects.filter(type="comment.created").count() == 2


@pytest.mark.django_db
def test_the_answer_is_the_comment_and_a_repeat_gets_it_again(paragraph, citizen):
    first = frame_comment(citizen, paragraph, "Mehr Bänke am Ufer.", "b-1")
    comment = Comment.objects.get()
    assert first["comment"]["id"] == comment.pk
    assert first["comment"]["paragraph"] == str(paragraph.key)
    assert frame_comment(citizen, paragraph, "Mehr Bänke am Ufer.", "b-1") == first
    with pytest.raises(ActionRefused) as refused:
        frame_comment(citizen, paragraph, "Etwas anderes.", "b-1")
    assert refused.value.code == "invalid"
    assert WriteReceipt.objects.get().answer == first


@pytest.mark.django_db
def test_a_block_in_force_refuses_and_a_lifted_or_past_one_does_not(paragraph, citizen, moderator):
    block = UserBlock.objects.create(user=citizen, blocked_by=moderator, justification="Spam")
    with pytest.raises(ActionRefused) as refused:
        frame_comment(citizen, paragraph, "Gesperrt.", "x-1")
    assert refused.value.code == "forbidden"
    block.lifted_at = timezone.now()
    block.save()
    UserBlock.objects.create(
        user=citizen,
        blocked_by=moderator,
        justification="Spam",
        until=timezone.now() - timedelta(days=1),
    )
    frame_comment(citizen, paragraph, "Wieder frei.", "x-2")
    assert Comment.objects.get().status == CommentStatus.PUBLISHED


@pytest.mark.django_db
def test_an_unconfirmed_address_holds_the_comment(paragraph, make_user):
    waiting = make_user("wartend", confirmed=False)
    answer = frame_comment(waiting, paragraph, "Noch nicht bestätigt.", "h-1")
    assert answer["comment"]["status"] == CommentStatus.HELD
    assert ParagraphTally.objects.filter(paragraph=paragraph, comments__gt=0).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["kein-schlüssel", "00000000-0000-0000-0000-000000000000"])
def test_a_key_that_names_no_paragraph_is_not_found(paragraph, citizen, key):
    consumer = DraftConsumer()
    consumer.user, consumer.draft_id = citizen, paragraph.draft_id
    with pytest.raises(ActionRefused) as refused:
        consumer._do_comment(key, "Wo ist das?", None)
    assert refused.value.code == "not_found"


@pytest.mark.django_db
def test_a_paragraph_of_another_draft_is_not_found(make_draft, paragraph, citizen):
    other = make_draft(slug="andere")
    consumer = DraftConsumer()
    consumer.user, consumer.draft_id = citizen, other.pk
    with pytest.raises(ActionRefused) as refused:
        consumer._do_comment(str(paragraph.key), "Falscher Entwurf.", None)
    assert refused.value.code == "not_found"
