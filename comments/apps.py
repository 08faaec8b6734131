from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments and votes")

    def ready(self):
        from deliberation.accounts.confirmation import account_confirmed
        from deliberation.events import heartbeat_fields_register
        from deliberation.notifications import notification_kinds_register
        from drafts.signals import version_published

        from . import notices, personal_data
        from .pending_votes import vote_carry_out
        from .selectors import heartbeat_votes

        personal_data.register()
        notices.topics_register()
        notification_kinds_register(notices.TEXTS, topic="replies", details=notices.DETAILS)
        notification_kinds_register(
            notices.VERSION_TEXTS, topic="versions", details=notices.VERSION_DETAILS
        )
        # Before an account goes, its votes and supports are taken back so counts stay exact.
        pre_delete.connect(
            _withdraw_participation, sender=settings.AUTH_USER_MODEL, dispatch_uid="withdraw"
        )
        # What a person wrote before confirming the address is published once they do.
        account_confirmed.connect(_release_held, dispatch_uid="release_held")
        # A vote given before logging in counts right after it (comments/pending_votes.py).
        user_logged_in.connect(vote_carry_out, dispatch_uid="pending_vote")
        # Heartbeats carry the sum of the draft's vote revs: a lost `votes.changed` shows.
        heartbeat_fields_register(heartbeat_votes)
        # Quoted passages are looked up again in every new version of their paragraph.
        version_published.connect(_reanchor_quotes, dispatch_uid="reanchor_quotes")
        # Who commented on or voted on a paragraph hears when a new version changes it.
        version_published.connect(_paragraphs_changed, dispatch_uid="paragraphs_changed")


def _withdraw_participation(sender, instance, **kwargs):
    from .services import participation_withdraw

    participation_withdraw(user=instance)


def _reanchor_quotes(sender, draft, old_texts, **kwargs):
    from .services import quotes_reanchor

    quotes_reanchor(draft=draft, old_texts=old_texts)


def _paragraphs_changed(sender, draft, number, successors, old_texts, **kwargs):
    from .notices import paragraphs_changed_notify

    paragraphs_changed_notify(
        draft=draft, number=number, successors=successors, old_texts=old_texts
    )


def _release_held(sender, user, **kwargs) -> int:
    from .held import held_release

    return held_release(user=user)
