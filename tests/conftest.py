"""Plain fixtures shared by all tests: users per role, drafts to comment on, clean caches."""

import pytest
from allauth.account.models import EmailAddress
from channels.layers import channel_layers
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from deliberation import hub as hub_module
from deliberation.roles import role_grant
from tests.data import DRAFT_TEXT, PASSWORD


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="also make the README's screenshots into docs/screenshots/ (`make screenshots`)",
    )


def pytest_collection_modifyitems(config, items):
    """Leave the screenshot maker out unless asked for: it rewrites tracked files."""
    if config.getoption("--screenshots"):
        return
    skipped = [item for item in items if item.get_closest_marker("screenshots")]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker("screenshots")]


@pytest.fixture(scope="session")
def exports_root(tmp_path_factory):
    """The private storage of the worker's files (settings.EXPORTS_ROOT) during the tests."""
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True)
def _isolated(settings, exports_root):
    """Fast password hashing, an empty cache, fresh channel layers and the worker's files in a
    folder of the test run for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EXPORTS_ROOT = exports_root
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {**settings.STORAGES["exports"], "OPTIONS": {"location": exports_root}},
    }
    # A test's own transaction is invisible to other threads' connections: mail is sent from
    # the test's thread (tests/notifications/test_delivery.py tests the threads on committed rows).
    settings.NOTIFICATION_SMTP_CONNECTIONS = 1
    cache.clear()
    channel_layers.backends.clear()
    hub_module._hubs.clear()
    # The test client leaves the last request's language active; start each test in German.
    translation.activate("de")
    yield
    cache.clear()


@pytest.fixture
def shell(monkeypatch):
    """The operator's shell asks for `language` (operator commands speak it)."""

    def set_language(language: str):
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", {"de": "de_DE.UTF-8", "en": "en_US.UTF-8"}[language])

    return set_language


@pytest.fixture
def make_user(db):
    def make(username: str, role: str | None = None, confirmed: bool = True, **extra):
        """A user with the test password; `confirmed`: their e-mail address is confirmed (else
        what they write waits for the confirmation)."""
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@example.org", password=PASSWORD, **extra
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=confirmed)
        if role:
            role_grant(user=user, role=role)
        return user

    return make


@pytest.fixture
def citizen(make_user):
    return make_user("anna")


@pytest.fixture
def other_citizen(make_user):
    return make_user("bernd")


@pytest.fixture
def moderator(make_user):
    return make_user("mod", role="moderator")


@pytest.fixture
def wg(make_user):
    return make_user("ak", role="working_group")


@pytest.fixture
def make_draft(wg):
    from drafts.services import draft_create, draft_open

    def make(
        text: str = DRAFT_TEXT,
        moderation: str = "post",
        open: bool = True,
        slug: str = "",
        title="Leitlinien",
    ):
        draft = draft_create(title=title, slug=slug, text=text, user=wg, moderation=moderation)
        if open:
            draft_open(draft=draft)
        draft.refresh_from_db()
        return draft

    return make


@pytest.fixture
def draft(make_draft):
    """An open, post-moderated draft."""
    return make_draft(slug="leitlinien")


@pytest.fixture
def pre_draft(make_draft):
    """An open, pre-moderated draft (comments wait for release)."""
    return make_draft(slug="vormoderiert", moderation="pre")


@pytest.fixture
def paragraph(draft):
    return (
        draft.paragraphs.filter(archived=False).exclude(kind="heading").order_by("position").first()
    )


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


def pytest_sessionfinish(session, exitstatus):
    """Remove this run's SQLite test database with its WAL files (Django removes only the main file)."""
    import os

    from django.conf import settings

    for path in settings.VAR_DIR.glob(f"test-{os.getpid()}.sqlite3*"):
        path.unlink(missing_ok=True)


@pytest.fixture
def no_rate_limits(settings):
    """Rate limits out of the way (10,000 of everything), for tests that write a lot quickly
    and test something else than the limits."""
    settings.RATE_LIMITS = {name: 10_000 for name in settings.RATE_LIMITS}
