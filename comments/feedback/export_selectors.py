"""Reads of the answer table's Word exports (comments/feedback/export_services.py)."""

from django.core.files.storage import storages
from django.http import Http404

from drafts.models import Draft

from .export_services import table_inputs_fingerprint
from .models import ExportStatus, TableExport


def table_export_get(*, draft: Draft, pk: int) -> TableExport:
    """The export `pk` of `draft` (Http404 for another draft's or none); who may see it is
    the caller's to check, by its `internal`."""
    export = TableExport.objects.filter(draft=draft, pk=pk).select_related("requested_by").first()
    if export is None:
        raise Http404(pk)
    return export


def table_export_current(*, export: TableExport) -> bool:
    """Whether a ready export still shows what the table would show now (its fingerprint is
    the current one); a handful of aggregate queries."""
    return export.fingerprint == table_inputs_fingerprint(draft=export.draft)


def table_export_open(*, export: TableExport):
    """The ready export's file, opened for reading (binary); Http404 when it is not ready or
    its file is gone (pruned)."""
    if export.status != ExportStatus.READY or not export.file:
        raise Http404(export.pk)
    try:
        return storages["exports"].open(export.file, "rb")
    except FileNotFoundError as exc:
        raise Http404(export.pk) from exc
