"""End to end: the real worker process (`manage.py worker`) and a real SMTP server.

The test writes through the services as the site does, commits (transactional_db: the worker
is another process on the same database file or PostgreSQL database), and waits for what the
worker hands to the SMTP server. Waiting is bounded but generous; nothing asserts speed.
"""

import time

import pytest
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.feedback import services as answers
from comments.services import comment_create
from deliberation.models import Delivery, DeliveryState, ScheduledRun
from deliberation.notifications import notification_settings_save, notify
from deliberation.notifications.schedule import JOBS
from deliberation.notifications.tasks import job_run
from drafts.services import draft_publish_version
from tests.notifications.helpers import NEW_TEXT
from tests.servers import smtp_server, worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SITE = "https://beteiligung.example.org"


@pytest.fixture
def mail_and_worker(settings, tmp_path):
    settings.SITE_URL = SITE
    with smtp_server() as sink:
        env = {**sink.settings(), "SITE_URL": SITE, "NOTIFICATION_RETRY_SECONDS": "1"}
        with worker(log=tmp_path / "worker.log", **env) as process:
            # Its first cycle runs every periodic job once (the slot it started in): let those
            # finish, so that the digest below is the test's own and not split by the clock.
            _until(lambda: ScheduledRun.objects.count() >= len(JOBS), process)
            _until(lambda: not _tasks_waiting(), process)
            yield sink, process, tmp_path / "worker.log"


def _tasks_waiting() -> bool:
    busy = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return DBTaskResult.objects.filter(status__in=busy).exists()


def _until(condition, process=None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise RuntimeError("the worker stopped")
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not get there in time")
        time.sleep(0.05)


def _log(path) -> str:
    return path.read_text() if path.exists() else ""


def test_a_reply_reaches_the_author_on_the_site_at_once_and_by_mail_from_the_worker(
    mail_and_worker, paragraph, citizen, other_citizen
):
    sink, _process, _log_path = mail_and_worker
    notification_settings_save(user=citizen, choices={"replies": "instant"})
    parent = comment_create(user=citizen, paragraph=paragraph, body="Mehr Bänke im Park.")
    reply = comment_create(
        user=other_citizen, paragraph=paragraph, body="Und Schatten!", parent=parent
    )
    client = Client()
    client.force_login(citizen)
    (item,) = client.get("/api/me/notifications/").json()
    assert item["kind"] == "comment_reply" and item["url"].endswith(f"#c-{reply.pk}")
    sink.wait_for(1)
    assert "Und Schatten!" in sink.messages[0].get_body(("plain",)).get_content()
    assert f"#c-{reply.pk}" in sink.messages[0].get_body(("html",)).get_content()


def test_smtp_down_is_retried_and_the_mail_delivered_once_when_it_is_back(
    mail_and_worker, paragraph, citizen, other_citizen
):
    sink, _process, log = mail_and_worker
    sink.stop()
    notification_settings_save(user=citizen, choices={"replies": "instant"})
    parent = comment_create(user=citizen, paragraph=paragraph, body="Mehr Bänke im Park.")
    comment_create(user=other_citizen, paragraph=paragraph, body="Ja!", parent=parent)
    # The worker tries, fails and writes the failure down: the row waits with its attempts.
    delivery = Delivery.objects.get()
    _until(lambda: Delivery.objects.get(pk=delivery.pk).attempts >= 2)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.last_error, _log(log)
    sink.start()
    sink.wait_for(1)
    _until(lambda: Delivery.objects.get(pk=delivery.pk).state == DeliveryState.SENT)
    # Later cycles send nothing more.
    comment_create(user=other_citizen, paragraph=paragraph, body="Noch eine.", parent=parent)
    sink.wait_for(2)
    bodies = [m.get_body(("plain",)).get_content() for m in sink.messages]
    assert sum("Ja!" in body for body in bodies) == 1


def test_a_digest_is_one_mail_with_all_items_and_the_unsubscribe_link_stops_mail(
    mail_and_worker, paragraph, citizen, make_user
):
    sink, _process, log = mail_and_worker
    notification_settings_save(user=citizen, choices={"replies": "daily"})
    parent = comment_create(user=citizen, paragraph=paragraph, body="Mehr Bänke im Park.")
    for name in ("carla", "dora", "emil"):
        comment_create(
            user=make_user(name), paragraph=paragraph, body=f"Gruß von {name}", parent=parent
        )
    job_run.enqueue(name="digest_daily", slot="2026-11-30T07:00:00+01:00")
    (digest,) = sink.wait_for(1)
    text = digest.get_body(("plain",)).get_content()
    assert all(f"Gruß von {name}" in text for name in ("carla", "dora", "emil"))
    assert "Leitlinien" in text  # grouped under its draft
    # Nothing twice: the same slot again (a second worker) and the next day find nothing new.
    job_run.enqueue(name="digest_daily", slot="2026-11-30T07:00:00+01:00")
    job_run.enqueue(name="digest_daily", slot="2026-12-01T07:00:00+01:00")

    # The one-click unsubscribe, as a mail program does it: POST, no session, no CSRF token.
    url = digest["List-Unsubscribe"].strip()[1:-1].removeprefix(SITE)
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    comment_create(user=make_user("fritz"), paragraph=paragraph, body="Noch was", parent=parent)
    job_run.enqueue(name="digest_daily", slot="2026-12-02T07:00:00+01:00")
    # A mail to someone else after all that: when it is there, the worker has done the rest.
    notify(user=make_user("gustav"), kind="account_unblocked", url="/")
    sink.wait_for(2)
    _until(lambda: not _tasks_waiting())
    assert [m["To"] for m in sink.messages] == [citizen.email, "gustav@example.org"], _log(log)


def test_answers_published_at_once_reach_their_authors_with_disposition_reply_and_diff(
    mail_and_worker, draft, paragraph, citizen, wg
):
    sink, _process, log = mail_and_worker
    notification_settings_save(user=citizen, choices={"answers": "instant"})
    comment = comment_create(user=citizen, paragraph=paragraph, body="Bitte die Umwelt nennen.")
    draft_publish_version(draft=draft, text=NEW_TEXT, message="Umwelt ergänzt", user=wg)
    answers.answer_save(
        user=wg, comment=comment, disposition="adopted", reply="Ist ergänzt.", version=2
    )
    assert answers.answers_publish_drafted(user=wg, draft=draft) == 1
    (mail,) = sink.wait_for(1)
    text = mail.get_body(("plain",)).get_content()
    assert "übernommen. Übernommen in Fassung 2." in text, _log(log)
    assert "Ist ergänzt." in text and "{+und die Umwelt+}" in text
    assert "<ins>" in mail.get_body(("html",)).get_content()
