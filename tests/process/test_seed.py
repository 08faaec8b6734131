"""The demo process from `seed_demo`: complete, linked to the demo draft, and safe to run twice."""

import pytest
from django.utils import timezone

from deliberation.demo.seed import DEMO_SLUG, PROCESS_SLUG, seed
from deliberation.process.models import Process

pytestmark = pytest.mark.django_db


def test_demo_process(client):
    seed()
    seed()
    process = Process.objects.get()
    assert process.slug == PROCESS_SLUG and process.title == "Leitlinien für Bürgerbeteiligung"
    steps = list(process.milestones.values_list("title", "state"))
    assert steps == [
        ("Auftakt", "done"),
        ("Arbeitskreis erarbeitet Entwurf", "done"),
        ("Online-Beteiligung", "current"),
        ("Überarbeitung", "planned"),
        ("Beschluss im Stadtrat", "planned"),
    ]
    past, coming = process.sessions.order_by("starts_at")
    now = timezone.now()
    assert past.ends_at < now < coming.starts_at
    assert timezone.localtime(past.starts_at).strftime("%H:%M") == "18:00"
    assert "Rathausfoyer" in past.place
    assert coming.is_hybrid
    (protocol,) = process.documents.all()
    assert protocol.kind == "protocol" and protocol.is_markdown and protocol.session == past
    assert list(process.drafts.values_list("slug", flat=True)) == [DEMO_SLUG]

    html = client.get(process.get_absolute_url()).content.decode()
    assert "aktueller Schritt" in html and "Ergebnisprotokoll der Auftaktveranstaltung" in html
    assert client.get(protocol.get_absolute_url()).status_code == 200
    assert client.get("/api/processes/").json()[0]["drafts"] == [DEMO_SLUG]
