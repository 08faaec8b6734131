"""Full-text search over comments: German word forms on German pages, English ones on /en/,
the same hits on SQLite (FTS5 + Snowball) and PostgreSQL (text-search configurations), and
nobody finds a text they may not read."""

import pytest
from django.core.management import call_command
from django.db import connection

from comments import services
from comments.models import Comment
from comments.moderation import services as moderation
from comments.search import MAX_QUERY_CHARS, comments_search, search_terms

TEXTS = {
    "radweg": "Der Radweg an der Hauptstraße ist viel zu schmal.",
    "baum": "Jeder Baum im Park braucht mehr Schutz.",
    "lanes": "The cycle lane on the bridge ends too early.",
    "running": "Keep the park open for people who run in the evening.",
}


def test_terms_are_stemmed_without_stop_words():
    assert search_terms("Die Radwege und die Bäume", "de") == ["radweg", "baum"]
    assert search_terms("The trees and the cycling lanes", "en") == ["tree", "cycl", "lane"]
    assert search_terms("Die B27 und 2026", "de") == ["b27", "2026"], "words with digits stay"
    assert search_terms("und oder aber", "de") == [], "only stop words"


@pytest.fixture
def found(draft, paragraph, citizen):
    """Comments with TEXTS; found(words, language) -> the names of those the search finds."""
    ids = {
        name: services.comment_create(user=citizen, paragraph=paragraph, body=text).pk
        for name, text in TEXTS.items()
    }
    names = {pk: name for name, pk in ids.items()}

    def search(words: str, language: str = "de") -> set[str]:
        qs = comments_search(Comment.objects.filter(draft=draft), text=words, language=language)
        return {names[pk] for pk in qs.values_list("pk", flat=True)}

    return search


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("words", "hits"),
    [
        ("Radwege", {"radweg"}),  # plural finds singular
        ("Bäume", {"baum"}),  # umlaut plural finds singular
        ("Baumes Schutzes", {"baum"}),  # every word, each in some form
        ("Hauptstraßen", {"radweg"}),
        ("Radweg Baum", set()),  # all words must occur in one comment
        ("Radfahrer", set()),  # another word, not another form
        ("die und", set()),  # only stop words: nothing, not everything
        ("Park", {"baum", "running"}),
        ("Rad-Weg", set()),  # two words "rad" and "weg", neither of which is there
        ("\x00Radweg?!", {"radweg"}),  # what is not a word is no part of the search
    ],
)
def test_german_hits_and_misses(found, words, hits):
    assert found(words, "de") == hits


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("words", "hits"),
    [
        ("lanes", {"lanes"}),
        ("cycling", {"lanes"}),  # "cycling" and "cycle" share the stem
        ("running", {"running"}),  # "running" finds "run"
        ("bridges ending", {"lanes"}),
        ("cars", set()),
        ("the of", set()),
    ],
)
def test_english_hits_and_misses(found, words, hits):
    assert found(words, "en") == hits


@pytest.mark.django_db
def test_the_language_chooses_the_stemming(found):
    assert found("running", "de") == set(), "German does not stem English"
    assert found("Bäume", "en") == set(), "English does not know German plurals"
    assert found("Bäume", "de") == {"baum"}


@pytest.mark.django_db
def test_the_index_follows_edits_deletes_and_resubmits(draft, paragraph, citizen, moderator):
    def hits(words):
        qs = comments_search(Comment.objects.all(), text=words, language="de")
        return list(qs.values_list("pk", flat=True))

    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Mehr Bänke")
    assert hits("Bank") == [comment.pk]
    services.comment_edit(user=citizen, comment=comment, body="Mehr Laternen")
    assert hits("Bank") == [] and hits("Laterne") == [comment.pk]
    services.comment_delete(user=citizen, comment=comment)
    assert hits("Laterne") == [], "a deleted comment's text is gone from the index"

    other = services.comment_create(user=citizen, paragraph=paragraph, body="Mehr Brunnen")
    moderation.comment_hide(moderator=moderator, comment=other, reason="spam")
    assert hits("Brunnen") == [other.pk], "hidden: still indexed, readers' filters decide"
    Comment.objects.filter(pk=other.pk).delete()
    assert hits("Brunnen") == []


@pytest.mark.django_db
def test_the_rebuild_command_restores_a_lost_index(draft, paragraph, citizen, capsys):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="Neue Radwege")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM comments_search")
        assert not comments_search(Comment.objects.all(), text="Radweg", language="de").exists()
    call_command("search_index")
    assert "1" in capsys.readouterr().out
    found = comments_search(Comment.objects.all(), text="Radweg", language="de")
    assert list(found) == [comment]


# The API and the pages: each reader finds what they may read, nothing more ----------------------


@pytest.fixture
def mixed(draft, pre_draft, citizen, other_citizen, moderator):
    """On the pre-moderated draft: a published comment, one pending of `citizen`, one pending
    of `other_citizen`, one hidden, one rejected; every one mentions "Radweg"."""
    paragraph = pre_draft.paragraphs.exclude(kind="heading").order_by("position").first()
    made = {}
    for name, author in [
        ("published", citizen),
        ("own_pending", citizen),
        ("other_pending", other_citizen),
        ("hidden", other_citizen),
        ("rejected", other_citizen),
    ]:
        made[name] = services.comment_create(
            user=author, paragraph=paragraph, body=f"Radweg ({name})"
        )
    for name in ("published", "hidden"):
        moderation.comment_release(moderator=moderator, comment=made[name])
    moderation.comment_hide(moderator=moderator, comment=made["hidden"], reason="spam")
    moderation.comment_reject(moderator=moderator, comment=made["rejected"], reason="spam")
    return {name: c.pk for name, c in made.items()}


def api_ids(client, slug, query):
    response = client.get(f"/api/drafts/{slug}/comments/", {"q": query})
    assert response.status_code == 200
    return {row["id"] for row in response.json()}


@pytest.mark.django_db
def test_api_search_for_each_reader(client, pre_draft, mixed, citizen, moderator, wg):
    slug = pre_draft.slug
    assert api_ids(client, slug, "Radwege") == {mixed["published"]}, "anonymous"
    client.force_login(citizen)
    assert api_ids(client, slug, "Radwege") == {mixed["published"], mixed["own_pending"]}
    client.force_login(wg)
    assert api_ids(client, slug, "Radwege") == {mixed["published"]}
    client.force_login(moderator)
    assert api_ids(client, slug, "Radwege") == set(mixed.values())
    assert api_ids(client, slug, "Fahrrad") == set()


@pytest.mark.django_db
def test_api_search_in_english_and_with_nonsense(client, draft, paragraph, citizen):
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="More trees")
    url = f"/api/drafts/{draft.slug}/comments/"
    assert [r["id"] for r in client.get(url, {"q": "tree", "lang": "en"}).json()] == [comment.pk]
    assert client.get(url, {"q": "Baum"}).json() == []
    for nonsense in ("\x00", "'\"()*:^-", "x" * 5000, ""):
        assert client.get(url, {"q": nonsense}).status_code == 200


@pytest.mark.django_db
def test_the_draft_page_has_an_accessible_search_form(client, draft):
    html = client.get(f"/drafts/{draft.slug}/").content.decode()
    assert 'role="search"' in html and 'method="get"' in html
    assert '<label for="comment-search">In Kommentaren suchen</label>' in html
    assert f'action="/drafts/{draft.slug}/search/"' in html
    english = client.get(f"/en/drafts/{draft.slug}/").content.decode()
    assert '<label for="comment-search">Search the comments</label>' in english
    assert f'action="/en/drafts/{draft.slug}/search/"' in english


@pytest.mark.django_db
def test_the_search_page_in_both_languages(client, draft, paragraph, citizen):
    tree = services.comment_create(user=citizen, paragraph=paragraph, body="Mehr Bäume, more trees")
    services.comment_create(user=citizen, paragraph=paragraph, body="Weniger Autos")
    html = client.get(f"/drafts/{draft.slug}/search/", {"q": "Baum"}).content.decode()
    assert "1 Kommentar enthält „Baum“" in html and f'id="c-{tree.pk}"' in html
    assert "Weniger Autos" not in html
    assert f"?thread={paragraph.key}#c-{tree.pk}" in html and "Bei Absatz 1 zeigen" in html
    english = client.get(f"/en/drafts/{draft.slug}/search/", {"q": "tree"}).content.decode()
    assert "1 comment contains “tree”" in english and f'id="c-{tree.pk}"' in english
    none = client.get(f"/drafts/{draft.slug}/search/", {"q": "Fahrrad"}).content.decode()
    assert "0 Kommentare enthalten „Fahrrad“" in none and "Kein Kommentar enthält" in none


@pytest.mark.django_db
def test_the_search_page_shows_nobody_what_they_may_not_read(client, pre_draft, mixed, citizen):
    url = f"/drafts/{pre_draft.slug}/search/"
    html = client.get(url, {"q": "Radweg"}).content.decode()
    shown = {pk for pk in mixed.values() if f'id="c-{pk}"' in html}
    assert shown == {mixed["published"]}
    assert "(hidden)" not in html and "(other_pending)" not in html
    client.force_login(citizen)
    html = client.get(url, {"q": "Radweg"}).content.decode()
    assert {pk for pk in mixed.values() if f'id="c-{pk}"' in html} == {
        mixed["published"],
        mixed["own_pending"],
    }


@pytest.mark.django_db
def test_the_search_page_says_what_was_searched(client, draft, paragraph, citizen):
    services.comment_create(user=citizen, paragraph=paragraph, body="Der Radweg und die Bäume")
    url = f"/drafts/{draft.slug}/search/"
    html = client.get(url, {"q": "und die"}).content.decode()
    assert "So häufige Wörter übergeht die Suche" in html and "„und, die“" in html
    assert "0 Kommentare enthalten" not in html, "not a search that found nothing"
    html = client.get(url, {"q": "die Radwege"}).content.decode()
    assert "1 Kommentar enthält" in html and "übergangen: die." in html
    long = "Radweg " + "x" * 290 + " Ende"
    html = client.get(url, {"q": long}).content.decode()
    searched = long[:MAX_QUERY_CHARS].strip()
    assert f"Nur die ersten 200 Zeichen einer Suche zählen. Gesucht wurde: „{searched}“" in html
    main = html.split("<main", 1)[1]
    assert "x" * 200 not in main, "what did not count is not shown as searched"
    english = client.get(f"/en{url}", {"q": "the and"}).content.decode()
    assert "such common words are ignored by the search" in english
