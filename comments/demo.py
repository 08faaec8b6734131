"""The comments' part of the demo data (deliberation/demo/seed.py runs it): the demo draft, the
comments and votes of its first round, its second version and a comment on that."""

from django.db import transaction

from deliberation.demo.seed import DEMO_SLUG, FILES, PROCESS_SLUG
from deliberation.process.models import Process
from drafts.models import Draft, ModerationMode
from drafts.services import draft_create, draft_open, draft_publish_version

from .services import comment_create, vote_cast

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


def _in_demo_process(draft: Draft) -> None:
    process = Process.objects.filter(slug=PROCESS_SLUG).first()
    if process is not None and draft.process_id != process.pk:
        draft.process = process
        draft.save(update_fields=["process"])


@transaction.atomic
def seed_demo(*, users: dict) -> None:
    """The demo draft in two versions with comments and votes on the first, in the demo process."""
    existing = Draft.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        _in_demo_process(existing)
        return
    author = users["arbeitskreis"]
    draft = draft_create(
        title="Leitlinien für Bürgerbeteiligung der Stadt Musterstadt",
        slug=DEMO_SLUG,
        introduction="Der Arbeitskreis Bürgerbeteiligung aus Rat, Verwaltung und Bürgerschaft hat diese "
        "Leitlinien entworfen. Bis zum Ende der Beteiligung können Sie jeden Absatz kommentieren und "
        "bewerten. Der Arbeitskreis beantwortet jeden Kommentar.",
        text=(FILES / "leitlinien_v1.md").read_text(encoding="utf-8"),
        user=author,
        moderation=ModerationMode.POST,
        message="Entwurf des Arbeitskreises",
    )
    draft_open(draft=draft)
    _in_demo_process(draft)

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
        text=(FILES / "leitlinien_v2.md").read_text(encoding="utf-8"),
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
