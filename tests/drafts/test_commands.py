import pytest
from django.core.management import CommandError, call_command

from drafts.models import Draft
from tests.data import DRAFT_TEXT

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


def test_import_missing_file(shell):
    shell("en")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_draft", "/nicht/da.md", "--title", "X")


@pytest.mark.parametrize(
    ("language", "own", "service"),
    [
        ("de", "Fassung 1 von „Leitlinien“", "Die Datei ist leer"),
        ("en", "Version 1 of “Leitlinien”", "The file is empty"),
    ],
)
def test_commands_speak_the_shells_language_throughout(
    tmp_path, capsys, shell, language, own, service
):
    # The command's own lines and the services' messages alike (no German among English).
    shell(language)
    path = tmp_path / "entwurf.md"
    path.write_text("# Leitlinien\n\nEin Absatz.\n")
    call_command("import_draft", str(path), "--title", "Leitlinien")
    assert own in capsys.readouterr().out
    empty = tmp_path / "leer.md"
    empty.write_text("")
    with pytest.raises(CommandError, match=service):
        call_command("import_draft", str(empty), "--title", "Leer")


def test_an_imported_version_is_described_in_the_readers_language(tmp_path, draft, client):
    path = tmp_path / "neu.md"
    path.write_text(DRAFT_TEXT + "\nNoch ein Absatz.\n")
    call_command("import_draft", str(path), "--title", "x", "--slug", draft.slug)
    assert "Import von neu.md" in client.get(f"/drafts/{draft.slug}/versions/").content.decode()
    html = client.get(f"/en/drafts/{draft.slug}/versions/").content.decode()
    assert "Import of neu.md" in html


def test_reimporting_an_unchanged_text_creates_no_version_and_says_so(tmp_path, draft, capsys):
    path = tmp_path / "gleich.md"
    path.write_text(DRAFT_TEXT, encoding="utf-8")
    call_command("import_draft", str(path), "--title", "egal", "--slug", draft.slug)
    out = capsys.readouterr().out.strip().splitlines()
    assert (
        out[0]
        == "Der Text ist derselbe wie in Fassung 1: Es wurde keine neue Fassung veröffentlicht."
    )
    assert out[-1] == draft.slug
    draft.refresh_from_db()
    assert draft.version == 1 and draft.versions.count() == 1


def test_a_first_heading_that_repeats_the_title_is_left_out(tmp_path, capsys):
    path = tmp_path / "leitlinien.md"
    path.write_text(DRAFT_TEXT, encoding="utf-8")
    call_command("import_draft", str(path), "--title", "Leitlinien für  Bürgerbeteiligung")
    draft = Draft.objects.get(slug=capsys.readouterr().out.strip().splitlines()[-1])
    texts = list(draft.paragraphs.order_by("position").values_list("text", flat=True))
    assert texts[0] == "1. Präambel" and len(texts) == 6
