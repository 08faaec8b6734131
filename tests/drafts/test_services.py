"""Publishing versions keeps paragraph keys, records a revision each, and never half-writes."""

import pytest
from django.core.exceptions import ValidationError
from reversion.models import Revision

from drafts import selectors, services
from drafts.models import Draft, DraftStatus
from tests.data import DRAFT_TEXT
from tests.drafts.helpers import keys

pytestmark = pytest.mark.django_db


def parse_tags(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_create_splits_into_blocks_with_sections(draft):
    paragraphs = list(draft.paragraphs.order_by("position"))
    assert [p.kind for p in paragraphs] == [
        "heading",
        "heading",
        "text",
        "heading",
        "text",
        "text",
        "list",
    ]
    assert paragraphs[1].section == "1"
    assert paragraphs[3].section == "2"
    assert draft.version == 1
    assert draft.versions.get().number == 1


def test_publishing_an_edit_keeps_every_key_and_records_a_revision(draft, wg):
    before = keys(draft)
    edited = DRAFT_TEXT.replace(
        "rechtzeitig, vollständig", "rechtzeitig, barrierefrei, vollständig"
    )
    version = services.draft_publish_version(
        draft=draft, text=edited, message="Barrierefreiheit", user=wg
    )
    draft.refresh_from_db()
    assert draft.version == 2 == version.number
    assert keys(draft) == before
    assert version.revision.user == wg
    assert version.revision.get_comment() == "Barrierefreiheit"
    assert Revision.objects.count() == 2
    assert "1" in version.summary  # "1 geändert"


def test_removed_paragraph_is_archived_not_deleted(draft, wg):
    removed = draft.paragraphs.get(text__startswith="Beteiligung beginnt")
    text = DRAFT_TEXT.replace(
        "Beteiligung beginnt so früh, dass Anregungen das Ergebnis noch beeinflussen können.\n\n",
        "",
    )
    services.draft_publish_version(draft=draft, text=text, message="gekürzt", user=wg)
    removed.refresh_from_db()
    assert removed.archived and removed.archived_in_version == 2
    assert str(removed.key) not in keys(draft)


def test_older_version_reads_back_from_reversion(draft, wg):
    services.draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="m", user=wg
    )
    draft.refresh_from_db()
    old = selectors.paragraphs_at_version(draft=draft, number=1)
    new = selectors.paragraphs_at_version(draft=draft, number=2)
    assert any("Engagement" in p.text for p in old)
    assert not any("Engagement" in p.text for p in new)
    assert [p.key for p in old] == [p.key for p in new]


def test_diff_between_versions_marks_words(draft, wg):
    services.draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace("Engagement", "Einsatz"), message="m", user=wg
    )
    diff = selectors.versions_diff(draft=draft, a=1, b=2)
    assert diff.changed == 1 and diff.added == 0 and diff.removed == 0
    changed = next(e for e in diff.entries if e.status == "changed")
    assert (
        "Engagement" in changed.diff_html
        and "<del>" in changed.diff_html
        and "<ins>" in changed.diff_html
    )


def test_revert_publishes_old_text_as_new_version(draft, wg):
    services.draft_publish_version(
        draft=draft, text=DRAFT_TEXT + "\nNeuer Absatz am Ende.\n", message="m", user=wg
    )
    version = services.draft_revert(draft=draft, number=1, user=wg)
    draft.refresh_from_db()
    assert version.number == 3
    assert draft.versions.count() == 3, "history is never rewritten"
    assert version.source == draft.versions.get(number=1).source


def test_revert_to_unknown_version_is_refused(draft, wg):
    with pytest.raises(ValidationError, match="does not exist|gibt es nicht"):
        services.draft_revert(draft=draft, number=9, user=wg)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty|leer"),
        ("   \n\n  ", "empty|leer"),
        ("x" * 2_000_001, "2000000|2,000,000|2.000.000"),
    ],
)
def test_bad_text_leaves_the_database_as_it_was(draft, wg, text, message):
    before = (keys(draft), draft.versions.count(), Revision.objects.count())
    with pytest.raises(ValidationError, match=message):
        services.draft_publish_version(draft=draft, text=text, message="m", user=wg)
    draft.refresh_from_db()
    assert (keys(draft), draft.versions.count(), Revision.objects.count()) == before
    assert draft.version == 1


def test_message_is_required(draft, wg):
    with pytest.raises(ValidationError):
        services.draft_publish_version(draft=draft, text=DRAFT_TEXT, message="  ", user=wg)


def test_duplicate_slug_is_refused(draft, wg):
    with pytest.raises(ValidationError, match="leitlinien"):
        services.draft_create(title="Noch einer", slug="leitlinien", text=DRAFT_TEXT, user=wg)
    assert Draft.objects.count() == 1


def test_raw_html_and_javascript_links_never_reach_the_page(wg):
    text = "# T\n\n<script>alert(1)</script> Text mit [Link](javascript:alert(1)) und <img src=x onerror=alert(1)>\n"
    draft = services.draft_create(title="T", text=text, user=wg)
    html = "".join(draft.paragraphs.values_list("html", flat=True))
    tags = parse_tags(html)
    assert {tag for tag, _ in tags} <= {"h1", "p"}, (
        "raw HTML is shown as text at most, never as a tag"
    )
    assert not [attrs for _, attrs in tags if attrs]
    assert "&lt;script&gt;" in html


def test_status_follows_the_window(draft):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    assert draft.status_at(now) == DraftStatus.CONSULTATION
    assert draft.status_at(draft.opens_at - timedelta(seconds=1)) == DraftStatus.PREPARATION
    assert draft.status_at(draft.closes_at) == DraftStatus.CLOSED
    assert (draft.closes_at - draft.opens_at).days == 21


def test_open_and_close(draft):
    services.draft_close(draft=draft)
    assert draft.status == DraftStatus.CLOSED
    services.draft_open(draft=draft)
    assert draft.status == DraftStatus.CONSULTATION


def test_preview_writes_nothing(draft):
    before = keys(draft)
    preview = services.draft_preview(draft=draft, text=DRAFT_TEXT + "\nNeu.\n")
    assert preview.counts["new"] == 1 and preview.counts["unchanged"] == len(before)
    assert keys(draft) == before and draft.versions.count() == 1


def test_followers_of_the_process_hear_of_a_new_version(
    draft, wg, citizen, django_capture_on_commit_callbacks
):
    from deliberation.models import Notification
    from deliberation.process.models import Process
    from deliberation.process.services import process_follow

    process = Process.objects.create(title="Leitlinien", slug="leitlinien-prozess")
    draft.process = process
    draft.save(update_fields=["process"])
    process_follow(user=citizen, process=process)
    services.draft_publish_version(
        draft=draft, text=DRAFT_TEXT + "\nNeu.\n", message="Runde zwei", user=wg
    )
    notification = Notification.objects.get(user=citizen)
    assert (
        "Runde zwei" in notification.display_text and notification.url == draft.get_absolute_url()
    )
