"""What becomes of a paragraph that loses its key: successors, restored keys, stored fates."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts import services
from drafts.matching import (
    MERGED,
    REMOVED,
    RESTORED,
    REWRITTEN,
    SPLIT,
    Existing,
    Fate,
    match_blocks,
    override_fates,
    resolve_current,
    successor_fates,
)
from tests.drafts.helpers import keys as live_keys

A = "Die Stadt informiert frühzeitig und umfassend über alle geplanten Vorhaben."
B = "Bürgerinnen und Bürger können jederzeit Vorschläge für neue Vorhaben einreichen."
C = "Der Rat entscheidet öffentlich und begründet, wie er Anregungen berücksichtigt hat."
D = "Eine Koordinierungsstelle begleitet jedes Verfahren von der Planung bis zum Bericht."
E = "Die Ergebnisse jeder Beteiligung werden dokumentiert und im Internet veröffentlicht."
REWRITE = "Kinder und Jugendliche erhalten eigene Formate mit einfacher Sprache im Quartier."
LONG_B = (
    "Vorab gilt: Bürgerinnen und Bürger können jederzeit Vorschläge für neue Vorhaben "
    "einreichen, schriftlich, mündlich oder über die Plattform der Stadt, auch anonym."
)


def existing(*texts: str) -> list[Existing]:
    return [Existing(f"k{index}", text) for index, text in enumerate(texts)]


def run(old, new, archived=()):
    counter = itertools.count()
    return match_blocks(existing(*old), new, archived=archived, new_key=lambda: f"n{next(counter)}")


def fates(result) -> list[tuple[str, str, str | None]]:
    return [(f.key, f.fate, f.successor) for f in result.fates]


def test_a_paragraph_replaced_in_place_is_rewritten_and_names_its_successor():
    result = run([A, B, C], [A, REWRITE, C])
    assert [a.key for a in result.assignments] == ["k0", "n0", "k2"]
    assert fates(result) == [("k1", REWRITTEN, "n0")]
    assert result.archived == ["k1"]


def test_a_paragraph_gone_without_a_replacement_is_removed_after_its_kept_neighbour():
    result = run([A, B, C], [A, C])
    assert result.fates == [Fate("k1", REMOVED, None, "k0")]


def test_a_new_paragraph_elsewhere_is_no_rewrite():
    result = run([A, B, C, D], [A, C, D, REWRITE])
    assert fates(result) == [("k1", REMOVED, None)]


def test_two_paragraphs_merged_into_one_name_the_one_that_keeps_its_key():
    result = run([A, B, C], [A, B + " " + C])
    keeper = result.assignments[1].key
    assert keeper in ("k1", "k2")
    assert fates(result) == [({"k1", "k2"}.difference([keeper]).pop(), MERGED, keeper)]


def test_a_paragraph_grown_beyond_recognition_is_rewritten_into_its_longer_text():
    result = run([A, B, C], [A, C, D, LONG_B + " " + E + " " + D])
    assert fates(result) == [("k1", REWRITTEN, result.assignments[3].key)]


def test_a_paragraph_split_in_four_names_the_largest_part():
    old = " ".join([A, B, C, REWRITE])
    longer = B.replace("einreichen.", "einreichen, auch in einfacher Sprache und Bildern.")
    result = run([D, old, E], [D, A, longer, C, REWRITE, E])
    assert fates(result) == [("k1", SPLIT, "n1")]


def test_two_rewrites_between_the_same_neighbours_pair_up_in_order():
    other = "Ortsbeiräte laden zweimal im Jahr zu offenen Sprechstunden ins Rathaus ein."
    result = run([A, B, C, D], [A, REWRITE, other, D])
    assert fates(result) == [("k1", REWRITTEN, "n0"), ("k2", REWRITTEN, "n1")]


def test_an_archived_paragraph_comes_back_with_its_key():
    archived = [Existing("old", REWRITE)]
    result = run([A, B], [A, REWRITE, B], archived=archived)
    assert [(a.key, a.status) for a in result.assignments][1] == ("old", RESTORED)


def test_a_nearly_equal_archived_paragraph_comes_back_too():
    archived = [Existing("old", C)]
    result = run([A, B], [A, B, C.replace("öffentlich", "stets öffentlich")], archived=archived)
    assert result.assignments[2].key == "old"


def test_an_archived_paragraph_that_is_only_similar_stays_archived():
    archived = [Existing("old", C)]
    half = "Der Rat entscheidet öffentlich über alle Vorhaben der Verwaltung im Quartier."
    result = run([A, B], [A, B, half], archived=archived)
    assert result.assignments[2].key == "n0"


def test_overrides_name_a_successor_or_remove():
    result = run([A, B, C], [A, REWRITE, C])
    keys = [a.key for a in result.assignments]
    assert override_fates(result.fates, {"k1": None}, keys) == [Fate("k1", REMOVED, None, "k0")]
    assert override_fates(result.fates, {"k1": 2}, keys) == [Fate("k1", MERGED, "k2", "k0")]
    with pytest.raises(ValueError):
        override_fates(result.fates, {"k1": 9}, keys)
    with pytest.raises(ValueError):
        override_fates(result.fates, {"k0": 1}, keys)


def test_every_old_paragraph_has_exactly_one_state():
    old = [A, B, C, D, E]
    new = [E, A, REWRITE, D]
    result = run(old, new)
    kept = {a.key for a in result.assignments}
    gone = [f.key for f in result.fates]
    assert sorted([k for k in (e.key for e in existing(*old)) if k in kept] + gone) == [
        f"k{i}" for i in range(5)
    ]
    assert not kept & set(gone)
    assert all(f.successor is None or f.successor in kept for f in result.fates)


def test_fates_for_given_keys_are_those_of_the_matcher():
    result = run([A, B, C], [A, REWRITE, C])
    keys = [a.key for a in result.assignments]
    assert successor_fates(existing(A, B, C), [A, REWRITE, C], keys) == result.fates


def test_current_follows_successors_to_a_live_paragraph_or_none():
    successors = {"a": "b", "b": "c", "r": None, "s": "r", "x": "y", "y": "x"}
    resolved = resolve_current(successors, {"c", "d"})
    assert resolved == {
        "a": "c",
        "b": "c",
        "c": "c",
        "d": "d",
        "r": None,
        "s": None,
        "x": None,
        "y": None,
    }


# With the database ----------------------------------------------------------------------------

TEXT = "\n\n".join(["# Titel", A, B, C, D])


@pytest.mark.django_db
def test_publishing_stores_fates_and_the_current_paragraph(make_draft, wg):
    draft = make_draft(text=TEXT)
    v1 = live_keys(draft)
    services.draft_publish_version(
        draft=draft, text="\n\n".join(["# Titel", A, REWRITE, D]), message="v2", user=wg
    )
    rewritten = draft.paragraphs.get(key=v1[2])
    removed = draft.paragraphs.get(key=v1[3])
    v2 = live_keys(draft)
    assert (rewritten.archived, rewritten.fate, str(rewritten.successor_id)) == (
        True,
        REWRITTEN,
        v2[2],
    )
    assert str(rewritten.current_id) == v2[2]
    assert (removed.fate, removed.successor_id, removed.current_id) == (REMOVED, None, None)
    assert str(removed.placed_after_id) == v2[2]  # C followed B, whose place REWRITE took
    assert all(str(p.current_id) == str(p.key) for p in draft.paragraphs.filter(archived=False))


@pytest.mark.django_db
def test_the_working_group_overrides_a_fate_when_publishing(make_draft, wg):
    draft = make_draft(text=TEXT)
    v1 = live_keys(draft)
    services.draft_publish_version(
        draft=draft,
        text="\n\n".join(["# Titel", A, REWRITE, C, D]),
        message="v2",
        user=wg,
        overrides={v1[2]: None},
    )
    paragraph = draft.paragraphs.get(key=v1[2])
    assert (paragraph.fate, paragraph.current_id) == (REMOVED, None)


@pytest.mark.django_db
def test_importing_an_old_text_again_revives_its_keys(make_draft, wg):
    draft = make_draft(text=TEXT)
    v1 = live_keys(draft)
    services.draft_publish_version(
        draft=draft, text="\n\n".join(["# Titel", A, REWRITE, D]), message="v2", user=wg
    )
    services.draft_publish_version(draft=draft, text=TEXT, message="v3", user=wg)
    assert live_keys(draft) == v1
    revived = draft.paragraphs.get(key=v1[2])
    assert (revived.archived, revived.fate, str(revived.current_id)) == (False, "", v1[2])


VERSIONS = [
    TEXT,
    "\n\n".join(["# Titel", A, REWRITE, D]),
    "\n\n".join(["# Titel", D, A, C]),
    "\n\n".join(["# Titel", A, B, C, D, E]),
    "\n\n".join(["# Neuer Titel", B + " " + C, E]),
    "\n\n".join(["# Titel", C, A, B]),
]


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    sequence=st.lists(st.integers(0, len(VERSIONS) - 1), min_size=1, max_size=4),
    target=st.integers(0, 4),
)
def test_reverting_to_any_earlier_version_restores_its_keys(make_draft, wg, sequence, target):
    from drafts.models import Draft

    Draft.objects.filter(slug="revert").delete()
    draft = make_draft(text=VERSIONS[0], slug="revert")
    keys = {1: live_keys(draft)}
    for index in sequence:
        try:
            services.draft_publish_version(
                draft=draft, text=VERSIONS[index], message=f"v{index}", user=wg
            )
        except ValidationError as exc:
            if exc.code != "unchanged":
                raise
            continue  # the text of the current version again: no new version
        keys[draft.version] = live_keys(draft)
    number = min(target, draft.version - 1) + 1
    services.draft_revert(draft=draft, number=number, user=wg)
    assert live_keys(draft) == keys[number]
    # Every paragraph shows its comments on a live paragraph or is removed; live ones on themselves.
    for paragraph in draft.paragraphs.all():
        if not paragraph.archived:
            assert str(paragraph.current_id) == str(paragraph.key)
        elif paragraph.current_id is not None:
            assert not draft.paragraphs.get(key=paragraph.current_id).archived


@pytest.mark.django_db
def test_the_preview_shows_each_fate_and_publishing_takes_the_correction(make_draft, wg, login):
    from django.urls import reverse

    draft = make_draft(text=TEXT)
    v1 = live_keys(draft)
    client = login(wg)
    url = reverse("draft_edit", kwargs={"slug": draft.slug})
    text = "\n\n".join(["# Titel", A, REWRITE, D])
    data = {"text": text, "source_format": "markdown", "message": "v2"}
    page = client.post(url, {**data, "preview": "1"}).content.decode()
    assert f'name="fate-{v1[2]}"' in page and f'name="fate-{v1[3]}"' in page
    assert '<option value="2" selected>' in page  # B: rewritten, replaced by block 3 (index 2)
    assert '<option value="removed" selected>' in page  # C: removed
    client.post(url, {**data, "publish": "1", f"fate-{v1[2]}": "removed", f"fate-{v1[3]}": "3"})
    draft.refresh_from_db()
    assert draft.version == 2
    b, c = draft.paragraphs.get(key=v1[2]), draft.paragraphs.get(key=v1[3])
    assert (b.fate, b.current_id) == (REMOVED, None)
    assert (c.fate, str(c.current_id)) == (MERGED, v1[4])
