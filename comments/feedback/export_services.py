"""The answer table in Word, made by the worker: a request enqueues a build (or joins the one
waiting or running, or gets the ready file again when nothing it shows has changed), the worker
builds it (docx_table.py) into the private storage "exports", and old files are pruned.

    web request ── table_export_request ──▶ TableExport (queued) + task in the database
    manage.py worker ── table_export_build ──▶ running ──▶ ready (file, size; the requester
                                                            is notified; the files of the
                                                            builds it replaces go) | failed
    hourly job ── table_exports_prune ──▶ old exports and their files gone

The build takes seconds for thousands of comments (bench/working_group.py): no web request
waits for it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django_tasks import task

from comments.models import Comment, CommentStatus, Likeness
from drafts.models import Draft

from . import docx_table
from .models import Answer, ExportStatus, TableExport, Theme
from .notices import table_export_ready_notify

logger = logging.getLogger(__name__)

BUILDING = (ExportStatus.QUEUED, ExportStatus.RUNNING)
# A build still waiting or running after this long was lost (a worker killed mid-build): the
# next request starts a new one instead of joining it for ever.
LOST_AFTER = timedelta(minutes=30)
# Finished exports (ready or failed) are kept this long, then pruned with their files; a newer
# ready one of the same draft, edition and language replaces their files at once (the rows
# stay, so their pages point to the newer one).
KEPT = timedelta(days=7)
FOLDER = "answer-tables"


def _storage():
    return storages["exports"]


def table_inputs_fingerprint(*, draft: Draft) -> str:
    """A hex digest (64 characters) of everything the answer table shows that can change: the
    draft's title and version, its comments (count, newest, last edit and moderation, authors
    kept), their answers (count, published, last change), themes and tags, and the groups of
    alike comments. Aggregates only: a handful of queries whatever the number of comments.
    Equal digests mean the table would come out the same (up to the date printed on it)."""
    comments = Comment.objects.filter(draft=draft).aggregate(
        published=Count("pk", filter=Q(status=CommentStatus.PUBLISHED)),
        last=Max("pk"),
        edited=Max("edited_at"),
        moderated=Max("moderated_at"),
        authors=Count("author"),
    )
    answers = Answer.objects.filter(comment__draft=draft).aggregate(
        count=Count("pk"),
        published=Count("published_at"),
        updated=Max("updated_at"),
        published_last=Max("published_at"),
    )
    tags = Theme.comments.through.objects.filter(theme__draft=draft).aggregate(
        count=Count("pk"), last=Max("pk")
    )
    themes = list(Theme.objects.filter(draft=draft).order_by("pk").values_list("pk", "name"))
    alike = Likeness.objects.filter(draft=draft).aggregate(
        grouped=Count("group"), groups=Sum("group_id")
    )
    parts = (draft.title, draft.version, comments, answers, tags, themes, alike)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _file_present(export: TableExport) -> bool:
    return bool(export.file) and _storage().exists(export.file)


def table_export_request(
    *, draft: Draft, internal: bool, language: str, user=None, retry: bool = False
) -> TableExport:
    """The export that answers a request for the answer table of `draft` (`internal`: the
    working group's edition) in `language` ("de", "en"); permission is the caller's.

    - one waiting or running for the same draft, edition and language: that one (joined);
    - the latest is ready, its file present and its fingerprint the current one: that one
      (served again, nothing rebuilt);
    - the latest failed with the current fingerprint and not `retry`: that one (its page says
      so and offers to try again, so a failing build is not repeated on every visit);
    - otherwise a new one, queued for the worker. `user`: who asked (None for anonymous).
    """
    key = {"draft": draft, "internal": internal, "language": language}
    fingerprint = table_inputs_fingerprint(draft=draft)
    with transaction.atomic():
        latest = TableExport.objects.filter(**key).order_by("-pk").first()
        if latest is not None and latest.status in BUILDING:
            if latest.requested_at > timezone.now() - LOST_AFTER:
                return latest
            _lost(latest)
        elif latest is not None and latest.fingerprint == fingerprint:
            if latest.status == ExportStatus.READY and _file_present(latest):
                return latest
            if latest.status == ExportStatus.FAILED and not retry:
                return latest
        try:
            with transaction.atomic():
                export = TableExport.objects.create(
                    **key,
                    fingerprint=fingerprint,
                    requested_by=user if user is not None and user.is_authenticated else None,
                )
        except IntegrityError:
            # Another request queued one a moment ago: join it.
            return TableExport.objects.filter(**key, status__in=BUILDING).order_by("-pk").first()
        table_export_build.enqueue(export_id=export.pk)
    export.refresh_from_db()  # the immediate backend (tests) has built it by now
    return export


def _lost(export: TableExport) -> None:
    TableExport.objects.filter(pk=export.pk, status__in=BUILDING).update(
        status=ExportStatus.FAILED,
        finished_at=timezone.now(),
        error="The build did not finish (was the worker stopped?).",
    )


@task()
def table_export_build(export_id: int) -> str:
    """The worker's task: build the export `export_id` if it is still waiting; returns its new
    status ("ready", "failed") or "gone" when there was nothing to do. A failure is recorded on
    the export (status failed, `error`) and logged, never raised: the page shows it."""
    started = timezone.now()
    claimed = TableExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED)
    export = claimed.select_related("draft").first()
    if export is None:
        return "gone"
    # The inputs as the build starts reading them: a change during the build makes the next
    # request rebuild, never serve a file older than its fingerprint says.
    fingerprint = table_inputs_fingerprint(draft=export.draft)
    if not claimed.update(status=ExportStatus.RUNNING, started_at=started, fingerprint=fingerprint):
        return "gone"
    try:
        with translation.override(export.language):
            body = docx_table.answer_table_docx(draft=export.draft, internal=export.internal)
        name = _storage().save(
            f"{FOLDER}/{export.pk}-{get_random_string(16)}.docx", ContentFile(body)
        )
    except Exception as exc:
        logger.exception("answer table %s failed", export_id)
        TableExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return ExportStatus.FAILED.value
    TableExport.objects.filter(pk=export_id).update(
        status=ExportStatus.READY, finished_at=timezone.now(), file=name, size=len(body)
    )
    _replaced_files_drop(export)
    table_export_ready_notify(export=export)
    return ExportStatus.READY.value


def _delete(exports) -> int:
    """Delete `exports` (a queryset of finished ones) and, after COMMIT, their files."""
    names = [name for name in exports.values_list("file", flat=True) if name]
    deleted = exports.delete()[0]
    if names:
        storage = _storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in names], robust=True)
    return deleted


def table_exports_forget(*, user) -> int:
    """Delete the finished Word builds (rows and, after COMMIT, files) of every draft `user`
    wrote a comment on: they hold the account's pseudonym and texts as they were, and are
    built again from the erased data on the next request. Returns how many builds went. For
    the account deletion's eraser, inside its transaction."""
    drafts = Comment.objects.filter(author=user).values("draft_id")
    return _delete(TableExport.objects.filter(draft_id__in=drafts).exclude(status__in=BUILDING))


def _replaced_files_drop(export: TableExport) -> None:
    """The files of the same draft, edition and language before `export` are out of date now:
    they go (after COMMIT), their rows stay until pruned with the others (KEPT), so that a
    link to an older build's page, e.g. in a notification, says a newer file exists instead of
    ending in a 404."""
    older = TableExport.objects.filter(
        draft_id=export.draft_id,
        internal=export.internal,
        language=export.language,
        pk__lt=export.pk,
    ).exclude(status__in=BUILDING)
    names = [name for name in older.exclude(file="").values_list("file", flat=True)]
    older.exclude(file="").update(file="")
    if names:
        storage = _storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in names], robust=True)


def table_exports_prune(*, slot: datetime | None = None) -> dict:
    """The worker's hourly job: builds lost for LOST_AFTER count as failed, finished exports
    older than KEPT go with their files, and files no export names (their draft was deleted)
    are removed once an hour old. `slot`: the job's time slot (unused). Returns the counts."""
    now = timezone.now()
    lost = TableExport.objects.filter(status__in=BUILDING, requested_at__lt=now - LOST_AFTER)
    for export in lost:
        _lost(export)
    old = TableExport.objects.filter(finished_at__lt=now - KEPT).exclude(status__in=BUILDING)
    pruned = _delete(old)
    storage, orphans = _storage(), 0
    if storage.exists(FOLDER):
        named = set(TableExport.objects.exclude(file="").values_list("file", flat=True))
        for filename in storage.listdir(FOLDER)[1]:
            name = f"{FOLDER}/{filename}"
            if name not in named and storage.get_modified_time(name) < now - timedelta(hours=1):
                storage.delete(name)
                orphans += 1
    return {"lost": len(lost), "pruned": pruned, "orphans": orphans}
