"""Moderation: each action's effect on who sees what, reasons, reports, blocking, the audit log."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from comments import services
from comments.models import Comment, ParagraphTally
from comments.moderation import services as moderation
from comments.moderation.models import Flag, ModerationAction
from comments.selectors import visible_comments
from deliberation.models import Event, Notification
from tests.refusals import refused

pytestmark = pytest.mark.django_db


def seen_by(comment, *users):
    return [
        visible_comments(user=u)
        .filter(pk=comment.pk, status__in=["published", "pending", "rejected"])
        .exists()
        for u in users
    ]


def test_release_makes_it_public_tells_the_author_and_logs(
    pending, citizen, other_citizen, moderator
):
    assert seen_by(pending, citizen, other_citizen, AnonymousUser(), moderator) == [
        True,
        False,
        False,
        True,
    ]
    moderation.comment_release(moderator=moderator, comment=pending)
    assert seen_by(pending, citizen, other_citizen, AnonymousUser(), moderator) == [
        True,
        True,
        True,
        True,
    ]
    assert ParagraphTally.objects.get(paragraph=pending.paragraph).comments == 1
    assert Event.objects.filter(type="comment.created").count() == 1
    notification = Notification.objects.get(user=citizen, kind="comment_released")
    assert "freigegeben" in notification.display_text
    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.comment) == (moderator, "release", pending)


def test_reject_needs_a_reason_and_the_author_sees_it(
    pending, citizen, other_citizen, moderator, client
):
    assert (
        refused(moderation.comment_reject, moderator=moderator, comment=pending, reason="").code
        == "invalid"
    )
    assert (
        "Notiz"
        in refused(
            moderation.comment_reject, moderator=moderator, comment=pending, reason="other"
        ).message
    )
    assert (
        refused(
            moderation.comment_reject,
            moderator=moderator,
            comment=pending,
            reason="spam",
            note="x" * 1001,
        ).code
        == "invalid"
    )
    pending.refresh_from_db()
    assert pending.status == "pending" and not ModerationAction.objects.exists(), (
        "nothing changed on bad input"
    )
    moderation.comment_reject(
        moderator=moderator, comment=pending, reason="off_topic", note="Bitte beim Thema bleiben"
    )
    assert seen_by(pending, citizen, other_citizen, AnonymousUser()) == [True, False, False]
    client.force_login(citizen)
    page = client.get(
        f"{pending.draft.get_absolute_url()}?thread={pending.paragraph.key}"
    ).content.decode()
    assert "Nicht zum Thema" in page and "Bitte beim Thema bleiben" in page
    notification = Notification.objects.get(user=citizen, kind="comment_rejected")
    assert "Nicht zum Thema" in notification.display_text


def test_rejected_comment_can_be_revised_and_resubmitted(pending, citizen, moderator):
    moderation.comment_reject(moderator=moderator, comment=pending, reason="insult")
    moderation.comment_resubmit(user=citizen, comment=pending, body="Höflicher formuliert")
    pending.refresh_from_db()
    assert pending.status == "pending" and pending.body == "Höflicher formuliert"
    assert list(pending.edits.values_list("body", flat=True)) == ["Bitte freigeben"]
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "reject",
        "resubmit",
    ]


def test_hide_shows_the_reason_to_the_public(published, other_citizen, moderator, client):
    moderation.comment_hide(moderator=moderator, comment=published, reason="personal_data")
    assert ParagraphTally.objects.get(paragraph=published.paragraph).comments == 0
    removed = Event.objects.get(type="comment.removed")
    assert '"reason":"personal_data"' in removed.text
    page = client.get(
        f"{published.draft.get_absolute_url()}?thread={published.paragraph.key}"
    ).content.decode()
    assert "von der Moderation entfernt: Persönliche Daten" in page
    assert "Schon öffentlich" not in page


def test_restore_publishes_again(published, moderator):
    moderation.comment_hide(moderator=moderator, comment=published, reason="spam")
    moderation.comment_restore(moderator=moderator, comment=published)
    published.refresh_from_db()
    assert published.status == "published"
    assert ParagraphTally.objects.get(paragraph=published.paragraph).comments == 1


def test_a_second_decision_is_refused_naming_the_first_moderator(pending, moderator, make_user):
    second = make_user("mod2", role="moderator")
    moderation.comment_release(moderator=moderator, comment=pending)
    error = refused(moderation.comment_reject, moderator=second, comment=pending, reason="spam")
    assert "bereits entschieden von mod" in error.message.lower()
    assert ModerationAction.objects.count() == 1


def test_decision_on_a_deleted_comment_is_refused(pending, citizen, moderator):
    services.comment_delete(user=citizen, comment=pending)
    assert (
        "gelöscht"
        in refused(moderation.comment_release, moderator=moderator, comment=pending).message
    )


def test_citizens_cannot_moderate(pending, other_citizen):
    assert (
        refused(moderation.comment_release, moderator=other_citizen, comment=pending).code
        == "forbidden"
    )


def test_reports_hide_after_three_in_post_moderation(published, make_user, moderator, settings):
    settings.AUTO_HIDE_REPORTS = 3
    reporters = [make_user(f"melder{i}") for i in range(3)]
    moderation.flag_create(user=reporters[0], comment=published, reason="insult", note="grob")
    assert (
        refused(moderation.flag_create, user=reporters[0], comment=published, reason="insult").code
        == "invalid"
    )
    moderation.flag_create(user=reporters[1], comment=published, reason="spam")
    published.refresh_from_db()
    assert published.status == "published"
    moderation.flag_create(user=reporters[2], comment=published, reason="insult")
    published.refresh_from_db()
    assert published.status == "hidden" and published.moderated_by is None
    assert ModerationAction.objects.filter(action="auto_hide").exists()
    moderation.reports_dismiss(moderator=moderator, comment=published)
    published.refresh_from_db()
    assert published.status == "published"
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_own_comment_cannot_be_reported(published, citizen):
    assert (
        refused(moderation.flag_create, user=citizen, comment=published, reason="spam").code
        == "invalid"
    )


def test_blocking(published, pre_draft, citizen, other_citizen, moderator, make_user):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    waiting = services.comment_create(user=citizen, paragraph=paragraph, body="wartet")
    own = refused(moderation.user_block, moderator=moderator, user=moderator, justification="x")
    assert "selbst" in own.message
    boss = make_user("chefin", is_superuser=True)
    assert (
        refused(moderation.user_block, moderator=moderator, user=boss, justification="x").code
        == "invalid"
    )
    assert (
        refused(moderation.user_block, moderator=moderator, user=citizen, justification=" ").code
        == "invalid"
    )
    until = timezone.now() + timedelta(days=7)
    block = moderation.user_block(
        moderator=moderator, user=citizen, justification="Wiederholte Beleidigungen", until=until
    )
    waiting.refresh_from_db()
    assert waiting.status == "rejected" and waiting.moderation_note == "Wiederholte Beleidigungen"
    error = refused(
        services.comment_create, user=citizen, paragraph=published.paragraph, body="trotzdem"
    )
    assert (
        error.code == "forbidden"
        and "gesperrt" in error.message
        and str(until.year) in error.message
    )
    assert (
        refused(
            services.vote_cast, user=citizen, paragraph=published.paragraph, choice="agree"
        ).code
        == "forbidden"
    )
    moderation.user_unblock(moderator=moderator, block=block)
    services.vote_cast(user=citizen, paragraph=published.paragraph, choice="agree")
    actions = list(ModerationAction.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["block", "reject", "unblock"]


def test_audit_log_cannot_be_edited(published, moderator):
    from django.contrib import admin

    from comments.moderation.models import AppendOnlyError

    moderation.comment_hide(moderator=moderator, comment=published, reason="spam")
    entry = ModerationAction.objects.get()
    entry.note = "geschönt"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    model_admin = admin.site._registry[ModerationAction]
    assert not model_admin.has_change_permission(
        None, entry
    ) and not model_admin.has_delete_permission(None, entry)


def test_moderation_mode_change_keeps_pending_comments(pending, wg, moderator):
    assert (
        refused(
            moderation.draft_set_moderation, user=moderator, draft=pending.draft, mode="post"
        ).code
        == "forbidden"
    )
    moderation.draft_set_moderation(user=wg, draft=pending.draft, mode="post")
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert ModerationAction.objects.get().action == "mode"


def test_api_shows_moderators_pending_text_and_hides_it_from_citizens(
    pending, other_citizen, moderator, client
):
    url = f"/api/drafts/{pending.draft.slug}/comments/"
    client.force_login(moderator)
    rows = client.get(url).json()
    assert rows[0]["status"] == "pending" and rows[0]["body_html"] == "<p>Bitte freigeben</p>"
    client.force_login(other_citizen)
    assert client.get(url).json() == []


# Pages ---------------------------------------------------------------------------------------


def test_moderation_pages_refuse_citizens_and_send_anonymous_to_login(
    client, pending, other_citizen
):
    urls = [
        "/moderation/",
        f"/moderation/items/{pending.pk}/",
        "/moderation/log/",
        "/moderation/log.csv",
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(other_citizen)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"/moderation/items/{pending.pk}/decide/", {"action": "release"}).status_code
        == 403
    )
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_queue_lists_pending_oldest_first_and_reported_most_reported_first(
    client, pre_draft, draft, citizen, moderator, make_user
):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    first = services.comment_create(user=citizen, paragraph=paragraph, body="Erster")
    second = services.comment_create(user=citizen, paragraph=paragraph, body="Zweiter")
    public_paragraph = draft.paragraphs.exclude(kind="heading").first()
    a = services.comment_create(user=citizen, paragraph=public_paragraph, body="einmal gemeldet")
    b = services.comment_create(user=citizen, paragraph=public_paragraph, body="zweimal gemeldet")
    moderation.flag_create(user=make_user("r1"), comment=a, reason="spam")
    moderation.flag_create(user=make_user("r2"), comment=b, reason="insult")
    moderation.flag_create(user=make_user("r3"), comment=b, reason="insult")
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert html.index(f'id="m-{first.pk}"') < html.index(f'id="m-{second.pk}"')
    assert html.index(f'id="m-{b.pk}"') < html.index(f'id="m-{a.pk}"')
    assert "Beleidigung oder Diskriminierung" in html
    filtered = client.get("/moderation/?reason=spam").content.decode()
    assert f'id="m-{a.pk}"' in filtered and f'id="m-{b.pk}"' not in filtered


def test_decide_over_http_and_bulk_release(client, pre_draft, citizen, moderator):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    comments = [
        services.comment_create(user=citizen, paragraph=paragraph, body=f"Nr {i}") for i in range(3)
    ]
    client.force_login(moderator)
    answer = client.post(
        f"/moderation/items/{comments[0].pk}/decide/",
        {"action": "reject", "reason": "spam"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert answer.json()["ok"] is True
    again = client.post(
        f"/moderation/items/{comments[0].pk}/decide/",
        {"action": "release"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert again.status_code == 409 and "bereits entschieden" in again.json()["message"].lower()
    client.post("/moderation/release/", {"comment": [comments[1].pk, comments[2].pk]})
    assert Comment.objects.filter(status="published").count() == 2


def test_block_page(client, citizen, moderator):
    client.force_login(moderator)
    response = client.post(
        f"/moderation/users/{citizen.pk}/block/", {"justification": "", "duration": "permanent"}
    )
    assert response.status_code == 400
    assert "warum die person gesperrt wird" in response.content.decode().lower()
    assert not citizen.blocks.exists()
    client.post(
        f"/moderation/users/{citizen.pk}/block/",
        {
            "justification": "Spam",
            "duration": "until",
            "until": (timezone.now() + timedelta(days=3)).date().isoformat(),
        },
    )
    assert citizen.blocks.get().until is not None


def test_log_page_and_csv(client, published, moderator, wg):
    moderation.comment_hide(
        moderator=moderator, comment=published, reason="spam", note="Werbung für Shop"
    )
    client.force_login(wg)
    html = client.get("/moderation/log/?action=hide").content.decode()
    assert "Werbung für Shop" in html and "mod" in html
    csv_text = b"".join(client.get("/moderation/log.csv").streaming_content).decode()
    header, row = csv_text.strip().splitlines()[:2]
    assert header.startswith("\ufeffZeit;Moderatorin oder Moderator;Aktion")
    assert ";mod;entfernt;" in row and "Werbung für Shop" in row


def test_the_log_csv_runs_no_formula_and_follows_the_pages_language(
    client, published, make_user, wg
):
    """Usernames and notes are typed by people: no cell may start a spreadsheet formula."""
    sneaky = make_user("-2+3", role="moderator")
    moderation.comment_hide(
        moderator=sneaky, comment=published, reason="spam", note='=HYPERLINK("http://x","y")'
    )
    client.force_login(wg)
    german = b"".join(client.get("/moderation/log.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(german.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][1] == "'-2+3" and rows[1][7] == '\'=HYPERLINK("http://x","y")'
    english = b"".join(client.get("/en/moderation/log.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(english.removeprefix("\ufeff")), delimiter=","))
    assert rows[0][:3] == ["Time", "Moderator", "Action"] and rows[1][1] == "'-2+3"


def test_citizen_report_form(client, published, other_citizen):
    client.force_login(other_citizen)
    response = client.post(
        f"/drafts/{published.draft.slug}/comments/{published.pk}/report/",
        {"reason": "spam"},
        follow=True,
    )
    assert "Vielen Dank" in response.content.decode() or "Danke" in response.content.decode()
    assert Flag.objects.filter(comment=published, reporter=other_citizen).exists()


def test_log_page_query_count_does_not_grow_with_entries(
    client, draft, paragraph, make_user, moderator, wg, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": 1000}
    author = make_user("viel")
    client.force_login(wg)

    def hide(n):
        for i in range(n):
            comment = services.comment_create(user=author, paragraph=paragraph, body=f"Werbung {i}")
            moderation.comment_hide(moderator=moderator, comment=comment, reason="spam")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/moderation/log/").status_code == 200
        return len(captured)

    hide(1)
    few = queries()
    hide(10)
    assert queries() == few


def test_the_log_names_a_moderation_mode_in_the_pages_language(client, moderator, wg, draft):
    moderation.draft_set_moderation(user=wg, draft=draft, mode="pre")
    client.force_login(moderator)
    assert "Vorab-Moderation" in client.get("/moderation/log/").content.decode()
    html = client.get("/en/moderation/log/").content.decode()
    assert "pre-moderation: comments appear once released" in html
    assert "<td>pre</td>" not in html
