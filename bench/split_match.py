"""Time splitting + matching + diffing of a new version of a realistic 300-paragraph draft.

Run by hand: ``.venv/bin/python bench/split_match.py [--runs 30] [--seed 7] [--drafts 20]``.

Baseline, measured in the same run: a naive matcher that compares every new block with every
old paragraph with ``SequenceMatcher(...).ratio()`` on the characters and takes the best one.

The successor case: a new version with 20 % of the paragraphs edited, 5 % rewritten in place,
3 % removed and a few moved; one comment on every old paragraph. It reports the share of
comments that land on the right successor (kept: the same key; rewritten: the rewrite;
removed: nowhere) against the baseline of keys alone (a comment stays on its key, so the
comments on a rewritten paragraph land nowhere), over ``--drafts`` random drafts.

The quote case: passages of 1-8 words quoted from the edited paragraphs, looked up again in the
new text with drafts.anchoring.locate, against a naive ``str.find`` of the quoted text. Reported:
the share found at the right place where the quoted words survive (goal >= 95 %), the share
found where some of them changed, and how many are anchored where the words are gone (by a
rewrite of just that passage; goal: none).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deliberation.settings")
# The settings refuse to start without these outside DEBUG; the bench never serves requests.
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django

django.setup()

from drafts.anchoring import locate, quote_from, selector  # noqa: E402
from drafts.diffing import Side, diff_versions  # noqa: E402
from drafts.matching import SIMILARITY_THRESHOLD, Existing, match_blocks  # noqa: E402
from drafts.splitting import split_markdown  # noqa: E402
from drafts.textmatch import similarity, words  # noqa: E402

PARAGRAPHS = 300
EDITED_SHARE = 0.2
INSERTED, REMOVED, MOVED = 4, 4, 3
REWRITTEN_SHARE, REMOVED_SHARE = 0.05, 0.03


def split_words(text: str) -> list[str]:
    return text.split()


# German-ish text: Zipf-weighted function words, verbs and adjectives, and compound nouns
# (30 x 30 stems), so that unrelated paragraphs share about as many words as real ones do.
FUNCTION_WORDS = split_words("""die der und in zu den das mit von für auf ist im dem nicht ein eine als
auch es an werden aus dass sie nach wird bei einer um am sind noch wie einem über einen so zum
zur des""")
FUNCTION_WEIGHTS = [1 / (rank + 1) for rank in range(len(FUNCTION_WORDS))]
VERBS_AND_ADJECTIVES = split_words("""informiert beteiligt berücksichtigt dokumentiert veröffentlicht
begründet bewertet geprüft soll sollen kann können muss müssen ermöglicht unterstützt
frühzeitig transparent verbindlich öffentlich digital barrierefrei verständlich rechtzeitig
gemeinsam regelmäßig schriftlich mündlich vorab jährlich""")
STEMS = split_words("""Bürger Stadt Beteiligungs Verwaltungs Planungs Rats Haushalts Projekt Quartiers Jugend
Senioren Bau Verkehrs Umwelt Kultur Sport Schul Informations Dialog Entscheidungs Verfahrens
Ergebnis Vorhaben Arbeits Koordinierungs Einwohner Stadtteil Ortsbeirats Bildungs Wohn""")
ENDINGS = split_words("""versammlung verfahren beteiligung konzept liste gruppe rat stelle plattform werkstatt
befragung prozess planung bericht frist termin forum beirat haushalt mittel vorschlag
rückmeldung dokumentation sitzung anhörung initiative netzwerk ordnung satzung leitlinie""")
SECTION_TITLES = split_words("""Ziele Grundsätze Anwendungsbereich Vorhabenliste Anregung Formate Information
Konsultation Mitwirkung Rückmeldung Dokumentation Evaluation Koordinierungsstelle Beirat
Ressourcen Qualifizierung Barrierefreiheit Öffentlichkeitsarbeit Zeitplan Inkrafttreten""")


def word(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.45:
        return rng.choices(FUNCTION_WORDS, FUNCTION_WEIGHTS)[0]
    if draw < 0.65:
        return rng.choice(VERBS_AND_ADJECTIVES)
    return rng.choice(STEMS) + rng.choice(ENDINGS)


def sentence(rng: random.Random, length: int) -> str:
    text = " ".join(word(rng) for _ in range(length))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    remaining, sentences = rng.randint(40, 120), []
    while remaining > 0:
        length = min(remaining, rng.randint(8, 20))
        sentences.append(sentence(rng, length))
        remaining -= length
    return " ".join(sentences)


def make_draft(rng: random.Random) -> list[str]:
    """Return the draft's blocks as Markdown snippets: headings, paragraphs, some lists."""
    blocks: list[str] = []
    chapter = section = 0
    while len(blocks) < PARAGRAPHS:
        if len(blocks) % 12 == 0:
            chapter, section = chapter + 1, 0
            blocks.append(f"## {chapter}. {rng.choice(SECTION_TITLES)}")
        elif len(blocks) % 4 == 0:
            section += 1
            blocks.append(f"### {chapter}.{section} {rng.choice(SECTION_TITLES)}")
        elif rng.random() < 0.1 and not blocks[-1].startswith("-"):
            blocks.append("\n".join(f"- {sentence(rng, rng.randint(4, 12))}" for _ in range(4)))
        else:
            blocks.append(paragraph(rng))
    return blocks


def edit(rng: random.Random, block: str) -> str:
    """Change a few words of a paragraph, one of a list, or a heading's title."""
    tokens = block.split(" ")
    if block.startswith("#"):
        return " ".join([*tokens[:-1], rng.choice(SECTION_TITLES)])
    for _ in range(1 if block.startswith("-") else rng.randint(2, 5)):
        tokens[rng.randrange(1, len(tokens))] = word(rng)
    return " ".join(tokens)


def make_new_version(rng: random.Random, old: list[str]) -> tuple[list[str | None], list[str]]:
    """Return (origin of each new block as an index into old or None, new blocks)."""
    items: list[tuple[int | None, str]] = list(enumerate(old))
    for index in rng.sample(range(len(items)), int(len(items) * EDITED_SHARE)):
        origin, text = items[index]
        items[index] = (origin, edit(rng, text))
    for _ in range(REMOVED):
        items.pop(rng.randrange(len(items)))
    for _ in range(MOVED):
        item = items.pop(rng.randrange(len(items)))
        items.insert(rng.randrange(len(items)), item)
    for _ in range(INSERTED):
        items.insert(rng.randrange(len(items) + 1), (None, paragraph(rng)))
    return [origin for origin, _ in items], [text for _, text in items]


def make_successor_version(
    rng: random.Random, old: list[str]
) -> tuple[list[tuple[str, int | None]], list[str]]:
    """Return (origin of each new block, new blocks); an origin is ("kept", old index),
    ("rewritten", old index) or ("new", None). Old paragraphs not named are removed."""
    items: list[tuple[tuple[str, int | None], str]] = [
        (("kept", i), text) for i, text in enumerate(old)
    ]
    prose = [i for i, text in enumerate(old) if not text.startswith(("#", "-"))]
    chosen = rng.sample(prose, int(len(old) * (REWRITTEN_SHARE + REMOVED_SHARE)))
    rewritten = set(chosen[: int(len(old) * REWRITTEN_SHARE)])
    removed = set(chosen) - rewritten
    for index in rng.sample(range(len(items)), int(len(items) * EDITED_SHARE)):
        if index not in chosen:
            origin, text = items[index]
            items[index] = (origin, edit(rng, text))
    for index in rewritten:
        items[index] = (("rewritten", index), paragraph(rng))
    items = [item for index, item in enumerate(items) if index not in removed]
    for _ in range(MOVED):
        item = items.pop(rng.randrange(len(items)))
        items.insert(rng.randrange(len(items)), item)
    return [origin for origin, _ in items], [text for _, text in items]


def successor_case(rng: random.Random, drafts: int, runs: int) -> None:
    """Comments on the right successor, ours against keys alone, and the time it takes."""
    right = naive_right = total = 0
    times: list[float] = []
    cpu: list[float] = []  # CPU time of one run per draft: what a busy machine cannot inflate
    for _ in range(drafts):
        old_source = make_draft(rng)
        old_blocks = split_markdown("\n\n".join(old_source))
        while True:
            origins, new_source_blocks = make_successor_version(rng, old_source)
            new_source = "\n\n".join(new_source_blocks)
            if len(split_markdown(new_source)) == len(new_source_blocks):
                break
        existing = [Existing(f"k{i}", b.text, b.kind) for i, b in enumerate(old_blocks)]

        def split_and_match(source=new_source, existing=existing):
            blocks = split_markdown(source)
            return match_blocks(existing, [block.text for block in blocks])

        run_times, result = timed(split_and_match, runs)
        times += run_times
        start = time.process_time()
        split_and_match()
        cpu.append((time.process_time() - start) * 1000)
        keys = [a.key for a in result.assignments]
        want: dict[str, str | None] = {e.key: None for e in existing}  # removed: nowhere
        for (kind, origin), key in zip(origins, keys, strict=True):
            if origin is not None:
                want[f"k{origin}"] = f"k{origin}" if kind == "kept" else key
        got = {key: key for key in keys}
        got.update({fate.key: fate.successor for fate in result.fates})
        right += sum(1 for key, target in want.items() if got.get(key) == target)
        naive_right += sum(
            1 for key, target in want.items() if (key if key in keys else None) == target
        )
        total += len(want)
    print(
        f"\nsuccessor case ({drafts} drafts of {PARAGRAPHS} blocks: {EDITED_SHARE:.0%} edited, "
        f"{REWRITTEN_SHARE:.0%} rewritten in place, {REMOVED_SHARE:.0%} removed, {MOVED} moved; "
        "one comment per paragraph)"
    )
    print(f"{'split_markdown + match_blocks':34} {describe(times)}")
    print(f"{'  the same, CPU time':34} {describe(cpu)}")
    print(f"comments on the right successor: {right}/{total} = {right / total:.2%}")
    print(f"keys alone (baseline):           {naive_right}/{total} = {naive_right / total:.2%}")


def naive_match(old_texts: list[str], new_texts: list[str]) -> list[int | None]:
    """Take the best match by ratio() for every new block, each old paragraph used once.

    Same word tokens and threshold as match_blocks, so the comparison is of the algorithm.
    """
    old_words = [words(text) for text in old_texts]
    used: set[int] = set()
    result: list[int | None] = []
    for text in new_texts:
        new_words = words(text)
        best, best_score = None, SIMILARITY_THRESHOLD
        for index, candidate in enumerate(old_words):
            if index in used:
                continue
            score = SequenceMatcher(None, candidate, new_words, autojunk=False).ratio()
            if score >= best_score:
                best, best_score = index, score
        if best is not None:
            used.add(best)
        result.append(best)
    return result


QUOTES_PER_PARAGRAPH = 5


def quote_case(
    rng: random.Random, old: list[str], origins: list[int | None], new: list[str]
) -> dict[str, list[int]]:
    """Quote passages of edited paragraphs and find them again; counts per outcome.

    Returns {"survived"|"changed"|"gone"|"elsewhere": [quotes, found by locate, found by naive, found at
    the right place by locate, found at the right place by naive]}.
    """
    counts = {case: [0, 0, 0, 0, 0] for case in ("survived", "changed", "gone", "elsewhere")}
    for origin, new_text in zip(origins, new, strict=True):
        if origin is None or old[origin].startswith(("#", "-")) or old[origin] == new_text:
            continue
        old_text, old_tokens, new_tokens = old[origin], old[origin].split(" "), new_text.split(" ")
        assert len(old_tokens) == len(new_tokens)  # edit() replaces words in place
        for _ in range(QUOTES_PER_PARAGRAPH):
            length = rng.randint(1, 8)
            first = rng.randrange(len(old_tokens) - length + 1)
            exact = " ".join(old_tokens[first : first + length])
            offset = len(" ".join(old_tokens[:first])) + (1 if first else 0)
            # What the browser sends: the selection with some context of the old text.
            made = quote_from(
                text=old_text,
                exact=exact,
                prefix=old_text[:offset][-32:],
                suffix=old_text[offset + len(exact) :][:32],
            )
            assert made is not None and made.start == offset
            quote = selector(old_text, made)
            same = new_tokens[first : first + length] == old_tokens[first : first + length]
            cases = [("survived" if same else "changed", new_text)]
            # The same paragraph with just the quoted words rewritten (other words, same count).
            quoted = {token.strip(".,").lower() for token in old_tokens[first : first + length]}
            fresh = []
            while len(fresh) < length:
                candidate = word(rng)
                if candidate.lower() not in quoted:
                    fresh.append(candidate)
            gone = " ".join([*new_tokens[:first], *fresh, *new_tokens[first + length :]])
            # Gone means gone: a quote whose text still occurs elsewhere in the paragraph (a
            # single "die", say) is counted apart; it must not move onto that other occurrence.
            cases.append(("gone" if quote.exact.lower() not in gone.lower() else "elsewhere", gone))
            for case, text in cases:
                right = len(" ".join(new_tokens[:first])) + (1 if first else 0)
                found = locate(text, quote, hint=made.start, was_in=old_text)
                naive = text.find(quote.exact)
                row = counts[case]
                row[0] += 1
                row[1] += found is not None
                row[2] += naive != -1
                row[3] += found is not None and found.start == right
                row[4] += naive == right
    return counts


def timed(function: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):8.2f} ms   p95 {p95:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drafts", type=int, default=20, help="drafts in the successor case")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    old_source_blocks = make_draft(rng)
    old_blocks = split_markdown("\n\n".join(old_source_blocks))
    while True:
        origins, new_source_blocks = make_new_version(rng, old_source_blocks)
        new_source = "\n\n".join(new_source_blocks)
        # Two lists that end up next to each other are one list in Markdown; that would
        # spoil the expected keys, so draw again.
        if len(split_markdown(new_source)) == len(new_source_blocks):
            break
    existing = [Existing(f"k{i}", block.text, block.kind) for i, block in enumerate(old_blocks)]
    print(
        f"draft: {len(old_blocks)} blocks, {sum(len(s) for s in old_source_blocks):,} chars; "
        f"new version: {len(new_source_blocks)} blocks, {int(PARAGRAPHS * EDITED_SHARE)} edited, "
        f"{INSERTED} inserted, {REMOVED} removed, {MOVED} moved"
    )

    def split_and_match():
        blocks = split_markdown(new_source)
        return blocks, match_blocks(existing, [block.text for block in blocks])

    split_times, _ = timed(lambda: split_markdown(new_source), args.runs)
    total_times, (new_blocks, result) = timed(split_and_match, args.runs)
    new_texts = [block.text for block in new_blocks]
    match_times, _ = timed(lambda: match_blocks(existing, new_texts), args.runs)
    naive_times, naive = timed(
        lambda: naive_match([e.text for e in existing], new_texts), args.naive_runs
    )

    old_sides = [Side(e.key, i, e.text, "") for i, e in enumerate(existing)]
    new_sides = [
        Side(a.key, i, block.text, block.html)
        for i, (a, block) in enumerate(zip(result.assignments, new_blocks, strict=True))
    ]
    diff_times, diff = timed(lambda: diff_versions(old_sides, new_sides), args.runs)

    expected = [f"k{origin}" if origin is not None else None for origin in origins]
    kept = sum(
        1 for a, want in zip(result.assignments, expected, strict=True) if want and a.key == want
    )
    wrong = sum(
        1
        for a, want in zip(result.assignments, expected, strict=True)
        if a.status != "new" and a.key != want
    )
    naive_kept = sum(
        1 for got, want in zip(naive, origins, strict=True) if want is not None and got == want
    )
    should_keep = sum(1 for want in expected if want)

    print(f"\n{'split_markdown (new version)':34} {describe(split_times)}")
    print(f"{'match_blocks':34} {describe(match_times)}")
    print(f"{'split_markdown + match_blocks':34} {describe(total_times)}")
    print(f"{'diff_versions':34} {describe(diff_times)}")
    print(f"{'naive all-pairs ratio() matcher':34} {describe(naive_times)}")
    ratio = statistics.median(naive_times) / statistics.median(match_times)
    print(f"\nmatch_blocks is {ratio:,.0f}x faster than the naive matcher (median).")
    print(f"keys kept: {kept}/{should_keep} expected, {wrong} wrongly reused")
    print(f"naive matcher keys kept: {naive_kept}/{should_keep}")
    print(f"diff summary: {diff.summary()}")

    # Its own random numbers, so that the cases after it draw what they drew without it.
    quotes = quote_case(random.Random(args.seed + 1), old_source_blocks, origins, new_source_blocks)
    total, found, naive_found, right, naive_right = quotes["survived"]
    print(
        f"\nquotes whose words survive: {right}/{total} = {right / total:.1%} re-anchored at the "
        f"right place (naive str.find: {naive_right}/{total} = {naive_right / total:.1%})"
    )
    total, found, naive_found, right, naive_right = quotes["changed"]
    if total:
        print(
            f"quotes with some words changed: {found}/{total} = {found / total:.1%} anchored "
            f"fuzzily (naive: {naive_found}/{total})"
        )
    total, found, naive_found, right, naive_right = quotes["gone"]
    print(
        f"quotes whose words are gone: {found}/{total} anchored elsewhere "
        f"(naive str.find: {naive_found}/{total})"
    )
    total, found, naive_found, right, naive_right = quotes["elsewhere"]
    print(
        f"quotes rewritten in place whose text occurs elsewhere in the paragraph: {found}/{total}"
        f" anchored on that other occurrence (goal 0; naive: {naive_found}/{total})"
    )

    # Why SIMILARITY_THRESHOLD = 0.5: similarity of unrelated paragraphs of this draft.
    texts = [block.text for block in old_blocks if block.kind == "text"]
    pairs = [rng.sample(texts, 2) for _ in range(300)]
    unrelated = sorted(similarity(words(a), words(b)) for a, b in pairs)
    print(
        f"unrelated paragraph similarity: median {statistics.median(unrelated):.2f}, "
        f"p99 {unrelated[int(0.99 * (len(unrelated) - 1))]:.2f}, max {unrelated[-1]:.2f} "
        f"(threshold {SIMILARITY_THRESHOLD})"
    )
    successor_case(rng, args.drafts, max(1, args.runs // 10))


if __name__ == "__main__":
    main()
