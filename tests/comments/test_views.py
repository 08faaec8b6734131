"""Commenting, replying, voting and supporting through plain forms, as without JavaScript."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Comment, ParagraphVote

pytestmark = pytest.mark.django_db


def url(draft, paragraph, action):
    return f"/drafts/{draft.slug}/p/{paragraph.key}/{action}/"


def test_comment_form_returns_to_the_paragraph(client, draft, paragraph, citizen):
    client.force_login(citizen)
    response = client.post(url(draft, paragraph, "comment"), {"body": "Ohne JavaScript"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.slug}/?thread={paragraph.key}#c-{comment.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Ohne JavaScript" in page and f'id="c-{comment.pk}"' in page


def test_anonymous_comment_goes_to_login_and_comes_back(client, draft, paragraph):
    response = client.post(url(draft, paragraph, "comment"), {"body": "Hallo"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert f"thread%3D{paragraph.key}" in response["Location"]
    assert not Comment.objects.exists()
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    assert f"next=/drafts/{draft.slug}/%3Fthread%3D{paragraph.key}%23p-{paragraph.key}" in page


def test_invalid_comment_keeps_the_text_and_shows_the_error(client, draft, paragraph, citizen):
    client.force_login(citizen)
    long_text = "Mein langer Text " * 400
    response = client.post(url(draft, paragraph, "comment"), {"body": long_text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mein langer Text" in html, "nothing typed is lost"
    assert 'class="field-errors"' in html
    assert not Comment.objects.exists()


def test_reply_form(client, draft, paragraph, citizen, other_citizen):
    root = services.comment_create(user=citizen, paragraph=paragraph, body="Wurzel")
    client.force_login(other_citizen)
    client.post(url(draft, paragraph, "comment"), {"body": "Antwort", "parent": root.pk})
    reply = Comment.objects.get(parent=root)
    assert reply.author == other_citizen and reply.depth == 1


def test_reply_to_unknown_comment_is_refused(client, draft, paragraph, citizen):
    client.force_login(citizen)
    response = client.post(url(draft, paragraph, "comment"), {"body": "Antwort", "parent": 999})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_vote_form_marks_my_choice_not_by_colour_alone(client, draft, paragraph, citizen):
    client.force_login(citizen)
    response = client.post(url(draft, paragraph, "vote"), {"choice": "agree"})
    assert response["Location"] == f"/drafts/{draft.slug}/#p-{paragraph.key}"
    assert ParagraphVote.objects.get().choice == "agree"
    html = client.get(draft.get_absolute_url()).content.decode()
    section = html[html.index(f'id="p-{paragraph.key}"') :]
    agree = section[
        section.index('data-choice="agree"') - 200 : section.index('data-choice="disagree"')
    ]
    assert 'aria-pressed="true"' in agree and 'value="none"' in agree, "pressing again withdraws"
    assert "✓" in agree and "hidden" not in agree.split("vote__mine")[1][:20]
    client.post(url(draft, paragraph, "vote"), {"choice": "none"})
    assert not ParagraphVote.objects.exists()


def test_anonymous_vote_goes_to_login(client, draft, paragraph):
    response = client.post(url(draft, paragraph, "vote"), {"choice": "agree"})
    assert response["Location"].startswith("/accounts/login/")


def _vote_logged_out(client, draft, paragraph):
    """Vote without an account: the login page says why and that the vote is kept."""
    response = client.post(url(draft, paragraph, "vote"), {"choice": "disagree"}, follow=True)
    login_page = response.content.decode()
    assert "Ihre Stimme wird gleich danach gezählt" in login_page
    back = f"/drafts/{draft.slug}/#p-{paragraph.key}"
    assert response.context["next"] == back
    return back, login_page


def test_a_vote_given_logged_out_counts_after_login_back_at_the_paragraph(
    client, draft, paragraph, citizen
):
    from tests.data import PASSWORD

    back, _ = _vote_logged_out(client, draft, paragraph)
    assert not ParagraphVote.objects.exists()
    response = client.post(
        "/accounts/login/", {"username": "anna", "password": PASSWORD, "next": back}
    )
    assert response["Location"] == back
    assert ParagraphVote.objects.get().choice == "disagree"
    assert "Ihre Stimme wurde gezählt." in client.get(back).content.decode()


def test_sign_up_from_a_vote_returns_to_the_paragraph_with_the_vote(client, draft, paragraph):
    from urllib.parse import quote

    from tests.deliberation.account_helpers import solved

    back, login_page = _vote_logged_out(client, draft, paragraph)
    assert f'href="/accounts/signup/?next={quote(back, safe="/")}"' in login_page
    response = client.post(
        f"/accounts/signup/?next={quote(back, safe='/')}",
        {
            "username": "clara",
            "email": "clara@example.org",
            "password1": "ein-sicheres-Passwort-42",
            "password2": "ein-sicheres-Passwort-42",
            "consent": "on",
            "next": back,
            "altcha": solved(client, "/accounts/signup/"),
        },
    )
    assert response["Location"] == back
    assert ParagraphVote.objects.get().user.username == "clara"


def test_every_page_links_sign_up_with_the_way_back(client, draft, paragraph):
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    assert f'href="/accounts/signup/?next=/drafts/{draft.slug}/%3Fthread%3D{paragraph.key}"' in page


def test_on_a_pre_moderated_draft_the_buttons_say_that_comments_are_reviewed_first(
    client, pre_draft, citizen, other_citizen
):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    from comments.moderation import services as moderation

    comment = services.comment_create(user=other_citizen, paragraph=paragraph, body="Frei")
    moderator = type(citizen).objects.create_user("mod-x")
    from deliberation.roles import role_grant

    role_grant(user=moderator, role="moderator")
    moderation.comment_release(moderator=moderator, comment=comment)
    client.force_login(citizen)
    page = client.get(f"/drafts/{pre_draft.slug}/?thread={paragraph.key}").content.decode()
    assert "Kommentar zur Prüfung senden" in page and "Antwort zur Prüfung senden" in page
    assert "Kommentar veröffentlichen" not in page


def test_closed_draft_vote_shows_a_message(client, draft, paragraph, citizen):
    from drafts.services import draft_close

    draft_close(draft=draft)
    client.force_login(citizen)
    response = client.post(url(draft, paragraph, "vote"), {"choice": "agree"}, follow=True)
    assert "beendet" in response.content.decode()
    assert not ParagraphVote.objects.exists()


def test_support_edit_delete_forms(client, draft, paragraph, citizen, other_citizen):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Original")
    client.force_login(other_citizen)
    client.post(f"/drafts/{draft.slug}/comments/{comment.pk}/support/", {"on": "1"})
    comment.refresh_from_db()
    assert comment.support_count == 1
    response = client.post(
        f"/drafts/{draft.slug}/comments/{comment.pk}/edit/", {"body": "Fremd"}, follow=True
    )
    assert "nur Ihre eigenen" in response.content.decode() or "eigene" in response.content.decode()
    client.force_login(citizen)
    client.post(f"/drafts/{draft.slug}/comments/{comment.pk}/edit/", {"body": "Geändert"})
    comment.refresh_from_db()
    assert comment.body == "Geändert"
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    assert "bearbeitet" in page
    client.post(f"/drafts/{draft.slug}/comments/{comment.pk}/delete/", {"confirm": "yes"})
    comment.refresh_from_db()
    assert comment.status == "deleted"


def test_pending_comment_is_marked_for_its_author_only(client, pre_draft, citizen, other_citizen):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    client.force_login(citizen)
    client.post(url(pre_draft, paragraph, "comment"), {"body": "Wartet noch"})
    thread = f"/drafts/{pre_draft.slug}/?thread={paragraph.key}"
    mine = client.get(thread).content.decode()
    assert "Wartet noch" in mine and "wartet auf Freigabe" in mine
    client.force_login(other_citizen)
    assert "Wartet noch" not in client.get(thread).content.decode()
    client.logout()
    assert "Wartet noch" not in client.get(thread).content.decode()


def test_thread_fragment_orders_and_pages(client, draft, paragraph, make_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": 1000}
    author = make_user("vielschreiber")
    supporter = make_user("fan")
    for i in range(25):
        services.comment_create(user=author, paragraph=paragraph, body=f"Kommentar Nummer {i:02d}")
    favourite = Comment.objects.get(body="Kommentar Nummer 05")
    services.comment_support(user=supporter, comment=favourite, on=True)
    base = f"/drafts/{draft.slug}/p/{paragraph.key}/thread/"
    newest = client.get(base).content.decode()
    assert "Kommentar Nummer 24" in newest and "Kommentar Nummer 04" not in newest, "20 per page"
    assert "<html" not in newest, "a fragment, not a page"
    assert client.get(base + "?page=2").content.decode().count('class="comment ') == 5
    oldest = client.get(base + "?order=oldest").content.decode()
    assert oldest.index("Nummer 00") < oldest.index("Nummer 01")
    supported = client.get(base + "?order=supported").content.decode()
    assert supported.index("Nummer 05") < supported.index("Nummer 24")


def test_reading_page_query_count_is_constant_in_the_number_of_comments(
    client, draft, paragraph, make_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": 1000, "vote": 1000}
    author = make_user("schreiber")
    thread_url = f"/drafts/{draft.slug}/?thread={paragraph.key}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(thread_url).status_code == 200
        return len(captured)

    def write(n):
        for i in range(n):
            root = services.comment_create(user=author, paragraph=paragraph, body=f"K{i}")
            services.comment_create(
                user=author, paragraph=root.paragraph, parent=root, body=f"A{i}"
            )

    write(1)
    few = queries()
    write(30)
    services.vote_cast(user=author, paragraph=paragraph, choice="agree")
    assert queries() == few


def test_reading_page_does_not_grow_with_comments(client, draft, paragraph, make_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": 1000}
    before = len(client.get(draft.get_absolute_url()).content)
    author = make_user("schreiber")
    for i in range(40):
        services.comment_create(
            user=author, paragraph=paragraph, body="Ein längerer Kommentar " * 20 + str(i)
        )
    after = len(client.get(draft.get_absolute_url()).content)
    assert after - before < 50, "threads load per paragraph; the page itself only shows counts"


def test_two_open_threads_do_not_share_field_ids(client, draft, citizen):
    """The page's script opens several threads at once: each label must reach its own field."""
    import re

    client.force_login(citizen)
    first, second = draft.paragraphs.exclude(kind="heading").order_by("position")[:2]
    page = client.get(f"/drafts/{draft.slug}/?thread={first.key}").content.decode()
    fragment = client.get(url(draft, second, "thread")).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page) + re.findall(r'\sid="([^"]+)"', fragment)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert f'<label for="comment-{second.key}-body">' in fragment


def test_a_draft_table_scrolls_in_its_own_focusable_labelled_region(client, make_draft):
    draft = make_draft(text="# Titel\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    page = client.get(f"/drafts/{draft.slug}/").content.decode()
    assert (
        '<div class="table-wrap" role="region" tabindex="0" '
        'aria-label="Tabelle, seitlich scrollbar"><table>' in page
    )
    assert page.count("</table></div>") == 1


@pytest.mark.parametrize("what", ["delete", "close", "moderation-mode"])
def test_one_click_destructive_actions_ask_first_also_without_javascript(
    client, draft, paragraph, citizen, wg, what
):
    """The button opens a confirm step (a disclosure, no script needed); a POST without the
    confirmation changes nothing and asks the same question as a page."""
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Meins")
    user, url, data = {
        "delete": (citizen, f"/drafts/{draft.slug}/comments/{comment.pk}/delete/", {}),
        "close": (wg, f"/drafts/{draft.slug}/close/", {}),
        "moderation-mode": (wg, f"/drafts/{draft.slug}/moderation-mode/", {"mode": "pre"}),
    }[what]
    client.force_login(user)
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    form = page[page.index(f'action="{url}"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="confirm" value="yes">' in form
    assert (
        page[: page.index(f'action="{url}"')].rstrip().endswith('</summary>\n  <form method="post"')
    )

    def state():
        comment.refresh_from_db()
        draft.refresh_from_db()
        return comment.status, draft.status, draft.moderation

    before = state()
    response = client.post(url, data)
    assert response.status_code == 200 and state() == before
    assert '<input type="hidden" name="confirm" value="yes">' in response.content.decode()
    assert client.post(url, {**data, "confirm": "yes"}).status_code == 302
    assert state() != before


def _article(page: str, pk: int) -> str:
    start = page.index(f'id="c-{pk}"')
    return page[start : page.index("</article>", start)]


def test_report_without_script_returns_to_the_comment_with_thanks_and_reported_state(
    client, draft, paragraph, citizen, other_citizen
):
    comment = services.comment_create(user=other_citizen, paragraph=paragraph, body="Störend")
    client.force_login(citizen)
    response = client.post(
        f"/drafts/{draft.slug}/comments/{comment.pk}/report/", {"reason": "spam"}
    )
    assert response["Location"] == f"/drafts/{draft.slug}/?thread={paragraph.key}#c-{comment.pk}"
    article = _article(client.get(response["Location"]).content.decode(), comment.pk)
    assert 'role="status"' in article and "Vielen Dank" in article
    assert "Von Ihnen gemeldet" in article and 'comment__report"' not in article
    # The thanks is said once; the reported state stays.
    article = _article(client.get(response["Location"]).content.decode(), comment.pk)
    assert "Vielen Dank" not in article and "Von Ihnen gemeldet" in article


@pytest.mark.parametrize("action", ["report", "edit", "edit-empty", "delete"])
def test_report_edit_delete_from_the_script_answer_with_the_comment_itself(
    client, draft, paragraph, citizen, other_citizen, action
):
    mine = services.comment_create(user=citizen, paragraph=paragraph, body="Meiner")
    theirs = services.comment_create(user=other_citizen, paragraph=paragraph, body="Deiner")
    client.force_login(citizen)
    comment, path, data, status, expected = {
        "report": (theirs, "report", {"reason": "spam"}, 200, "Von Ihnen gemeldet"),
        "edit": (mine, "edit", {"body": "Geänderter Text"}, 200, "Geänderter Text"),
        "edit-empty": (mine, "edit", {"body": " "}, 400, 'role="alert"'),
        "delete": (mine, "delete", {"confirm": "yes"}, 200, "Ihr Kommentar wurde gelöscht"),
    }[action]
    response = client.post(
        f"/drafts/{draft.slug}/comments/{comment.pk}/{path}/",
        data,
        headers={"X-Requested-With": "fetch"},
    )
    html = response.content.decode()
    assert response.status_code == status
    assert html.startswith('<article class="comment') and f'id="c-{comment.pk}"' in html
    assert "data-feedback" in html and expected in html
    assert "<html" not in html


def test_deleting_without_script_says_so_at_the_thread(client, draft, paragraph, citizen):
    mine = services.comment_create(user=citizen, paragraph=paragraph, body="Weg damit")
    client.force_login(citizen)
    response = client.post(f"/drafts/{draft.slug}/comments/{mine.pk}/delete/", {"confirm": "yes"})
    assert response["Location"].endswith(f"#thread-{paragraph.key}")
    page = client.get(response["Location"]).content.decode()
    thread = page[page.index(f'id="thread-{paragraph.key}"') :]
    assert "data-feedback" in thread[: thread.index("</h3>") + 300]
