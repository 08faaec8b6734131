"""Local clock times on the nights the clocks change (Europe/Berlin)."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberation.localtime import local_moment
from deliberation.process.models import PublicSession
from tests.process.helpers import make_process

SPRING = date(2027, 3, 28)  # 02:00 -> 03:00
AUTUMN = date(2027, 10, 31)  # 03:00 -> 02:00


@pytest.mark.parametrize(
    ("day", "clock", "utc", "noted"),
    [
        (SPRING, time(1, 59), "00:59", False),
        (SPRING, time(3, 0), "01:00", False),
        (AUTUMN, time(1, 59), "23:59", False),
        (AUTUMN, time(2, 30), "00:30", True),  # the first 02:30, still summer time
        (AUTUMN, time(3, 0), "02:00", False),
        (date(2027, 7, 1), time(18, 0), "16:00", False),
    ],
)
def test_local_moments(day, clock, utc, noted):
    moment, note = local_moment(day, clock)
    assert f"{(moment - moment.utcoffset()).replace(tzinfo=None):%H:%M}" == utc
    assert bool(note) == noted


@pytest.mark.parametrize("clock", [time(2, 0), time(2, 30), time(2, 59)])
def test_a_skipped_time_is_refused(clock):
    with pytest.raises(ValidationError) as info:
        local_moment(SPRING, clock)
    assert info.value.code == "nonexistent"


def session(**extra) -> dict:
    return {
        "title": "Nachtsitzung",
        "date": SPRING.isoformat(),
        "start_time": "02:30",
        "end_time": "03:30",
        "place": "",
        **extra,
    }


@pytest.mark.django_db
def test_a_session_at_a_time_that_does_not_exist_is_refused_with_a_reason(client, wg):
    process = make_process()
    client.force_login(wg)
    response = client.post(reverse("session_create", args=[process.slug]), session())
    assert response.status_code == 400
    errors = response.context["form"].errors["start_time"]
    assert "02:30 gibt es am 28. März 2027 nicht" in errors[0], errors
    assert not PublicSession.objects.exists()


@pytest.mark.django_db
def test_a_session_at_a_doubled_time_takes_the_first_and_says_so(client, wg):
    process = make_process()
    client.force_login(wg)
    data = session(date=AUTUMN.isoformat(), start_time="02:15", end_time="04:00")
    page = client.post(reverse("session_create", args=[process.slug]), data, follow=True)
    stored = PublicSession.objects.get()
    assert stored.ends_at - stored.starts_at == timedelta(hours=2, minutes=45)
    html = page.content.decode()
    assert "02:15 gibt es am 31. Oktober 2027 zweimal" in html and "CEST" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "says", "opened"),
    [
        ("2027-03-28T02:30", "02:30 gibt es am 28. März 2027 nicht", False),
        ("2027-10-31T02:30", "02:30 gibt es am 31. Oktober 2027 zweimal", True),
    ],
)
def test_the_closing_time_of_a_consultation_on_a_changing_night(
    client, wg, make_draft, typed, says, opened
):
    draft = make_draft(open=False, slug="nachts")
    client.force_login(wg)
    page = client.post(f"/drafts/{draft.slug}/open/", {"closes_at": typed}, follow=True)
    assert says in page.content.decode()
    draft.refresh_from_db()
    assert (draft.closes_at is not None) == opened
