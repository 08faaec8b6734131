"""The working group's pages of a participation process: the process, its timeline, sessions
and documents, each created, edited and deleted through deliberation.process.services.

Views parse, call a service or selector, and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.idempotency import once_per_form
from deliberation.roles import working_group_required

from .. import selectors, services
from ..forms import (
    DocumentForm,
    MilestoneForm,
    ProcessForm,
    SessionForm,
    apply_errors,
)


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


def _save(request, form, write, *, done: str, then, heading: str, process=None, submit=None):
    """The form pages' one flow: on a valid POST call `write()` (a service call); a
    ValidationError it raises goes next to the form's fields, success says `done` (and the
    form's `time_notes`, if any) and redirects to `then(result)`. Otherwise the form page."""
    if request.method == "POST" and form.is_valid():
        try:
            result = write()
        except ValidationError as exc:
            apply_errors(form, exc, getattr(form, "FIELD_FOR", None))
        else:
            messages.success(request, done)
            for note in getattr(form, "time_notes", ()):
                messages.info(request, note)
            return redirect(then(result))
    return _form_page(request, form, heading=heading, process=process, submit=submit)


def _fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names}


PROCESS_FIELDS = ProcessForm.Meta.fields


@working_group_required
@once_per_form
def process_create(request):
    form = ProcessForm(request.POST or None)
    return _save(
        request,
        form,
        lambda: services.process_create(**_fields(form, PROCESS_FIELDS)),
        done=_("The process has been created."),
        then=lambda process: process.get_absolute_url(),
        heading=_("New participation process"),
    )


@working_group_required
def process_edit(request, slug):
    process = selectors.process_get(slug=slug)
    # The form gets a copy of its own: validating writes the posted values into its instance,
    # and the page must keep the saved title while the form shows errors.
    form = ProcessForm(request.POST or None, instance=selectors.process_get(slug=slug))
    return _save(
        request,
        form,
        lambda: services.process_update(process=process, **_fields(form, PROCESS_FIELDS)),
        done=_("The process has been saved."),
        then=lambda saved: saved.get_absolute_url(),
        heading=_("Edit the process"),
        process=process,
    )


MILESTONE_FIELDS = ("title", "description", "starts_on", "ends_on", "state", "position")


@working_group_required
@once_per_form
def milestone_create(request, slug):
    process = selectors.process_get(slug=slug)
    initial = {"position": selectors.milestone_next_position(process=process)}
    form = MilestoneForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        lambda: services.milestone_create(process=process, **_fields(form, MILESTONE_FIELDS)),
        done=_("The step has been added to the timeline."),
        then=lambda _step: f"{process.get_absolute_url()}#timeline",
        heading=_("New step in the timeline"),
        process=process,
    )


@working_group_required
def milestone_edit(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    milestone = selectors.milestone_get(process=process, pk=pk)
    form = MilestoneForm(
        request.POST or None, instance=selectors.milestone_get(process=process, pk=pk)
    )
    return _save(
        request,
        form,
        lambda: services.milestone_update(milestone=milestone, **_fields(form, MILESTONE_FIELDS)),
        done=_("The step has been saved."),
        then=lambda _step: f"{process.get_absolute_url()}#timeline",
        heading=_("Edit the step"),
        process=process,
    )


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
    return _save(
        request,
        form,
        lambda: services.session_create(process=process, **form.service_kwargs()),
        done=_("The session has been added."),
        then=lambda session: f"{process.get_absolute_url()}#{session.anchor}",
        heading=_("New public session"),
        process=process,
    )


@working_group_required
def session_edit(request, slug, pk: int):
    process = selectors.process_get(slug=slug)
    session = selectors.session_get(process=process, pk=pk)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    return _save(
        request,
        form,
        lambda: services.session_update(session=session, **form.service_kwargs()),
        done=_("The session has been saved."),
        then=lambda saved: f"{process.get_absolute_url()}#{saved.anchor}",
        heading=_("Edit the session"),
        process=process,
    )


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
    return _save(
        request,
        form,
        lambda: services.document_create(
            process=process,
            file=form.cleaned_data["file"],
            **_fields(form, DOCUMENT_FIELDS),
        ),
        done=_("The document has been published."),
        then=lambda _document: f"{process.get_absolute_url()}#documents",
        heading=_("New document"),
        process=process,
        submit=_("Publish"),
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
    return _save(
        request,
        form,
        lambda: services.document_update(
            document=document,
            file=form.cleaned_data.get("file") or None,
            **_fields(form, DOCUMENT_FIELDS),
        ),
        done=_("The document has been saved."),
        then=lambda _document: f"{process.get_absolute_url()}#documents",
        heading=_("Edit the document"),
        process=process,
    )


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
