from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation.confirming import confirm_page, confirmed
from deliberation.idempotency import once_per_form
from deliberation.process import selectors as process_selectors
from deliberation.roles import is_working_group, working_group_required

from . import docx_diff, selectors, services
from .forms import DraftCreateForm, DraftOpenForm, DraftTextForm


def home(request):
    return render(
        request,
        "drafts/home.html",
        {
            "drafts": selectors.draft_list(user=request.user),
            "processes": process_selectors.process_list(),
            "can_create": is_working_group(request.user),
        },
    )


FATE_FIELD = "fate-"


def fate_overrides(post) -> dict[str, int | None]:
    """The working group's choices in the preview: "fate-<key>" = "removed" or a block's index
    (an empty value keeps what the matcher found; anything else is ignored)."""
    overrides: dict[str, int | None] = {}
    for name, value in post.items():
        if not name.startswith(FATE_FIELD) or not value:
            continue
        key = name[len(FATE_FIELD) :]
        if value == "removed":
            overrides[key] = None
        elif value.isdigit():
            overrides[key] = int(value)
    return overrides


def _preview_or_publish(request, form, draft, publish):
    """Shared by create and edit: show the preview, or run `publish` and go to the draft."""
    context = {"form": form, "draft": draft, "preview": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "publish" in request.POST:
                result = publish(data)
                messages.success(request, _("The version has been published."))
                return redirect(result.get_absolute_url())
            preview = services.draft_preview(
                draft=draft,
                text=data["text"],
                source_format=data["source_format"],
                overrides=fate_overrides(request.POST),
                title=data.get("title", ""),
            )
            context["preview"] = preview
            context["preview_rows"] = list(zip(preview.blocks, preview.assignments, strict=True))
        except ValidationError as exc:
            field = exc.code if exc.code in form.fields else None
            for message in exc.messages:
                form.add_error(field, message)
    template = "drafts/draft_edit.html" if draft else "drafts/draft_create.html"
    return render(request, template, context, status=400 if form.errors else 200)


@working_group_required
@once_per_form
def draft_create(request):
    form = DraftCreateForm(request.POST or None, request.FILES or None)

    def publish(data):
        return services.draft_create(
            title=data["title"],
            slug=data["slug"],
            introduction=data["introduction"],
            moderation=data["moderation"],
            text=data["text"],
            source_format=data["source_format"],
            message=data["message"],
            user=request.user,
        )

    return _preview_or_publish(request, form, None, publish)


@working_group_required
@once_per_form
def draft_edit(request, slug):
    draft = selectors.draft_get(slug=slug)
    latest = draft.versions.order_by("-number").first()
    initial = {"text": latest.source, "source_format": latest.source_format} if latest else {}
    form = DraftTextForm(request.POST or None, request.FILES or None, initial=initial)

    def publish(data):
        services.draft_publish_version(
            draft=draft,
            text=data["text"],
            source_format=data["source_format"],
            message=data["message"],
            user=request.user,
            overrides=fate_overrides(request.POST),
        )
        return draft

    return _preview_or_publish(request, form, draft, publish)


@working_group_required
@require_POST
def draft_open(request, slug):
    draft = selectors.draft_get(slug=slug)
    form = DraftOpenForm(request.POST)
    if form.is_valid():
        try:
            services.draft_open(draft=draft, closes_at=form.cleaned_data["closes_at"])
            messages.success(request, _("The consultation is open."))
            if form.fields["closes_at"].note:
                messages.info(request, form.fields["closes_at"].note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(
            request,
            " ".join(form.errors.get("closes_at", [])) or _("Please enter a valid closing date."),
        )
    return redirect(draft.get_absolute_url())


@working_group_required
@require_POST
def draft_close(request, slug):
    draft = selectors.draft_get(slug=slug)
    if not confirmed(request):
        return confirm_page(
            request,
            question=_("Nobody can comment or vote on this draft any more once it is closed."),
            yes=_("Yes, close the consultation now"),
            back=draft.get_absolute_url(),
        )
    services.draft_close(draft=draft)
    messages.success(request, _("The consultation is closed."))
    return redirect(draft.get_absolute_url())


def versions(request, slug):
    draft = selectors.draft_get(slug=slug, user=request.user)
    return render(
        request,
        "drafts/versions.html",
        {
            "draft": draft,
            "versions": selectors.versions_list(draft=draft),
            "can_edit": is_working_group(request.user),
        },
    )


def version_diff(request, slug, a: int, b: int):
    draft = selectors.draft_get(slug=slug, user=request.user)
    version_a = selectors.version_get(draft=draft, number=a)
    version_b = selectors.version_get(draft=draft, number=b)
    key = request.GET.get("paragraph") or None
    # A key no paragraph has (or no UUID at all) narrows the diff to nothing: it is compared as
    # text, never parsed, so there is no error to turn into a 404.
    diff = selectors.versions_diff(draft=draft, a=a, b=b, key=key)
    return render(
        request,
        "drafts/diff.html",
        {"draft": draft, "a": version_a, "b": version_b, "diff": diff, "paragraph": key},
    )


def version_diff_docx(request, slug, a: int, b: int):
    """Version `b` as a Word document with the changes from `a` as tracked changes
    (drafts/docx_diff.py), dated when the newer version was published; for everyone who may
    read the diff page."""
    draft = selectors.draft_get(slug=slug, user=request.user)
    newer = max(
        selectors.version_get(draft=draft, number=a),
        selectors.version_get(draft=draft, number=b),
        key=lambda version: version.number,
    )
    diff = selectors.versions_diff(draft=draft, a=a, b=b)
    response = HttpResponse(
        docx_diff.version_docx(draft=draft, a=a, b=b, diff=diff, when=newer.created_at),
        content_type=docx_diff.DOCX_TYPE,
    )
    name = f"{draft.slug}-{a}-{b}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@working_group_required
@require_POST
def version_revert(request, slug, number: int):
    draft = selectors.draft_get(slug=slug)
    if not confirmed(request):
        return confirm_page(
            request,
            question=_("Everyone reading the draft then sees this text as its newest version."),
            yes=_("Yes, publish this text again"),
            back=f"{draft.get_absolute_url()}versions/",
        )
    try:
        services.draft_revert(draft=draft, number=number, user=request.user)
        messages.success(
            request, _("The text of version %(number)s is published again.") % {"number": number}
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("draft_versions", slug=draft.slug)
