"""Full-text search over comments, with German (or English) word forms: "Radwege" finds
"Radweg", "Bäume" finds "Baum".

One function answers every search (`comments_search`), on either database:

- PostgreSQL: per language a stored generated column `to_tsvector('german'|'english', body)`
  with a GIN index (migrations 0011, 0013: stored, so that a search for a word in half of all
  comments reads the vectors instead of computing 4,000 of them); PostgreSQL stems the query.
- SQLite: an FTS5 table `comments_search` (rowid = the comment's id) holding each comment's
  words already stemmed by Snowball (the `snowballstemmer` package: the same algorithms as
  PostgreSQL's `german_stem` and `english_stem`) without the stop words (the Snowball lists
  PostgreSQL ships, in search_stopwords/). The query is stemmed the same way here.

The index holds text only, never who may see it: every search runs on a queryset already
narrowed to what the reader may see (status, draft), so a comment that is hidden, rejected or
released needs no index change. Its text does: `comment_index` runs on every save of a comment
that writes `body` (Comment.save, the one place every write path goes through: create, edit,
resubmit, delete, offline entry, admin); a deleted row leaves the SQLite index by trigger.
`manage.py search_index` rebuilds it (after bulk loads that bypass save()).

Both stem alike because both run Snowball 2.2 (PostgreSQL 15 ships it; pyproject pins
`snowballstemmer<3`): Snowball 3 changed German endings ("entscheidet", words with "ue"), so
a newer package, or a PostgreSQL with a newer Snowball, would match some words differently.
"""

import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer
from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# Our language code -> the Snowball algorithm and PostgreSQL configuration of that name.
CONFIGS = {"de": "german", "en": "english"}
FTS_TABLE = "comments_search"
# PostgreSQL: the stored tsvector column of each language (migration 0013), GIN-indexed.
PG_COLUMNS = {"de": "search_de", "en": "search_en"}
MAX_QUERY_CHARS = 200  # more is not a search but a pasted text; the rest is ignored
MAX_ANY_WORDS = 60  # search_any: the words of a text being typed that count

# Runs of letters and digits, as PostgreSQL's parser splits words (an underscore splits too).
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
_local = threading.local()  # Snowball stemmers keep state between calls: one per thread


def search_language(language: str | None) -> str:
    """The search language for a page or request language: "en" for English, else "de"."""
    code = (language or settings.LANGUAGE_CODE or "de")[:2].lower()
    return code if code in CONFIGS else "de"


@cache
def _stopwords(language: str) -> frozenset[str]:
    path = Path(__file__).with_name("search_stopwords") / f"{CONFIGS[language]}.stop"
    return frozenset(path.read_text(encoding="utf-8").split())


def _stemmer(language: str):
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(CONFIGS[language])
    return stemmers[language]


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    # The pure-Python stemmer takes about 0.1 ms a word; a consultation's vocabulary repeats.
    return _stemmer(language).stemWord(word)


def search_terms(text: str, language: str) -> list[str]:
    """The words of `text` as the index holds them, in order, without repeats: lower case,
    stop words dropped, stemmed ("Die Radwege" -> ["radweg"] in "de"). As PostgreSQL does, a
    word with a digit in it is kept whole and unstemmed ("B27"). `language`: "de" or "en"."""
    stop = _stopwords(language)
    terms: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if _DIGIT.search(word):
            terms[word] = None
        elif word not in stop:
            terms[_stem(language, word)] = None
    return list(terms)


@dataclass(frozen=True)
class QueryWords:
    """A search query as the search takes it, for the page to say what was searched."""

    searched: str  # the part that counts: at most MAX_QUERY_CHARS, stripped
    cut: bool  # the query was longer; the rest was ignored
    words: list[str]  # its words that are searched for, as typed
    ignored: list[str]  # its words too common to search for (stop words), as typed


def query_words(text: str, language: str) -> QueryWords:
    """What of the query `text` is searched (comments_search) in `language` ("de", "en"):
    the part that counts, whether it was cut, and its words searched for and ignored."""
    text = (text or "").strip()
    searched = text[:MAX_QUERY_CHARS].strip()
    stop = _stopwords(search_language(language))
    words: dict[str, None] = {}
    ignored: dict[str, None] = {}
    for word in _WORD.findall(searched):
        lower = word.lower()
        (ignored if lower in stop and not _DIGIT.search(lower) else words)[word] = None
    return QueryWords(searched, len(text) > MAX_QUERY_CHARS, list(words), list(ignored))


def _vendor(using: str) -> str:
    return connections[using].vendor


def comments_search(qs: QuerySet, *, text: str, language: str) -> QuerySet:
    """`qs` (comments) narrowed to those whose text has every word of `text` in some form.

    `language` ("de" or "en") chooses the stemming. A query without a searchable word (empty,
    only stop words or punctuation) matches nothing. At most MAX_QUERY_CHARS of `text` count.
    Raises nothing; the order of `qs` is kept.
    """
    # Its words only: no NUL or other character a database may refuse, and a hyphenated word
    # is two words on both databases ("Rad-Weg" finds "Rad und Weg" and "Rad-Weg").
    text = " ".join(_WORD.findall((text or "")[:MAX_QUERY_CHARS]))
    language = search_language(language)
    terms = search_terms(text, language)
    if not terms:
        return qs.none()
    if _vendor(qs.db) == "postgresql":
        sql = _PG_MATCH.format(column=PG_COLUMNS[language])
        matching = RawSQL(sql, [CONFIGS[language], text])  # noqa: S611 (constant SQL)
    else:
        # Each term quoted (they hold letters and digits only), all required, in this
        # language's column.
        match = " AND ".join(f'{language} : "{term}"' for term in terms)
        matching = RawSQL(_MATCH, [match])  # noqa: S611 (constant SQL; the query is a parameter)
    # A subquery of its own: right whatever aliases the queryset gives the comments table.
    return qs.filter(pk__in=matching)


def search_any(
    *, draft_id: int, status: str, text: str, language: str, limit: int, using: str = "default"
) -> list[int]:
    """Ids of the comments of draft `draft_id` in `status` whose text has ANY word of `text` in
    some form, the best-matching first (SQLite: FTS5's bm25 rank; PostgreSQL: ts_rank), at most
    `limit`: the candidates that comments/similar.py then compares closely. Empty for a text
    without a searchable word. At most MAX_ANY_WORDS words of `text` count."""
    language = search_language(language)
    words = _WORD.findall(text or "")[:MAX_ANY_WORDS]
    terms = search_terms(" ".join(words), language)
    if not terms:
        return []
    with connections[using].cursor() as cursor:
        if _vendor(using) == "postgresql":
            sql = _PG_ANY.format(column=PG_COLUMNS[language])
            query = " | ".join(words)  # letters and digits only: no tsquery syntax
            cursor.execute(sql, [CONFIGS[language], query, draft_id, status, limit])
        else:
            match = f"{language} : (" + " OR ".join(f'"{term}"' for term in terms) + ")"
            cursor.execute(_ANY, [match, draft_id, status, limit])
        return [row[0] for row in cursor.fetchall()]


def index_row(pk: int, body: str) -> tuple[int, str, str]:
    """One row of the SQLite index: (comment id, German terms, English terms)."""
    return pk, " ".join(search_terms(body, "de")), " ".join(search_terms(body, "en"))


def comment_index(comment) -> None:
    """Bring the SQLite index up to date with `comment.body` (on PostgreSQL the expression
    index follows by itself). Runs in the caller's transaction."""
    if _vendor(comment._state.db or "default") == "postgresql":
        return
    with connections[comment._state.db or "default"].cursor() as cursor:
        cursor.execute(
            f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, de, en) VALUES (%s, %s, %s)",  # noqa: S608
            index_row(comment.pk, comment.body),
        )


def index_rebuild(*, using: str = "default", chunk: int = 2000) -> int:
    """Index every comment anew (SQLite); returns how many comments the index holds. On
    PostgreSQL the index is the database's own: returns the number of comments, changes nothing."""
    from .models import Comment

    rows = Comment.objects.using(using).order_by("pk").values_list("pk", "body")
    if _vendor(using) == "postgresql":
        return rows.count()
    count = 0
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        batch = []
        for pk, body in rows.iterator(chunk_size=chunk):
            batch.append(index_row(pk, body))
            if len(batch) >= chunk:
                cursor.executemany(_INSERT, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(_INSERT, batch)
            count += len(batch)
    return count


_PG_MATCH = "SELECT id FROM comments_comment WHERE {column} @@ plainto_tsquery(%s::regconfig, %s)"
_MATCH = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
_INSERT = f"INSERT INTO {FTS_TABLE} (rowid, de, en) VALUES (%s, %s, %s)"  # noqa: S608
_PG_ANY = (
    "SELECT id FROM comments_comment, to_tsquery(%s::regconfig, %s) query "
    "WHERE draft_id = %s AND status = %s AND {column} @@ query "
    "ORDER BY ts_rank({column}, query) DESC, id LIMIT %s"
)
_ANY = (
    f"SELECT {FTS_TABLE}.rowid FROM {FTS_TABLE} "  # noqa: S608 (constant SQL)
    f"JOIN comments_comment c ON c.id = {FTS_TABLE}.rowid "
    f"WHERE {FTS_TABLE} MATCH %s AND c.draft_id = %s AND c.status = %s "
    f"ORDER BY {FTS_TABLE}.rank LIMIT %s"
)
