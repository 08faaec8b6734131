"""End to end: the answer table in Word made by the real worker process (`manage.py worker`).

The request only queues; the worker (another process on the same database, and the same
private exports folder) makes the file; the page that follows it and the download go through the
site as a browser would. Waiting is bounded but generous; nothing asserts speed.
"""

import time

import pytest
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comments.feedback import services as answers
from comments.feedback.export_services import table_export_build
from comments.feedback.models import ExportStatus, TableExport
from comments.models import Comment, CommentStatus
from deliberation.models import ScheduledRun
from deliberation.notifications.schedule import JOBS
from tests.feedback.helpers import NOTE, docx_all_text, docx_document, docx_rows, download
from tests.servers import worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

URL = "/drafts/tabelle/feedback.docx"
BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _until(condition, process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError("the worker stopped")
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not get there in time")
        time.sleep(0.1)


def _idle() -> bool:
    busy = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return not DBTaskResult.objects.filter(status__in=busy).exists()


@pytest.fixture
def running_worker(tmp_path):
    """The worker (sharing the test's exports folder), past its first round of periodic jobs."""
    with worker(log=tmp_path / "worker.log") as process:
        _until(lambda: ScheduledRun.objects.count() >= len(JOBS), process)
        _until(_idle, process)
        yield process


def _follow(client: Client, page: str, process) -> str:
    """The page that follows a build, once the worker has finished it (as its refresh does)."""
    html = ""

    def finished() -> bool:
        nonlocal html
        html = client.get(page).content.decode()
        return 'data-state="ready"' in html or 'data-state="failed"' in html

    _until(finished, process)
    return html


def _builds() -> int:
    return DBTaskResult.objects.filter(task_path=table_export_build.module_path).count()


def test_the_worker_makes_the_table_with_every_published_comment_and_no_internal_note(
    running_worker, table, wg
):
    client = Client()
    client.force_login(wg)
    response = client.get(URL + "?internal=1", **BROWSER)
    assert response.status_code == 303
    html = _follow(client, response["Location"], running_worker)
    assert "Die Word-Datei ist fertig." in html
    document = docx_document(download(client, response["Location"] + "download/"))
    text = "\n".join(" | ".join(row) for row in docx_rows(document))
    published = Comment.objects.filter(draft=table["draft"], status=CommentStatus.PUBLISHED)
    assert published.count() == 3
    for comment in published:
        assert comment.body in text, comment.pk
    for left_out in ("hidden", "pending"):
        assert table[left_out].body not in text
    assert NOTE not in docx_all_text(document)
    export = TableExport.objects.get()
    assert export.status == ExportStatus.READY and export.size > 0
    assert export.requested_by == wg and export.started_at and export.finished_at


def test_unchanged_the_file_is_served_again_and_a_change_is_built_anew_by_the_worker(
    running_worker, table, wg
):
    client = Client()
    client.force_login(wg)
    _follow(client, client.get(URL, **BROWSER)["Location"], running_worker)
    first = download(client, URL)
    assert "Entwurf der AG" not in docx_all_text(docx_document(first))
    assert download(client, URL) == first and _builds() == 1
    answers.answers_publish_drafted(user=wg, draft=table["draft"])
    response = client.get(URL, **BROWSER)
    assert response.status_code == 303 and _builds() == 2
    _follow(client, response["Location"], running_worker)
    text = docx_all_text(docx_document(download(client, URL)))
    assert table["drafted"].body in text and "Entwurf der AG" in text
    # The worker dropped the file it replaced (its row stays, for its page to point on).
    assert TableExport.objects.order_by("pk").values_list("file", flat=True).first() == ""


def test_a_build_that_fails_in_the_worker_says_so_and_offers_to_try_again(table, wg, tmp_path):
    # The worker's exports folder cannot be made (a file is in the way): the build fails there.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    with worker(log=tmp_path / "worker.log", EXPORTS_ROOT=str(blocked / "exports")) as process:
        client = Client()
        client.force_login(wg)
        response = client.get(URL + "?internal=1", **BROWSER)
        html = _follow(client, response["Location"], process)
    assert "Die Word-Datei konnte nicht erstellt werden." in html
    assert "Erneut versuchen" in html and 'name="internal" value="1"' in html
    export = TableExport.objects.get()
    assert export.status == ExportStatus.FAILED and export.error
    # Technical details for the working group, and the log has the traceback.
    assert "Technische Einzelheiten" in html
    assert "answer table" in (tmp_path / "worker.log").read_text()
