"""The URL map is mounted by prefix (deliberation/urls.py): one draft's addresses under
drafts/<slug>/, the moderators' under moderation/, and each app lists them relative to that.
A pattern written out in full inside a relative list would double the prefix silently."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from comments import urls as comment_urls
from comments.feedback import urls as feedback_urls
from comments.moderation import urls as moderation_urls
from comments.offline import urls as offline_urls

RELATIVE_TO_A_DRAFT = [
    comment_urls.draft_urlpatterns,
    moderation_urls.draft_urlpatterns,
    offline_urls.draft_urlpatterns,
    feedback_urls.draft_urlpatterns,
]


def routes(patterns, prefix: str = "") -> list[str]:
    """Every address pattern below `patterns`, written out from the root ("drafts/<slug:slug>/")."""
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def test_relative_lists_do_not_repeat_their_prefix():
    for patterns in RELATIVE_TO_A_DRAFT:
        assert [r for r in routes(patterns) if r.startswith("drafts/")] == []
    assert [r for r in routes(moderation_urls.urlpatterns) if r.startswith("moderation/")] == []


@pytest.mark.parametrize("doubled", ["drafts/<slug:slug>/drafts/", "moderation/moderation/"])
def test_no_address_carries_a_prefix_twice(doubled):
    assert [r for r in routes(get_resolver().url_patterns) if doubled in r] == []


def test_a_draft_and_the_moderation_keep_their_addresses(client):
    from django.urls import reverse

    assert reverse("draft_detail", args=["d"]) == "/drafts/d/"
    assert reverse("draft_room", args=["d"]) == "/drafts/d/room/"
    assert reverse("draft_feedback_csv", args=["d"]) == "/drafts/d/feedback.csv"
    assert reverse("comment_flag", args=["d", 3]) == "/drafts/d/comments/3/report/"
    assert reverse("moderation_queue") == "/moderation/"
    assert reverse("moderation_log_csv") == "/moderation/log.csv"
