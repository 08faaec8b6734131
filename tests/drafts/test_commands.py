import pytest
from django.core.management import CommandError, call_command

from drafts.models import Draft
from tests.conftest import DRAFT_TEXT

pytestmark = pytest.mark.django_db


def test_import_markdown_prints_the_slug_last(tmp_path, capsys):
    path = tmp_path / "leitlinien.md"
    path.write_text(DRAFT_TEXT, encoding="utf-8")
    call_command(
        "import_draft", str(path), "--title", "Leitlinien", "--open", "--moderation", "post"
    )
    slug = capsys.readouterr().out.strip().splitlines()[-1]
    draft = Draft.objects.get(slug=slug)
    assert draft.status == "consultation" and draft.moderation == "post"
    assert draft.paragraphs.count() == 7


def test_import_with_existing_slug_publishes_the_next_version_keeping_keys(tmp_path, draft, capsys):
    before = set(draft.paragraphs.values_list("key", flat=True))
    path = tmp_path / "v2.md"
    path.write_text(DRAFT_TEXT.replace("Engagement", "Einsatz"), encoding="utf-8")
    call_command("import_draft", str(path), "--title", "egal", "--slug", draft.slug)
    assert capsys.readouterr().out.strip().splitlines()[-1] == draft.slug
    draft.refresh_from_db()
    assert draft.version == 2
    assert set(draft.paragraphs.filter(archived=False).values_list("key", flat=True)) == before


def test_import_plain_text(tmp_path, capsys):
    path = tmp_path / "brief.txt"
    path.write_text(
        "1. Präambel\n\nErster Absatz.\n\n2. Grundsätze\n\nZweiter Absatz.\n", encoding="utf-8"
    )
    call_command("import_draft", str(path), "--title", "Text")
    draft = Draft.objects.get(slug=capsys.readouterr().out.strip().splitlines()[-1])
    assert list(draft.paragraphs.order_by("position").values_list("kind", flat=True)) == [
        "heading",
        "text",
        "heading",
        "text",
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [("leer.md", b""), ("bild.md", b"\x89PNG\r\n\x1a\n\x00\x00"), ("x.pdf", b"%PDF-1.4")],
)
def test_import_errors_are_clear_and_write_nothing(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_draft", str(path), "--title", "X")
    assert not Draft.objects.exists()


def test_import_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_draft", "/nicht/da.md", "--title", "X")
