"""Pages of a participation process, its calendar files and documents, following, notifications.

Views parse, call a service or selector, and render. Writing pages are for the working group.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.idempotency import once_per_form
from deliberation.roles import working_group_required

from . import ics, selectors, services
from .forms import (
    DocumentForm,
    FollowForm,
    MilestoneForm,
    ProcessForm,
    SessionForm,
    apply_errors,
)
from .models import Process


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _form_page(request, form, *, heading, process=None, submit=None, intro="", status=None):
    return render(
        request,
        "process/form.html",
        {
            "form": form,
            "heading": heading,
            "process": process,
            "submit": submit or _("Save"),
            "intro": intro,
        },
        status=status or (400 if form.is_bound and form.errors else 200),
    )


# --- public pages -----------------------------------------------------------------------------


def process_detail(request, slug):
    process = selectors.process_get(slug=slug)
    page = selectors.process_page(process=process, user=request.user)
    return render(
        request,
        "process/detail.html",
        {
            "process": process,
            "page": page,
            "follow_form": FollowForm(
                initial={"email": page.follow.email if page.follow else False}
            ),
        },
    )


def _calendar_event(request, process: Process, session) -> ics.CalendarEvent:
    parts = [session.description]
    if session.listeners_welcome:
        parts.append(_("Listeners welcome"))
    if session.place_accessibility:
        parts.append(_("Accessibility: %(notes)s") % {"notes": session.place_accessibility})
    if session.online_url:
        parts.append(_("Join online: %(url)s") % {"url": session.online_url})
    page_url = request.build_absolute_uri(process.get_absolute_url())
    host = request.get_host().split(":")[0]
    return ics.CalendarEvent(
        uid=f"process-session-{session.pk}@{host}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=session.title,
        location=session.place,
        description="\n\n".join(part for part in parts if part),
        url=f"{page_url}#{session.anchor}",
        last_modified=session.updated_at,
    )


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def process_calendar(request, slug):
    process = selectors.process_get(slug=slug)
    events = [_calendar_event(request, process, s) for s in process.sessions.all()]
    text = ics.calendar(events=events, now=timezone.now(), name=process.title)
    return _calendar_response(text, f"{process.slug}.ics")


def session_ics(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    session = selectors.session_get(process=process, pk=pk)
    text = ics.calendar(
        events=[_calendar_event(request, process, session)], now=timezone.now(), name=process.title
    )
    return _calendar_response(text, f"{process.slug}-{session.pk}.ics")


def document_detail(request, slug, pk: int):
    """A Markdown document as a page; other kinds are files to download."""
    process = selectors.process_get(slug=slug)
    document = selectors.document_get(process=process, pk=pk)
    if not document.is_markdown:
        return redirect("document_download", slug=process.slug, pk=document.pk)
    return render(request, "process/document.html", {"process": process, "document": document})


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


def _download_name(title: str, extension: str) -> tuple[str, str]:
    """The name to save under (UTF-8) and a plain-ASCII fallback for old clients."""
    base = _UNSAFE_FILENAME.sub("_", title).strip(" ._")[:100] or "dokument"
    ascii_base = (
        unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode().strip() or "dokument"
    )
    return f"{base}.{extension}", f"{ascii_base}.{extension}"


def document_download(request, slug, pk: int):
    """Serve the stored file as a download: never rendered by the browser, never sniffed."""
    process = selectors.process_get(slug=slug)
    document = selectors.document_get(process=process, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(pk) from exc
    name, ascii_name = _download_name(document.title, document.file_format)
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-transform"
    return response


# --- following and notifications -------------------------------------------------------------


@login_required
def process_follow(request, slug):
    process = selectors.process_get(slug=slug)
    if request.method != "POST":
        # Back from the login page: show the page with the button instead of acting on a GET.
        return redirect(process.get_absolute_url())
    form = FollowForm(request.POST)
    email = form.is_valid() and form.cleaned_data["email"]
    services.process_follow(user=request.user, process=process, email=email)
    if email:
        messages.success(
            request, _("You follow this process. We will also write to you by e-mail.")
        )
    else:
        messages.success(request, _("You follow this process. News appear under “Notifications”."))
    return redirect(process.get_absolute_url())


@login_required
@require_POST
def process_unfollow(request, slug):
    process = selectors.process_get(slug=slug)
    services.process_unfollow(user=request.user, process=process)
    messages.success(request, _("You no longer follow this process."))
    return redirect(process.get_absolute_url())


@login_required
def notifications(request):
    items = selectors.notifications_list(user=request.user)
    return render(
        request,
        "notifications/list.html",
        {"notifications": items, "has_unread": any(n.read_at is None for n in items)},
    )


@login_required
@require_POST
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


# --- the working group's pages ---------------------------------------------------------------


PROCESS_FIELDS = (
    "title",
    "slug",
    "description",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_address",
)


@working_group_required
@once_per_form
def process_create(request):
    form = ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = services.process_create(
                **{name: form.cleaned_data[name] for name in PROCESS_FIELDS}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The process has been created."))
            return redirect(process.get_absolute_url())
    return _form_page(request, form, heading=_("New participation process"))


@working_group_required
def process_edit(request, slug):
    process = selectors.process_get(slug=slug)
    form = ProcessForm(request.POST or None, instance=Process.objects.get(pk=process.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.process_update(
                process=process, **{name: form.cleaned_data[name] for name in PROCESS_FIELDS}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The process has been saved."))
            return redirect(process.get_absolute_url())
    return _form_page(request, form, heading=_("Edit the process"), process=process)


MILESTONE_FIELDS = ("title", "description", "starts_on", "ends_on", "state", "position")


@working_group_required
@once_per_form
def milestone_create(request, slug):
    process = selectors.process_get(slug=slug)
    initial = {"position": (process.milestones.count() + 1) * 10}
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_create(
                process=process, **{name: form.cleaned_data[name] for name in MILESTONE_FIELDS}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The step has been added to the timeline."))
            return redirect(f"{process.get_absolute_url()}#timeline")
    return _form_page(request, form, heading=_("New step in the timeline"), process=process)


@working_group_required
def milestone_edit(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    milestone = selectors.milestone_get(process=process, pk=pk)
    form = MilestoneForm(
        request.POST or None, instance=selectors.milestone_get(process=process, pk=pk)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(
                milestone=milestone, **{name: form.cleaned_data[name] for name in MILESTONE_FIELDS}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The step has been saved."))
            return redirect(f"{process.get_absolute_url()}#timeline")
    return _form_page(request, form, heading=_("Edit the step"), process=process)


def _confirm_delete(request, process, *, heading, title, delete):
    if request.method == "POST":
        delete()
        messages.success(request, _("Deleted: %(title)s") % {"title": title})
        return redirect(process.get_absolute_url())
    return render(
        request,
        "process/confirm_delete.html",
        {"process": process, "heading": heading, "title": title},
    )


@working_group_required
def milestone_delete(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    milestone = selectors.milestone_get(process=process, pk=pk)
    return _confirm_delete(
        request,
        process,
        heading=_("Delete this step?"),
        title=milestone.title,
        delete=lambda: services.milestone_delete(milestone=milestone),
    )


@working_group_required
@once_per_form
def session_create(request, slug):
    process = selectors.process_get(slug=slug)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                process=process, site_url=_site_url(request), **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_errors(form, exc, SessionForm.FIELD_FOR)
        else:
            messages.success(request, _("The session has been added."))
            for note in form.time_notes:
                messages.info(request, note)
            return redirect(f"{process.get_absolute_url()}#{session.anchor}")
    return _form_page(request, form, heading=_("New public session"), process=process)


@working_group_required
def session_edit(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    session = selectors.session_get(process=process, pk=pk)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc, SessionForm.FIELD_FOR)
        else:
            messages.success(request, _("The session has been saved."))
            for note in form.time_notes:
                messages.info(request, note)
            return redirect(f"{process.get_absolute_url()}#{session.anchor}")
    return _form_page(request, form, heading=_("Edit the session"), process=process)


@working_group_required
def session_delete(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    session = selectors.session_get(process=process, pk=pk)
    return _confirm_delete(
        request,
        process,
        heading=_("Delete this session?"),
        title=session.title,
        delete=lambda: services.session_delete(session=session),
    )


DOCUMENT_FIELDS = ("title", "kind", "date", "session")


@working_group_required
@once_per_form
def document_create(request, slug):
    process = selectors.process_get(slug=slug)
    initial = {"date": timezone.localdate()}
    if request.GET.get("session"):
        initial["session"] = request.GET["session"]
    form = DocumentForm(
        request.POST or None, request.FILES or None, process=process, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_create(
                process=process,
                file=form.cleaned_data["file"],
                site_url=_site_url(request),
                **{name: form.cleaned_data[name] for name in DOCUMENT_FIELDS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The document has been published."))
            return redirect(f"{process.get_absolute_url()}#documents")
    return _form_page(
        request, form, heading=_("New document"), process=process, submit=_("Publish")
    )


@working_group_required
def document_edit(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    document = selectors.document_get(process=process, pk=pk)
    initial = {
        "title": document.title,
        "kind": document.kind,
        "date": document.date,
        "session": document.session_id,
    }
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        process=process,
        initial=initial,
        require_file=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                document=document,
                file=form.cleaned_data.get("file") or None,
                site_url=_site_url(request),
                **{name: form.cleaned_data[name] for name in DOCUMENT_FIELDS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The document has been saved."))
            return redirect(f"{process.get_absolute_url()}#documents")
    return _form_page(request, form, heading=_("Edit the document"), process=process)


@working_group_required
def document_delete(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    document = selectors.document_get(process=process, pk=pk)
    return _confirm_delete(
        request,
        process,
        heading=_("Delete this document?"),
        title=document.title,
        delete=lambda: services.document_delete(document=document),
    )
