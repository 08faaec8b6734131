"""Demo data for `make run`: one user per role, an open draft in two versions, some feedback.

Like urls.py this is wiring: it may name the apps. Safe to run twice.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from deliberation.accounts.confirmation import email_confirm, is_confirmed
from deliberation.roles import role_grant

DEMO_PASSWORD = "demo-passwort-2026"  # noqa: S105 - printed by `make run`, demo only
DEMO_USERS = {"buergerin": None, "moderation": "moderator", "arbeitskreis": "working_group"}
CITIZENS = ["anna_k", "bernd", "cem", "dorothea", "emil"]
DEMO_SLUG = "leitlinien-buergerbeteiligung"
HERE = Path(__file__).resolve().parent

COMMENTS = [
    # (author, paragraph index among text blocks, text, reply to the comment at that index or None)
    (
        "anna_k",
        6,
        "Die Vorhabenliste ist ein guter Anfang. Sie sollte aber auch Vorhaben enthalten, "
        "über die der Stadtrat noch gar nicht beraten hat.",
        None,
    ),
    (
        "bernd",
        6,
        "Dem stimme ich zu. Je früher wir davon erfahren, desto mehr können wir noch ändern.",
        0,
    ),
    (
        "cem",
        8,
        "250 Unterschriften sind für kleine Stadtteile eine hohe Hürde. Vielleicht eine "
        "Staffelung nach Einwohnerzahl?",
        None,
    ),
    (
        "dorothea",
        8,
        "Warum erst ab 14 Jahren? Jugendliche ab 12 sind in der Schule sehr engagiert.",
        None,
    ),
    (
        "emil",
        13,
        "Bitte auch an Menschen denken, die abends nicht zu Veranstaltungen kommen können: "
        "Schichtarbeit, Pflege, kleine Kinder.",
        None,
    ),
    ("cem", 12, "Diese Ausnahme ist zu weit gefasst: Wer entscheidet, was dringend ist?", None),
    (
        "anna_k",
        17,
        "Drei Monate für die Rückmeldung sind zu lang, dann ist das Thema vergessen.",
        None,
    ),
]
VOTES = [
    ("anna_k", 6, "agree"),
    ("bernd", 6, "agree"),
    ("cem", 6, "neutral"),
    ("cem", 8, "disagree"),
    ("dorothea", 8, "disagree"),
    ("emil", 8, "agree"),
    ("emil", 13, "agree"),
    ("bernd", 17, "disagree"),
    ("dorothea", 12, "disagree"),
]


def seed(stdout=None) -> None:
    users = _users()
    _draft(users)
    _process()
    _contributions(users)
    if stdout:
        stdout.write(gettext("Demo data ready."))


def _users() -> dict:
    user_model = get_user_model()
    users = {}
    for name in [*DEMO_USERS, *CITIZENS]:
        user, created = user_model.objects.get_or_create(
            username=name, defaults={"email": f"{name}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not is_confirmed(user):  # demo accounts write at once, as confirmed ones do
            email_confirm(user=user)
        role = DEMO_USERS.get(name)
        if role:
            role_grant(user=user, role=role)
        users[name] = user
    return users


@transaction.atomic
def _draft(users) -> None:
    from comments.services import comment_create, vote_cast
    from drafts.models import Draft, ModerationMode
    from drafts.services import draft_create, draft_open, draft_publish_version

    if Draft.objects.filter(slug=DEMO_SLUG).exists():
        return
    author = users["arbeitskreis"]
    draft = draft_create(
        title="Leitlinien für Bürgerbeteiligung der Stadt Musterstadt",
        slug=DEMO_SLUG,
        introduction="Der Arbeitskreis Bürgerbeteiligung aus Rat, Verwaltung und Bürgerschaft hat diese "
        "Leitlinien entworfen. Bis zum Ende der Beteiligung können Sie jeden Absatz kommentieren und "
        "bewerten. Der Arbeitskreis beantwortet jeden Kommentar.",
        text=(HERE / "leitlinien_v1.md").read_text(encoding="utf-8"),
        user=author,
        moderation=ModerationMode.POST,
        message="Entwurf des Arbeitskreises",
    )
    draft_open(draft=draft)

    def text_paragraphs():
        return list(
            draft.paragraphs.filter(archived=False).exclude(kind="heading").order_by("position")
        )

    paragraphs = text_paragraphs()
    written: list = []
    for name, index, body, reply_to in COMMENTS:
        parent = written[reply_to] if reply_to is not None else None
        written.append(
            comment_create(user=users[name], paragraph=paragraphs[index], body=body, parent=parent)
        )
    for name, index, choice in VOTES:
        vote_cast(user=users[name], paragraph=paragraphs[index], choice=choice)

    draft_publish_version(
        draft=draft,
        text=(HERE / "leitlinien_v2.md").read_text(encoding="utf-8"),
        user=author,
        message="Anregungen aus der ersten Runde übernommen: Quorum, Altersgrenze, Fristen",
    )
    paragraphs = text_paragraphs()
    comment_create(
        user=users["bernd"],
        paragraph=paragraphs[-1],
        body="Gut, dass der Bericht jetzt vollständig veröffentlicht wird.",
    )
    # Musterstadt, like Kaiserslautern, releases every new comment before it appears.
    draft.moderation = ModerationMode.PRE
    draft.save(update_fields=["moderation"])


PROCESS_SLUG = "leitlinien-buergerbeteiligung"
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
def _process() -> None:
    """The participation process around the demo draft: timeline, two sessions, a protocol."""
    from datetime import datetime, time, timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from deliberation.process import services
    from deliberation.process.models import Process
    from drafts.models import Draft

    process = Process.objects.filter(slug=PROCESS_SLUG).first()
    if process is None:
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
                (HERE / "protokoll_auftakt.md").read_bytes(), name="protokoll-auftakt.md"
            ),
        )
    draft = Draft.objects.filter(slug=DEMO_SLUG).first()
    if draft is not None and draft.process_id != process.pk:
        draft.process = process
        draft.save(update_fields=["process"])


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
def _contributions(users) -> None:
    """What the kickoff's theme tables noted, entered by the working group (once)."""
    from datetime import timedelta

    from django.utils import timezone

    from comments.models import Channel, Comment
    from comments.offline.services import offline_contributions_create_bulk
    from deliberation.process.models import PublicSession
    from drafts.models import Draft

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
