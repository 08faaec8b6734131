"""The platform's part of deleting an account: sessions, the event log, the admin's history.

The apps erase their own data (comments, reports, the moderation log ...) through the eraser
they register in deliberation.accounts.services; these helpers are what they share.
"""

import json
from collections.abc import Iterable

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.events import encode
from deliberation.models import Event

# What the records that outlive an account (the moderation log, event texts) say instead of
# its name. Stored as this German text (the platform's first language); shown translated by
# `account_name_shown`. A username has no space, so it can never be mistaken for one.
DELETED_ACCOUNT = "gelöschtes Konto"


def account_name_shown(name: str) -> str:
    """A stored account name as readers see it: DELETED_ACCOUNT in the active language."""
    return _("deleted account") if name == DELETED_ACCOUNT else name


def sessions_end(*, user_pk: int) -> int:
    """End every session of the account `user_pk` on every device: delete the stored sessions
    that log it in. Returns how many were deleted.

    Works with every session engine that keeps sessions in the database (`db`, `cached_db`, the
    default `db`): each one is decoded, since the session table has no user column. With a
    cache-only or cookie engine nothing can be enumerated; such sessions end anyway on their
    next request, since the account they name no longer exists (django.contrib.auth.get_user).
    """
    from importlib import import_module

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:
        return 0
    model = get_model()
    ended = 0
    live = model.objects.filter(expire_date__gt=timezone.now())
    for key, data in live.values_list("session_key", "session_data").iterator(chunk_size=2000):
        store = store_class(session_key=key)
        if str(store.decode(data).get("_auth_user_id")) == str(user_pk):
            store.delete(key)  # cached_db: from the cache too
            ended += 1
    return ended


def _replace_name(value, name: str):
    """`value` (decoded JSON) with every string equal to `name` replaced by DELETED_ACCOUNT."""
    if isinstance(value, dict):
        return {key: _replace_name(item, name) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_name(item, name) for item in value]
    if value == name:
        return DELETED_ACCOUNT
    return value


def events_forget_name(*, name: str) -> int:
    """Replace the account name `name` in every logged event (as a comment's author, as the
    moderator who decided ...) by DELETED_ACCOUNT, on every stream. Texts that merely contain
    the name inside other words stay. Returns how many events changed."""
    marker = encode(name)[1:-1]
    changed = 0
    for pk, text in Event.objects.filter(text__contains=marker).values_list("pk", "text"):
        new_text = encode(_replace_name(json.loads(text), name))
        if new_text != text:
            changed += Event.objects.filter(pk=pk).update(text=new_text)
    return changed


def admin_log_forget(*, model: type[models.Model], pks: Iterable) -> int:
    """Make the admin's history of the rows `pks` of `model` forget how they were shown (the
    admin keeps each row's str(), e.g. the start of a comment's text): it says "#pk" instead.
    What was done, when and by whom stays. Returns how many entries changed."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    changed = 0
    for pk in pks:
        changed += LogEntry.objects.filter(content_type=content_type, object_id=str(pk)).update(
            object_repr=f"#{pk}"
        )
    return changed


def platform_erase(user) -> None:
    """The platform's eraser: the account's name leaves the event log and the admin's history
    of the account itself goes (notifications, follows and write receipts go with the account's
    row: on_delete=CASCADE)."""
    events_forget_name(name=user.get_username())
    content_type = ContentType.objects.get_for_model(user, for_concrete_model=False)
    LogEntry.objects.filter(content_type=content_type, object_id=str(user.pk)).delete()
