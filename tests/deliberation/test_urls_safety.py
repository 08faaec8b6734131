"""No `next` sends anyone off the site: the helper, and every view that redirects to a `next`."""

import pytest
from django.test import RequestFactory
from django.utils.html import escape

from comments import services
from deliberation.urls_safety import safe_next

OUTSIDE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " https://evil.example/",
    "http://testserver.evil.example/",
]
INSIDE = ["/moderation/?draft=a", "/drafts/x/?thread=1#c-2", "http://testserver/moderation/"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_a_target_off_the_site_gives_the_fallback(target):
    factory = RequestFactory()
    assert safe_next(factory.post("/x/", {"next": target}), "/back/") == "/back/"
    assert safe_next(factory.get("/x/", {"next": target}), "/back/") == "/back/"


@pytest.mark.parametrize("target", INSIDE)
def test_a_target_on_the_site_is_kept(target):
    assert safe_next(RequestFactory().post("/x/", {"next": target}), "/back/") == target


def test_https_requests_do_not_go_back_to_http():
    request = RequestFactory().get("/x/", {"next": "http://testserver/a/"}, secure=True)
    assert safe_next(request, "/back/") == "/back/"
    assert safe_next(RequestFactory().get("/x/"), "") == ""


# Every view that follows a `next` ----------------------------------------------------------------


@pytest.fixture
def pending_comments(pre_draft, citizen):
    paragraph = pre_draft.paragraphs.exclude(kind="heading").first()
    return [
        services.comment_create(user=citizen, paragraph=paragraph, body=f"Nr {i}") for i in range(2)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("target", OUTSIDE)
def test_moderators_decisions_stay_on_the_site(client, moderator, pending_comments, target):
    client.force_login(moderator)
    first, second = pending_comments
    decided = client.post(
        f"/moderation/items/{first.pk}/decide/", {"action": "release", "next": target}
    )
    assert decided.status_code == 302 and decided["Location"] == "/moderation/"
    bulk = client.post("/moderation/release/", {"comment": [second.pk], "next": target})
    assert bulk.status_code == 302 and bulk["Location"] == "/moderation/"


@pytest.mark.django_db
def test_moderators_decisions_return_to_the_filtered_queue(client, moderator, pending_comments):
    client.force_login(moderator)
    back = f"/moderation/?draft={pending_comments[0].draft.slug}"
    page = client.get(back).content.decode()
    assert f'name="next" value="{back}"' in page
    decided = client.post(
        f"/moderation/items/{pending_comments[0].pk}/decide/", {"action": "release", "next": back}
    )
    assert decided["Location"] == back
    fragment = client.get(f"/moderation/items/{pending_comments[1].pk}/").content.decode()
    assert 'name="next" value="/moderation/"' in fragment, "a live item leads back to the queue"


@pytest.mark.django_db
@pytest.mark.parametrize("target", OUTSIDE)
def test_signup_stays_on_the_site(client, citizen, target):
    page = client.get("/accounts/signup/", {"next": target}).content.decode()
    assert f'name="next" value="{escape(target)}"' not in page, "the form does not carry it on"
    client.force_login(citizen)
    assert client.get("/accounts/signup/", {"next": target})["Location"] == "/"
