"""The offline app's part of the demo data (deliberation/demo/seed.py runs it): what the
kickoff's theme tables noted, entered by the working group."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from comments.models import Channel, Comment
from deliberation.demo.seed import DEMO_SLUG
from deliberation.process.models import PublicSession
from drafts.models import Draft

from .services import offline_contributions_create_bulk

CONTRIBUTIONS = [
    # (words in the paragraph, pseudonym, text): noted at the kickoff's theme tables
    (
        "Beteiligungsangebote richten sich an alle",
        "Teilnehmerin Tisch 3",
        "Veranstaltungen bitte auch am Wochenende anbieten, mit Kinderbetreuung und "
        "Gebärdensprachdolmetschung.",
    ),
    (
        "veröffentlicht eine Vorhabenliste",
        "Teilnehmer Tisch 1",
        "Die Vorhabenliste gehört auch in die Stadtteilbüros und in die Zeitung, nicht nur ins "
        "Internet.",
    ),
    (
        "Unterschriften können auf Papier",
        "",
        "Gut, dass Unterschriften auf Papier genauso zählen wie online.",
    ),
]


@transaction.atomic
def seed_demo(*, users: dict) -> None:
    """What the kickoff's theme tables noted, entered by the working group (once)."""
    draft = Draft.objects.filter(slug=DEMO_SLUG).first()
    if (
        draft is None
        or Comment.objects.filter(draft=draft).exclude(channel=Channel.ONLINE).exists()
    ):
        return
    session = (
        PublicSession.objects.filter(process_id=draft.process_id, starts_at__lt=timezone.now())
        .order_by("-starts_at")
        .first()
        if draft.process_id
        else None
    )
    day = (
        timezone.localtime(session.starts_at).date()
        if session
        else timezone.localdate() - timedelta(days=35)
    )
    paragraphs = list(draft.paragraphs.filter(archived=False).exclude(kind="heading"))
    rows = []
    for words, pseudonym, body in CONTRIBUTIONS:
        paragraph = next((p for p in paragraphs if words in p.text), None)
        if paragraph is not None:
            rows.append((str(paragraph.key), body, pseudonym))
    if rows:
        offline_contributions_create_bulk(
            user=users["arbeitskreis"],
            draft=draft,
            channel=Channel.WORKSHOP,
            contributed_on=day,
            place="" if session else "Rathausfoyer",
            session=session,
            rows=rows,
        )
