"""One absolute address for links that leave the page (deliberation/siteurl.py).

Before, the room view's QR code preferred SITE_URL, the calendar files never looked at it (a
calendar entry behind a proxy linked to the internal host), and the mails fell back to the
development address: three precedence rules for one thing.
"""

import icalendar
import pytest
from django.test import RequestFactory
from django.urls import reverse

from deliberation.siteurl import DEV_SITE_URL, site_url
from tests.process.helpers import make_process, make_session

SITE = "https://beteiligung.example.org"


def test_site_url_prefers_the_configured_address_then_the_request_then_the_dev_server(settings):
    settings.ALLOWED_HOSTS = ["intern"]
    request = RequestFactory().get("/", HTTP_HOST="intern:8001")
    settings.SITE_URL = SITE
    assert site_url("/drafts/a/", request) == f"{SITE}/drafts/a/"
    assert site_url("/drafts/a/") == f"{SITE}/drafts/a/"
    assert site_url() == SITE
    settings.SITE_URL = ""
    assert site_url("/drafts/a/", request) == "http://intern:8001/drafts/a/"
    assert site_url(request=request) == "http://intern:8001"
    assert site_url("/drafts/a/") == f"{DEV_SITE_URL}/drafts/a/"


@pytest.mark.django_db
@pytest.mark.parametrize("configured", [SITE, ""])
def test_calendar_and_qr_code_and_api_links_name_the_same_host(client, draft, settings, configured):
    settings.SITE_URL = configured
    base = configured or "http://testserver"
    process = make_process()
    session = make_session(process, days=5)
    ics = client.get(reverse("session_ics", args=[process.slug, session.pk])).content
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["URL"]) == f"{base}/processes/{process.slug}/#session-{session.pk}"
    room = client.get(f"/drafts/{draft.slug}/room/").content.decode()
    assert f"{base}/drafts/{draft.slug}/" in room
