"""The outbox: mail only with consent, sent once, retried with backoff, failures logged."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.services import comment_create
from deliberation.models import Delivery, DeliveryState, MailProfile, Notification
from deliberation.notifications import notify
from deliberation.notifications.delivery import backoff, deliveries_claim, deliveries_send

pytestmark = pytest.mark.django_db


def _reply(paragraph, parent_author, replier, body="Ich sehe das genauso, aber mit Radwegen."):
    parent = comment_create(user=parent_author, paragraph=paragraph, body="Mehr Grün im Viertel!")
    return comment_create(user=replier, paragraph=paragraph, body=body, parent=parent)


def test_a_reply_is_on_the_site_at_once_and_mailed_only_with_consent(
    smtp, paragraph, citizen, other_citizen, wants_mail, client
):
    _reply(paragraph, citizen, other_citizen)
    notification = Notification.objects.get(user=citizen, kind="comment_reply")
    assert notification.mail == "" and notification.delivery is None  # no consent: site only
    client.force_login(citizen)
    listed = client.get("/api/me/notifications/").json()
    assert listed[0]["kind"] == "comment_reply"
    assert listed[0]["url"].endswith(f"#c-{notification.params['reply']}")
    assert deliveries_send() == {"sent": 0, "retry": 0, "failed": 0, "empty": 0}

    wants_mail(citizen, replies="instant")
    _reply(paragraph, citizen, other_citizen, body="Zweite Antwort")
    assert deliveries_send()["sent"] == 1
    assert deliveries_send()["sent"] == 0  # never twice
    (mail,) = smtp.messages
    assert mail["To"] == citizen.email
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].strip().startswith("<https://beteiligung.example.org/")
    assert mail.get_body(("plain",)).get_content().count("Zweite Antwort") == 1
    html = mail.get_body(("html",)).get_content()
    assert '<html lang="de">' in html and "Zweite Antwort" in html
    assert "beteiligung@example.org" in html  # the operator's contact
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_the_mail_is_in_the_language_the_person_last_used(smtp, citizen, wants_mail):
    wants_mail(citizen, account="instant")
    MailProfile.objects.create(user=citizen, language="en")
    notify(user=citizen, kind="account_unblocked", url="/")
    deliveries_send()
    (mail,) = smtp.messages
    assert "Your account can write again." in mail.get_body(("plain",)).get_content()
    assert '<html lang="en">' in mail.get_body(("html",)).get_content()
    assert mail["List-Unsubscribe"].strip().startswith("<https://beteiligung.example.org/en/")


def test_the_language_used_on_the_site_is_remembered(client, citizen):
    client.force_login(citizen)
    client.get("/en/")
    assert MailProfile.objects.get(user=citizen).language == "en"
    client.get("/")
    assert MailProfile.objects.get(user=citizen).language == "de"


def test_the_api_and_the_admin_do_not_change_the_language_one_reads_in(client, citizen):
    """The JSON API (always the default language, or ?lang=) is not a page one reads: an app
    polling it must not switch the person's mails back to German."""
    client.force_login(citizen)
    client.get("/en/")
    for address in ("/api/me/notifications/", "/api/me/notifications/?lang=en", "/api/drafts/"):
        assert client.get(address).status_code == 200, address
        assert MailProfile.objects.get(user=citizen).language == "en", address


def test_a_mail_server_that_is_down_is_tried_again_later_and_nothing_is_lost(
    smtp, citizen, settings
):
    settings.NOTIFICATION_RETRY_SECONDS = 30
    notify(user=citizen, kind="account_unblocked", url="/")
    smtp.stop()
    assert deliveries_send() == {"sent": 0, "retry": 1, "failed": 0, "empty": 0}
    row = Delivery.objects.get()
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 1)
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert deliveries_send()["sent"] == 0  # not due yet
    smtp.start()
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send()["sent"] == 1
    assert deliveries_send()["sent"] == 0
    assert len(smtp.messages) == 1


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATION_RETRY_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(30) == timedelta(hours=6)


def test_after_the_last_attempt_the_mail_failed_for_good_and_is_logged(
    smtp, citizen, settings, caplog
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    settings.NOTIFICATION_RETRY_SECONDS = 0
    notify(user=citizen, kind="account_unblocked", url="/")
    smtp.stop()
    with caplog.at_level(logging.ERROR, logger="deliberation.notifications.delivery"):
        deliveries_send()
    row = Delivery.objects.get()
    assert (row.state, row.attempts) == (DeliveryState.FAILED, 2)
    assert "failed for good" in caplog.text and row.key in caplog.text


def test_two_workers_never_claim_the_same_mail(citizen, other_citizen):
    for user in (citizen, other_citizen):
        notify(user=user, kind="account_unblocked", url="/")
    first_token, first = deliveries_claim(limit=10)
    second_token, second = deliveries_claim(limit=10)
    assert len(first) == 2 and second == [] and second_token == ""
    assert set(Delivery.objects.values_list("claim", flat=True)) == {first_token}


def test_a_claim_of_a_worker_that_died_is_given_back(smtp, citizen):
    notify(user=citizen, kind="account_unblocked", url="/")
    deliveries_claim(limit=10)  # and the worker dies
    Delivery.objects.update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert deliveries_send()["sent"] == 1


def test_off_means_nothing_and_no_address_means_no_mail(citizen, wants_mail, paragraph, make_user):
    wants_mail(citizen, replies="off")
    _reply(paragraph, citizen, make_user("carla"))
    assert not Notification.objects.filter(user=citizen, kind="comment_reply").exists()
    citizen.email = ""
    citizen.save()
    wants_mail(citizen, replies="instant")
    _reply(paragraph, citizen, make_user("dora"))
    assert Notification.objects.get(user=citizen, kind="comment_reply").delivery is None


def test_nobody_is_told_of_their_own_reply(paragraph, citizen):
    _reply(paragraph, citizen, citizen)
    assert not Notification.objects.filter(kind="comment_reply").exists()


@pytest.mark.django_db(transaction=True)
def test_several_smtp_connections_send_every_mail_once(smtp, settings, make_user):
    settings.NOTIFICATION_SMTP_CONNECTIONS = 3
    people = [make_user(f"leser{i}") for i in range(10)]
    for person in people:
        notify(user=person, kind="account_unblocked", url="/")
    assert deliveries_send(limit=7) == {"sent": 10, "retry": 0, "failed": 0, "empty": 0}
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_each_periodic_job_starts_once_per_slot_however_many_workers_ask(monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from deliberation.notifications import schedule

    monkeypatch.setattr(schedule, "_seen", {})
    started = schedule.jobs_enqueue_due()
    assert set(started) == set(schedule.JOBS)
    assert DBTaskResult.objects.count() == len(schedule.JOBS)
    monkeypatch.setattr(schedule, "_seen", {})  # another worker process: it asks the database
    assert schedule.jobs_enqueue_due() == []
    assert DBTaskResult.objects.count() == len(schedule.JOBS)


def test_a_daily_slot_starts_at_seven_local_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from deliberation.notifications.schedule import JOBS, job_slot

    berlin = ZoneInfo("Europe/Berlin")
    slot = job_slot(JOBS["digest_daily"], datetime(2026, 12, 2, 6, 59, tzinfo=berlin))
    assert (slot.day, slot.hour) == (1, 7)
    weekly = job_slot(JOBS["digest_weekly"], datetime(2026, 12, 2, 8, 0, tzinfo=berlin))
    assert (weekly.weekday(), weekly.hour) == (0, 7)  # Monday
