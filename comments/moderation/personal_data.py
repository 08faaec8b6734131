"""Reports, blocks and the moderation log as personal data: exported for the person, erased or
anonymised when the account goes (registered with deliberation.accounts.services)."""

import re

from django.db.models import F, Q, Value
from django.db.models.functions import Replace

from deliberation.accounts.erasure import DELETED_ACCOUNT
from deliberation.accounts.services import personal_data_register

from .models import Flag, ModerationAction, UserBlock


def moderation_data(user) -> dict:
    """The reports `user` made (with their notes), the blocks and the moderation decisions
    about them or their comments, and the decisions they took as a moderator."""
    about = ModerationAction.objects.filter(Q(target_user=user) | Q(comment__author=user))
    return {
        "reports": [
            {
                "comment": f.comment_id,
                "reason": f.reason,
                "note": f.note,
                "created": f.created_at.isoformat(),
                "resolved": f.resolved_at.isoformat() if f.resolved_at else None,
            }
            for f in Flag.objects.filter(reporter=user).order_by("created_at", "pk")
        ],
        "blocks": [
            {
                "since": b.created_at.isoformat(),
                "until": b.until.isoformat() if b.until else None,
                "justification": b.justification,
                "lifted": b.lifted_at.isoformat() if b.lifted_at else None,
            }
            for b in UserBlock.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "decisions_about_me": [_action(a) for a in about.order_by("created_at", "pk")],
        "decisions_taken": [
            _action(a)
            for a in ModerationAction.objects.filter(actor=user).order_by("created_at", "pk")
        ],
    }


def _action(action: ModerationAction) -> dict:
    return {
        "action": action.action,
        "comment": action.comment_id,
        "user": action.target_name,
        "reason": action.reason,
        "note": action.get_note_display(),
        "time": action.created_at.isoformat(),
    }


def name_replaced(text: str, name: str) -> str:
    """`text` with `name` as a word (not inside another word) replaced by DELETED_ACCOUNT."""
    return re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", DELETED_ACCOUNT, text, flags=re.IGNORECASE)


def moderation_erase(user) -> None:
    """Before the account goes: its reports go (with their notes), reports about its comments
    stop naming it, and the moderation log keeps every entry but shows "deleted account" for
    the person, as actor and as subject, and its notes about the person stop naming them (the
    one change the log's triggers let through: comments/migrations/0006 and moderation/migrations/0002). Its blocks go with the account (on_delete=CASCADE)."""
    name = user.get_username()
    Flag.objects.filter(reporter=user).delete()
    for flag in Flag.objects.filter(comment__author=user, note__icontains=name):
        flag.note = name_replaced(flag.note, name)
        flag.save(update_fields=["note"])
    log = ModerationAction._base_manager
    log.filter(actor=user).update(actor=None, actor_name=DELETED_ACCOUNT)
    # A note may name its subject ("insults by anna"): the name goes with the link, the one
    # change of a note the log's triggers let through (comments/moderation/migrations/0002).
    log.filter(target_user=user).update(
        target_user=None,
        target_name=DELETED_ACCOUNT,
        note=Replace(F("note"), F("target_name"), Value(DELETED_ACCOUNT)),
    )


LOGGED_NAME = "replaced by 'deleted account' when the account goes (the log keeps the entry)"
LINK_GOES = "a moderator's work: the link is set to NULL with the account, the work stays"


def register() -> None:
    """Register the moderation's fields (called from ModerationConfig.ready)."""
    personal_data_register(
        name="moderation",
        exporter=moderation_data,
        eraser=moderation_erase,
        fields={
            Flag: {
                "reporter": "exported; the person's reports are deleted with their notes",
                "note": "exported; deleted with the report; others' reports about the "
                "person's comments stop naming them",
                "reason": "a code from the catalogue of reasons",
            },
            UserBlock: {
                "user": "exported; deleted with the account (on_delete=CASCADE)",
                "justification": "exported; deleted with the block",
                "blocked_by": LINK_GOES,
                "lifted_by": LINK_GOES,
            },
            ModerationAction: {
                "actor": "exported; " + LOGGED_NAME,
                "actor_name": LOGGED_NAME,
                "target_user": "exported; " + LOGGED_NAME,
                "target_name": LOGGED_NAME,
                "reason": "a code from the catalogue of reasons",
                "note": "the moderator's words, kept as the record of the decision; the "
                "subject's name in it is replaced when their account goes",
            },
        },
    )
