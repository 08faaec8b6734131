"""What can be said to a person: the kinds of notification and the topics people choose for.

A notification is stored as its kind and parameters, not as a sentence, so that each reader
sees it in the language of the page they read it on (a moderator on a German page must not
write an English reader's notification in German); a mail is said in the recipient's language
when it is sent. `notification_text` says it. Kinds belong to topics ("replies to my comments",
"decisions of the moderation", ...): a person chooses per topic how to hear of it (kinds.Channel).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation.languages import path_in_default_language

from .channels import Channel


def when(value: str | None) -> str:
    """An ISO time from notification parameters, as a local date and time in the active language
    ("" for None; a value that is no time is returned as it is)."""
    moment = parse_datetime(value) if value else None
    if moment is None:
        return value or ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass(frozen=True)
class Topic:
    """What a person chooses a channel for; `label` names it on the settings page."""

    name: str
    label: str | Promise
    default: str = Channel.SITE
    # Mails a person needs whatever they chose (their account was blocked): never "off".
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of notification: how to say it, what else to show, which topic it belongs to."""

    name: str
    text: Callable[[dict], str]
    topic: str
    # Optional: params -> {"quote": str, "diff_html": SafeString, "diff_text": str}, said in the
    # active language (a word diff, the working group's reply, ...). Shown on the site and in mail.
    details: Callable[[dict], dict] | None = None


def _account_blocked(params: dict) -> str:
    end = when(params.get("until")) if params.get("until") else _("further notice")
    return _("Your account is blocked from writing until %(end)s. Justification: %(text)s") % {
        "end": end,
        "text": params.get("justification", ""),
    }


TOPICS: dict[str, Topic] = {}
KINDS: dict[str, Kind] = {}


def topic_register(
    name: str, *, label: str | Promise, default: str = Channel.SITE, required: bool = False
) -> Topic:
    """Add a topic people choose a channel for (shown on the settings page in this order).
    `default` is the channel of everyone who has not chosen; e-mail defaults need the person's
    consent elsewhere (a follow with e-mail). Raises ValueError for a name that is taken."""
    if name in TOPICS:
        raise ValueError(f"notification topic registered twice: {name}")
    TOPICS[name] = Topic(name=name, label=label, default=default, required=required)
    return TOPICS[name]


def notification_kinds_register(
    texts: dict[str, Callable[[dict], str]],
    *,
    topic: str | None = None,
    details: dict[str, Callable[[dict], dict]] | None = None,
) -> None:
    """Add an app's kinds: {kind: function(params) -> the sentence in the active language}.

    `topic`: the registered topic they belong to (default: a topic "other", site only).
    `details`: {kind: function(params) -> extra parts} (see Kind.details). Called from the app's
    ready(); raises ValueError for a kind that is taken or a topic that does not exist.
    """
    taken = KINDS.keys() & texts.keys()
    if taken:
        raise ValueError(f"notification kinds registered twice: {sorted(taken)}")
    topic = topic or "other"
    if topic not in TOPICS:
        raise ValueError(f"unknown notification topic: {topic}")
    for name, say in texts.items():
        KINDS[name] = Kind(name=name, text=say, topic=topic, details=(details or {}).get(name))


def kind_topic(kind: str) -> Topic:
    """The topic of `kind` ("other" for a kind nobody registered)."""
    known = KINDS.get(kind)
    return TOPICS[known.topic if known else "other"]


def notification_text(*, kind: str, params: dict, fallback: str = "") -> str:
    """Say a notification of `kind` with `params` in the active language.

    `fallback` (the stored sentence of notifications written before kinds existed) is the
    answer for an empty or unknown kind. Raises KeyError when `params` lack a needed value.
    """
    known = KINDS.get(kind)
    return known.text(params) if known else fallback


def notification_details(*, kind: str, params: dict) -> dict:
    """The extra parts of a notification (quote, word diff) in the active language, or {}."""
    known = KINDS.get(kind)
    if known is None or known.details is None:
        return {}
    try:
        return known.details(params)
    except (KeyError, TypeError, ValueError):  # a notification stored before its details existed
        return {}


def stored_url(url: str) -> str:
    """A site path as stored: in the default language, whatever page the writer was on; shown
    in the reader's (Notification.safe_url). Other addresses are kept as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return path_in_default_language(url)
    return url


# The platform's own topics and kinds; apps add theirs in their ready().
topic_register("other", label=gettext_lazy("Other notices"))
topic_register(
    "account",
    label=gettext_lazy("My account (blocked or free to write again)"),
    default=Channel.INSTANT,
    required=True,
)
topic_register(
    "process",
    label=gettext_lazy(
        "Processes I follow: new sessions, protocols and drafts (by e-mail only for the "
        "processes I follow with e-mail)"
    ),
    default=Channel.INSTANT,
)
notification_kinds_register(
    {
        "account_blocked": _account_blocked,
        "account_unblocked": lambda p: _("Your account can write again."),
    },
    topic="account",
)
notification_kinds_register(
    {
        "session_new": lambda p: (
            _("New session in “%(process)s”: %(title)s, %(when)s")
            % {"process": p["process"], "title": p["title"], "when": when(p["when"])}
        ),
        "protocol_new": lambda p: (
            _("New protocol in “%(process)s”: %(title)s")
            % {"process": p["process"], "title": p["title"]}
        ),
    },
    topic="process",
)
