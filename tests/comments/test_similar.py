"""Alike comments (comments/similar.py): groups per paragraph, built as comments come and anew
by the command, and what a person typing is offered."""

import pytest
from django.core.management import call_command

from comments import services
from comments.models import CommentStatus, Likeness, SimilarGroup
from comments.similar import draft_groups, similar_rebuild, similar_to

pytestmark = pytest.mark.django_db

CAMPAIGN = (
    "Ich lehne die Fällung der {n} alten Bäume am Stadtpark entschieden ab. Die Bäume spenden "
    "Schatten, kühlen die Innenstadt im Sommer und sind Lebensraum für Vögel. {greeting}"
)
GREETINGS = ["Mit freundlichen Grüßen", "Viele Grüße", "Gruß", "Herzliche Grüße", ""]
OTHER = "Der Radweg an der Hauptstraße ist zu schmal und gefährlich für Kinder auf dem Schulweg."


def _campaign(make_user, paragraph, count=40):
    """`count` citizens each send the campaign text, with small edits of their own."""
    comments = []
    for i in range(count):
        user = make_user(f"kampagne{i}")
        body = CAMPAIGN.format(n=12 + i % 3, greeting=GREETINGS[i % len(GREETINGS)])
        if i % 4 == 1:
            body = body.replace("entschieden ", "").replace("alten", "großen")
        if i % 7 == 3:
            body = body.replace("Bäume spenden", "Baum spendet")
        comments.append(services.comment_create(user=user, paragraph=paragraph, body=body))
    return comments


def test_a_campaign_of_forty_forms_one_group_and_a_different_comment_stays_out(
    make_user, draft, paragraph, other_citizen
):
    campaign = _campaign(make_user, paragraph)
    other = services.comment_create(user=other_citizen, paragraph=paragraph, body=OTHER)
    groups = {Likeness.objects.get(pk=c.pk).group_id for c in campaign}
    assert len(groups) == 1, "every copy joined the first one's group"
    assert Likeness.objects.get(pk=other.pk).group_id not in groups
    assert draft_groups(draft=draft) == [
        {"id": groups.pop(), "paragraph_id": paragraph.pk, "count": 40, "text": campaign[0].body}
    ], "the different comment is a group of one: not listed"


def test_the_command_rebuilds_the_same_groups_from_scratch(
    make_user, draft, paragraph, other_citizen
):
    campaign = _campaign(make_user, paragraph, count=10)
    other = services.comment_create(user=other_citizen, paragraph=paragraph, body=OTHER)
    before = draft_groups(draft=draft)
    Likeness.objects.all().delete()
    SimilarGroup.objects.all().delete()
    call_command("similar_rebuild")
    after = draft_groups(draft=draft)
    assert [g["count"] for g in after] == [g["count"] for g in before] == [10]
    members = set(Likeness.objects.filter(group_id=after[0]["id"]).values_list("pk", flat=True))
    assert members == {c.pk for c in campaign} and other.pk not in members


def test_an_edit_moves_a_comment_out_of_its_group(make_user, draft, paragraph):
    first, second = _campaign(make_user, paragraph, count=2)
    assert Likeness.objects.get(pk=second.pk).group_id == Likeness.objects.get(pk=first.pk).group_id
    second.body = OTHER
    second.save()
    assert Likeness.objects.get(pk=second.pk).group_id != Likeness.objects.get(pk=first.pk).group_id
    assert draft_groups(draft=draft) == []


def test_groups_count_published_comments_only(make_user, draft, paragraph):
    campaign = _campaign(make_user, paragraph, count=3)
    campaign[0].status = CommentStatus.HIDDEN
    campaign[0].save(update_fields=["status"])
    assert [g["count"] for g in draft_groups(draft=draft)] == [2]


def test_similar_offers_the_alike_comment_first_and_one_per_group(
    make_user, draft, paragraph, other_citizen
):
    campaign = _campaign(make_user, paragraph, count=5)
    other = services.comment_create(user=other_citizen, paragraph=paragraph, body=OTHER)
    typed = "Die Radwege an der Hauptstraße sind viel zu schmal"
    found = similar_to(draft_id=draft.pk, paragraph_key=str(paragraph.key), text=typed)
    assert found[0].id == other.pk
    assert found[0].body_html == other.body_html and found[0].supports == 0
    found = similar_to(
        draft_id=draft.pk, paragraph_key=str(paragraph.key), text="Fällung der Bäume am Stadtpark"
    )
    assert len(found) == 1 and found[0].id in {c.pk for c in campaign}, "five copies: once"


@pytest.mark.parametrize(
    "status", [CommentStatus.PENDING, CommentStatus.HELD, CommentStatus.HIDDEN, "rejected"]
)
def test_similar_never_offers_what_is_not_published(draft, paragraph, citizen, status):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body=OTHER)
    comment.status = status
    comment.save(update_fields=["status"])
    assert similar_to(draft_id=draft.pk, paragraph_key=str(paragraph.key), text=OTHER) == []


def test_similar_needs_two_words_and_takes_any_key(draft, paragraph, citizen):
    services.comment_create(user=citizen, paragraph=paragraph, body=OTHER)
    assert similar_to(draft_id=draft.pk, paragraph_key=str(paragraph.key), text="Radweg") == []
    found = similar_to(draft_id=draft.pk, paragraph_key="kein-schlüssel", text=OTHER)
    assert len(found) == 1


def test_rebuild_of_one_draft_leaves_the_others(make_user, make_draft, draft, paragraph):
    _campaign(make_user, paragraph, count=3)
    elsewhere = make_draft(slug="anderer-entwurf")
    assert similar_rebuild(draft=elsewhere) == (0, 0)
    assert [g["count"] for g in draft_groups(draft=draft)] == [3]


def test_a_group_never_keeps_the_words_of_an_erased_author(make_user, draft, paragraph):
    """The comment that started a group is erased with its author's account: the group goes on
    with its next member's words; a group left without members goes."""
    first, second, alone = make_user("erster"), make_user("zweite"), make_user("allein")
    services.comment_create(
        user=first, paragraph=paragraph, body=CAMPAIGN.format(n=12, greeting="Zitronenfalter")
    )
    kept = services.comment_create(
        user=second, paragraph=paragraph, body=CAMPAIGN.format(n=13, greeting="")
    )
    services.comment_create(user=alone, paragraph=paragraph, body=OTHER)
    assert SimilarGroup.objects.count() == 2
    for user in (first, alone):
        services.comments_erase(user=user)
    (group,) = SimilarGroup.objects.all()
    assert "zitronenfalt" not in group.terms
    assert group.terms == Likeness.objects.get(pk=kept.pk).terms


def test_similar_says_which_ones_the_reader_supports(make_user, draft, paragraph, citizen):
    other = services.comment_create(user=make_user("radlerin"), paragraph=paragraph, body=OTHER)
    services.comment_support(user=citizen, comment=other, on=True)
    key = str(paragraph.key)
    (mine,) = similar_to(draft_id=draft.pk, paragraph_key=key, text=OTHER, reader_id=citizen.pk)
    assert (mine.id, mine.supported, mine.supports) == (other.pk, True, 1)
    (anonymous,) = similar_to(draft_id=draft.pk, paragraph_key=key, text=OTHER)
    assert anonymous.supported is False


def test_the_same_text_on_two_paragraphs_is_offered_once_the_one_here_first(
    make_user, draft, paragraph
):
    """Groups are per paragraph, so a campaign sent under two paragraphs is two groups; the
    person typing is offered its text once, the copy on the paragraph they write on."""
    elsewhere = paragraph.draft.paragraphs.exclude(pk=paragraph.pk).exclude(kind="heading").first()
    there = services.comment_create(user=make_user("a1"), paragraph=elsewhere, body=OTHER)
    here = services.comment_create(user=make_user("a2"), paragraph=paragraph, body=OTHER + " Gruß")
    assert Likeness.objects.get(pk=there.pk).group_id != Likeness.objects.get(pk=here.pk).group_id
    found = similar_to(draft_id=draft.pk, paragraph_key=str(paragraph.key), text=OTHER)
    assert [a.id for a in found] == [here.pk]
    found = similar_to(draft_id=draft.pk, paragraph_key=str(elsewhere.key), text=OTHER)
    assert [a.id for a in found] == [there.pk]
