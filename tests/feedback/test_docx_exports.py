"""The answer table in Word is made by the worker: asking queues one build per draft, edition
and language (a second request joins it), a ready file whose inputs did not change is served
again, a change makes a new one; the page that follows a build, its failure, who may see which
edition by its address, and pruning. The build runs here in the test's process (the task called
as the worker calls it, or django-tasks' immediate backend); tests/feedback/test_docx_worker.py
runs the real worker."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.feedback import docx_table, group_services
from comments.feedback import services as answers
from comments.feedback.export_services import (
    table_export_build,
    table_exports_prune,
    table_inputs_fingerprint,
)
from comments.feedback.models import ExportStatus, TableExport
from comments.moderation import services as moderation
from deliberation.accounts.services import account_delete
from drafts.services import draft_publish_version
from tests.feedback.helpers import (
    NOTE,
    TEXT_V2,
    docx_all_text,
    docx_document,
    docx_rows,
    download,
)

pytestmark = pytest.mark.django_db

URL = "/drafts/tabelle/feedback.docx"
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _builds() -> int:
    return DBTaskResult.objects.filter(task_path=table_export_build.module_path).count()


def _page_url(export) -> str:
    return f"/drafts/tabelle/feedback/docx/{export.pk}/"


def _build_all() -> None:
    """Run every waiting build as the worker would."""
    for export in TableExport.objects.filter(status=ExportStatus.QUEUED):
        table_export_build.call(export_id=export.pk)


def test_a_browser_goes_to_the_page_that_follows_the_build_and_it_reloads_itself(client, table, wg):
    client.force_login(wg)
    response = client.get(URL + "?internal=1", **BROWSER)
    export = TableExport.objects.get()
    assert response.status_code == 303 and response["Location"] == _page_url(export)
    assert (export.internal, export.language, export.requested_by) == (True, "de", wg)
    html = client.get(response["Location"]).content.decode()
    assert 'role="status"' in html and 'aria-live="polite"' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "wartet darauf, erstellt zu werden" in html and "table_export.js" in html
    _build_all()
    html = client.get(response["Location"]).content.decode()
    assert "http-equiv" not in html and "table_export.js" not in html
    download_url = f"{_page_url(export)}download/"
    assert f'href="{download_url}"' in html and "ist fertig" in html
    document = docx_document(download(client, download_url))
    assert table["drafted"].body in docx_all_text(document)
    # The one who asked hears of it on the site, with the link to this page.
    (note,) = client.get("/api/me/notifications/").json()
    assert note["kind"] == "table_export_ready" and note["url"].endswith(_page_url(export))
    assert note["text"] == (
        "Die Abwägungstabelle zu „Leitlinien“ (interne Fassung für den Arbeitskreis) ist als "
        "Word-Dokument zum Herunterladen bereit."
    ), "it says which edition"
    assert "Interne Fassung für den Arbeitskreis" in html, "the site's word, not Arbeitsgruppe"


def test_a_script_is_told_202_with_where_to_look_and_gets_the_file_when_it_asks_again(
    client, table, wg
):
    client.force_login(wg)
    response = client.get(URL)
    export = TableExport.objects.get()
    assert response.status_code == 202
    assert response["Location"] == _page_url(export) and response["Retry-After"] == "2"
    _build_all()
    response = client.get(URL)
    assert response.status_code == 200
    assert (
        'filename="abwaegungstabelle-tabelle-veroeffentlichung.docx"'
        in (response["Content-Disposition"])
    )
    text = "\n".join(" | ".join(r) for r in docx_rows(docx_document(download(client, URL))))
    assert table["published"].body in text and "Entwurf der AG" not in text


def test_a_second_request_joins_the_build_under_way(client, table, wg, make_user):
    client.force_login(wg)
    first = client.get(URL + "?internal=1", **BROWSER)["Location"]
    client.force_login(make_user("carla", role="working_group"))
    assert client.get(URL + "?internal=1", **BROWSER)["Location"] == first
    assert TableExport.objects.count() == 1 and _builds() == 1
    # Another edition or language is a build of its own.
    client.get(URL, **BROWSER)
    client.get("/en" + URL, **BROWSER)
    assert TableExport.objects.count() == 3 and _builds() == 3
    assert set(TableExport.objects.values_list("internal", "language")) == {
        (True, "de"),
        (False, "de"),
        (False, "en"),
    }


def test_a_build_lost_for_half_an_hour_is_given_up_and_made_anew(client, table, wg):
    client.force_login(wg)
    client.get(URL, **BROWSER)
    lost = TableExport.objects.get()
    TableExport.objects.filter(pk=lost.pk).update(
        status=ExportStatus.RUNNING, requested_at=timezone.now() - timedelta(minutes=31)
    )
    response = client.get(URL, **BROWSER)
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED and "did not finish" in lost.error
    assert response["Location"] == _page_url(TableExport.objects.latest("pk"))
    assert TableExport.objects.count() == 2


def test_unchanged_inputs_serve_the_same_file_and_a_published_answer_makes_a_new_one(
    client, table, wg, django_capture_on_commit_callbacks
):
    client.force_login(wg)
    client.get(URL)
    _build_all()
    first = TableExport.objects.get()
    for _ in range(3):
        assert client.get(URL).status_code == 200
    assert TableExport.objects.count() == 1 and _builds() == 1
    answers.answer_save(
        user=wg,
        comment=table["unanswered"],
        disposition="noted",
        reply="Zur Kenntnis genommen.",
        publish=True,
    )
    response = client.get(URL, **BROWSER)
    second = TableExport.objects.latest("pk")
    assert response.status_code == 303 and second.pk != first.pk and _builds() == 2
    with django_capture_on_commit_callbacks(execute=True):
        _build_all()
    text = docx_all_text(docx_document(download(client, URL)))
    assert "Zur Kenntnis genommen." in text
    # The file it replaced is gone; its page (linked from the first "ready" notification)
    # says a newer one exists and links it, and its download goes to that page, not a 404.
    assert not storages["exports"].exists(first.file)
    html = client.get(_page_url(first)).content.decode()
    assert "neuere Datei dieser Tabelle" in html and f'href="{_page_url(second)}"' in html
    assert f'href="{_page_url(first)}download/"' not in html
    response = client.get(f"{_page_url(first)}download/")
    assert response.status_code == 302 and response["Location"] == _page_url(first)
    # Once pruned as well, its address still leads to the current file of each edition.
    TableExport.objects.filter(pk=first.pk).delete()
    response = client.get(f"{_page_url(first)}download/")
    assert response.status_code == 302 and response["Location"] == _page_url(first)
    response = client.get(_page_url(first))
    assert response.status_code == 410
    html = response.content.decode()
    assert "nicht mehr aufbewahrt" in html and f'href="{URL}"' in html
    assert f'href="{URL}?internal=1"' in html, "the working group may have either edition"


def test_the_fingerprint_follows_every_input_of_the_table(table, wg, moderator):
    draft = table["draft"]
    seen = {table_inputs_fingerprint(draft=draft)}

    def changed() -> bool:
        now = table_inputs_fingerprint(draft=draft)
        new = now not in seen
        seen.add(now)
        return new

    assert not changed()
    group_services.comment_note_save(user=wg, comment=table["published"], note="Noch eine Notiz")
    assert not changed(), "the internal note is not in the table"
    answers.answer_save(user=wg, comment=table["unanswered"], disposition="noted", reply="Ok")
    assert changed()
    answers.answers_publish_drafted(user=wg, draft=draft)
    assert changed()
    moderation.comment_hide(moderator=moderator, comment=table["unanswered"], reason="spam")
    assert changed()
    theme = group_services.theme_create(user=wg, draft=draft, name="Umwelt")
    assert changed()
    group_services.themes_tag(user=wg, theme=theme, comment_ids=[table["drafted"].pk])
    assert changed()
    draft_publish_version(draft=draft, text=TEXT_V2 + "\n\nDritter Absatz.", message="3", user=wg)
    assert changed()
    # A comment released without an answer: the public edition lists it too.
    waiting = table["pending"]
    moderation.comment_release(moderator=moderator, comment=waiting)
    assert changed()


def test_the_status_page_and_the_file_are_the_working_groups_only_for_the_internal_edition(
    client, table, wg, citizen, moderator, make_draft
):
    client.force_login(wg)
    client.get(URL + "?internal=1")
    _build_all()
    export = TableExport.objects.get()
    page, file = _page_url(export), f"{_page_url(export)}download/"
    assert client.get(page).status_code == 200 and client.get(file).status_code == 200
    client.logout()
    for url in (page, file):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (citizen, moderator):
        client.force_login(user)
        for url in (page, file):
            assert client.get(url).status_code == 403, (user, url)
    # Not even through another draft's address.
    client.force_login(wg)
    make_draft(slug="andere")
    elsewhere = client.get(f"/drafts/andere/feedback/docx/{export.pk}/")
    assert elsewhere.status_code == 410 and "/drafts/tabelle/" not in elsewhere.content.decode()
    elsewhere = client.get(f"/drafts/andere/feedback/docx/{export.pk}/download/")
    assert elsewhere.status_code == 302 and elsewhere["Location"].startswith("/drafts/andere/")
    # The button that starts a build checks the same.
    client.force_login(citizen)
    response = client.post("/drafts/tabelle/feedback/docx/", {"internal": "1"})
    assert response.status_code == 403 and TableExport.objects.count() == 1


def test_the_public_edition_before_the_results_is_for_the_moderation_and_working_group(
    client, table, wg, citizen, moderator
):
    client.force_login(moderator)
    client.get(URL)
    _build_all()
    export = TableExport.objects.get()
    assert client.get(f"{_page_url(export)}download/").status_code == 200
    for user in (None, citizen):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(_page_url(export)).status_code == 404
        assert client.get(f"{_page_url(export)}download/").status_code == 404
        assert client.get(URL).status_code == 404


@pytest.mark.usefixtures("immediate_tasks")
def test_a_failed_build_says_so_and_the_button_tries_again(client, table, wg, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("Festplatte voll")

    monkeypatch.setattr(docx_table, "answer_table_docx", broken)
    client.force_login(wg)
    response = client.get(URL + "?internal=1", **BROWSER)
    failed = TableExport.objects.get()
    assert failed.status == ExportStatus.FAILED and "Festplatte voll" in failed.error
    html = client.get(response["Location"]).content.decode()
    assert "konnte nicht erstellt werden" in html and "Erneut versuchen" in html
    assert "http-equiv" not in html
    # Asking again by the address does not repeat a build that fails: the page says why, and
    # a script is told it failed instead of being asked to wait for ever.
    assert client.get(URL + "?internal=1", **BROWSER)["Location"] == response["Location"]
    script = client.get(URL + "?internal=1")
    assert script.status_code == 500 and script["Location"] == response["Location"]
    assert TableExport.objects.count() == 1
    monkeypatch.undo()
    response = client.post("/drafts/tabelle/feedback/docx/", {"internal": "1"})
    again = TableExport.objects.latest("pk")
    assert response.status_code == 303 and response["Location"] == _page_url(again)
    assert again.status == ExportStatus.READY
    assert NOTE not in docx_all_text(docx_document(download(client, URL + "?internal=1")))


@pytest.mark.usefixtures("immediate_tasks")
def test_the_page_speaks_english_on_en(client, table, wg):
    client.force_login(wg)
    response = client.get("/en" + URL + "?internal=1", **BROWSER)
    # Ready at once here (the immediate backend): the browser gets the file.
    assert response.status_code == 200
    export = TableExport.objects.get()
    html = client.get(f"/en{_page_url(export)}").content.decode()
    assert "The Word file is ready." in html and "Download the answer table" in html


def test_pruning_removes_old_exports_their_files_and_files_of_no_export(
    client, table, wg, django_capture_on_commit_callbacks
):
    client.force_login(wg)
    client.get(URL)
    _build_all()
    export = TableExport.objects.get()
    storage = storages["exports"]
    orphan = storage.save("answer-tables/999999-deleted-draft.docx", ContentFile(b"x"))
    assert table_exports_prune() == {"lost": 0, "pruned": 0, "orphans": 0}
    assert storage.exists(orphan), "a file just written may belong to a build not committed yet"
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(storage.path(orphan), (two_hours_ago, two_hours_ago))
    TableExport.objects.filter(pk=export.pk).update(finished_at=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert table_exports_prune() == {"lost": 0, "pruned": 1, "orphans": 1}
    assert not TableExport.objects.exists()
    assert not storage.exists(export.file) and not storage.exists(orphan)


def test_deleting_an_account_deletes_the_word_builds_that_show_its_comments(
    client, table, wg, citizen, django_capture_on_commit_callbacks
):
    client.force_login(wg)
    client.get(URL + "?internal=1")
    _build_all()
    (export,) = TableExport.objects.all()
    assert table["published"].body in docx_all_text(
        docx_document(download(client, URL + "?internal=1"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=citizen)
    assert not TableExport.objects.exists() and not storages["exports"].exists(export.file)
    # Asked again, the table is built from what the deletion left: the text is gone.
    client.get(URL + "?internal=1")
    _build_all()
    text = docx_all_text(docx_document(download(client, URL + "?internal=1")))
    assert table["published"].body not in text and table["drafted"].body in text
