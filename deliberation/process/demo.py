"""The process app's part of the demo data (deliberation/demo/seed.py runs it): the demo process
with its timeline, two sessions and the kickoff's protocol. The drafts join it from their side."""

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from deliberation.demo.seed import FILES, PROCESS_SLUG

from . import services
from .models import Process

MILESTONES = [
    # (title, description, start in days from today, end or None, state)
    (
        "Auftakt",
        "Öffentliche Auftaktveranstaltung im Rathausfoyer: Worum geht es, wer macht mit?",
        -35,
        None,
        "done",
    ),
    (
        "Arbeitskreis erarbeitet Entwurf",
        "Rat, Verwaltung und Bürgerschaft schreiben gemeinsam den Entwurf der Leitlinien.",
        -34,
        -1,
        "done",
    ),
    (
        "Online-Beteiligung",
        "Alle können den Entwurf Absatz für Absatz kommentieren und bewerten.",
        0,
        21,
        "current",
    ),
    (
        "Überarbeitung",
        "Der Arbeitskreis beantwortet jeden Kommentar und überarbeitet den Entwurf.",
        22,
        50,
        "planned",
    ),
    (
        "Beschluss im Stadtrat",
        "Der Stadtrat berät die Leitlinien öffentlich und beschließt sie.",
        70,
        None,
        "planned",
    ),
]


@transaction.atomic
def seed_demo(*, users: dict) -> None:
    """The participation process around the demo draft: timeline, two sessions, a protocol."""
    if Process.objects.filter(slug=PROCESS_SLUG).exists():
        return
    process = services.process_create(
        title="Leitlinien für Bürgerbeteiligung",
        slug=PROCESS_SLUG,
        description="Musterstadt gibt sich Leitlinien für Bürgerbeteiligung. Ein Arbeitskreis "
        "aus Stadtrat, Verwaltung und Bürgerschaft hat einen Entwurf geschrieben, den jetzt "
        "alle kommentieren können. Danach überarbeitet der Arbeitskreis den Text, und der "
        "Stadtrat beschließt ihn.\n\nAlle Sitzungen des Arbeitskreises sind öffentlich.",
        contact_name="Koordinierungsstelle Bürgerbeteiligung",
        contact_email="beteiligung@example.org",
        contact_phone="0123 456 78-90",
        contact_address="Rathaus, Zimmer 112\nMarktplatz 1\n12345 Musterstadt",
    )
    today = timezone.localdate()
    for position, (title, description, start, end, state) in enumerate(MILESTONES, 1):
        services.milestone_create(
            process=process,
            title=title,
            description=description,
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end) if end is not None else None,
            state=state,
            position=position * 10,
        )
    zone = timezone.get_default_timezone()

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        day = today + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, time(hour, minute)), zone)

    kickoff = services.session_create(
        process=process,
        title="Auftaktveranstaltung",
        starts_at=at(-35, 18),
        ends_at=at(-35, 20, 15),
        place="Rathausfoyer, Marktplatz 1",
        place_accessibility="Stufenloser Zugang über den Seiteneingang, Aufzug, "
        "barrierefreies WC, Induktionsschleife.",
        description="Wir stellen das Vorhaben und den Arbeitskreis vor und sammeln erste "
        "Anregungen an Thementischen.",
        listeners_welcome=True,
        took_place=True,
    )
    services.session_create(
        process=process,
        title="Öffentliche Sitzung des Arbeitskreises: Zwischenstand der Online-Beteiligung",
        starts_at=at(10, 18, 30),
        ends_at=at(10, 20, 30),
        place="Bürgerhaus Mitte, Saal 2, Lindenstraße 5",
        place_accessibility="Stufenloser Zugang, Gebärdensprachdolmetschung auf Anfrage bis "
        "eine Woche vorher.",
        description="Der Arbeitskreis bespricht die bisherigen Kommentare. Sie können vor Ort "
        "oder online zuhören; am Ende gibt es eine Fragerunde.",
        listeners_welcome=True,
        online_url="https://meet.example.org/leitlinien-arbeitskreis",
    )
    services.document_create(
        process=process,
        session=kickoff,
        title="Ergebnisprotokoll der Auftaktveranstaltung",
        kind="protocol",
        date=kickoff.starts_at.date(),
        file=ContentFile(
            (FILES / "protokoll_auftakt.md").read_bytes(), name="protokoll-auftakt.md"
        ),
    )
