"""Every kind of HTML page, on the demo data made as wide as a city's first week makes it.

The demo gets what widened pages at 375 px before: a table in the draft (and so in the diff and
the moderation queue), a person with a long username whose comment is released, reported
(queue, log) and answered (answer list and table), and a long German compound in a comment.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from deliberation.demo.seed import DEMO_SLUG, PROCESS_SLUG, seed

LONG_NAME = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungsleserin"
CLOSED_SLUG = "abgeschlossen"
WIDE_TABLE = "\n".join(
    [
        "| Beteiligungsformat | Zielgruppe | Zeitpunkt | Zuständigkeit | Dokumentation | Kosten |",
        "| --- | --- | --- | --- | --- | --- |",
        "| Bürgerwerkstatt | alle Einwohnerinnen und Einwohner | frühzeitig | "
        "Koordinierungsstelle | Ergebnisprotokoll im Internet | Haushaltsmittel |",
        "| Online-Dialog | Berufstätige | während der Planung | Fachamt | "
        "Abwägungstabelle | Lizenzkosten der Plattform |",
    ]
)


@dataclass(frozen=True)
class Demo:
    draft_key: str  # a paragraph with published comments
    table_key: str  # the table paragraph, with the long-named person's comment
    document: int
    milestone: int
    session: int
    comment: int  # the long-named person's reported comment


def wide_demo() -> Demo:
    """Seed the demo and add the content that made pages too wide; return what URLs need."""
    from comments import services
    from comments.feedback import services as answers
    from comments.models import Comment
    from comments.moderation import services as moderation
    from deliberation.accounts.confirmation import email_confirm
    from deliberation.process.models import Process
    from drafts.models import Draft
    from drafts.services import draft_close, draft_create, draft_open, draft_publish_version

    seed()
    users = {u.username: u for u in get_user_model().objects.all()}
    draft = Draft.objects.get(slug=DEMO_SLUG)
    current = "\n\n".join(
        p.source for p in draft.paragraphs.filter(archived=False).order_by("position")
    )
    draft_publish_version(
        draft=draft,
        text=f"{current}\n\n{WIDE_TABLE}\n",
        message="Tabelle",
        user=users["arbeitskreis"],
    )
    long_named = get_user_model().objects.create_user(
        username=LONG_NAME, email="lang@example.org", password="ein-sicheres-Passwort-42"
    )
    email_confirm(user=long_named)
    table = draft.paragraphs.get(kind="table", archived=False)
    comment = services.comment_create(
        user=long_named,
        paragraph=table,
        body="Die Spalte Zuständigkeitsübertragungsverordnungsentwurfsbegründung fehlt.",
    )
    comment = moderation.comment_release(moderator=users["moderation"], comment=comment)
    moderation.flag_create(user=users["buergerin"], comment=comment, reason="off_topic")
    answers.answer_save(
        user=users["arbeitskreis"],
        comment=comment,
        disposition="noted",
        reply="Danke.",
        publish=True,
    )
    # A closed draft for the pages that only closed consultations have (the results).
    closed = draft_create(
        title="Abgeschlossene Leitlinien",
        slug=CLOSED_SLUG,
        text=f"# Abgeschlossen\n\n{WIDE_TABLE}\n",
        user=users["arbeitskreis"],
        moderation="post",
    )
    draft_open(draft=closed)
    late = services.comment_create(
        user=long_named,
        paragraph=closed.paragraphs.get(kind="table"),
        body="Eine Donaudampfschifffahrtsgesellschaftskapitänsmützenfrage.",
    )
    answers.answer_save(
        user=users["arbeitskreis"], comment=late, disposition="adopted", reply="Ja.", publish=True
    )
    draft_close(draft=closed)
    process = Process.objects.get(slug=PROCESS_SLUG)
    return Demo(
        draft_key=str(
            Comment.objects.filter(status="published", draft=draft).first().paragraph.key
        ),
        table_key=str(table.key),
        document=process.documents.first().pk,
        milestone=process.milestones.first().pk,
        session=process.sessions.first().pk,
        comment=comment.pk,
    )


def every_page(demo: Demo, language: str = "de") -> list[tuple[str, str | None]]:
    """(path, username) of every kind of HTML page; the user is one who sees it fully."""
    slug, process = DEMO_SLUG, PROCESS_SLUG
    pages = [
        ("home", {}, None),
        ("draft_detail", {"slug": slug}, "buergerin"),
        ("draft_detail", {"slug": slug}, "arbeitskreis"),
        ("draft_versions", {"slug": slug}, None),
        ("draft_diff", {"slug": slug, "a": 1, "b": 2}, None),
        ("draft_create", {}, "arbeitskreis"),
        ("draft_edit", {"slug": slug}, "arbeitskreis"),
        ("draft_room", {"slug": slug}, None),
        ("process_detail", {"slug": process}, None),
        ("process_create", {}, "arbeitskreis"),
        ("process_edit", {"slug": process}, "arbeitskreis"),
        ("milestone_create", {"slug": process}, "arbeitskreis"),
        ("milestone_edit", {"slug": process, "pk": demo.milestone}, "arbeitskreis"),
        ("milestone_delete", {"slug": process, "pk": demo.milestone}, "arbeitskreis"),
        ("session_create", {"slug": process}, "arbeitskreis"),
        ("session_edit", {"slug": process, "pk": demo.session}, "arbeitskreis"),
        ("session_delete", {"slug": process, "pk": demo.session}, "arbeitskreis"),
        ("document_create", {"slug": process}, "arbeitskreis"),
        ("document_detail", {"slug": process, "pk": demo.document}, None),
        ("document_edit", {"slug": process, "pk": demo.document}, "arbeitskreis"),
        ("document_delete", {"slug": process, "pk": demo.document}, "arbeitskreis"),
        ("moderation_queue", {}, "moderation"),
        ("moderation_log", {}, "moderation"),
        ("draft_feedback", {"slug": slug}, "arbeitskreis"),
        ("draft_answers", {"slug": slug}, "arbeitskreis"),
        ("draft_answer_table", {"slug": slug}, "arbeitskreis"),
        ("draft_text_blocks", {"slug": slug}, "arbeitskreis"),
        ("draft_results", {"slug": CLOSED_SLUG}, None),
        ("draft_detail", {"slug": CLOSED_SLUG}, LONG_NAME),
        ("offline_contributions_new", {"slug": slug}, "arbeitskreis"),
        ("notifications", {}, LONG_NAME),
        ("notification_settings", {}, LONG_NAME),
        ("my_contributions", {}, "buergerin"),
        ("profile", {}, LONG_NAME),
        ("login", {}, None),
        ("signup", {}, None),
        ("account_change_password", {}, "buergerin"),
        ("account_email", {}, "buergerin"),
        ("logout", {}, "buergerin"),
        ("account_reset_password", {}, None),
        ("account_reset_password_done", {}, None),
        ("account_email_verification_sent", {}, None),
        ("page", {"name": "spielregeln"}, None),
    ]
    with translation.override(language):
        paths = [(reverse(name, kwargs=kwargs), user) for name, kwargs, user in pages]
        detail = reverse("draft_detail", kwargs={"slug": slug})
    paths.append((f"{detail}?thread={demo.draft_key}", None))
    paths.append((f"{detail}?thread={demo.table_key}", LONG_NAME))
    return paths
