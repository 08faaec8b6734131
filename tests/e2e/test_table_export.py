"""The answer table in Word as a person gets it: the link on the summary page leads to the page
that follows the build; once the real worker has made the file the page says so (with
JavaScript in its live region without reloading, without JavaScript by reloading itself) and the
download is a Word document."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from comments.services import comment_create
from tests.servers import worker

BUILT = 90_000  # ms: the worker's start-up and the build on a loaded machine


@pytest.mark.parametrize("javascript", [True, False])
def test_the_page_follows_the_build_and_offers_the_download(
    draft, paragraph, wg, citizen, open_page, tmp_path, javascript
):
    comment_create(user=citizen, paragraph=paragraph, body="Mehr Bänke im Stadtpark, bitte.")
    page = open_page(wg, f"/drafts/{draft.slug}/feedback/", javascript=javascript)
    page.get_by_role("link", name="Word: Abwägungstabelle (intern)").click()
    state = page.locator("#export-state")
    # No worker yet: the build waits, and the page says so in its live region.
    expect(state).to_contain_text("wartet darauf, erstellt zu werden")
    assert state.get_attribute("role") == "status"
    page.evaluate("window.stillTheSamePage = true")
    if javascript:
        # A keyboard user waits on "Update now"; pressing it asks without reloading.
        update = page.get_by_role("link", name="Jetzt aktualisieren")
        update.focus()
        update.press("Enter")
        expect(update).to_be_focused()
    with worker(log=tmp_path / "worker.log"):
        expect(state).to_contain_text("Die Word-Datei ist fertig.", timeout=BUILT)
    # With JavaScript only the state was swapped in; without it the page reloaded itself.
    assert page.evaluate("window.stillTheSamePage === true") is javascript
    if javascript:
        # The focus was in the state as it was swapped: it is on the download, not lost.
        expect(page.get_by_role("link", name="Abwägungstabelle herunterladen")).to_be_focused()
    with page.expect_download() as download:
        page.get_by_role("link", name="Abwägungstabelle herunterladen").click()
    assert download.value.suggested_filename == f"abwaegungstabelle-{draft.slug}-intern.docx"
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    assert "Mehr Bänke im Stadtpark, bitte." in document.element.xml
