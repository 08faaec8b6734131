"""Writes for participation processes, one module per thing they write:

* ``processes`` – the process itself; following it and telling its followers,
* ``timeline`` – the steps (milestones), one of them current,
* ``sessions`` – public sessions (followers hear of upcoming ones),
* ``documents`` – uploaded papers (checked by content; Markdown rendered once),
* ``fields`` – the field cleaning they share.

Every function validates what it is given (forms do the same for friendly messages) and raises
``ValidationError`` keyed by model field names. Nothing here imports the drafts app. Callers use
this package's names (``services.session_create``); the modules say where each lives.
"""

from .documents import document_create, document_delete, document_markdown_html, document_update
from .processes import (
    RESERVED_SLUGS,
    process_create,
    process_follow,
    process_notify_followers,
    process_unfollow,
    process_update,
)
from .sessions import session_create, session_delete, session_update, session_validate_times
from .timeline import milestone_create, milestone_delete, milestone_update

__all__ = [
    "RESERVED_SLUGS",
    "document_create",
    "document_delete",
    "document_markdown_html",
    "document_update",
    "milestone_create",
    "milestone_delete",
    "milestone_update",
    "process_create",
    "process_follow",
    "process_notify_followers",
    "process_unfollow",
    "process_update",
    "session_create",
    "session_delete",
    "session_update",
    "session_validate_times",
]
