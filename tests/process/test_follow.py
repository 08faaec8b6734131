"""Following a process, notifications on the site, and e-mail only with consent."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from deliberation.models import Notification
from deliberation.notifications.delivery import deliveries_send
from deliberation.process import services
from deliberation.process.models import Follow
from tests.process.helpers import MARKDOWN, PDF, make_session, upload

pytestmark = pytest.mark.django_db


def test_follow_and_unfollow_with_one_click(client, citizen, process):
    client.force_login(citizen)
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Auch per E-Mail benachrichtigen" in page and ">Folgen</button>" in page
    response = client.post(reverse("process_follow", args=[process.slug]))
    assert response.status_code == 302
    follow = Follow.objects.get(user=citizen, process=process)
    assert follow.email is False  # no consent unless ticked
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Sie folgen diesem Verfahren." in page and "Nicht mehr folgen" in page
    client.post(reverse("process_unfollow", args=[process.slug]))
    assert not Follow.objects.exists()


def test_follow_with_email_consent_and_following_twice_updates(client, citizen, process):
    client.force_login(citizen)
    client.post(reverse("process_follow", args=[process.slug]), {"email": "on"})
    client.post(reverse("process_follow", args=[process.slug]), {"email": "on"})
    assert Follow.objects.get().email is True
    client.post(reverse("process_follow", args=[process.slug]))
    assert Follow.objects.get().email is False


def test_anonymous_visitors_are_asked_to_log_in(client, process):
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Anmelden, um diesem Verfahren zu folgen" in page
    for name in ("process_follow", "process_unfollow"):
        response = client.post(reverse(name, args=[process.slug]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not Follow.objects.exists()


def test_follow_by_get_does_not_follow(client, citizen, process):
    client.force_login(citizen)
    response = client.get(reverse("process_follow", args=[process.slug]))
    assert response.status_code == 302 and response["Location"] == process.get_absolute_url()
    assert not Follow.objects.exists()
    assert client.get(reverse("process_unfollow", args=[process.slug])).status_code == 405


def test_notify_followers_emails_only_those_who_consented(make_user, process, mailoutbox, settings):
    settings.SITE_URL = "https://beteiligung.example.org"
    quiet = make_user("quiet")
    mailed = make_user("mailed")
    no_address = make_user("noaddress")
    no_address.email = ""
    no_address.save()
    outsider = make_user("outsider")
    services.process_follow(user=quiet, process=process)
    services.process_follow(user=mailed, process=process, email=True)
    services.process_follow(user=no_address, process=process, email=True)
    count = services.process_notify_followers(
        process=process,
        kind="version_new",
        params={"number": 2, "title": "Leitlinien", "message": "Neue Fassung des Entwurfs"},
        url="/drafts/leitlinien/",
    )
    assert mailoutbox == []  # not in the request: the worker sends the outbox
    deliveries_send()
    assert count == 3
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "quiet",
        "mailed",
        "noaddress",
    }
    assert not Notification.objects.filter(user=outsider).exists()
    assert [m.to for m in mailoutbox] == [["mailed@example.org"]]
    assert "Neue Fassung des Entwurfs" in mailoutbox[0].body
    assert "https://beteiligung.example.org/drafts/leitlinien/" in mailoutbox[0].body
    assert "Leitlinien" in mailoutbox[0].subject


def test_no_email_without_consent(citizen, process, mailoutbox):
    services.process_follow(user=citizen, process=process, email=False)
    services.process_notify_followers(
        process=process, kind="protocol_new", params={"process": "P", "title": "T"}, url="/"
    )
    deliveries_send()
    assert Notification.objects.count() == 1
    assert mailoutbox == []


def test_new_session_and_protocol_notify_followers(
    client, wg, citizen, process, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://beteiligung.example.org"
    services.process_follow(user=citizen, process=process, email=True)
    client.force_login(wg)
    day = (timezone.localdate() + timedelta(days=6)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("session_create", args=[process.slug]),
            {"title": "Zwischenstand", "date": day, "start_time": "18:00", "end_time": "20:00"},
        )
    assert response.status_code == 302
    note = Notification.objects.get(user=citizen)
    assert "Neuer Termin" in note.display_text and "Zwischenstand" in note.display_text
    assert note.url.startswith(process.get_absolute_url() + "#session-")
    deliveries_send()
    assert len(mailoutbox) == 1
    assert "https://beteiligung.example.org/processes/" in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("document_create", args=[process.slug]),
            {
                "title": "Ergebnisprotokoll",
                "kind": "protocol",
                "date": timezone.localdate().isoformat(),
                "file": upload("protokoll.md", MARKDOWN),
            },
        )
        # Presentations and other papers are not announced.
        client.post(
            reverse("document_create", args=[process.slug]),
            {
                "title": "Folien",
                "kind": "presentation",
                "date": timezone.localdate().isoformat(),
                "file": upload("folien.pdf", PDF),
            },
        )
    texts = [n.display_text for n in Notification.objects.filter(user=citizen)]
    assert len(texts) == 2 and "Neues Protokoll" in texts[0] and "Ergebnisprotokoll" in texts[0]
    deliveries_send()
    assert len(mailoutbox) == 2


def test_past_session_is_not_announced(citizen, process):
    services.process_follow(user=citizen, process=process)
    make_session(process, days=-10)
    assert not Notification.objects.exists()


def test_notifications_page_lists_newest_first_and_marks_all_read(client, citizen, other_citizen):
    older = Notification.objects.create(
        user=citizen,
        text="Erste Nachricht",
        url="/",
        created_at=timezone.now() - timedelta(hours=2),
    )
    Notification.objects.create(user=citizen, text="Zweite Nachricht", url="javascript:alert(1)")
    Notification.objects.create(user=other_citizen, text="Fremde Nachricht", url="/")
    client.force_login(citizen)
    html = client.get(reverse("notifications")).content.decode()
    assert html.index("Zweite Nachricht") < html.index("Erste Nachricht")
    assert "Fremde Nachricht" not in html
    assert "javascript:" not in html
    assert "Benachrichtigungen (2<span" in html
    assert "Alle als gelesen markieren" in html
    response = client.post(reverse("notifications_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=citizen, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other_citizen, read_at__isnull=True).exists()
    older.refresh_from_db()
    assert older.read_at is not None
    html = client.get(reverse("notifications")).content.decode()
    assert "Benachrichtigungen (0<span" in html and "Alle als gelesen markieren" not in html


def test_notifications_page_needs_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("notifications_read")).status_code == 302


def test_header_count_is_one_query(client, citizen):
    client.force_login(citizen)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("page", args=["impressum"]))
    notification_queries = [q for q in queries if "deliberation_notification" in q["sql"]]
    assert len(notification_queries) == 1


def test_email_link_falls_back_to_site_url(make_user, process, settings, mailoutbox):
    settings.SITE_URL = "https://beteiligung.example.org"
    services.process_follow(user=make_user("mailed"), process=process, email=True)
    services.process_notify_followers(
        process=process,
        kind="protocol_new",
        params={"process": "P", "title": "T"},
        url="/drafts/x/",
    )
    deliveries_send()
    assert "https://beteiligung.example.org/drafts/x/" in mailoutbox[0].body


def test_notifications_api_says_each_in_the_readers_language(client, citizen, moderator, draft):
    from comments.moderation.services import comment_hide
    from comments.services import comment_create

    paragraph = draft.paragraphs.filter(kind="text").first()
    comment = comment_create(user=citizen, paragraph=paragraph, body="Etwas Grobes.")
    with translation.override("en"):  # the moderator works on English pages
        comment_hide(moderator=moderator, comment=comment, reason="insult")
    assert client.get("/api/me/notifications/").status_code == 401
    client.force_login(citizen)
    [german] = client.get("/api/me/notifications/").json()
    assert german["kind"] == "comment_removed" and german["read"] is False
    assert "Beleidigung" in german["text"] and german["url"].startswith("/drafts/")
    [english] = client.get("/api/me/notifications/?lang=en").json()
    assert "Insult" in english["text"] and english["url"].startswith("/en/drafts/")
