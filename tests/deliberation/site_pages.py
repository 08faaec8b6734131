"""A small site with one of everything, in English content, and every HTML page kind of it.

Plain helpers (not fixtures): the language tests render each page kind as each role. The
content is English on purpose, so that any German word on an /en/ page comes from the interface.
Everything is written the way people write it: German active (the moderator and the working
group work on German pages), so stored texts that do not follow the reader's language show up.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from comments.feedback.export_services import table_export_request
from comments.feedback.services import answer_save
from comments.moderation import services as moderation
from comments.offline.services import offline_contributions_create_bulk
from comments.services import comment_create
from deliberation.process import services as process_services
from drafts.services import draft_close, draft_create, draft_open, draft_publish_version

TEXT_V1 = """# Guidelines for participation

## 1. Purpose

The city lives from the engagement of its people, who care for their neighbourhood.

## 2. Principles

All information is published early, completely and in plain words.

Participation starts early enough for suggestions to change the result.
"""

TEXT_V2 = TEXT_V1.replace("plain words", "plain and simple words") + (
    "\nEvery suggestion gets an answer from the working group.\n"
)


@dataclass
class Site:
    users: dict  # role -> user ("citizen", "moderator", "working_group")
    pages: dict  # page kind -> (path without language prefix, the role that works there or None)


def build_site(make_user, language: str = "de") -> Site:
    """Create the site as its people would, working on pages in `language`; return its users
    and its pages (German paths)."""
    citizen = make_user("ada")
    other = make_user("bob")
    moderator = make_user("mona", role="moderator")
    wg = make_user("walt", role="working_group")
    with translation.override(language):
        process = process_services.process_create(
            title="Guidelines process", slug="guidelines-process", description="How we decide."
        )
        process_services.process_follow(user=citizen, process=process)
        today = timezone.localdate()
        milestone = process_services.milestone_create(
            process=process, title="Kick-off", starts_on=today, state="current"
        )
        session = process_services.session_create(
            process=process,
            title="Open meeting",
            starts_at=timezone.now() + timedelta(days=7),
            ends_at=timezone.now() + timedelta(days=7, hours=2),
            place="Town hall",
        )
        document = process_services.document_create(
            process=process,
            title="Minutes of the kick-off",
            kind="protocol",
            date=today,
            file=SimpleUploadedFile("minutes.md", b"# Minutes\n\nTwelve people came.\n"),
        )
        draft = draft_create(
            title="Guidelines", slug="guidelines", text=TEXT_V1, user=wg, moderation="post"
        )
        draft.process = process
        draft.save(update_fields=["process"])
        draft_open(draft=draft)
        draft_publish_version(draft=draft, text=TEXT_V2, message="Plainer words", user=wg)
        pre = draft_create(
            title="Pre-moderated", slug="pre", text=TEXT_V1, user=wg, moderation="pre"
        )
        draft_open(draft=pre)
        paragraph = draft.paragraphs.filter(archived=False, kind="text").order_by("position")[0]
        pre_paragraph = pre.paragraphs.filter(archived=False, kind="text").order_by("position")[0]

        comment = comment_create(user=citizen, paragraph=paragraph, body="Good idea, thanks.")
        comment_create(user=other, paragraph=paragraph, body="I agree.", parent=comment)
        reported = comment_create(user=other, paragraph=paragraph, body="Buy cheap shoes here.")
        moderation.flag_create(user=citizen, comment=reported, reason="advertising", note="spam")
        comment_create(user=other, paragraph=pre_paragraph, body="Waiting for release.")
        released = comment_create(user=citizen, paragraph=pre_paragraph, body="Please release.")
        moderation.comment_release(moderator=moderator, comment=released)
        rejected = comment_create(user=citizen, paragraph=pre_paragraph, body="Off the point.")
        moderation.comment_reject(
            moderator=moderator, comment=rejected, reason="off_topic", note="About shoes"
        )
        hidden = comment_create(user=citizen, paragraph=paragraph, body="Something rude.")
        moderation.comment_hide(moderator=moderator, comment=hidden, reason="insult")
        moderation.comment_restore(moderator=moderator, comment=hidden)
        block = moderation.user_block(
            moderator=moderator,
            user=other,
            justification="Repeated advertising",
            until=timezone.now() + timedelta(days=3),
        )
        moderation.user_unblock(moderator=moderator, block=block)
        answer_save(
            user=wg,
            comment=comment,
            disposition="adopted",
            reply="Taken up in version 2.",
            version=2,
            publish=True,
        )
        offline_contributions_create_bulk(
            user=wg,
            draft=paragraph.draft,
            rows=[(str(paragraph.key), "More benches in the park.", "")],
            channel="workshop",
            contributed_on=today,
            place="Library",
            session=None,
        )
        closed = draft_create(
            title="Closed", slug="closed", text=TEXT_V1, user=wg, moderation="post"
        )
        draft_open(draft=closed)
        closed_paragraph = closed.paragraphs.filter(kind="text").order_by("position")[0]
        late = comment_create(user=citizen, paragraph=closed_paragraph, body="Shorter, please.")
        answer_save(user=wg, comment=late, disposition="noted", reply="Thank you.", publish=True)
        draft_close(draft=closed)
        # The answer table in Word, asked for and waiting for the worker (none runs here).
        export = table_export_request(draft=draft, internal=True, language=language, user=wg)
    slug, key = draft.slug, paragraph.key
    pages = {
        "home": (reverse("home"), None),
        "footer page": (reverse("page", args=["spielregeln"]), None),
        "login": (reverse("login"), None),
        "signup": (reverse("signup"), None),
        "password reset": (reverse("account_reset_password"), None),
        "password reset sent": (reverse("account_reset_password_done"), None),
        "process": (process.get_absolute_url(), None),
        "document": (document.get_absolute_url(), None),
        "draft": (draft.get_absolute_url(), None),
        "draft with open thread": (f"{draft.get_absolute_url()}?thread={key}", None),
        "thread fragment": (reverse("thread_fragment", args=[slug, key]), None),
        "versions": (reverse("draft_versions", args=[slug]), None),
        "diff": (reverse("draft_diff", args=[slug, 1, 2]), None),
        "results": (reverse("draft_results", args=[closed.slug]), None),
        "room": (reverse("draft_room", args=[slug]), None),
        # logged in
        "profile": (reverse("profile"), "citizen"),
        "notifications": (reverse("notifications"), "citizen"),
        "password change": (reverse("account_change_password"), "citizen"),
        "e-mail change": (reverse("account_email"), "citizen"),
        "log-out question": (reverse("logout"), "citizen"),
        "confirmation sent": (reverse("account_email_verification_sent"), None),
        # moderators
        "moderation queue": (reverse("moderation_queue"), "moderator"),
        "moderation queue of one draft": (
            f"{reverse('moderation_queue')}?draft={pre.slug}",
            "moderator",
        ),
        "moderation item": (reverse("moderation_item", args=[reported.pk]), "moderator"),
        "moderation log": (reverse("moderation_log"), "moderator"),
        "block form": (reverse("moderation_block", args=[other.pk]), "moderator"),
        # working group
        "new draft": (reverse("draft_create"), "working_group"),
        "edit draft": (reverse("draft_edit", args=[slug]), "working_group"),
        "answers": (reverse("draft_answers", args=[slug]), "working_group"),
        "answer table": (reverse("draft_answer_table", args=[slug]), "working_group"),
        "feedback summary": (reverse("draft_feedback", args=[slug]), "working_group"),
        "answer table in Word, being made": (
            reverse("draft_table_export", args=[slug, export.pk]),
            "working_group",
        ),
        "offline contributions": (
            reverse("offline_contributions_new", args=[slug]),
            "working_group",
        ),
        "new process": (reverse("process_create"), "working_group"),
        "edit process": (reverse("process_edit", args=[process.slug]), "working_group"),
        "new milestone": (reverse("milestone_create", args=[process.slug]), "working_group"),
        "edit milestone": (
            reverse("milestone_edit", args=[process.slug, milestone.pk]),
            "working_group",
        ),
        "new session": (reverse("session_create", args=[process.slug]), "working_group"),
        "edit session": (reverse("session_edit", args=[process.slug, session.pk]), "working_group"),
        "new document": (reverse("document_create", args=[process.slug]), "working_group"),
        "edit document": (
            reverse("document_edit", args=[process.slug, document.pk]),
            "working_group",
        ),
        "delete document": (
            reverse("document_delete", args=[process.slug, document.pk]),
            "working_group",
        ),
    }
    users = {"citizen": citizen, "moderator": moderator, "working_group": wg}
    return Site(users=users, pages=pages)
