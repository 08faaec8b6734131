"""Contributions from workshops, letters and calls, entered by staff on behalf of their authors."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import Comment, ParagraphTally
from comments.offline.services import ContributionRefused, offline_contributions_create_bulk
from deliberation.errors import ActionRefused
from deliberation.models import Event
from tests.offline.helpers import (
    WORKSHOP_DAY,
    created_events,
    form_data,
    make_session,
    new_url,
    text_paragraphs,
)

pytestmark = pytest.mark.django_db

# The service -----------------------------------------------------------------------------------


def test_one_contribution_is_published_counted_and_broadcast(pre_draft, wg, contribute):
    paragraph = text_paragraphs(pre_draft)[0]
    comment = contribute(
        user=wg,
        paragraph=paragraph,
        channel="workshop",
        contributed_on=WORKSHOP_DAY,
        body="  Mehr  Sitzbänke\r\n\r\nam *Markt*  ",
        place="Bürgerhaus Mitte",
        pseudonym="Teilnehmerin Tisch 3",
    )
    # Published at once even on a pre-moderated draft: a staff member entered it.
    assert (comment.status, comment.author, comment.entered_by) == ("published", None, wg)
    assert (comment.channel, comment.contributed_on, comment.place) == (
        "workshop",
        WORKSHOP_DAY,
        "Bürgerhaus Mitte",
    )
    assert comment.body == "Mehr  Sitzbänke\n\nam *Markt*"
    assert comment.body_html == "<p>Mehr  Sitzbänke</p>\n<p>am <em>Markt</em></p>"
    assert ParagraphTally.objects.get(paragraph=paragraph).comments == 1
    [event] = created_events()
    assert event["comment"]["id"] == comment.pk and event["comments"] == 1
    assert event["comment"]["channel"] == "workshop"
    assert event["comment"]["author"] is None
    assert event["comment"]["pseudonym"] == "Teilnehmerin Tisch 3"
    assert event["comment"]["contributed_on"] == "2026-03-21"


def test_markup_in_a_contribution_is_escaped(draft, paragraph, moderator, contribute):
    comment = contribute(
        user=moderator,
        paragraph=paragraph,
        channel="letter",
        contributed_on=WORKSHOP_DAY,
        body='<script>alert(1)</script><img src=x onerror="y">',
        pseudonym="<b>Frau K.</b>",
    )
    assert "<script" not in comment.body_html and "<img" not in comment.body_html
    assert comment.pseudonym == "Frau K."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contributed_on": timezone.localdate() + timedelta(days=1)}, "contributed_on"),
        ({"contributed_on": None}, "contributed_on"),
        ({"body": " \n "}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"channel": "online"}, "channel"),
        ({"channel": "carrier pigeon"}, "channel"),
        ({"pseudonym": "n" * 101}, "pseudonym"),
    ],
)
def test_invalid_contribution_is_refused_and_nothing_stored(
    draft, paragraph, wg, change, field, contribute
):
    values = {"channel": "phone", "contributed_on": WORKSHOP_DAY, "body": "Anruf", **change}
    with pytest.raises(ContributionRefused) as info:
        contribute(user=wg, paragraph=paragraph, **values)
    named = {**info.value.fields, **info.value.rows.get(1, {})}  # shared fields and the row's
    assert field in named and info.value.code == "invalid"
    assert (
        not Comment.objects.exists() and not Event.objects.filter(type="comment.created").exists()
    )


def test_citizens_cannot_enter_contributions(draft, paragraph, citizen, contribute):
    with pytest.raises(ActionRefused) as info:
        contribute(
            user=citizen,
            paragraph=paragraph,
            channel="letter",
            contributed_on=WORKSHOP_DAY,
            body="x",
        )
    assert info.value.code == "forbidden"
    assert not Comment.objects.exists()


def test_session_must_belong_to_the_drafts_process(draft, make_draft, paragraph, wg, contribute):
    own = make_session(draft)
    foreign = make_session(make_draft(slug="anderer"), title="Fremde Sitzung")
    with pytest.raises(ContributionRefused) as info:
        contribute(
            user=wg,
            paragraph=paragraph,
            channel="event",
            contributed_on=WORKSHOP_DAY,
            body="x",
            session=foreign,
        )
    assert "session" in info.value.fields
    comment = contribute(
        user=wg,
        paragraph=paragraph,
        channel="event",
        contributed_on=WORKSHOP_DAY,
        body="x",
        session=own,
    )
    assert (comment.session, comment.place) == (own, "Workshop im Bürgerhaus")


def bulk(user, draft, rows, **shared):
    values = {
        "channel": "workshop",
        "contributed_on": WORKSHOP_DAY,
        "place": "Rathaus",
        "session": None,
        **shared,
    }
    return offline_contributions_create_bulk(user=user, draft=draft, rows=rows, **values)


def test_bulk_stores_every_row_skips_empty_ones_and_counts(draft, wg):
    first, second = text_paragraphs(draft)[:2]
    comments = bulk(
        wg,
        draft,
        [
            (str(first.key), "Erste Anregung", "Tisch 1"),
            ("", "", ""),
            (str(first.key), "Zweite Anregung", ""),
            (str(second.key), "Dritte Anregung", "Tisch 2"),
        ],
    )
    assert [c.body for c in comments] == ["Erste Anregung", "Zweite Anregung", "Dritte Anregung"]
    assert all(c.status == "published" and c.entered_by == wg for c in comments)
    assert ParagraphTally.objects.get(paragraph=first).comments == 2
    assert ParagraphTally.objects.get(paragraph=second).comments == 1
    assert [e["comments"] for e in created_events()] == [1, 2, 1]


def test_bulk_is_all_or_nothing_and_reports_each_bad_row(draft, make_draft, wg):
    good = text_paragraphs(draft)[0]
    foreign = text_paragraphs(make_draft(slug="anderer"))[0]
    heading = draft.paragraphs.filter(kind="heading").first()
    rows = [
        (str(good.key), "Gute Zeile", ""),
        (str(good.key), "   ", "Tisch 2"),  # empty text
        ("", "", ""),  # an empty row: ignored, but it keeps its number
        (str(foreign.key), "Falscher Entwurf", ""),
        ("", "Ohne Absatz", ""),
        (str(heading.key), "Auf eine Überschrift", ""),
    ]
    with pytest.raises(ContributionRefused) as info:
        bulk(wg, draft, rows)
    assert {row: sorted(fields) for row, fields in info.value.rows.items()} == {
        2: ["body"],
        4: ["paragraph"],
        5: ["paragraph"],
        6: ["paragraph"],
    }
    assert "Zeile 2" in info.value.message
    assert not Comment.objects.exists()
    assert not Event.objects.filter(type="comment.created").exists()
    assert not ParagraphTally.objects.filter(comments__gt=0).exists()


def test_bulk_refuses_bad_shared_fields_and_no_rows(draft, wg):
    key = str(text_paragraphs(draft)[0].key)
    with pytest.raises(ContributionRefused) as info:
        bulk(wg, draft, [(key, "x", "")], channel="online", contributed_on=date(2999, 1, 1))
    assert set(info.value.fields) == {"channel", "contributed_on"}
    with pytest.raises(ContributionRefused) as info:
        bulk(wg, draft, [("", "", "")])
    assert None in info.value.fields
    assert not Comment.objects.exists()


def test_a_contribution_can_be_answered_like_any_comment(draft, paragraph, wg, citizen, contribute):
    contribution = contribute(
        user=wg, paragraph=paragraph, channel="walk_in", contributed_on=WORKSHOP_DAY, body="Frage"
    )
    reply = services.comment_create(
        user=citizen, paragraph=paragraph, body="Gute Frage", parent=contribution
    )
    assert reply.root == contribution


# The entry page -------------------------------------------------------------------------------


def test_entry_page_needs_the_working_group_or_the_moderation(
    client, draft, citizen, wg, moderator
):
    response = client.get(new_url(draft))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(citizen)
    assert client.get(new_url(draft)).status_code == 403
    assert client.post(new_url(draft), {"rows": "1"}).status_code == 403
    for user in (wg, moderator):
        client.force_login(user)
        page = client.get(new_url(draft)).content.decode()
        assert page.count('class="contribution-row') == 10
        assert "<legend>" in page and 'name="row-10-body"' in page


def test_entry_page_publishes_and_the_draft_page_shows_the_marker(client, draft, wg, citizen):
    first, second = text_paragraphs(draft)[:2]
    client.force_login(wg)
    response = client.post(
        new_url(draft),
        form_data(
            draft, [(first, "Mehr Bänke", "Teilnehmerin Tisch 3"), (second, "Mehr Licht", "")]
        ),
    )
    assert response.status_code == 302
    assert "channel=workshop" in response["Location"] and "2026-03-21" in response["Location"]
    assert Comment.objects.filter(channel="workshop", status="published").count() == 2
    client.force_login(citizen)
    page = client.get(f"/drafts/{draft.slug}/?thread={first.key}").content.decode()
    assert "Teilnehmerin Tisch 3" in page
    assert "aus dem Workshop am 21.03.2026 · Rathausfoyer" in page
    assert 'data-count="comments">1<' in page
    page = client.get(f"/drafts/{draft.slug}/?thread={second.key}").content.decode()
    assert "data-author>Teilnehmende aus dem Workshop</span>" in page


def test_entry_page_shows_errors_next_to_the_row_and_keeps_the_text(client, draft, wg):
    first = text_paragraphs(draft)[0]
    client.force_login(wg)
    response = client.post(
        new_url(draft),
        form_data(draft, [(first, "Gute Zeile", "Tisch 1"), (first, "", "Tisch 2")]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index('id="row-2"') : page.index('id="row-3"')]
    assert "Der Kommentar ist leer" in row
    assert "Gute Zeile" in page and 'value="Tisch 2"' in page
    assert 'href="#row-2"' in page
    assert not Comment.objects.exists()


def test_more_rows_keep_what_was_typed(client, draft, wg):
    first = text_paragraphs(draft)[0]
    client.force_login(wg)
    data = form_data(draft, [(first, "Schon getippt", "Tisch 1")])
    response = client.post(new_url(draft), {**data, "add_rows": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="contribution-row') == 20
    assert "Schon getippt" in page and 'value="Tisch 1"' in page
    assert f'value="{first.key}" selected' in page and 'value="workshop" selected' in page
    assert not Comment.objects.exists()
    assert (
        client.get(f"{new_url(draft)}?rows=20").content.decode().count('class="contribution-row')
        == 20
    )


def test_draft_toolbar_links_for_staff_only(client, draft, wg, moderator, citizen):
    for user, shown in ((wg, True), (moderator, True), (citizen, False)):
        client.force_login(user)
        page = client.get(f"/drafts/{draft.slug}/").content.decode()
        assert (new_url(draft) in page) is shown
        assert (f"/drafts/{draft.slug}/room/" in page) is shown
