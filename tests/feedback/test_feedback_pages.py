"""The working group's pages: triage and answering, the summary, the answer table, the results."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.feedback import services as answers
from comments.feedback.models import Answer
from comments.models import Comment
from comments.moderation import services as moderation
from deliberation.models import Event
from drafts.services import draft_close, draft_publish_version

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def text_paragraphs(draft):
    return list(
        draft.paragraphs.filter(archived=False).exclude(kind="heading").order_by("position")
    )


@pytest.fixture
def feedback(pre_draft, citizen, other_citizen, make_user, moderator, wg):
    """Known feedback on a pre-moderated draft: see the numbers in each test."""
    anna, bernd = citizen, other_citizen
    carla, dora, emil = (make_user(n) for n in ("carla", "dora", "emil"))
    p1, p2, p3 = text_paragraphs(pre_draft)[:3]

    def released(user, paragraph, body):
        comment = services.comment_create(user=user, paragraph=paragraph, body=body)
        return moderation.comment_release(moderator=moderator, comment=comment)

    a1 = released(anna, p1, "Anna zu Absatz eins")
    b1 = released(bernd, p1, "Bernd zu Absatz eins")
    services.comment_create(user=carla, paragraph=p1, body="Carla wartet noch")
    d1 = services.comment_create(user=dora, paragraph=p1, body="Dora wird abgelehnt")
    moderation.comment_reject(moderator=moderator, comment=d1, reason="spam")
    a2 = released(anna, p2, "Anna zu Absatz zwei")
    for user, choice in [
        (anna, "agree"),
        (bernd, "disagree"),
        (carla, "agree"),
        (dora, "disagree"),
        (emil, "neutral"),
    ]:
        services.vote_cast(user=user, paragraph=p1, choice=choice)
    for user in (anna, bernd, carla):
        services.vote_cast(user=user, paragraph=p2, choice="agree")
    for user, choice in [(anna, "agree"), (bernd, "disagree"), (carla, "agree")]:
        services.vote_cast(user=user, paragraph=p3, choice=choice)
    for user in (emil, carla):
        services.comment_support(user=user, comment=b1, on=True)
    services.comment_support(user=dora, comment=a1, on=True)
    answers.answer_save(
        user=wg, comment=a1, disposition="adopted", reply="Wir übernehmen das.", publish=True
    )
    answers.answer_save(user=wg, comment=b1, disposition="noted", reply="Interne Notiz")
    return {"draft": pre_draft, "p": (p1, p2, p3), "c": {"a1": a1, "b1": b1, "a2": a2}}


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


# Who may see what -------------------------------------------------------------------------------


def staff_urls(slug, pk):
    return [
        ("get", f"/drafts/{slug}/feedback/"),
        ("get", f"/drafts/{slug}/feedback.csv"),
        ("get", f"/drafts/{slug}/feedback.json"),
        ("get", f"/drafts/{slug}/feedback.xlsx"),
        ("get", f"/drafts/{slug}/feedback.csv?anonymous=1"),
        ("get", f"/drafts/{slug}/answers/table/"),
    ]


def working_group_urls(slug, pk):
    return [("get", f"/drafts/{slug}/answers/"), ("post", f"/drafts/{slug}/answers/{pk}/")]


def test_citizens_get_403_and_visitors_the_login_everywhere(client, feedback, citizen):
    slug, pk = feedback["draft"].slug, feedback["c"]["a2"].pk
    urls = staff_urls(slug, pk) + working_group_urls(slug, pk)
    for method, url in urls:
        response = getattr(client, method)(
            url, {"disposition": "noted"} if method == "post" else None
        )
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    client.force_login(citizen)
    for method, url in urls:
        response = getattr(client, method)(
            url, {"disposition": "noted"} if method == "post" else None
        )
        assert response.status_code == 403, url
    assert not Answer.objects.filter(comment__pk=pk).exists()


def test_moderators_see_the_summary_and_exports_but_do_not_answer(client, feedback, moderator):
    slug, pk = feedback["draft"].slug, feedback["c"]["a2"].pk
    client.force_login(moderator)
    for _method, url in staff_urls(slug, pk):
        assert client.get(url).status_code == 200, url
    for method, url in working_group_urls(slug, pk):
        assert getattr(client, method)(url, {"disposition": "noted"}).status_code == 403, url


def test_the_draft_page_links_the_working_groups_pages(client, feedback, wg, moderator, citizen):
    draft = feedback["draft"]
    feedback_url, answers_url = f"/drafts/{draft.slug}/feedback/", f"/drafts/{draft.slug}/answers/"
    pages = {}
    for user in (wg, moderator, citizen):
        client.force_login(user)
        pages[user.username] = client.get(draft.get_absolute_url()).content.decode()
    assert feedback_url in pages["ak"] and answers_url in pages["ak"]
    assert feedback_url in pages["mod"] and answers_url not in pages["mod"]
    assert feedback_url not in pages["anna"] and answers_url not in pages["anna"]
    # A link, that is: the live banner holds the address for the moment the draft closes.
    assert f'href="/drafts/{draft.slug}/results/"' not in pages["anna"], "open: no results yet"
    draft_close(draft=draft)
    closed = client.get(draft.get_absolute_url()).content.decode()
    assert f'href="/drafts/{draft.slug}/results/"' in closed


# Answering ----------------------------------------------------------------------------------------


def test_triage_lists_unanswered_first_with_status_and_filters(client, feedback, wg):
    draft, c = feedback["draft"], feedback["c"]
    client.force_login(wg)
    page = client.get(f"/drafts/{draft.slug}/answers/").content.decode()
    order = [int(pk) for pk in re.findall(r'<li class="triage-item[^"]*" id="a-(\d+)"', page)]
    assert order == [c["a2"].pk, c["b1"].pk, c["a1"].pk], "unanswered, drafted, published"
    assert "unbeantwortet" in page and "Entwurf" in page and "veröffentlicht" in page
    assert "Carla wartet noch" not in page and "Dora wird abgelehnt" not in page

    def listed(query):
        html = client.get(f"/drafts/{draft.slug}/answers/?{query}").content.decode()
        return [int(pk) for pk in re.findall(r'id="a-(\d+)"', html)]

    assert listed(f"paragraph={feedback['p'][1].key}") == [c["a2"].pk]
    assert listed("disposition=none") == [c["a2"].pk]
    assert listed("disposition=adopted") == [c["a1"].pk]
    assert listed("version=2") == []
    assert len(listed("version=1&paragraph=kaputt&disposition=unsinn")) == 3, "bad filters: ignored"


def test_answer_form_saves_publishes_and_withdraws_without_javascript(client, feedback, wg):
    draft, comment = feedback["draft"], feedback["c"]["a2"]
    client.force_login(wg)
    url = f"/drafts/{draft.slug}/answers/{comment.pk}/"
    back = f"/drafts/{draft.slug}/answers/?disposition=none"
    response = client.post(
        url,
        {"disposition": "partly_adopted", "reply": "Teilweise.", "action": "save", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == f"{back}#a-{comment.pk}"
    assert Answer.objects.get(comment=comment).published_at is None
    events = Event.objects.filter(type="comment.updated").count()
    client.post(url, {"disposition": "partly_adopted", "reply": "Teilweise.", "action": "publish"})
    assert Answer.objects.get(comment=comment).published_at is not None
    assert Event.objects.filter(type="comment.updated").count() == events + 1, "readers see it live"
    response = client.post(url, {"action": "unpublish", "next": "https://evil.example/"})
    assert response["Location"] == f"/drafts/{draft.slug}/answers/#a-{comment.pk}", "not elsewhere"
    assert Answer.objects.get(comment=comment).published_at is None
    again = client.post(url, {"action": "unpublish"})
    assert again.status_code == 400 and "nicht veröffentlicht" in again.content.decode()


def test_a_refused_answer_shows_the_reason_next_to_the_form_and_keeps_the_text(
    client, feedback, wg
):
    draft, comment = feedback["draft"], feedback["c"]["a2"]
    client.force_login(wg)
    response = client.post(
        f"/drafts/{draft.slug}/answers/{comment.pk}/",
        {"disposition": "adopted", "reply": "Umgesetzt", "version": "9", "action": "publish"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fassung 9 dieses Entwurfs gibt es nicht." in html
    assert ">Umgesetzt</textarea>" in html, "the typed reply is kept"
    assert not Answer.objects.filter(comment=comment).exists()
    response = client.post(
        f"/drafts/{draft.slug}/answers/{comment.pk}/", {"disposition": "adopted", "reply": ""}
    )
    assert response.status_code == 400 and "zur Kenntnis genommen" in response.content.decode()


def test_published_answer_shows_under_the_comment_with_the_version_link(client, feedback, wg):
    draft, (p1, _p2, _p3), c = feedback["draft"], feedback["p"], feedback["c"]
    text = "\n\n".join(p.text for p in text_paragraphs(draft)) + "\n\nNeuer Absatz am Ende."
    draft_publish_version(draft=draft, text=text, message="Fassung 2", user=wg)
    answers.answer_save(
        user=wg, comment=c["a1"], disposition="adopted", reply="Steht jetzt drin.", version=2
    )
    page = client.get(f"{draft.get_absolute_url()}?thread={p1.key}").content.decode()
    block = page[page.index(f'id="c-{c["a1"].pk}"') :]
    block = block[: block.index("</article>")]
    assert "Antwort des Arbeitskreises" in block and "übernommen" in block
    assert "<p>Steht jetzt drin.</p>" in block
    assert f'href="/drafts/{draft.slug}/versions/1/diff/2/?paragraph={p1.key}"' in block
    assert "umgesetzt in Fassung 2" in block
    assert "Interne Notiz" not in page, "a drafted answer stays internal"


def test_thread_query_count_does_not_grow_with_answers(client, feedback, wg, make_user):
    draft, p1 = feedback["draft"], feedback["p"][0]
    text = "\n\n".join(p.text for p in text_paragraphs(draft))
    draft_publish_version(draft=draft, text=text + "\n\nNeu.", message="Fassung 2", user=wg)
    url = f"{draft.get_absolute_url()}?thread={p1.key}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    writer = make_user("viel")
    for i in range(6):
        comment = services.comment_create(user=writer, paragraph=p1, body=f"Noch einer {i}")
        moderation.comment_release(moderator=make_user(f"m{i}", role="moderator"), comment=comment)
        answers.answer_save(
            user=wg, comment=comment, disposition="adopted", reply="Ja", version=2, publish=True
        )
    assert queries() == few


# The summary --------------------------------------------------------------------------------------


def test_summary_figures_on_known_data(client, feedback, wg):
    draft = feedback["draft"]
    client.force_login(wg)
    html = client.get(f"/drafts/{draft.slug}/feedback/").content.decode()
    assert html.count("<h1") == 1
    expected = {
        "published": "3",
        "pending": "1",
        "rejected": "1",
        "participants": "5",
        "votes": "11",
        "unanswered": "1",
        "approval": "64 %",  # 7 of 11 votes agree
    }
    assert {name: figure(html, name) for name in expected} == expected
    assert "4 haben geschrieben, 5 bewertet" in html
    assert "7 Zustimmung, 3 Ablehnung, 1 neutral" in html
    assert "Antwort im Entwurf: 1 · veröffentlicht: 1" in html
    # The ranking: paragraph 1 (5 votes split 2:2) before paragraph 3 (3 votes, 2:1); 2 is unanimous.
    ranking = html[html.index('id="ranking-title"') : html.index('id="paragraphs-title"')]
    assert re.findall(r"Absatz (\d)", ranking) == ["1", "3"]
    assert "5,0" in ranking and "2,0" in ranking
    assert "Wert = Bewertungen × (1 − |Zustimmung − Ablehnung| ÷ (Zustimmung + Ablehnung))" in html
    top = html[html.index('id="top-title"') : html.index('id="days-title"')]
    assert top.index("Bernd zu Absatz eins") < top.index("Anna zu Absatz eins")
    assert "2 Unterstützungen" in top


def test_summary_charts_are_accessible_svg_with_tables_and_no_inline_script(client, feedback, wg):
    client.force_login(wg)
    html = client.get(f"/drafts/{feedback['draft'].slug}/feedback/").content.decode()
    svgs = re.findall(r"<svg class=\"chart__svg\"[^>]*>", html)
    assert len(svgs) == 3 and all('role="img"' in s and "aria-labelledby" in s for s in svgs)
    assert html.count("<title id=") == 3 and html.count("<desc id=") == 3
    assert "<caption>Kommentare pro Tag</caption>" in html
    assert "<caption>Kommentare je Fassung</caption>" in html
    assert re.search(r'<th scope="col"', html)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in s for s in scripts), "CSP: no inline scripts"
    assert "js/feedback.js" in html and 'data-live="/ws/drafts/' in html
    assert 'id="feedback-banner"' in html and "Neue Rückmeldungen – " in html
    assert " style=" not in html, "CSP: no inline styles"


def test_summary_shows_what_changed_next_to_the_comments_that_asked(client, feedback, wg):
    draft, (p1, p2, _p3), c = feedback["draft"], feedback["p"], feedback["c"]
    paragraphs = text_paragraphs(draft)
    texts = [p.text for p in paragraphs]
    texts[0] = texts[0].replace("Engagement", "großartigen Engagement")
    draft_publish_version(draft=draft, text="\n\n".join(texts), message="Fassung 2", user=wg)
    answers.answer_save(
        user=wg, comment=c["a1"], disposition="adopted", reply="So gemacht.", version=2
    )
    client.force_login(wg)
    html = client.get(f"/drafts/{draft.slug}/feedback/?a=1&b=2").content.decode()
    changes = html[html.index('id="changes-title"') :]
    assert f'id="change-{p1.key}"' in changes and f'id="change-{p2.key}"' not in changes
    assert "<ins>" in changes and "großartigen" in changes
    assert "2 Kommentare zu Fassung 1" in changes
    assert "Bernd zu Absatz eins" in changes and "Anna zu Absatz eins" in changes
    assert "1 Antwort nennt Fassung 2 als Umsetzung" in changes and "So gemacht." in changes
    default = client.get(f"/drafts/{draft.slug}/feedback/").content.decode()
    assert f'id="change-{p1.key}"' in default, "the last two versions by default"


def test_summary_query_count_is_the_same_for_5_and_50_comments(client, draft, wg, make_user):
    paragraphs = text_paragraphs(draft)
    writers = [make_user(f"schreiber{i}") for i in range(5)]
    client.force_login(wg)
    url = f"/drafts/{draft.slug}/feedback/?a=1&b=2"

    def write(n):
        for i in range(n):
            writer, paragraph = writers[i % 5], paragraphs[i % len(paragraphs)]
            comment = services.comment_create(user=writer, paragraph=paragraph, body=f"K{i}")
            services.vote_cast(
                user=writer, paragraph=paragraph, choice=("agree", "disagree")[i % 2]
            )
            if i % 3 == 0:
                services.comment_support(user=writers[(i + 1) % 5], comment=comment, on=True)
            if i % 2 == 0:
                answers.answer_save(
                    user=wg, comment=comment, disposition="adopted", reply="Ja", version=2
                )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    text = "\n\n".join(p.text + " Geändert." for p in paragraphs)
    draft_publish_version(draft=draft, text=text, message="Fassung 2", user=wg)
    paragraphs = text_paragraphs(draft)
    Comment.objects.update(version=1)  # as if written on version 1
    write(5)
    Comment.objects.update(version=1)
    five = queries()
    write(45)
    Comment.objects.update(version=1)
    assert Comment.objects.count() == 50
    assert queries() == five


# Answer table and results ------------------------------------------------------------------------


def test_answer_table_is_printable_and_lists_every_published_comment(client, feedback, moderator):
    client.force_login(moderator)
    draft = feedback["draft"]
    html = client.get(f"/drafts/{draft.slug}/answers/table/").content.decode()
    table = html[html.index('<table class="answer-table">') : html.index("</table>")]
    assert "<caption" in table and "<thead>" in table and table.count('scope="col"') == 4
    assert table.count("<tr id=") == 3
    assert "Wir übernehmen das." in table and "übernommen" in table
    assert "Entwurf" in table, "a drafted answer is marked as such"
    assert "Carla wartet noch" not in table and "Dora wird abgelehnt" not in table
    only = client.get(f"/drafts/{draft.slug}/answers/table/?answers=published").content.decode()
    assert only.count("<tr id=") == 3, "for publication too: every published comment"
    assert "Entwurf" not in only and only.count("Antwort steht noch aus") == 2
    assert 'rel="stylesheet" href="/static/css/print.css" media="print"' in html


def test_results_wait_for_the_end_of_the_consultation(client, feedback):
    draft = feedback["draft"]
    response = client.get(f"/drafts/{draft.slug}/results/")
    assert response.status_code == 404
    assert "Ergebnisse noch nicht verfügbar" in response.content.decode()


def test_results_show_published_answers_and_public_figures_only(client, feedback, citizen):
    draft = feedback["draft"]
    draft_close(draft=draft)
    client.force_login(citizen)
    response = client.get(f"/drafts/{draft.slug}/results/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert figure(html, "published") == "3" and figure(html, "participants") == "5"
    assert figure(html, "votes") == "11" and figure(html, "answers") == "1"
    assert "Anna zu Absatz eins" in html and "Wir übernehmen das." in html
    assert "Interne Notiz" not in html and "Bernd zu Absatz eins" not in html
    assert "Carla wartet noch" not in html and "Dora wird abgelehnt" not in html
    assert "Warten auf Freigabe" not in html and "Nicht freigegeben" not in html
    assert "Die umstrittensten Absätze" in html
    for name in ("anna", "bernd", "emil"):
        assert f">{name}<" not in html or name == "anna", "no vote identities"


def test_results_query_count_does_not_grow_with_answers(client, feedback, wg, make_user):
    draft, p2 = feedback["draft"], feedback["p"][1]
    draft_publish_version(
        draft=draft, text="\n\n".join(p.text for p in text_paragraphs(draft)), message="2", user=wg
    )
    url = f"/drafts/{draft.slug}/results/"

    def queries():
        draft_close(draft=draft)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    draft.closes_at = None  # open again for a moment to write more
    draft.save(update_fields=["closes_at"])
    writer = make_user("viel")
    for i in range(5):
        comment = services.comment_create(user=writer, paragraph=p2, body=f"Noch {i}")
        moderation.comment_release(moderator=make_user(f"m{i}", role="moderator"), comment=comment)
        answers.answer_save(
            user=wg, comment=comment, disposition="adopted", reply="Ja", version=2, publish=True
        )
    assert queries() == few


def test_results_of_a_draft_in_preparation_do_not_exist_for_citizens(client, make_draft, citizen):
    draft = make_draft(slug="vorbereitung", open=False)
    client.force_login(citizen)
    assert client.get(f"/drafts/{draft.slug}/results/").status_code == 404


def test_the_answer_forms_outcome_is_shown_beside_its_comment_and_opens_there(client, feedback, wg):
    """Without script: the form posts to the item's anchor (so an error page opens at the item)
    and a saved answer says so inside the item, not at the top of a long list."""
    draft, comment = feedback["draft"], feedback["c"]["a2"]
    client.force_login(wg)
    page = client.get(f"/drafts/{draft.slug}/answers/").content.decode()
    assert f'action="/drafts/{draft.slug}/answers/{comment.pk}/#a-{comment.pk}"' in page
    response = client.post(
        f"/drafts/{draft.slug}/answers/{comment.pk}/",
        {"disposition": "noted", "reply": "", "action": "save"},
        follow=True,
    )
    html = response.content.decode()
    item = html[html.index(f'id="a-{comment.pk}"') :]
    item = item[: item.index("</li>")]
    assert 'role="status"' in item and "Die Antwort ist gespeichert." in item
    assert "Die Antwort ist gespeichert." not in html[: html.index(f'id="a-{comment.pk}"')]


def test_the_answer_form_sent_by_the_pages_script_gets_back_only_its_item(client, feedback, wg):
    """With script (X-Requested-With: fetch): the comment's item with the outcome inside, marked
    for focus; a refusal is the item with the error and the typed text (status 400)."""
    draft, comment = feedback["draft"], feedback["c"]["a2"]
    client.force_login(wg)
    url = f"/drafts/{draft.slug}/answers/{comment.pk}/"
    fetch = {"X-Requested-With": "fetch"}
    back = f"/drafts/{draft.slug}/answers/?disposition=none"
    response = client.post(
        url,
        {"disposition": "adopted", "reply": "Umgesetzt", "action": "publish", "next": back},
        headers=fetch,
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.count("data-answer-item") == 1
    assert f'id="a-{comment.pk}"' in html and "<h1" not in html, "the item, not the page"
    assert 'role="status" tabindex="-1" data-feedback>Die Antwort ist veröffentlicht.' in html
    assert f'name="next" value="{back}"' in html, "the next send returns to the same list"
    assert Answer.objects.get(comment=comment).published_at is not None
    refused = client.post(
        url, {"disposition": "not_adopted", "reply": "", "action": "save"}, headers=fetch
    ).content.decode()
    assert refused.count("data-answer-item") == 1
    assert 'role="alert" tabindex="-1" data-feedback' in refused and "Kenntnis" in refused
    assert 'value="not_adopted" selected' in refused, "the posted choice is kept"
    response = client.post(url, {"action": "unpublish"}, headers=fetch)
    assert "Die Antwort ist wieder intern." in response.content.decode()
