"""Reads of the answer table's Word exports (comments/feedback/export_services.py)."""

from django.core.files.storage import storages
from django.http import Http404

from drafts.models import Draft

from .export_services import table_inputs_fingerprint
from .models import ExportStatus, TableExport


def table_export_find(*, draft: Draft, pk: int) -> TableExport | None:
    """The export `pk` of `draft`, or None (another draft's, or pruned: KEPT); who may see it
    is the caller's to check, by its `internal`."""
    return TableExport.objects.filter(draft=draft, pk=pk).select_related("requested_by").first()


def table_export_newer(*, export: TableExport) -> TableExport | None:
    """The newest export of the same draft, edition and language made after `export` (any
    status), or None: where an older build's page sends people."""
    return (
        TableExport.objects.filter(
            draft_id=export.draft_id,
            internal=export.internal,
            language=export.language,
            pk__gt=export.pk,
        )
        .order_by("-pk")
        .first()
    )


def table_export_has_file(*, export: TableExport) -> bool:
    """Whether the export is ready and its file still kept (not replaced by a newer build's,
    nor pruned)."""
    return (
        export.status == ExportStatus.READY
        and bool(export.file)
        and storages["exports"].exists(export.file)
    )


def table_export_current(*, export: TableExport) -> bool:
    """Whether a ready export still shows what the table would show now (its fingerprint is
    the current one); a handful of aggregate queries."""
    return export.fingerprint == table_inputs_fingerprint(draft=export.draft)


def table_export_open(*, export: TableExport):
    """The ready export's file, opened for reading (binary); Http404 when it is not ready or
    its file is gone (replaced or pruned: check table_export_has_file first)."""
    if export.status != ExportStatus.READY or not export.file:
        raise Http404(export.pk)
    try:
        return storages["exports"].open(export.file, "rb")
    except FileNotFoundError as exc:
        raise Http404(export.pk) from exc
