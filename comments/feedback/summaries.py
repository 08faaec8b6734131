"""The working group's figures: tallies, approval, controversy, chart geometry. Pure: no ORM.

The database does the counting (comments/feedback/selectors.py); this module combines counts
into the figures people read, so that every rule is tested on plain numbers without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


def controversy_score(agree: int, disagree: int, neutral: int = 0) -> float:
    """How disputed a paragraph is: many votes and a close split between agree and disagree.

    score = all votes × (1 − |agree − disagree| / (agree + disagree)). An even split keeps all
    votes as the score, a unanimous one scores 0; neutral votes add weight but take no side.
    """
    sides = agree + disagree
    if sides <= 0:
        return 0.0
    return (sides + neutral) * (1 - abs(agree - disagree) / sides)


def approval_share(agree: int, disagree: int, neutral: int = 0) -> float | None:
    """The share of agreeing votes among all votes (0..1), None without votes."""
    total = agree + disagree + neutral
    return agree / total if total else None


def percent(part: float | None) -> str:
    """A share (0..1) as a whole percentage for people ("62 %"); "–" when there is none."""
    if part is None:
        return "–"
    return f"{round(part * 100)} %"


@dataclass
class Tally:
    """The counts of one paragraph (or, summed, of the whole draft)."""

    key: str = ""
    number: int | None = None  # the paragraph's number as people cite it
    position: int = 0
    text: str = ""
    removed: bool = False  # no longer in the current version
    heading: bool = False
    published: int = 0
    pending: int = 0
    rejected: int = 0
    hidden: int = 0
    deleted: int = 0
    authors: int = 0
    agree: int = 0
    disagree: int = 0
    neutral: int = 0
    unanswered: int = 0
    drafts: int = 0  # answers written but not published yet

    @property
    def comments(self) -> int:
        return self.published + self.pending + self.rejected + self.hidden + self.deleted

    @property
    def answered(self) -> int:
        """Published comments with a published answer."""
        return self.published - self.unanswered - self.drafts

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.neutral

    @property
    def approval(self) -> float | None:
        return approval_share(self.agree, self.disagree, self.neutral)

    @property
    def approval_percent(self) -> str:
        return percent(self.approval)

    @property
    def score(self) -> float:
        return controversy_score(self.agree, self.disagree, self.neutral)


COUNTED = (
    "published",
    "pending",
    "rejected",
    "hidden",
    "deleted",
    "agree",
    "disagree",
    "neutral",
    "unanswered",
    "drafts",
)


def tally_sum(tallies: Iterable[Tally]) -> Tally:
    """Add up paragraph tallies (not `authors`: people write on several paragraphs)."""
    total = Tally()
    for tally in tallies:
        for name in COUNTED:
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    return total


def controversy_ranking(tallies: Iterable[Tally], limit: int | None = None) -> list[Tally]:
    """The disputed paragraphs, most disputed first; ties: more votes, then earlier paragraph."""
    disputed = [t for t in tallies if t.score > 0]
    disputed.sort(key=lambda t: (-t.score, -t.votes, t.position))
    return disputed[:limit] if limit is not None else disputed


def fill_days(counts: dict[date, int], *, until: date | None = None) -> list[tuple[date, int]]:
    """Per-day counts from the first day with activity to `until` (or the last), zeros included."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if until is not None and until > last:
        last = until
    days, day = [], first
    while day <= last:
        days.append((day, counts.get(day, 0)))
        day += timedelta(days=1)
    return days


# Charts: server-rendered SVG. The geometry is computed here, the markup is a template.


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    maximum: int
    ticks: list[tuple[int, float]] = field(default_factory=list)  # (value, y)

    @property
    def total(self) -> int:
        return sum(b.value for b in self.bars)


def nice_maximum(value: int) -> int:
    """A round upper end for an axis: 1, 2, 5, 10, 20, 50, … at least `value`."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart(
    items: Sequence[tuple[str, int]],
    *,
    width: int = 720,
    height: int = 220,
    max_labels: int = 12,
) -> BarChart:
    """Vertical bars for `items` (label, value), scaled to a rounded maximum, with 3 ticks."""
    left, right, top, bottom = 40, 8, 10, 28
    plot_width, plot_height = width - left - right, height - top - bottom
    maximum = nice_maximum(max((v for _, v in items), default=0))
    slot = plot_width / max(len(items), 1)
    gap = min(4.0, slot * 0.2)
    every = max(1, -(-len(items) // max_labels))  # label every n-th bar so labels never overlap
    bars = []
    for index, (label, value) in enumerate(items):
        bar_height = plot_height * value / maximum
        x = left + index * slot + gap / 2
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 2),
                y=round(top + plot_height - bar_height, 2),
                width=round(max(slot - gap, 1.0), 2),
                height=round(bar_height, 2),
                label_x=round(x + (slot - gap) / 2, 2),
                show_label=index % every == 0,
            )
        )
    ticks = [(round(maximum * f), round(top + plot_height * (1 - f), 2)) for f in (0, 0.5, 1)]
    return BarChart(
        bars=bars,
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=top + plot_height,
        maximum=maximum,
        ticks=ticks,
    )


@dataclass(frozen=True)
class Segment:
    name: str
    value: int
    x: float
    width: float


def stacked_bar(
    parts: Sequence[tuple[str, int]], *, x: float = 0, width: float = 200
) -> list[Segment]:
    """Split a bar of `width` into segments proportional to the values (for vote splits)."""
    total = sum(v for _, v in parts)
    segments, left = [], float(x)
    for name, value in parts:
        w = width * value / total if total else 0.0
        segments.append(Segment(name=name, value=value, x=round(left, 2), width=round(w, 2)))
        left += w
    return segments


@dataclass(frozen=True)
class StackedRow:
    label: str
    y: float
    text_y: float
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class StackedChart:
    rows: list[StackedRow]
    width: int
    height: int
    bar_height: int
    total_x: float


def stacked_rows(
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    *,
    width: int = 720,
    row_height: int = 26,
    label_width: int = 110,
    total_width: int = 60,
) -> StackedChart:
    """One full-width bar per row, split by share (how votes divide, not how many there are)."""
    bar_height = row_height - 8
    bar_width = width - label_width - total_width
    chart_rows = []
    for number, (label, parts) in enumerate(rows):
        y = number * row_height + 4
        chart_rows.append(
            StackedRow(
                label=label,
                y=y,
                text_y=y + bar_height / 2 + 4,
                total=sum(v for _, v in parts),
                segments=stacked_bar(parts, x=label_width, width=bar_width),
            )
        )
    return StackedChart(
        rows=chart_rows,
        width=width,
        height=max(len(rows), 1) * row_height + 4,
        bar_height=bar_height,
        total_x=width - total_width + 6,
    )


class Pseudonyms:
    """Stable stand-in names for one export: the first person seen is number 1, and so on."""

    def __init__(self, template: Callable[[int], str]):
        self._template = template
        self._numbers: dict[Hashable, int] = {}

    def __call__(self, person: Hashable) -> str:
        if person is None:
            return ""
        number = self._numbers.setdefault(person, len(self._numbers) + 1)
        return self._template(number)
