"""The public pages of a participation process: the process page, its calendar files and
documents, following it, and the notifications list.

Views parse, call a service or selector, and render.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.siteurl import site_url

from .. import ics, selectors, services
from ..forms import (
    FollowForm,
)
from ..models import Process


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
    page_url = site_url(process.get_absolute_url(), request)
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
    events = [
        _calendar_event(request, process, s) for s in selectors.sessions_list(process=process)
    ]
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
