"""The browser stops a text where the service would refuse it: every comment and answer field
takes its maxlength from the services' limit, never a number written into a template (the
comment templates said 5000 beside MAX_COMMENT_CHARS; they had to be changed together)."""

import re
from pathlib import Path

import pytest

from comments import services
from comments.feedback.models import MAX_REPLY_CHARS
from deliberation.errors import ActionRefused

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_writes_a_text_limit_as_a_number():
    limits = {str(services.MAX_COMMENT_CHARS), str(MAX_REPLY_CHARS)}
    written = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in re.finditer(r'maxlength="(\d+)"', path.read_text(encoding="utf-8"))
        if match.group(1) in limits
    ]
    assert written == []


@pytest.mark.django_db
def test_the_comment_forms_say_the_services_limit(client, draft, paragraph, citizen, monkeypatch):
    services.comment_create(user=citizen, paragraph=paragraph, body="Mein Kommentar")
    monkeypatch.setattr(services, "MAX_COMMENT_CHARS", 1234)
    client.force_login(citizen)
    page = client.get(f"/drafts/{draft.slug}/?thread={paragraph.key}").content.decode()
    edit = re.search(r'<textarea id="edit-\d+" name="body"[^>]*>', page).group(0)
    assert 'maxlength="1234"' in edit
    with pytest.raises(ActionRefused):
        services.comment_create(user=citizen, paragraph=paragraph, body="x" * 1235)
