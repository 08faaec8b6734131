"""The working group on many comments at once: one answer for a group, themes, text blocks,
assignments and internal notes; and that none of it reaches citizens or anonymous readers."""

import csv
import io
import json
import re

import pytest
from django.utils import timezone

from comments import services
from comments.feedback import group_services as group
from comments.feedback import services as answers
from comments.feedback.answer_selectors import answer_counts
from comments.feedback.models import Answer, Handling, TextBlock, Theme
from comments.models import Comment
from comments.moderation import services as moderation
from deliberation.errors import ActionRefused
from deliberation.models import Event
from tests.feedback.helpers import bulk_post

pytestmark = pytest.mark.django_db

NOTE = "Intern: Anruf beim Bauamt abwarten"


@pytest.fixture
def comments(draft, paragraph, citizen, other_citizen):
    """Five comments: three about cycle paths, two about trees; the last one hidden."""
    bodies = [
        (citizen, "Die Radwege sind zu schmal."),
        (other_citizen, "Der Radweg endet im Nichts."),
        (citizen, "Radweg bitte beleuchten."),
        (other_citizen, "Mehr Bäume pflanzen."),
        (citizen, "Ein Baum muss weichen."),
    ]
    made = [services.comment_create(user=u, paragraph=paragraph, body=b) for u, b in bodies]
    return made


def test_a_group_answer_answers_every_published_member(comments, draft, wg, moderator):
    moderation.comment_hide(moderator=moderator, comment=comments[4], reason="spam")
    answers.answer_save(user=wg, comment=comments[0], disposition="noted", reply="")
    ids = [c.pk for c in comments]
    answer_group, count = group.group_answer_save(
        user=wg,
        draft=draft,
        comment_ids=ids,
        disposition="partly_adopted",
        reply="Wir prüfen das für alle Radwege.",
        publish=True,
    )
    assert count == 4, "the hidden comment cannot be answered and is left out"
    rows = Answer.objects.filter(comment_id__in=ids).order_by("comment_id")
    assert [a.comment_id for a in rows] == ids[:4]
    for answer in rows:
        assert answer.group == answer_group and answer.published_at is not None
        assert answer.disposition == "partly_adopted"
        assert answer.reply_html == "<p>Wir prüfen das für alle Radwege.</p>"
    counts = answer_counts(draft=draft)
    assert counts["published"] == 4 and counts["unanswered"] == 0
    updated = [json.loads(e.text) for e in Event.objects.filter(type="comment.updated")]
    assert sorted(e["comment"] for e in updated) == ids[:4], "every reader sees each answer"
    assert all(e["data"]["answer"]["disposition"] == "partly_adopted" for e in updated)
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)), "numbered together, after the earlier events"
    assert [e["comment"] for e in updated if e["seq"] > seqs[-5]] == ids[:4], "in order"

    # Answered alone afterwards, a comment leaves the group; the others stay in it.
    answers.answer_save(user=wg, comment=comments[1], disposition="adopted", reply="Ja.")
    assert Answer.objects.get(comment=comments[1]).group is None
    assert Answer.objects.filter(group=answer_group).count() == 3


def test_a_group_answer_is_refused_like_a_single_one(comments, draft, wg, citizen):
    ids = [c.pk for c in comments]
    with pytest.raises(ActionRefused) as info:
        group.group_answer_save(
            user=citizen, draft=draft, comment_ids=ids, disposition="noted", reply=""
        )
    assert info.value.code == "forbidden"
    with pytest.raises(ActionRefused) as info:
        group.group_answer_save(
            user=wg, draft=draft, comment_ids=ids, disposition="adopted", reply=""
        )
    assert info.value.code == "invalid", "a reason is needed, as for one answer"
    with pytest.raises(ActionRefused):
        group.group_answer_save(user=wg, draft=draft, comment_ids=[], disposition="noted", reply="")
    assert not Answer.objects.exists()


def post_list(client, draft, data, query=""):
    return bulk_post(client, draft, data, query)


def test_tag_and_answer_a_search_result_from_the_list(client, comments, draft, wg):
    theme = group.theme_create(user=wg, draft=draft, name="Radverkehr")
    client.force_login(wg)
    response = post_list(
        client, draft, {"scope": "all", "action": "tag", "theme": theme.pk}, "?q=Radwege"
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=Radwege")
    assert set(theme.comments.values_list("pk", flat=True)) == {c.pk for c in comments[:3]}

    response = post_list(
        client,
        draft,
        {
            "scope": "all",
            "action": "answer",
            "disposition": "adopted",
            "reply": "Wird umgesetzt.",
            "version": "",
            "publish": "1",
        },
        f"?theme={theme.pk}",
    )
    assert response.status_code == 302
    answered = set(Answer.objects.exclude(published_at=None).values_list("comment_id", flat=True))
    assert answered == {c.pk for c in comments[:3]}
    page = client.get(f"/drafts/{draft.slug}/answers/?theme={theme.pk}&answered=yes")
    html = page.content.decode()
    assert all(f'id="a-{c.pk}"' in html for c in comments[:3])
    assert f'id="a-{comments[3].pk}"' not in html
    summary = client.get(f"/drafts/{draft.slug}/feedback/").content.decode()
    assert f'data-theme="{theme.pk}"' in summary and "Radverkehr" in summary


def test_ticked_comments_get_assigned_and_filtered_by_assignee(client, comments, draft, wg):
    client.force_login(wg)
    picked = [comments[0].pk, comments[3].pk]
    response = post_list(
        client, draft, {"scope": "selected", "action": "assign", "assignee": wg.pk, "ids": picked}
    )
    assert response.status_code == 302
    html = client.get(f"/drafts/{draft.slug}/answers/?assignee=me").content.decode()
    shown = {c.pk for c in comments if f'id="a-{c.pk}"' in html}
    assert shown == set(picked)
    html = client.get(f"/drafts/{draft.slug}/answers/?assignee=none").content.decode()
    assert {c.pk for c in comments if f'id="a-{c.pk}"' in html} == {
        comments[1].pk,
        comments[2].pk,
        comments[4].pk,
    }


def test_the_list_filters_by_words_answered_and_dates(client, comments, draft, wg):
    client.force_login(wg)
    answers.answer_save(user=wg, comment=comments[3], disposition="noted", reply="")

    def shown(query):
        html = client.get(f"/drafts/{draft.slug}/answers/{query}").content.decode()
        return {n for n, c in enumerate(comments) if f'id="a-{c.pk}"' in html}

    assert shown("?q=B%C3%A4ume") == {3, 4}
    assert shown("?q=Baum&answered=no") == {4}
    assert shown("?answered=yes") == {3}
    today = timezone.localdate(comments[0].created_at).isoformat()  # days in the site's zone
    assert shown(f"?since={today}&until={today}") == {0, 1, 2, 3, 4}
    assert shown("?until=2000-01-01") == set()
    assert shown("?since=x&until=99999-1-1&assignee=';&theme=1e9") == {0, 1, 2, 3, 4}


def test_filters_not_understood_are_named_and_the_others_applied(client, comments, draft, wg):
    client.force_login(wg)
    query = "?since=garbage&until=0001-01-01&theme=abc&assignee=abc&q=Radweg"
    html = client.get(f"/drafts/{draft.slug}/answers/{query}").content.decode()
    assert "Diese Filter wurden nicht verstanden und nicht angewendet" in html
    for said in (
        "Geschrieben vom: „garbage“",
        "Geschrieben bis: „0001-01-01“",
        "Thema: „abc“",
        "Zugewiesen an: „abc“",
    ):
        assert said in html, said
    assert {n for n, c in enumerate(comments) if f'id="a-{c.pk}"' in html} == {0, 1, 2}
    html = client.get(f"/drafts/{draft.slug}/answers/?q=und").content.decode()
    assert "So häufige Wörter übergeht die Suche" in html
    clean = client.get(f"/drafts/{draft.slug}/answers/?q=Radweg&answered=no").content.decode()
    assert "nicht verstanden" not in clean


def test_text_blocks_go_into_an_answer(client, comments, draft, wg):
    client.force_login(wg)
    response = client.post(
        f"/drafts/{draft.slug}/answers/blocks/",
        {"title": "Radverkehrsplan", "body": "Siehe den Radverkehrsplan 2030."},
    )
    assert response.status_code == 302
    block = TextBlock.objects.get(draft=draft)
    assert "Radverkehrsplan" in client.get(f"/drafts/{draft.slug}/answers/blocks/").content.decode()
    duplicate = client.post(
        f"/drafts/{draft.slug}/answers/blocks/", {"title": "Radverkehrsplan", "body": "x"}
    )
    assert duplicate.status_code == 400 and "schon" in duplicate.content.decode()
    client.post(
        f"/drafts/{draft.slug}/answers/{comments[0].pk}/",
        {"disposition": "noted", "reply": "Danke.", "block": block.pk, "action": "save"},
    )
    assert (
        Answer.objects.get(comment=comments[0]).reply == "Danke.\n\nSiehe den Radverkehrsplan 2030."
    )


def test_internal_notes_reach_no_citizen_and_no_public_file(client, comments, draft, wg, citizen):
    comment = comments[0]
    group.comment_note_save(user=wg, comment=comment, note=NOTE)
    theme = group.theme_create(user=wg, draft=draft, name="Radverkehr")
    group.themes_tag(user=wg, theme=theme, comment_ids=[comment.pk])
    answers.answer_save(user=wg, comment=comment, disposition="noted", reply="", publish=True)
    assert Handling.objects.get(comment=comment).note == NOTE

    for who in (None, citizen):
        if who:
            client.force_login(who)
        for url in (
            f"/api/drafts/{draft.slug}/comments/",
            f"/drafts/{draft.slug}/",
            f"/drafts/{draft.slug}/?thread={comment.paragraph.key}",
            f"/drafts/{draft.slug}/search/?q=Radwege",
        ):
            body = client.get(url).content.decode()
            assert NOTE not in body and "Anruf" not in body, url
    events = " ".join(Event.objects.values_list("text", flat=True))
    assert "Anruf" not in events, "no event carries a note"

    client.force_login(wg)
    for query in ("", "?anonymous=1"):
        export = client.get(f"/drafts/{draft.slug}/feedback.csv{query}")
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert "Anruf" not in text, "no export carries a note"
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        assert {r["Themen"] for r in rows if r["Kommentar-Nr."] == str(comment.pk)} == {
            "Radverkehr"
        }
    only = client.get(f"/drafts/{draft.slug}/feedback.csv?theme={theme.pk}")
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(only.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [r["Kommentar-Nr."] for r in rows] == [str(comment.pk)]
    assert NOTE in client.get(f"/drafts/{draft.slug}/answers/").content.decode()
    # A theme filter that names no theme is refused, not dropped (that exported everything).
    for unknown in ("abc", str(theme.pk + 1000)):
        refused = client.get(f"/drafts/{draft.slug}/feedback.xlsx?theme={unknown}")
        assert refused.status_code == 400 and "nichts exportiert" in refused.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "answers/bulk/"),
        ("post", "answers/themes/"),
        ("get", "answers/blocks/"),
        ("post", "answers/blocks/"),
        ("post", "answers/{pk}/handling/"),
    ],
)
def test_citizens_and_anonymous_get_none_of_the_tools(
    client, comments, draft, citizen, moderator, method, path
):
    url = f"/drafts/{draft.slug}/" + path.format(pk=comments[0].pk)
    data = {"name": "X", "title": "X", "body": "X", "note": NOTE, "action": "tag", "ids": "1"}
    anonymous = getattr(client, method)(url, data)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for who in (citizen, moderator):
        client.force_login(who)
        assert getattr(client, method)(url, data).status_code == 403
    assert not Theme.objects.exists() and not TextBlock.objects.exists()
    assert not Handling.objects.exists()


def test_notes_about_a_deleted_account_s_comments_go_with_it(comments, wg, citizen):
    from deliberation.accounts.services import account_delete

    group.comment_note_save(user=wg, comment=comments[0], note=NOTE)
    group.comment_note_save(user=wg, comment=comments[1], note=NOTE)  # other_citizen's
    account_delete(user=citizen)
    assert Handling.objects.get(comment=comments[0]).note == ""
    assert Handling.objects.get(comment=comments[1]).note == NOTE


def test_authors_hear_once_that_their_comment_was_answered(comments, draft, wg, citizen):
    from deliberation.models import Notification

    ids = [c.pk for c in comments]
    group.group_answer_save(user=wg, draft=draft, comment_ids=ids, disposition="noted", reply="")
    assert not Notification.objects.exists(), "an internal answer tells nobody"
    group.group_answer_save(
        user=wg, draft=draft, comment_ids=ids, disposition="noted", reply="", publish=True
    )
    told = Notification.objects.filter(kind="answer_published")
    assert sorted(n.params["comment"] for n in told) == ids, "each author, for each comment"
    assert {n.user_id for n in told} == {c.author_id for c in comments}
    mine = told.filter(user=citizen).first()
    assert "Der Arbeitskreis hat Ihren Kommentar zu „Leitlinien“ beantwortet" in mine.display_text

    answer = Answer.objects.get(comment=comments[0])
    answers.answer_unpublish(user=wg, answer=answer)
    answers.answer_save(user=wg, comment=comments[0], disposition="noted", reply="", publish=True)
    assert told.count() == len(ids), "published again: told once"


def test_every_page_shows_a_group_answer_like_a_single_one(client, comments, draft, wg):
    reply = "Wir prüfen das gesammelt."
    ids = [c.pk for c in comments[:3]]
    group.group_answer_save(
        user=wg, draft=draft, comment_ids=ids, disposition="noted", reply=reply, publish=True
    )
    thread = client.get(f"/drafts/{draft.slug}/?thread={comments[0].paragraph.key}")
    assert thread.content.decode().count(reply) == 3, "under each comment, for every reader"
    api = client.get(f"/api/drafts/{draft.slug}/comments/").json()
    assert "Anruf" not in json.dumps(api)
    client.force_login(wg)
    table = client.get(f"/drafts/{draft.slug}/answers/table/").content.decode()
    assert table.count(reply) == 3, "the answer table has it in each row"


def test_only_who_may_see_unreleased_comments_filters_by_status(
    client, comments, draft, wg, moderator
):
    moderation.comment_hide(moderator=moderator, comment=comments[4], reason="spam")
    url = f"/drafts/{draft.slug}/answers/?status=hidden"
    client.force_login(wg)
    html = client.get(url).content.decode()
    assert f'id="a-{comments[4].pk}"' not in html and f'id="a-{comments[0].pk}"' in html
    assert 'name="status"' not in html, "no status choice for the working group alone"
    from deliberation.roles import role_grant

    role_grant(user=moderator, role="working_group")
    client.force_login(moderator)
    html = client.get(url).content.decode()
    assert f'id="a-{comments[4].pk}"' in html and f'id="a-{comments[0].pk}"' not in html


def test_a_note_form_naming_someone_outside_the_group_keeps_the_assignment(
    client, comments, draft, wg, citizen
):
    """A stale or forged note form that assigns to a non-member is refused whole: it neither
    clears the comment's assignment nor saves the note."""
    comment = comments[0]
    group.comments_assign(user=wg, draft=draft, comment_ids=[comment.pk], assignee=wg)
    client.force_login(wg)
    response = client.post(
        f"/drafts/{draft.slug}/answers/{comment.pk}/handling/",
        {"note": NOTE, "assignee": citizen.pk},
        follow=True,
    )
    assert "Comments can be assigned to the working group only." in response.content.decode() or (
        "Kommentare können nur dem Arbeitskreis zugewiesen werden." in response.content.decode()
    )
    handling = Handling.objects.get(comment=comment)
    assert handling.assignee == wg and handling.note == ""


def test_deleting_a_theme_or_text_block_asks_first_and_says_what_is_lost(
    client, comments, draft, wg
):
    theme = group.theme_create(user=wg, draft=draft, name="Radverkehr")
    group.themes_tag(user=wg, theme=theme, comment_ids=[c.pk for c in comments[:3]])
    block = group.text_block_create(user=wg, draft=draft, title="Dank", body="Danke sehr.")
    client.force_login(wg)
    here = f"/drafts/{draft.slug}/answers/?q=Radweg"
    page = client.get(here).content.decode()
    assert "3 Kommentare verlieren das Thema „Radverkehr“" in page, "the disclosure says it"
    url = f"/drafts/{draft.slug}/answers/themes/"
    asked = client.post(url, {"delete": theme.pk, "next": here})
    assert asked.status_code == 200, "a click without the confirm step is a question"
    assert "3 Kommentare verlieren das Thema „Radverkehr“" in asked.content.decode()
    assert Theme.objects.filter(pk=theme.pk).exists() and theme.comments.count() == 3
    done = client.post(url, {"delete": theme.pk, "next": here, "confirm": "yes"})
    assert done.status_code == 302 and done["Location"] == here
    assert not Theme.objects.filter(pk=theme.pk).exists()

    url = f"/drafts/{draft.slug}/answers/blocks/"
    asked = client.post(url, {"delete": block.pk})
    assert asked.status_code == 200 and "„Dank“" in asked.content.decode()
    assert TextBlock.objects.filter(pk=block.pk).exists()
    client.post(url, {"delete": block.pk, "confirm": "yes"})
    assert not TextBlock.objects.exists()


def _list_as_shown(client, here: str) -> dict:
    """The fields with which the answers page at `here` says which list its bulk form means."""
    html = client.get(here).content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("listed", "count")
    }


def _shown_then_one_more_released(client, draft, wg, citizen, comments):
    """The working group's list of "Radweg" as shown (3 comments), then a new comment on that
    search published: (the list's address, its form fields as shown, the new comment)."""
    client.force_login(wg)
    here = f"/drafts/{draft.slug}/answers/?q=Radweg"
    shown = _list_as_shown(client, here)
    assert shown["count"] == "3"
    late = services.comment_create(user=citizen, paragraph=comments[0].paragraph, body="Radweg!")
    late.status = "published"
    late.save(update_fields=["status"])
    return here, shown, late


def test_all_of_this_list_acts_only_on_the_list_that_was_shown(
    client, comments, draft, wg, citizen, moderator, settings
):
    """A comment released between showing the list and sending the form is never answered
    (and published, its author told) unseen: nothing is done, the list comes again."""
    settings.LANGUAGE_CODE = "de"
    here, shown, late = _shown_then_one_more_released(client, draft, wg, citizen, comments)
    form = {
        "next": here,
        **shown,
        "scope": "all",
        "action": "answer",
        "disposition": "adopted",
        "reply": "Ein langer Text, den niemand zweimal tippen will.",
        "publish": "1",
    }
    response = client.post(f"/drafts/{draft.slug}/answers/bulk/", form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Die Liste hat sich geändert" in page and "damals 3 Kommentare, jetzt 4" in page
    assert not Answer.objects.exists(), "nothing was done"
    assert "Ein langer Text, den niemand zweimal tippen will." in page, "the form as sent"
    assert f'id="a-{late.pk}"' in page, "the list as it is now, to confirm"
    listed = re.search(r'name="listed" value="([^"]*)"', page).group(1)
    response = client.post(
        f"/drafts/{draft.slug}/answers/bulk/", {**form, "listed": listed, "count": "4"}
    )
    assert response.status_code == 302 and Answer.objects.count() == 4, "confirmed: all four"


def test_all_of_this_list_with_as_many_but_other_comments_says_so(
    client, comments, draft, wg, citizen, settings
):
    settings.LANGUAGE_CODE = "de"
    here, shown, late = _shown_then_one_more_released(client, draft, wg, citizen, comments)
    gone = Comment.objects.filter(draft=draft, body__contains="Radweg").exclude(pk=late.pk).first()
    gone.status = "hidden"
    gone.save(update_fields=["status"])
    form = {"next": here, **shown, "scope": "all", "action": "assign", "assignee": wg.pk}
    response = client.post(f"/drafts/{draft.slug}/answers/bulk/", form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "enthält andere Kommentare" in page and "damals wie jetzt 3" in page
    assert "damals 3 Kommentare, jetzt 3" not in page
    # The answers page is the working group's alone, and its banner says so.
    assert "für den Arbeitskreis, nicht zur Veröffentlichung" in page
    assert "und die Moderation" not in page


def test_publish_all_drafted_answers_publishes_only_the_ones_counted(client, comments, draft, wg):
    answers.answer_save(user=wg, comment=comments[0], disposition="noted", reply="")
    client.force_login(wg)
    here = f"/drafts/{draft.slug}/answers/"
    html = client.get(here).content.decode()
    shown = re.search(r'name="shown" value="([^"]*)"', html).group(1)
    answers.answer_save(user=wg, comment=comments[1], disposition="noted", reply="Noch nicht")
    response = client.post(
        f"/drafts/{draft.slug}/answers/publish/", {"shown": shown, "next": here}, follow=True
    )
    assert "Jetzt sind es 2. Es wurde nichts veröffentlicht" in response.content.decode()
    assert not Answer.objects.exclude(published_at=None).exists()
    shown = re.search(r'name="shown" value="([^"]*)"', response.content.decode()).group(1)
    client.post(f"/drafts/{draft.slug}/answers/publish/", {"shown": shown, "next": here})
    assert Answer.objects.filter(published_at=None).count() == 0


def test_a_refused_group_answer_comes_back_as_typed_with_a_message_for_many(
    client, comments, draft, wg
):
    client.force_login(wg)
    typed = "Eine lange Antwort für alle, die beim Fehler nicht verloren gehen darf."
    response = bulk_post(
        client,
        draft,
        {"scope": "all", "action": "answer", "disposition": "", "reply": typed, "publish": "1"},
        "?q=Radweg",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Wählen Sie aus, wie mit den Kommentaren umgegangen wurde." in page
    assert f">{typed}</textarea>" in page
    assert re.search(r'<option value="answer" selected>', page), "the action kept"
    assert re.search(r'name="scope" value="all" checked', page), "the choice kept"
    assert re.search(r"<details open><summary>Die Antwort für alle", page)
    assert re.search(r'name="publish" value="1" checked', page)
    assert 'action="/drafts/leitlinien/answers/bulk/#bulk-form"' in page
    # Ticked comments stay ticked too.
    picked = str(comments[1].pk)
    response = bulk_post(client, draft, {"scope": "selected", "action": "tag", "ids": [picked]})
    assert response.status_code == 400 and "Wählen Sie ein Thema." in response.content.decode()
    assert (
        f'value="{picked}" form="bulk-form" id="sel-{picked}" checked' in response.content.decode()
    )


def test_the_answer_table_says_when_its_paragraph_filter_was_not_understood(
    client, comments, draft, wg
):
    client.force_login(wg)
    html = client.get(f"/drafts/{draft.slug}/answers/table/?paragraph=abc").content.decode()
    assert "Der Absatzfilter wurde nicht verstanden" in html
    html = client.get(f"/drafts/{draft.slug}/answers/table/").content.decode()
    assert "nicht verstanden" not in html


def test_a_refused_theme_or_note_comes_back_as_typed(client, comments, draft, wg, make_user):
    group.theme_create(user=wg, draft=draft, name="Radverkehr")
    client.force_login(wg)
    here = f"/drafts/{draft.slug}/answers/?q=Radweg"
    response = client.post(
        f"/drafts/{draft.slug}/answers/themes/", {"name": "Radverkehr", "next": here}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "schon ein Thema „Radverkehr“" in page and 'value="Radverkehr" aria-invalid="true"' in page
    )
    citizen_ = make_user("nicht_im_ak")
    note = "Eine längere interne Notiz, die beim Fehler erhalten bleibt."
    response = client.post(
        f"/drafts/{draft.slug}/answers/{comments[0].pk}/handling/",
        {"note": note, "assignee": citizen_.pk, "next": here},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f">{note}</textarea>" in page and "nur dem Arbeitskreis" in page
    assert not Handling.objects.filter(note=note).exists()
