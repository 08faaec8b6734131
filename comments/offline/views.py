"""Pages for analog and hybrid formats: entering contributions collected offline, and the room view.

The entry page is one plain form (shared fields plus many rows) that works without JavaScript:
"more rows" re-renders it with everything typed kept. The room view is public and read-only,
for a projector at a public session: the draft's QR code, who reads along and the latest comments.
"""

import json
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from qrcode import QRCode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.svg import SvgPathImage

from comments.models import Channel, anonymous_labels
from deliberation import events
from deliberation.idempotency import once_per_form
from deliberation.roles import staff_role_required
from deliberation.siteurl import site_url
from drafts import selectors as draft_selectors
from drafts.models import Draft

from .forms import RowForm, SharedForm, paragraph_choices
from .selectors import ROOM_COMMENTS, room_comments
from .services import ContributionRefused, offline_contributions_create_bulk

ROWS_DEFAULT = 10
ROWS_MORE = 10
ROWS_MAX = 100

# The marker next to a contribution collected offline; offline/_marker.html says the same.
MARKERS = {
    Channel.WORKSHOP: gettext_lazy("from the workshop on %(date)s"),
    Channel.EVENT: gettext_lazy("from the public event on %(date)s"),
    Channel.LETTER: gettext_lazy("by letter or e-mail on %(date)s"),
    Channel.WALK_IN: gettext_lazy("at the walk-in office on %(date)s"),
    Channel.PHONE: gettext_lazy("by phone on %(date)s"),
    Channel.OTHER: gettext_lazy("collected offline on %(date)s"),
}


# Entering contributions -------------------------------------------------------------------------


def _row_count(value, default: int = ROWS_DEFAULT) -> int:
    try:
        return max(1, min(int(value), ROWS_MAX))
    except (TypeError, ValueError):
        return default


def _shared_initial(data) -> dict:
    names = ("channel", "contributed_on", "session", "place", "late_entry")
    return {name: data.get(name, "") for name in names}


@staff_role_required
@once_per_form
def contributions_new(request, slug: str):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    choices = paragraph_choices(draft)
    status = 200
    if request.method == "POST" and "add_rows" not in request.POST:
        count = _row_count(request.POST.get("rows"))
        shared = SharedForm(request.POST, draft=draft)
        rows = [RowForm(request.POST, choices=choices, number=n) for n in range(1, count + 1)]
        saved = _save(request, draft, shared, rows)
        if saved is not None:
            return saved
        status = 400
    elif request.method == "POST":
        # "More rows" without JavaScript: the same form again, longer, with everything kept.
        data = request.POST
        count = _row_count(data.get("rows")) + ROWS_MORE
        count = min(count, ROWS_MAX)
        shared = SharedForm(initial=_shared_initial(data), draft=draft)
        rows = [
            RowForm(
                initial={
                    f: data.get(f"row-{n}-{f}", "") for f in ("paragraph", "body", "pseudonym")
                },
                choices=choices,
                number=n,
            )
            for n in range(1, count + 1)
        ]
    else:
        count = _row_count(request.GET.get("rows"))
        shared = SharedForm(initial=_shared_initial(request.GET), draft=draft)
        rows = [RowForm(choices=choices, number=n) for n in range(1, count + 1)]
    bad_rows = [row.number for row in rows if row.is_bound and row.errors]
    return render(
        request,
        "offline/contributions_new.html",
        {
            "draft": draft,
            "shared": shared,
            "rows": rows,
            "count": count,
            "can_add_rows": count < ROWS_MAX,
            "more_rows_url": f"?{urlencode({'rows': min(count + ROWS_MORE, ROWS_MAX)})}",
            "bad_rows": bad_rows,
        },
        status=status,
    )


def _save(request, draft: Draft, shared: SharedForm, rows: list[RowForm]):
    """Store the contributions, or put every refusal next to its field and return None."""
    shared_ok = shared.is_valid()
    rows_ok = all([row.is_valid() for row in rows])  # a list: validate every row, not the first bad
    if not (shared_ok and rows_ok):
        return None
    data = shared.cleaned_data
    try:
        created = offline_contributions_create_bulk(
            user=request.user,
            draft=draft,
            channel=data["channel"],
            contributed_on=data["contributed_on"],
            place=data["place"],
            session=data.get("session"),
            late_entry=data.get("late_entry", False),
            rows=[
                (r.cleaned_data["paragraph"], r.cleaned_data["body"], r.cleaned_data["pseudonym"])
                for r in rows
            ],
        )
    except ContributionRefused as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                shared.add_error(field, error)
        for number, fields in exc.rows.items():
            for field, errors in fields.items():
                for error in errors:
                    rows[number - 1].add_error(field, error)
        return None
    messages.success(
        request,
        _("%(count)s contributions have been published on the draft.") % {"count": len(created)},
    )
    # Back to an empty form with the shared fields kept: the next table of the same workshop.
    keep = {
        "channel": data["channel"],
        "contributed_on": data["contributed_on"].isoformat(),
        "session": data["session"].pk if data.get("session") else "",
        "place": data["place"],
        "late_entry": "1" if data.get("late_entry") else "",
    }
    url = reverse("offline_contributions_new", kwargs={"slug": draft.slug})
    return redirect(f"{url}?{urlencode({k: v for k, v in keep.items() if v})}")


# The room view ---------------------------------------------------------------------------------


def qr_svg(url: str, label: str) -> str:
    """The QR code of `url` as inline SVG markup: one path, no style attributes (the CSP)."""
    qr = QRCode(image_factory=SvgPathImage, error_correction=ERROR_CORRECT_M, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    image = qr.make_image()
    root = image.get_image()
    for attribute in ("width", "height"):  # the stylesheet sizes it
        root.attrib.pop(attribute, None)
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "room__qr-code")
    svg = image.to_string(encoding="unicode")
    # Generated from the URL alone; no user text reaches it but the escaped aria-label.
    return mark_safe(svg)


def _strings() -> dict:
    return {
        "anonymous": anonymous_labels(),
        "markers": {key: str(marker) for key, marker in MARKERS.items()},
        "paragraph": _("Paragraph %(n)s"),
        "deleted": _("deleted account"),
        "late": _("late entry"),
    }


def room(request, slug: str):
    draft = draft_selectors.draft_get(slug=slug, user=request.user)
    # The event position before the state, as on the draft page: room.js resumes from here.
    seq = events.latest_seq(events.stream_name(draft))
    numbers = {
        p.key: p.number
        for p in draft_selectors.paragraphs_current(draft=draft)
        if p.number is not None
    }
    comments = room_comments(draft=draft)
    for comment in comments:
        comment.paragraph_number = numbers.get(str(comment.paragraph.key))
    url = site_url(draft.get_absolute_url(), request)
    return render(
        request,
        "offline/room.html",
        {
            "draft": draft,
            "seq": seq,
            "comments": comments,
            "draft_url": url,
            "qr_svg": qr_svg(url, _("QR code: link to this draft, %(url)s") % {"url": url}),
            "numbers_json": json.dumps(numbers),
            "strings_json": json.dumps(_strings(), ensure_ascii=False),
            "template_comment": _stand_in(),
            "room_limit": ROOM_COMMENTS,
        },
    )


def _stand_in() -> SimpleNamespace:
    """A placeholder comment for the page's <template>: room.js fills in each new one."""
    return SimpleNamespace(
        pk=0,
        author_id=None,
        author=None,
        names_author=True,
        channel="",
        pseudonym="",
        place="",
        contributed_on=None,
        paragraph_number=0,
        body_html="",
    )
