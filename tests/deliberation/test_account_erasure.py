"""Deleting an account leaves nothing of the person: not their name, not a sentence they wrote,
in any table, event text, log note or stored file; every session of theirs ends. And the data
download holds all of it beforehand (GDPR Art. 15, 17, 20)."""

import html
import json
import threading
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment, CommentStatus
from comments.moderation import services as moderation
from comments.moderation.models import Flag, ModerationAction
from deliberation.accounts.services import account_delete
from deliberation.models import Event, Notification
from deliberation.process.models import Process
from deliberation.process.services import process_follow
from drafts.anchoring import Quote
from tests.data import PASSWORD
from tests.races import at_once, postgresql_only

pytestmark = pytest.mark.django_db

NAME = "Quirin77"
EMAIL = f"{NAME}@example.org"  # make_user's address
# Everything the person writes: each must be gone after the deletion.
FIRST = "Die Radwege in der Altstadt sind viel zu schmal geraten"
EDITED = "Die Radwege in der Altstadt sind seit Jahren zu schmal"
REPLY = "Dem Vorschlag von Bernd stimme ich ausdrücklich zu"
HIDDEN = "Ein Kommentar den die Moderation später verbirgt"
PENDING = "Ein Kommentar der in der Vormoderation wartet"
CLOSED = "Ein Kommentar in einer längst beendeten Beratung"
REPORT_NOTE = "Dieser Beitrag enthält eine Telefonnummer von mir"
WRITTEN = (FIRST, EDITED, REPLY, HIDDEN, PENDING, CLOSED, REPORT_NOTE)
# What others wrote stays.
OTHERS = "Bernd meint, die Busspur solle bleiben"


@pytest.fixture
def person(make_user):
    return make_user(NAME)


def _paragraphs(draft, count=2):
    return list(
        draft.paragraphs.filter(archived=False).exclude(kind="heading").order_by("position")[:count]
    )


@pytest.fixture
def rich_account(person, other_citizen, moderator, make_draft, draft, pre_draft, settings):
    """`person` after taking part in every way the platform offers, and being moderated."""
    first, second = _paragraphs(draft)
    closed = make_draft(slug="beendet")
    mine = services.comment_create(
        user=person, paragraph=first, body=FIRST, quote=Quote("Engagement", "", "")
    )
    services.comment_edit(user=person, comment=mine, body=EDITED)
    others = services.comment_create(user=other_citizen, paragraph=first, body=OTHERS)
    services.comment_create(user=person, paragraph=others.paragraph, parent=others, body=REPLY)
    services.comment_create(
        user=other_citizen, paragraph=mine.paragraph, parent=mine, body="Bernd antwortet darauf"
    )
    services.vote_cast(user=person, paragraph=first, choice="agree")
    services.vote_cast(user=person, paragraph=second, choice="disagree")
    services.comment_support(user=person, comment=others, on=True)
    services.comment_support(user=other_citizen, comment=mine, on=True)
    moderation.flag_create(user=person, comment=others, reason="other", note=REPORT_NOTE)
    moderation.flag_create(
        user=other_citizen, comment=mine, reason="other", note=f"{NAME} wirbt hier für sich"
    )
    hidden = services.comment_create(user=person, paragraph=second, body=HIDDEN)
    moderation.comment_hide(
        moderator=moderator, comment=hidden, reason="other", note=f"Beleidigung durch {NAME}."
    )
    services.comment_create(user=person, paragraph=_paragraphs(pre_draft)[0], body=PENDING)
    services.comment_create(user=person, paragraph=_paragraphs(closed)[0], body=CLOSED)
    # Decisions by the person, as a moderator of another draft's queue.
    from deliberation.roles import role_grant

    role_grant(user=person, role="moderator")
    moderation.reports_dismiss(moderator=person, comment=others)
    process = Process.objects.create(title="Verkehr", slug="verkehr")
    process_follow(user=person, process=process, email=True)
    # Blocked in the end: the pending comment is rejected with the justification, a notification
    # repeats it.
    moderation.user_block(
        moderator=moderator, user=person, justification=f"Wiederholte Werbung von {NAME}"
    )
    from drafts.services import draft_close

    draft_close(draft=closed)
    # Logs in through the city's identity provider too, which handed over their real name.
    SocialAccount.objects.create(
        user=person,
        provider="stadt",
        uid="c0ffee-4711",
        extra_data={"userinfo": {"sub": "c0ffee-4711", "given_name": "Quirinus", "email": EMAIL}},
    )
    LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(Comment),
        object_id=str(mine.pk),
        object_repr=str(mine),
        action_flag=CHANGE,
        change_message="[]",
    )
    LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message="[]",
    )
    return person


def _database_texts() -> list[tuple[str, str]]:
    """(table, text) for every text or binary value of every row of every table."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str):
                        found.append((table, value))
    return found


def _leftovers(needles, media_root: Path) -> list[str]:
    """Where any of `needles` (case-insensitive, also HTML-escaped) still occurs."""
    forms = {n.lower() for needle in needles for n in (needle, html.escape(needle))}
    places = [
        f"{table}: {text[:120]!r}"
        for table, text in _database_texts()
        if any(form in text.lower() for form in forms)
    ]
    for path in media_root.rglob("*") if media_root.exists() else ():
        if path.is_file() and any(
            form in path.read_bytes().decode("utf-8", "replace").lower() for form in forms
        ):
            places.append(str(path))
    return places


def test_the_rich_account_is_everywhere_before_deletion(rich_account, settings, tmp_path):
    """The search finds what it looks for (else the test after deletion would prove nothing)."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "notiz.txt").write_text(f"von {NAME}")
    found = "\n".join(_leftovers([NAME, *WRITTEN], tmp_path))
    for needle in (NAME, *WRITTEN[1:]):  # FIRST lives on as the earlier text of the edit
        assert needle.lower() in found.lower() or html.escape(needle).lower() in found.lower()
    assert "notiz.txt" in found


def test_deletion_leaves_neither_name_nor_sentence_anywhere(rich_account, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    account_delete(user=rich_account)
    assert _leftovers([NAME, EMAIL, "Quirinus", "c0ffee-4711", *WRITTEN], tmp_path) == []
    # What others wrote and the record of what happened stay.
    assert Comment.objects.filter(body=OTHERS).exists()
    assert Comment.objects.filter(body="Bernd antwortet darauf").exists()
    assert Flag.objects.filter(note__startswith="gelöschtes Konto wirbt").exists()
    log = ModerationAction.objects.all()
    assert {"hide", "block", "reject", "dismiss"} <= set(log.values_list("action", flat=True))
    assert set(log.filter(action__in=["hide", "block"]).values_list("target_name", flat=True)) == {
        "gelöschtes Konto"
    }
    assert log.get(action="dismiss").actor_name == "gelöschtes Konto"
    assert log.get(action="block").note == "Wiederholte Werbung von gelöschtes Konto"


def test_deleted_comments_keep_their_place_and_counts_stay_exact(rich_account, draft):
    mine = list(Comment.objects.filter(author=rich_account))
    account_delete(user=rich_account)
    for comment in mine:
        comment.refresh_from_db()
        assert comment.status == CommentStatus.DELETED and comment.author is None
        assert (comment.body, comment.quote_exact, comment.edits.count()) == ("", "", 0)
    first, second = _paragraphs(draft)
    for paragraph in (first, second):
        tally = paragraph.tally
        assert tally.agree + tally.disagree + tally.neutral == paragraph.votes.count()
        assert tally.comments == paragraph.comments.filter(status="published").count()
    others = Comment.objects.get(body=OTHERS)
    assert others.support_count == others.supports.count() == 0


def test_events_replay_nothing_of_the_person(rich_account):
    account_delete(user=rich_account)
    texts = "\n".join(Event.objects.values_list("text", flat=True)).lower()
    for needle in (NAME, *WRITTEN):
        assert needle.lower() not in texts
    assert "bernd meint" in texts


def test_every_session_of_the_person_ends(person, other_citizen, draft):
    phone, laptop, bystander = Client(), Client(), Client()
    for client, user in ((phone, person), (laptop, person), (bystander, other_citizen)):
        assert client.login(username=user.username, password=PASSWORD)
    assert Session.objects.count() == 3
    response = laptop.post(reverse("profile_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert Session.objects.count() == 1  # the bystander's
    assert phone.get(reverse("profile")).status_code == 302  # to the login page
    assert bystander.get(reverse("profile")).status_code == 200


def test_the_download_holds_everything_stored_about_the_person(rich_account, client):
    client.force_login(rich_account)
    response = client.get(reverse("profile_data"))
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    for sentence in WRITTEN:
        assert sentence in text
    assert data["account"]["username"] == NAME
    sign_in = data["sign_in"]
    assert sign_in["email_addresses"] == [{"email": EMAIL, "confirmed": True, "primary": True}]
    [login] = sign_in["login_providers"]
    assert (login["provider"], login["uid"]) == ("stadt", "c0ffee-4711")
    assert login["extra_data"]["userinfo"]["given_name"] == "Quirinus"
    participation = data["participation"]
    assert {c["text"] for c in participation["comments"]} >= {EDITED, REPLY, HIDDEN, PENDING}
    assert any(FIRST in c["earlier_texts"] for c in participation["comments"])
    assert len(participation["votes"]) == 2 and len(participation["supports"]) == 1
    mod = data["moderation"]
    assert [r["note"] for r in mod["reports"]] == [REPORT_NOTE]
    assert mod["blocks"][0]["justification"] == f"Wiederholte Werbung von {NAME}"
    assert {a["action"] for a in mod["decisions_about_me"]} >= {"hide", "block", "reject"}
    assert [a["action"] for a in mod["decisions_taken"]] == ["dismiss"]
    assert data["follows"] == [
        {"process": "verkehr", "email": True, "since": data["follows"][0]["since"]}
    ]
    kinds = {n["kind"] for n in data["platform"]["notifications"]}
    assert Notification.objects.filter(user=rich_account).count() == len(
        data["platform"]["notifications"]
    )
    assert "account_blocked" in kinds


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_comment_committed_while_the_account_is_deleted_leaves_nothing(
    person, draft, monkeypatch
):
    """A comment from another device that commits after the erasers ran but before the account
    row goes: it waits for the deletion and then finds no account (without the lock it was
    kept, its text orphaned by on_delete=SET_NULL)."""
    from deliberation.accounts import services as accounts

    paragraph = _paragraphs(draft, 1)[0]
    erased, written = threading.Event(), threading.Event()

    def pause(user):
        erased.set()
        written.wait(3)  # the writer commits now, or waits for us (then this times out)

    monkeypatch.setitem(
        accounts._sources, "zz-pause", accounts.PersonalData("zz-pause", None, pause, {})
    )

    def write_meanwhile():
        erased.wait(10)
        try:
            services.comment_create(user=person, paragraph=paragraph, body=PENDING)
        finally:
            written.set()

    outcomes = at_once(lambda: account_delete(user=person), write_meanwhile)
    assert "ok" in outcomes
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    assert not Comment.objects.filter(body=PENDING).exists()


def test_the_log_shows_the_deleted_account_in_the_readers_language(rich_account, moderator, login):
    account_delete(user=rich_account)
    client = login(moderator)
    german = client.get("/moderation/log/").content.decode()
    english = client.get("/en/moderation/log/").content.decode()
    assert "gelöschtes Konto" in german and "deleted account" not in german
    assert "deleted account" in english
    csv_en = b"".join(client.get("/en/moderation/log.csv").streaming_content).decode()
    assert "deleted account" in csv_en and NAME not in csv_en
