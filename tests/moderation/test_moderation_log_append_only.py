"""The moderation log is append-only in the database itself, not only through save()/delete()."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from comments import services
from comments.moderation import services as moderation
from comments.moderation.models import AppendOnlyError, ModerationAction
from deliberation.accounts.services import account_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(draft, paragraph, citizen, moderator):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Werbung")
    moderation.comment_hide(moderator=moderator, comment=comment, reason="spam", note="Shop")
    return ModerationAction.objects.get()


def refused_by_database(function) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        function()


def test_the_manager_refuses_bulk_changes_and_deletes(entry):
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.filter(pk=entry.pk).update(note="geschönt")
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ModerationAction.objects.bulk_update([entry], ["note"])
    assert ModerationAction.objects.get().note == "Shop"


def test_the_database_refuses_what_bypasses_the_manager(entry):
    plain = ModerationAction._base_manager
    refused_by_database(lambda: plain.filter(pk=entry.pk).update(note="geschönt"))
    refused_by_database(lambda: plain.filter(pk=entry.pk).update(action="restore"))
    refused_by_database(lambda: plain.filter(pk=entry.pk).update(actor_name="jemand"))
    refused_by_database(lambda: plain.filter(pk=entry.pk).update(draft=None, target_name="x"))
    refused_by_database(lambda: plain.filter(pk=entry.pk).delete())

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM comments_moderationaction")

    refused_by_database(raw_sql)
    stored = ModerationAction.objects.get()
    assert (stored.note, stored.action, stored.actor_name) == ("Shop", "hide", "mod")


def test_deleting_accounts_drafts_and_comments_keeps_the_entry(entry, citizen, moderator):
    """The action stays on record; the deleted accounts are shown as such."""
    account_delete(user=citizen)
    account_delete(user=moderator)
    entry.draft.delete()
    stored = ModerationAction.objects.get()
    assert (stored.actor_id, stored.target_user_id, stored.draft_id, stored.comment_id) == (
        None,
        None,
        None,
        None,
    )
    assert (stored.actor_name, stored.target_name, stored.note) == (
        "gelöschtes Konto",
        "gelöschtes Konto",
        "Shop",
    )
    assert (stored.action, stored.reason) == ("hide", "spam")


def test_a_note_may_forget_only_the_subjects_name_only_as_its_link_goes(
    draft, paragraph, citizen, moderator
):
    from django.db.models import F, Value
    from django.db.models.functions import Replace

    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Werbung")
    moderation.comment_hide(
        moderator=moderator, comment=comment, reason="other", note="Werbung von anna, wieder"
    )
    plain = ModerationAction._base_manager
    forget = Replace(F("note"), F("target_name"), Value("gelöschtes Konto"))
    # Not without dropping the link, not into another text, not for the actor's link.
    refused_by_database(lambda: plain.update(note=forget))
    refused_by_database(lambda: plain.update(target_user=None, target_name="x", note="anders"))
    refused_by_database(lambda: plain.update(actor=None, actor_name="x", note=forget))
    plain.update(target_user=None, target_name="gelöschtes Konto", note=forget)
    assert ModerationAction.objects.get().note == "Werbung von gelöschtes Konto, wieder"
    refused_by_database(lambda: plain.update(note="Werbung"))


def test_a_deleted_accounts_name_may_be_replaced_only_as_its_link_goes(entry, moderator):
    plain = ModerationAction._base_manager
    plain.filter(actor=moderator).update(actor=None, actor_name="gelöschtes Konto")
    assert ModerationAction.objects.get().actor_name == "gelöschtes Konto"
    # Once unlinked, the name is fixed: no second rewrite.
    refused_by_database(lambda: plain.filter(pk=entry.pk).update(actor_name="wieder anders"))


@pytest.mark.django_db(transaction=True)
def test_only_flush_empties_the_log_and_it_stays_locked_afterwards(entry):
    call_command("flush", interactive=False, verbosity=0)
    assert not ModerationAction.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM comments_moderationaction_unlock")
        assert cursor.fetchone()[0] == 0
