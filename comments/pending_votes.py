"""A vote given before logging in, kept in the session and carried out right after login.

Logged out, a vote button leads to the login (or sign-up) page; the choice is remembered here,
so that the person does not have to find the paragraph and vote again: once logged in (Django's
`user_logged_in` signal, sent by the login and by the sign-up) the vote is cast and the person
is back at the paragraph (the login's `next`) with a message that it was counted.
"""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from deliberation.errors import ActionRefused
from drafts.models import Paragraph

SESSION_KEY = "pending_vote"


def vote_remember(*, request: HttpRequest, paragraph: Paragraph, choice: str) -> None:
    """Keep `choice` ("agree", "disagree", "neutral") on `paragraph` for after the login."""
    request.session[SESSION_KEY] = {"paragraph": str(paragraph.key), "choice": choice}


def vote_carry_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """`user_logged_in` receiver: cast the remembered vote, if any, and say how it went.

    A vote that is refused now (the consultation closed meanwhile, the paragraph was replaced)
    is dropped with the reason as a message; nothing is raised into the login.
    """
    from . import services

    pending = request.session.pop(SESSION_KEY, None) if request is not None else None
    if not pending:
        return
    paragraph = (
        Paragraph.objects.select_related("draft").filter(key=pending.get("paragraph")).first()
    )
    if paragraph is None:
        return
    try:
        services.vote_cast(user=user, paragraph=paragraph, choice=pending.get("choice", ""))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your vote has been counted."))
