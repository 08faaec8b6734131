"""The answer table in Word, made by the worker: the address that asks for it, the page that
follows the build, and the download. Who may have which edition is checked on every one of
them: the public edition (published answers) for everyone once the results are public and for
the moderation and the working group at any time; the internal edition for the working group
only (the login page for anonymous visitors, 403 for anyone else)."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.roles import is_staff_role, is_working_group
from drafts import selectors as draft_selectors
from drafts.models import Draft

from . import docx_table, export_selectors, export_services
from .models import ExportStatus, TableExport
from .views import RESULTS_STATUSES

# How long a client that is not a browser is told to wait before asking again (seconds).
RETRY_AFTER = 2


def _refused(request, draft: Draft, *, internal: bool) -> HttpResponse | None:
    """None when the person may have this edition of the table, else the answer to give."""
    if internal and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if internal and not is_working_group(request.user):
        raise PermissionDenied(_("The internal answer table is for the working group only."))
    if not internal and draft.status not in RESULTS_STATUSES and not is_staff_role(request.user):
        return render(request, "feedback/not_available.html", {"draft": draft}, status=404)
    return None


def _status_url(export: TableExport) -> str:
    return reverse("draft_table_export", kwargs={"slug": export.draft.slug, "pk": export.pk})


def _file_response(export: TableExport) -> FileResponse:
    edition = (
        pgettext("file name", "internal")
        if export.internal
        else pgettext("file name", "publication")
    )
    name = f"{pgettext('file name', 'answer-table')}-{export.draft.slug}-{edition}.docx"
    response = FileResponse(
        export_selectors.table_export_open(export=export), content_type=docx_table.DOCX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def feedback_docx(request, slug: str):
    """`…/feedback.docx[?internal=1]` (the public contract): the ready file when nothing it
    shows changed since it was made; otherwise a build is queued (or the one under way
    joined) and a browser goes to the page that follows it (303), while another client gets
    202 with `Location` (that page) and `Retry-After`: asking the same address again later
    gives the file; 500 (with `Location`) when that build failed."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    internal = request.GET.get("internal") == "1"
    refused = _refused(request, draft, internal=internal)
    if refused is not None:
        return refused
    export = export_services.table_export_request(
        draft=draft, internal=internal, language=get_language(), user=request.user
    )
    if export.status == ExportStatus.READY:
        return _file_response(export)
    if "text/html" in request.headers.get("Accept", ""):
        response = HttpResponse(status=303)
    elif export.status == ExportStatus.FAILED:
        # Not "try again later": asking again gives the same until the inputs change or
        # someone presses the page's button.
        response = HttpResponse(
            _(
                "The Word file could not be made. Please try again; if it fails again, tell the site's operator."
            ),
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = HttpResponse(
            _("The Word file is being made; ask again in a moment."),
            status=202,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER)
    response["Location"] = _status_url(export)
    return response


@require_POST
def table_export_start(request, slug: str):
    """The page's button: make the table (again, after a failure or a change) and follow it."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    internal = request.POST.get("internal") == "1"
    refused = _refused(request, draft, internal=internal)
    if refused is not None:
        return refused
    export = export_services.table_export_request(
        draft=draft, internal=internal, language=get_language(), user=request.user, retry=True
    )
    response = HttpResponse(status=303)
    response["Location"] = _status_url(export)
    return response


def _gone(request, draft: Draft, pk: int) -> HttpResponse:
    """The page of a build no longer kept (pruned after a week, or of another draft): 410 with
    a link to the current file of each edition the person may have, never a bare 404 for an
    address we may have sent (a notification links each build's page)."""
    editions = [internal for internal in (False, True) if _may_have(request, draft, internal)]
    if not editions:  # then the public edition is refused: its "not yet" page
        return _refused(request, draft, internal=False)
    return render(
        request,
        "feedback/table_export.html",
        {"draft": draft, "export": None, "editions": editions, "pk": pk},
        status=410,
    )


def _may_have(request, draft: Draft, internal: bool) -> bool:
    if internal:
        return is_working_group(request.user)
    return draft.status in RESULTS_STATUSES or is_staff_role(request.user)


def table_export(request, slug: str, pk: int):
    """The page that follows one build: waiting, being made, ready (the download) or failed
    (why, and a button to try again). It reloads itself while the build is under way. The page
    of a build whose file a newer build replaced says so and links the newer one; that of a
    build no longer kept links the current files (_gone)."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    export = export_selectors.table_export_find(draft=draft, pk=pk)
    if export is None:
        return _gone(request, draft, pk)
    refused = _refused(request, draft, internal=export.internal)
    if refused is not None:
        return refused
    has_file = export_selectors.table_export_has_file(export=export)
    newer = None
    if export.status not in export_services.BUILDING and not has_file:
        newer = export_selectors.table_export_newer(export=export)
    return render(
        request,
        "feedback/table_export.html",
        {
            "draft": draft,
            "export": export,
            "building": export.status in export_services.BUILDING,
            "has_file": has_file,
            "newer": newer,
            "current": has_file and export_selectors.table_export_current(export=export),
            "staff": is_staff_role(request.user),
            "refresh_seconds": RETRY_AFTER,
        },
    )


def table_export_download(request, slug: str, pk: int):
    """The file of a ready build; once it was replaced by a newer build's or pruned (or is
    not ready yet), a redirect to the build's page, which says so and links the current file."""
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    export = export_selectors.table_export_find(draft=draft, pk=pk)
    if export is not None:
        refused = _refused(request, draft, internal=export.internal)
        if refused is not None:
            return refused
    if export is None or not export_selectors.table_export_has_file(export=export):
        return HttpResponseRedirect(reverse("draft_table_export", kwargs={"slug": slug, "pk": pk}))
    return _file_response(export)
