"""Reads on drafts: lists, paragraphs of any version, diffs. No writes here."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from reversion.models import Version

from deliberation.roles import is_working_group

from .diffing import DraftDiff, Side, diff_versions
from .models import Draft, DraftStatus, DraftVersion, Paragraph, paragraph_anchor
from .numbering import paragraph_numbers


@dataclass(frozen=True)
class ParagraphView:
    """A paragraph as it stood in one version (the current one or an older one)."""

    key: str
    position: int
    kind: str
    level: int | None
    section: str
    html: str
    text: str
    number: int | None  # running number of non-heading paragraphs, as people cite them
    pk: int | None = None  # the row, for the current version

    @property
    def anchor(self) -> str:
        return paragraph_anchor(self.key)

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"

    @property
    def heading_tag(self) -> str:
        # The draft's own title is the page's h1; its headings start at h2.
        return f"h{min(max(self.level or 1, 1) + 1, 6)}"


def _numbered(rows: list[dict]) -> list[ParagraphView]:
    rows = sorted(rows, key=lambda r: r["position"])
    views = []
    for row, number in zip(rows, paragraph_numbers(r["kind"] for r in rows), strict=True):
        views.append(
            ParagraphView(
                key=str(row["key"]),
                position=row["position"],
                kind=row["kind"],
                level=row["level"],
                section=row["section"],
                html=row["html"],
                text=row["text"],
                number=number,
                pk=row.get("id"),
            )
        )
    return views


FIELDS = ("id", "key", "position", "kind", "level", "section", "html", "text")


def draft_get(*, slug: str, user=None) -> Draft:
    """The draft, or 404; with `user`, also 404 when that person may not see it yet."""
    draft = Draft.objects.filter(slug=slug).first()
    if draft is None or (user is not None and not draft_visible_to(draft=draft, user=user)):
        raise Http404(slug)
    return draft


def draft_visible_to(*, draft: Draft, user) -> bool:
    """Drafts in preparation are seen only by the working group."""
    return draft.status != DraftStatus.PREPARATION or is_working_group(user)


def draft_list(*, user) -> list[Draft]:
    """The drafts `user` may see (Draft.objects.visible_to): open ones first, then those in
    preparation, closed and final ones."""
    now = timezone.now()
    visible = list(Draft.objects.visible_to(user, now))
    order = {
        DraftStatus.CONSULTATION: 0,
        DraftStatus.PREPARATION: 1,
        DraftStatus.CLOSED: 2,
        DraftStatus.FINAL: 3,
    }
    return sorted(visible, key=lambda d: order[d.status_at(now)])


def paragraphs_current(*, draft: Draft) -> list[ParagraphView]:
    return _numbered(list(draft.paragraphs.filter(archived=False).values(*FIELDS)))


def version_get(*, draft: Draft, number: int) -> DraftVersion:
    version = draft.versions.filter(number=number).select_related("revision").first()
    if version is None:
        raise Http404(f"{draft.slug} v{number}")
    return version


def paragraph_rows_at_version(*, draft: Draft, number: int) -> list[dict]:
    """The live paragraphs of version `number` as dicts of FIELDS and "source", in order.

    Read back from the version's reversion revision ("id" is None there), or from the table
    for the current version. Raises Http404 when there is no such version.
    """
    fields = (*FIELDS, "source")
    if number == draft.version:
        return list(draft.paragraphs.filter(archived=False).order_by("position").values(*fields))
    version = version_get(draft=draft, number=number)
    rows = []
    for stored in Version.objects.get_for_model(Paragraph).filter(revision_id=version.revision_id):
        stored_fields = stored.field_dict
        if stored_fields.get("archived"):
            continue
        rows.append({**{f: stored_fields.get(f) for f in fields if f != "id"}, "id": None})
    return sorted(rows, key=lambda row: row["position"])


def paragraphs_at_version(*, draft: Draft, number: int) -> list[ParagraphView]:
    """The live paragraphs of version `number`, numbered as people cite them."""
    return _numbered(paragraph_rows_at_version(draft=draft, number=number))


def paragraph_texts(*, draft: Draft, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The plain text of paragraph `key` in version `number` for each (key, number) wanted,
    reading each version once; pairs with no such paragraph (or version) are left out."""
    texts = {}
    for number in {number for _key, number in wanted}:
        try:
            rows = paragraph_rows_at_version(draft=draft, number=number)
        except Http404:
            continue
        for row in rows:
            if (str(row["key"]), number) in wanted:
                texts[str(row["key"]), number] = row["text"]
    return texts


def versions_list(*, draft: Draft) -> QuerySet[DraftVersion]:
    return draft.versions.select_related("author").order_by("-number")


def _sides(paragraphs: list[ParagraphView]) -> list[Side]:
    return [
        Side(
            key=p.key, position=p.position, text=p.text, html=p.html, kind=p.kind, section=p.section
        )
        for p in paragraphs
    ]


def versions_diff(*, draft: Draft, a: int, b: int, key: UUID | None = None) -> DraftDiff:
    """What changed from version `a` to version `b`, optionally for one paragraph only."""
    old = paragraphs_at_version(draft=draft, number=a)
    new = paragraphs_at_version(draft=draft, number=b)
    if key is not None:
        old = [p for p in old if p.key == str(key)]
        new = [p for p in new if p.key == str(key)]
    return diff_versions(_sides(old), _sides(new))


def draft_titles() -> list[tuple[str, str]]:
    """(slug, title) of every draft, by title: the choices of the staff pages' draft filters."""
    return list(Draft.objects.order_by("title").values_list("slug", "title"))
