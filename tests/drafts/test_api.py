import pytest

from drafts.services import draft_publish_version
from tests.data import DRAFT_TEXT

pytestmark = pytest.mark.django_db


def test_draft_list(client, draft, make_draft):
    make_draft(slug="in-vorbereitung", open=False)
    data = client.get("/api/drafts/").json()
    assert [d["slug"] for d in data] == ["leitlinien"], (
        "drafts in preparation are not listed for citizens"
    )
    assert set(data[0]) == {"slug", "title", "status", "opens_at", "closes_at", "version"}
    assert data[0]["status"] == "consultation" and data[0]["version"] == 1


def test_draft_detail_with_counts(client, draft):
    data = client.get("/api/drafts/leitlinien/").json()
    assert data["slug"] == "leitlinien" and data["version"] == 1
    first = data["paragraphs"][0]
    assert set(first) == {"key", "position", "kind", "html", "counts"}
    assert first["counts"] == {"agree": 0, "disagree": 0, "neutral": 0, "comments": 0}


def test_draft_detail_of_an_older_version(client, draft, wg):
    draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="m", user=wg
    )
    old = client.get("/api/drafts/leitlinien/?version=1").json()
    assert old["version"] == 1
    assert any("Engagement" in p["html"] for p in old["paragraphs"])


@pytest.mark.parametrize("url", ["/api/drafts/gibtsnicht/", "/api/drafts/leitlinien/?version=9"])
def test_unknown_is_a_json_404(client, draft, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_bad_version_parameter_is_a_json_400(client, draft):
    response = client.get("/api/drafts/leitlinien/?version=abc")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_writes_are_not_allowed(client, draft):
    assert client.post("/api/drafts/").status_code == 405
