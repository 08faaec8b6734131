"""`GET /api/processes/`: the contract's shape, current processes first, visible drafts only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.process import services
from tests.process.helpers import make_process

pytestmark = pytest.mark.django_db


def _link(draft, process):
    draft.process = process
    draft.save(update_fields=["process"])


def test_process_list_shape_and_draft_visibility(client, make_draft, wg, citizen):
    done = make_process(slug="alt", title="Altes Verfahren")
    services.milestone_create(
        process=done, title="Beschluss", starts_on=timezone.localdate(), state="done"
    )
    process = make_process()
    _link(make_draft(slug="offen"), process)
    _link(make_draft(slug="vorbereitung", open=False), process)
    make_draft(slug="ohne-verfahren")

    data = client.get("/api/processes/").json()
    assert data == [
        {"slug": "leitlinien", "title": "Leitlinien für Bürgerbeteiligung", "drafts": ["offen"]},
        {"slug": "alt", "title": "Altes Verfahren", "drafts": []},
    ]
    client.force_login(citizen)
    assert client.get("/api/processes/").json()[0]["drafts"] == ["offen"]
    client.force_login(wg)
    assert sorted(client.get("/api/processes/").json()[0]["drafts"]) == ["offen", "vorbereitung"]


def test_future_opening_counts_as_preparation(client, make_draft):
    process = make_process()
    draft = make_draft(slug="bald", open=False)
    draft.opens_at = timezone.now() + timedelta(days=2)
    draft.process = process
    draft.save(update_fields=["opens_at", "process"])
    assert client.get("/api/processes/").json()[0]["drafts"] == []


def test_only_get(client):
    response = client.post("/api/processes/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_final_draft_that_never_opened_is_shown_alike_everywhere(client, make_draft, citizen):
    """One visibility rule (Draft.objects.visible_to): the process API and page, the home page
    and the drafts API once disagreed about a draft adopted as final without a consultation."""
    process = make_process()
    final = make_draft(slug="beschlossen", open=False, title="Beschlossene Leitlinien")
    final.is_final = True
    final.process = process
    final.save(update_fields=["is_final", "process"])
    hidden = make_draft(slug="vorbereitung", open=False, title="In Vorbereitung")
    hidden.process = process
    hidden.save(update_fields=["process"])
    client.force_login(citizen)

    assert client.get("/api/processes/").json()[0]["drafts"] == ["beschlossen"]
    assert [d["slug"] for d in client.get("/api/drafts/").json()] == ["beschlossen"]
    for page in (process.get_absolute_url(), "/"):
        html = client.get(page).content.decode()
        assert "Beschlossene Leitlinien" in html and "In Vorbereitung" not in html, page
    assert client.get(final.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404
