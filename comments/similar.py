"""Alike comments: near-duplicates (campaign texts, copies with small edits) and close
paraphrases, grouped per paragraph for the working group, and found while a citizen types.

A comment is compared by its words as the full-text search holds them (comments/search.py:
lower case, stop words dropped, Snowball-stemmed, each word once), so "Die Radwege sind zu
schmal" and "Der Radweg ist zu schmal" are the same text here. The fuzzy part is rapidfuzz:

- Groups: `fuzz.token_sort_ratio` (the edit-distance ratio of the sorted words, 0..100) of a
  comment against the text that started each group of its paragraph; at GROUP_CUTOFF or above it
  joins the best one, else it starts a group of its own. Incremental: every save of a comment's
  text places it (Comment.save -> likeness_update, a few milliseconds); `manage.py
  similar_rebuild` places all comments anew, in the order they came.
- While typing (`similar_to`): the full-text index (comments/search.py, `search_any`) gives the
  draft's published comments best matching any typed word (at most _CANDIDATES); of them, those
  whose words cover the typed ones (`fuzz.token_set_ratio`, at least SUGGEST_CUTOFF), ranked by the mean of that and the
  token_sort_ratio (so a short comment saying just that comes before a long one mentioning it),
  comments on the same paragraph first among equals, one per group; and one per text: the
  same campaign text on two paragraphs (two groups, as groups are per paragraph) is offered
  once, the copy on the paragraph one writes on first. Each says whether the person typing
  supports it already (`supported`), so the page shows that button pressed.

Likeness rows hold every comment's words whatever its status; who may see a comment is decided
at each read by its status (published only for `similar_to` and the group counts shown).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from rapidfuzz import fuzz, process

from drafts.models import Paragraph, parse_paragraph_key

from .models import Comment, CommentStatus, CommentSupport, Likeness, SimilarGroup
from .search import search_any, search_language, search_terms

GROUP_CUTOFF = 80  # token_sort_ratio at which a comment joins a group (0..100)
SUGGEST_CUTOFF = 60  # token_set_ratio a typed text needs to a comment to offer it
SUGGEST_LIMIT = 5  # comments offered while typing (the contract: up to five)
SUGGEST_MAX_CHARS = 2000  # of the typed text; more is no longer a search
MIN_TERMS = 2  # a typed text with fewer words looks like nothing yet
SAME_PARAGRAPH_BONUS = 5  # points: among equals, the paragraph one writes on first
_CANDIDATES = 200  # found by the full-text index (any word) before the fuzzy ranking


def likeness_terms(text: str) -> str:
    """`text` as the likeness compares it: its stemmed words (search_terms, in the site's
    language), space-separated, in order of first occurrence; "" for a text without words."""
    return " ".join(search_terms(text or "", search_language(settings.LANGUAGE_CODE)))


def _best_group(terms: str, groups: dict[int, str]) -> int | None:
    """The id among `groups` ({id: terms}) whose text is most alike to `terms`, if alike enough."""
    found = process.extractOne(
        terms, groups, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=GROUP_CUTOFF
    )
    return found[2] if found else None


def likeness_update(comment: Comment, *, new: bool = False) -> None:
    """Place `comment` (saved) in the group of alike comments of its paragraph, after its text
    changed; runs in the caller's transaction. A text without words belongs to no group.

    `new`: the comment was just inserted, so it has no likeness row yet (ids are not used
    again): its row is inserted without being looked for first (the path of every new comment,
    issue 14)."""
    terms = likeness_terms(comment.body)
    if new:
        group_id = _group_of(comment, terms)
        _insert(
            Likeness,
            ("comment_id", "draft_id", "paragraph_id", "terms", "group_id"),
            [comment.pk, comment.draft_id, comment.paragraph_id, terms, group_id],
        )
        return
    row = Likeness.objects.filter(pk=comment.pk).first()
    if row is not None and row.terms == terms and row.paragraph_id == comment.paragraph_id:
        return  # the text as compared did not change (a save of other fields)
    group_id = _group_of(comment, terms)
    Likeness.objects.update_or_create(
        comment_id=comment.pk,
        defaults={
            "draft_id": comment.draft_id,
            "paragraph_id": comment.paragraph_id,
            "terms": terms,
            "group_id": group_id,
        },
    )
    if row is not None and row.group_id is not None and row.group_id != group_id:
        _group_reseed(row.group_id)


def _group_of(comment: Comment, terms: str) -> int | None:
    """The id of the group of its paragraph that `terms` (`comment`'s) belong to, a new one
    when none is alike enough; None for a text without words."""
    if not terms:
        return None
    # On the path of every new comment (issue 14): written out in SQL, as building these
    # simple statements through the ORM cost more than running them.
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('id')}, {q('terms')} FROM {q(SimilarGroup._meta.db_table)} "  # noqa: S608
            f"WHERE {q('paragraph_id')} = %s",
            [comment.paragraph_id],
        )
        groups = dict(cursor.fetchall())
    group_id = _best_group(terms, groups)
    if group_id is None:
        group_id = _insert(
            SimilarGroup,
            ("draft_id", "paragraph_id", "terms"),
            [comment.draft_id, comment.paragraph_id, terms],
            returning="id",
        )
    return group_id


def _insert(model, columns: tuple[str, ...], values: list, returning: str | None = None):
    """Insert one row of `model` (ints and texts only: no conversion) in SQL; the value of
    the column `returning`, if asked."""
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} "  # noqa: S608 (our table and columns)
        f"({', '.join(q(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    )
    if returning:
        sql += f" RETURNING {q(returning)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()[0] if returning else None


def _group_reseed(group_id: int) -> None:
    """A comment left the group: its text is compared with its earliest remaining member's
    words from now on, and a group without members goes. So a group never keeps the words of a
    comment that was edited away, deleted or erased with its author's account."""
    first = (
        Likeness.objects.filter(group_id=group_id)
        .order_by("comment_id")
        .values_list("terms", flat=True)
        .first()
    )
    if first is None:
        SimilarGroup.objects.filter(pk=group_id).delete()
    else:
        SimilarGroup.objects.filter(pk=group_id).update(terms=first)


def group_texts(rows) -> list[tuple[int, str, list[int]]]:
    """Group `rows` ((comment id, paragraph id, terms), in the order the comments came) as
    likeness_update would one by one: [(paragraph id, the group's terms, its comment ids)].
    Rows with empty terms are left out. Pure: the rebuild's and the bench's core."""
    leaders: dict[int, dict[int, str]] = {}  # paragraph -> {group index: terms}
    groups: list[tuple[int, str, list[int]]] = []
    for comment_id, paragraph_id, terms in rows:
        if not terms:
            continue
        mine = leaders.setdefault(paragraph_id, {})
        index = _best_group(terms, mine)
        if index is None:
            index = len(groups)
            groups.append((paragraph_id, terms, []))
            mine[index] = terms
        groups[index][2].append(comment_id)
    return groups


@transaction.atomic
def similar_rebuild(*, draft=None, chunk: int = 2000) -> tuple[int, int]:
    """Group every comment (of `draft`, or of all drafts) anew, in the order they came.
    Returns (comments placed, groups of two or more). Replaces the stored groups."""
    comments = Comment.objects.all() if draft is None else Comment.objects.filter(draft=draft)
    scope = {} if draft is None else {"draft": draft}
    Likeness.objects.filter(**scope).delete()
    SimilarGroup.objects.filter(**scope).delete()
    rows, drafts = [], {}
    values = comments.order_by("pk").values_list("pk", "draft_id", "paragraph_id", "body")
    for pk, draft_id, paragraph_id, body in values.iterator(chunk_size=chunk):
        rows.append((pk, paragraph_id, likeness_terms(body)))
        drafts[paragraph_id] = draft_id
    groups = group_texts(rows)
    made = SimilarGroup.objects.bulk_create(
        [SimilarGroup(draft_id=drafts[p], paragraph_id=p, terms=t) for p, t, _ids in groups],
        batch_size=chunk,
    )
    group_of = {pk: row.pk for row, (_p, _t, ids) in zip(made, groups, strict=True) for pk in ids}
    Likeness.objects.bulk_create(
        [
            Likeness(
                comment_id=pk,
                draft_id=drafts[paragraph_id],
                paragraph_id=paragraph_id,
                terms=terms,
                group_id=group_of.get(pk),
            )
            for pk, paragraph_id, terms in rows
        ],
        batch_size=chunk,
    )
    return len(rows), sum(1 for _p, _t, ids in groups if len(ids) > 1)


@dataclass(frozen=True)
class Alike:
    """One comment offered as alike to a typed text, as the websocket sends it."""

    id: int
    body_html: str
    supports: int
    supported: bool = False  # the person typing supports it already


def similar_to(
    *, draft_id: int, paragraph_key: str, text: str, reader_id: int | None = None
) -> list[Alike]:
    """Up to SUGGEST_LIMIT published comments of the draft most alike to `text`, best first,
    one per group of alike comments and none alike to one offered before it (GROUP_CUTOFF: the
    same text on another paragraph, whose group is another). `paragraph_key`: the paragraph one writes on (its comments
    first among equals; any text, an unknown key just has none). `reader_id`: the person typing,
    whose own comments are never offered (they cannot support them) and whose supported ones
    come with `supported` True. Empty for a text of fewer
    than MIN_TERMS words. Reads only published comments: nothing held, pending or hidden."""
    terms = likeness_terms((text or "")[:SUGGEST_MAX_CHARS])
    if len(terms.split()) < MIN_TERMS:
        return []
    language = search_language(settings.LANGUAGE_CODE)
    candidates = search_any(
        draft_id=draft_id,
        status=CommentStatus.PUBLISHED,
        text=text[:SUGGEST_MAX_CHARS],
        language=language,
        limit=_CANDIDATES,
    )
    rows = Likeness.objects.filter(pk__in=candidates)
    if reader_id is not None:
        rows = rows.exclude(comment__author_id=reader_id)
    rows = rows.values_list("comment_id", "paragraph_id", "group_id", "terms")
    rows = {pk: (paragraph, group, words) for pk, paragraph, group, words in rows}
    found = process.extract(
        terms,
        {pk: words for pk, (_p, _g, words) in rows.items()},
        scorer=fuzz.token_set_ratio,
        processor=None,
        score_cutoff=SUGGEST_CUTOFF,
        limit=_CANDIDATES,
    )
    key = parse_paragraph_key(paragraph_key) if isinstance(paragraph_key, str) else None
    here = set(
        Paragraph.objects.filter(draft_id=draft_id, key=key).values_list("pk", flat=True)
        if key
        else ()
    )
    ranked = []
    for words, set_score, pk in found:
        paragraph_id, group_id, _w = rows[pk]
        score = (set_score + fuzz.token_sort_ratio(terms, words)) / 2
        score += SAME_PARAGRAPH_BONUS if paragraph_id in here else 0
        ranked.append((-score, pk, group_id))
    chosen, groups = [], set()
    for _score, pk, group_id in sorted(ranked):
        if group_id is not None and group_id in groups:
            continue
        if (
            _best_group(rows[pk][2], {i: rows[other][2] for i, other in enumerate(chosen)})
            is not None
        ):
            continue  # the same text as one offered already (on another paragraph)
        groups.add(group_id)
        chosen.append(pk)
        if len(chosen) == SUGGEST_LIMIT:
            break
    shown = Comment.objects.filter(pk__in=chosen, status=CommentStatus.PUBLISHED).in_bulk()
    supported = set(
        CommentSupport.objects.filter(comment_id__in=chosen, user_id=reader_id).values_list(
            "comment_id", flat=True
        )
        if reader_id is not None
        else ()
    )
    return [
        Alike(
            id=pk,
            body_html=shown[pk].body_html,
            supports=shown[pk].support_count,
            supported=pk in supported,
        )
        for pk in chosen
        if pk in shown
    ]


def draft_groups(*, draft, least: int = 2) -> list[dict]:
    """The draft's groups of at least `least` published alike comments, largest first:
    [{"id", "paragraph_id", "count", "text": the earliest published one's text}]. One query,
    whatever the number of comments."""
    published = Q(members__comment__status=CommentStatus.PUBLISHED)
    earliest = (
        Comment.objects.filter(likeness__group=OuterRef("pk"), status=CommentStatus.PUBLISHED)
        .order_by("pk")
        .values("body")[:1]
    )
    rows = (
        SimilarGroup.objects.filter(draft=draft)
        .annotate(count=Count("members", filter=published), text=Subquery(earliest))
        .filter(count__gte=least)
        .order_by("-count", "pk")
        .values("pk", "paragraph_id", "count", "text")
    )
    return [
        {"id": r["pk"], "paragraph_id": r["paragraph_id"], "count": r["count"], "text": r["text"]}
        for r in rows
    ]
