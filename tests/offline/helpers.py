"""Plain helpers of the offline tests (fixtures are in conftest.py)."""

import json
from datetime import date, timedelta

from django.utils import timezone

from deliberation.models import Event
from deliberation.process.models import Process, PublicSession

WORKSHOP_DAY = date(2026, 3, 21)


def text_paragraphs(draft):
    return list(draft.paragraphs.filter(archived=False).exclude(kind="heading"))


def new_url(draft):
    return f"/drafts/{draft.slug}/contributions/new/"


def make_session(draft, title="Workshop im Bürgerhaus", days_ago=3):
    process = Process.objects.create(title="Leitlinien", slug=f"p-{draft.slug}")
    draft.process = process
    draft.save(update_fields=["process"])
    start = timezone.now() - timedelta(days=days_ago)
    return PublicSession.objects.create(
        process=process, title=title, starts_at=start, ends_at=start + timedelta(hours=2)
    )


def created_events():
    return [json.loads(e.text) for e in Event.objects.filter(type="comment.created")]


def form_data(draft, rows, **shared):
    data = {
        "rows": str(max(len(rows), 10)),
        "channel": "workshop",
        "contributed_on": "2026-03-21",
        "place": "Rathausfoyer",
        **shared,
    }
    for number, (paragraph, body, pseudonym) in enumerate(rows, 1):
        data[f"row-{number}-paragraph"] = str(paragraph.key) if paragraph else ""
        data[f"row-{number}-body"] = body
        data[f"row-{number}-pseudonym"] = pseudonym
    return data
