"""Pages and API answers cost a fixed number of queries, whoever reads and however many
comments there are: each is measured at two sizes for every role that sees it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.feedback import services as answers
from comments.moderation import services as moderation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]


@pytest.fixture
def as_role(client, citizen, other_citizen, moderator, wg):
    """Log the client in as a role; "author" is the citizen who writes the comments."""
    users = {"citizen": other_citizen, "author": citizen, "moderator": moderator, "wg": wg}

    def login(role: str):
        client.logout()
        if role in users:
            client.force_login(users[role])
        return client

    return login


@pytest.fixture
def grow(draft, paragraph, citizen, make_user, moderator, wg):
    """Add n threads of every kind a page can show: a reply, supports, answers, removals."""

    def add(n: int) -> None:
        supporter = make_user(f"fan{draft.comments.count()}")
        flagger = make_user(f"melder{draft.comments.count()}")
        for i in range(n):
            root = services.comment_create(user=citizen, paragraph=paragraph, body=f"K {i}")
            reply = services.comment_create(
                user=supporter, paragraph=root.paragraph, parent=root, body=f"A {i}"
            )
            services.comment_support(user=supporter, comment=root, on=True)
            services.vote_cast(user=supporter, paragraph=paragraph, choice="agree")
            answers.answer_save(
                user=wg, comment=root, disposition="noted", reply="Danke", publish=i % 2 == 0
            )
            if i % 3 == 0:
                moderation.comment_hide(moderator=moderator, comment=reply, reason="spam")
            if i % 4 == 0:
                moderation.flag_create(user=flagger, comment=root, reason="spam")

    return add


def fetch(client, url: str) -> None:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return len(captured)


PAGES = {
    "thread": ("/drafts/{slug}/p/{key}/thread/", ["anonymous", "citizen", "author", "moderator"]),
    "draft": ("/drafts/{slug}/?thread={key}", ["anonymous", "citizen", "author", "moderator"]),
    "api": ("/api/drafts/{slug}/comments/", ["anonymous", "citizen", "author", "moderator"]),
    "room": ("/drafts/{slug}/room/", ["anonymous"]),
    "data": ("/accounts/profile/data.json", ["author"]),
    "queue": ("/moderation/", ["moderator"]),
    "log": ("/moderation/log/", ["moderator"]),
    "logcsv": ("/moderation/log.csv", ["moderator"]),
    "summary": ("/drafts/{slug}/feedback/", ["wg"]),
    "triage": ("/drafts/{slug}/answers/", ["wg"]),
    "table": ("/drafts/{slug}/answers/table/", ["wg"]),
    "csv": ("/drafts/{slug}/feedback.csv", ["wg"]),
    "home": ("/", ["anonymous", "author"]),
    "versions": ("/drafts/{slug}/versions/", ["anonymous"]),
    "api_draft": ("/api/drafts/{slug}/", ["anonymous"]),
    "notifications": ("/benachrichtigungen/", ["author", "citizen"]),
}


@pytest.mark.parametrize(
    ("page", "role"), [(page, role) for page, (_url, roles) in PAGES.items() for role in roles]
)
def test_queries_do_not_grow_with_comments(
    draft, paragraph, grow, as_role, page, role, django_assert_num_queries
):
    """1 thread, then 16: the same number of queries (the thread fragment took 11 and 26 for a
    logged-in reader, the personal-data download one more per comment)."""
    url = PAGES[page][0].format(slug=draft.slug, key=paragraph.key)
    grow(1)
    client = as_role(role)
    small = queries(client, url)
    grow(15)
    with django_assert_num_queries(small):
        fetch(client, url)
