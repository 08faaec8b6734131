"""The comments API pages its answer: `?after=ID&limit=N`, at most 1,000, `Link: rel="next"`."""

import re

import pytest

from comments import selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]


def next_link(response) -> str | None:
    match = re.fullmatch(r'<(http://testserver[^>]*)>; rel="next"', response.get("Link", ""))
    return match.group(1).removeprefix("http://testserver") if match else None


def test_pages_follow_the_link_in_id_order(client, draft, paragraph, citizen):
    ids = [
        services.comment_create(user=citizen, paragraph=paragraph, body=f"Nr. {n}").pk
        for n in range(5)
    ]
    url, seen, pages = f"/api/drafts/{draft.slug}/comments/?limit=2", [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()]
        url, pages = next_link(response), pages + 1
    assert seen == ids and pages == 3, "2 + 2 + 1, and no link after the last"
    rest = client.get(f"/api/drafts/{draft.slug}/comments/?after={ids[2]}").json()
    assert [row["id"] for row in rest] == ids[3:]


def test_the_link_keeps_the_filters(client, draft, paragraph, citizen):
    for n in range(3):
        services.comment_create(user=citizen, paragraph=paragraph, body=f"Nr. {n}")
    response = client.get(f"/api/drafts/{draft.slug}/comments/?paragraph={paragraph.key}&limit=1")
    assert f"paragraph={paragraph.key}" in next_link(response)


def test_the_default_and_the_most_is_a_thousand(client, draft, paragraph, citizen, monkeypatch):
    monkeypatch.setattr(selectors, "API_PAGE_MAX", 2)
    for n in range(3):
        services.comment_create(user=citizen, paragraph=paragraph, body=f"Nr. {n}")
    for query in ("", "?limit=5000"):
        response = client.get(f"/api/drafts/{draft.slug}/comments/{query}")
        assert len(response.json()) == 2 and next_link(response), query


@pytest.mark.parametrize("query", ["?after=x", "?limit=-1", "?limit=zwei"])
def test_bad_paging_parameters_are_a_json_400(client, draft, query):
    response = client.get(f"/api/drafts/{draft.slug}/comments/{query}")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_the_protocol_lists_every_parameter_the_comments_api_reads():
    """docs/protocol.md 10.5 names every query parameter comment_list reads (`?q=` and
    `?lang=` were missing while the code read them)."""
    import inspect
    import re
    from pathlib import Path

    from comments import api

    source = inspect.getsource(api.comment_list)
    read = set(re.findall(r'request\.GET(?:\.get\(|\[)"(\w+)"', source))
    read |= set(re.findall(r'int_param\(request, "(\w+)"', source))
    protocol = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
    section = protocol.split("### 10.5", 1)[1].split("### 10.6", 1)[0]
    assert read >= {"q", "lang", "paragraph", "since", "after", "limit"}
    assert {name for name in read if f"`?{name}=" not in section} == set()
