"""Settings for deliberation, read from the environment (see README: Configuration)."""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from deliberation import localenv

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = localenv.var_dir()
# What `make run` chose (VAR_DIR/local.env), under the environment: see deliberation/localenv.py.
LOCAL_ENV = localenv.read(VAR_DIR / localenv.FILE_NAME)


def env(name: str, default: str | None = None) -> str | None:
    """A setting's variable: the environment, else what `make run` recorded, else `default`."""
    value = os.environ.get(name)
    return value if value is not None else LOCAL_ENV.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", False)


def _refuse(variable: str) -> None:
    # One line naming the variable, not a traceback: the operator knows at once what to set.
    raise SystemExit(
        f"deliberation: {variable} must be set when DEBUG=0 (see README, Configuration)."
    )


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")  # never from local.env: secrets only come from outside
    if key:
        return key
    if not DEBUG:
        _refuse("SECRET_KEY")
    # Debug only: generate once so sessions survive restarts of `make run`.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        _refuse("ALLOWED_HOSTS")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` is the ASGI server too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "reversion",
    # Accounts (sign-up, confirmation, log-in, reset, e-mail change): deliberation/accounts/.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "deliberation",
    "deliberation.process",
    "drafts",
    "comments",
    "comments.moderation",
    "comments.feedback",
    "comments.offline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "deliberation.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deliberation.notifications.middleware.LanguagePreferenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "deliberation.urls"
ASGI_APPLICATION = "deliberation.asgi.application"

TEMPLATE_DIRS = [Path(p) for p in env_list("TEMPLATE_OVERRIDES_DIR")]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # An operator's own Impressum or privacy text goes in TEMPLATE_OVERRIDES_DIR.
        "DIRS": [*TEMPLATE_DIRS, BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "deliberation.context_processors.site",
                "deliberation.context_processors.notifications",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Kept open: channels' database_sync_to_async closes a connection older than CONN_MAX_AGE
    # around every call, and with 0 the websockets' database thread opened SQLite anew for each
    # (about a third of its time in a burst of votes, and a WAL checkpoint with fsyncs at every
    # close; issue 14). An HTTP request's thread ends with the request, and its connection is
    # closed then (sqlite_connections.py), not when the garbage collector finds it.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    # Tests use a file too (not shared-cache memory), so threads meet the same locking as production.
    # One file per test process, so that two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # Under ASGI each request may run in a new thread, so connections kept per thread pile up
    # instead of being reused (Django docs, "Persistent connections"). A connection pool
    # (psycopg_pool, Django's "pool" option) reuses them instead: opening a PostgreSQL
    # connection per websocket action cost more than half of that thread's time (bench/).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if env_bool("DB_POOL", True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 20),
            "timeout": 10,
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: in memory for one process, Redis for several.
REDIS_URL = env("REDIS_URL", "")
# redis-py gives up on a read after `socket_timeout` (5 s by default), and channels_redis waits
# for messages with a blocking pop of 5 s: an idle connection then failed every few seconds.
# A read may now take longer than the pop; a Redis that stopped answering is still noticed.
# After a Redis restart every pooled connection is stale, and redis-py tries a command once by
# default: the first command on each failed (the first handshakes after a restart got HTTP 500 or
# 1011, the first votes "unavailable"). A command that fails to connect or loses its connection
# is tried again on a fresh one, a few times within about a second (redis-py's `retry`).
REDIS_RETRIES = 3
REDIS_OPTIONS = {
    "socket_timeout": 15,
    "socket_connect_timeout": 5,
    "socket_keepalive": True,
    "retry": AsyncRetry(ExponentialBackoff(cap=0.5, base=0.05), REDIS_RETRIES),
    "retry_on_error": [RedisConnectionError],
}
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **REDIS_OPTIONS}],
                "capacity": 1500,
                "expiry": 60,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "retry": Retry(ExponentialBackoff(cap=0.5, base=0.05), REDIS_RETRIES),
                "retry_on_error": [RedisConnectionError],
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Seconds between two heartbeats (each draft's latest seq) to every reader; the contract says 30
# at most. Tests set it shorter.
LIVE_HEARTBEAT = float(env("LIVE_HEARTBEAT_SECONDS") or 20)
# Websocket votes waiting at one moment are written in one transaction (deliberation/groupcommit.py);
# off, each vote is its own transaction (the benchmark's baseline; nothing else changes).
LIVE_GROUP_COMMIT = env_bool("LIVE_GROUP_COMMIT", True)

# Writes per user and minute; over the limit the answer is a clear "rate_limited" message.
RATE_LIMITS = {
    "comment": env_int("RATE_LIMIT_COMMENTS", 10),
    "vote": env_int("RATE_LIMIT_VOTES", 120),
    "support": env_int("RATE_LIMIT_SUPPORTS", 120),
    "flag": env_int("RATE_LIMIT_FLAGS", 20),
    "socket": env_int("RATE_LIMIT_SOCKET_FRAMES", 300),  # per connection, after a burst of 20
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "deliberation.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts on django-allauth (deliberation/accounts/, docs/deploy.md "Accounts").
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "deliberation.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "deliberation.accounts.forms.LoginForm",
    "signup": "deliberation.accounts.forms.SignupForm",
    "reset_password": "deliberation.accounts.forms.ResetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# `mandatory` (default): what a person writes before confirming the address is held until they
# confirm it; `optional`: published at once. Log-in works either way, so that nothing is lost.
ACCOUNT_EMAIL_CONFIRMATION = (env("ACCOUNT_EMAIL_CONFIRMATION", "mandatory") or "").strip().lower()
if ACCOUNT_EMAIL_CONFIRMATION not in {"mandatory", "optional"}:
    raise SystemExit(
        "deliberation: ACCOUNT_EMAIL_CONFIRMATION must be 'mandatory' or 'optional' "
        "(see README, Configuration)."
    )
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link scanner that opens the mail confirms nothing
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old one once it is confirmed
ACCOUNT_EMAIL_NOTIFICATIONS = True  # the old address hears of a change of address or password
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None  # the log-in form offers "remember me"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Attempts per minute: the sixth wrong password within a minute is refused, counted per account
# and per client address; sign-ups and reset mails likewise (allauth's rate limits, kept in the
# cache: with several processes set REDIS_URL so that they count together).
LOGIN_ATTEMPTS_PER_MINUTE = env_int("LOGIN_ATTEMPTS_PER_MINUTE", 5)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_ATTEMPTS_PER_MINUTE}/m/ip,{LOGIN_ATTEMPTS_PER_MINUTE}/m/key",
    "signup": env("RATE_LIMIT_SIGNUPS", "5/m/ip,30/h/ip"),
    "reset_password": env("RATE_LIMIT_PASSWORD_RESETS", "5/m/ip,3/h/key"),
}
SOCIALACCOUNT_PROVIDERS: dict = {}
# The provider's slot in the addresses: /accounts/oidc/city/login/callback/ is the redirect URI
# to register at the provider.
OIDC_PROVIDER_ID = "city"
# Log-in through the city's identity provider over OpenID Connect (deliberation/accounts/oidc.py,
# docs/deploy.md "Log-in through the city's identity provider"): all four variables, or none.
OIDC_VARIABLES = ("OIDC_PROVIDER_NAME", "OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
_oidc = {name: (env(name) or "").strip() for name in OIDC_VARIABLES}
if any(_oidc.values()):
    _missing = [name for name, value in _oidc.items() if not value]
    if _missing:
        raise SystemExit(
            f"deliberation: {', '.join(_missing)} must be set too for the log-in through an "
            "identity provider (all of OIDC_PROVIDER_NAME, OIDC_SERVER_URL, OIDC_CLIENT_ID, "
            "OIDC_CLIENT_SECRET, or none; see docs/deploy.md)."
        )
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": _oidc["OIDC_PROVIDER_NAME"],
                "client_id": _oidc["OIDC_CLIENT_ID"],
                "secret": _oidc["OIDC_CLIENT_SECRET"],
                "settings": {"server_url": _oidc["OIDC_SERVER_URL"]},
            }
        ],
        # Only what the platform needs: who it is (a pseudonymous subject) and an address for
        # notifications. Names are not asked for (and dropped if sent anyway).
        "SCOPE": ["openid", "email"],
        "OAUTH_PKCE_ENABLED": True,
    }
    # The log-in and log-out forms redirect to the provider (Content-Security-Policy).
    _provider = urlsplit(_oidc["OIDC_SERVER_URL"])
    CSP_FORM_ACTION_ORIGINS = [f"{_provider.scheme}://{_provider.netloc}"]
SOCIALACCOUNT_ADAPTER = "deliberation.accounts.oidc.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "deliberation.accounts.forms.SocialSignupForm"}
# A person coming from the provider always sees the sign-up form first: they choose the
# pseudonym shown next to their comments and agree to the privacy notice.
SOCIALACCOUNT_AUTO_SIGNUP = False
# Never join a provider's login to an existing account because the addresses match: the
# person logs in with their password and connects it themselves.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# The provider's tokens are not kept: the ID token for the log-out lives in the session only.
SOCIALACCOUNT_STORE_TOKENS = False
# Bot protection on sign-up and password reset: an ALTCHA proof of work solved by the browser
# (no third party, no cookie) and a honeypot field. The largest number the browser may have to
# try: about a second of work for a phone, a thousand sign-ups cost a bot hours.
ALTCHA_MAX_NUMBER = env_int("ALTCHA_MAX_NUMBER", 100_000)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Documents of a process (PDF, Markdown, .docx): the largest upload accepted.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 10) * 1024 * 1024
# Files the worker makes for one person or group to download (the answer table in Word):
# private, served only through views that check permission on each download, never by the web
# server directly (docs/deploy.md). Old ones are pruned by the worker.
EXPORTS_ROOT = Path(env("EXPORTS_ROOT", VAR_DIR / "exports"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EXPORTS_ROOT},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: printed to the console in debug, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "beteiligung@localhost")

# Background work (mails from the outbox, digests, pruning): tasks kept in the database and run
# by `manage.py worker` (docs/deploy.md); nothing else to install. A failed mail is tried again
# after NOTIFICATION_RETRY_SECONDS, doubling each time, NOTIFICATION_MAX_ATTEMPTS times in all.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)
# SMTP connections one worker keeps busy at once (threads), for a fan-out of thousands of mails.
NOTIFICATION_SMTP_CONNECTIONS = env_int("NOTIFICATION_SMTP_CONNECTIONS", 4)

# What the footer pages name; an operator sets these (see README).
SITE_NAME = env("SITE_NAME", "Beteiligung")
SITE_OPERATOR = env("SITE_OPERATOR", "Stadtverwaltung Musterstadt")
SITE_CONTACT_EMAIL = env("SITE_CONTACT_EMAIL", "beteiligung@example.org")
# The public address (https://beteiligung.example.org), for links in e-mails.
SITE_URL = env("SITE_URL", "").rstrip("/")

# Moderation: in post-moderated drafts, a comment reported by this many people is hidden
# until a moderator decides. MODERATION_REASONS may replace the reason catalogue.
AUTO_HIDE_REPORTS = env_int("AUTO_HIDE_REPORTS", 3)

# Security: strict in production, relaxed only where debug needs plain HTTP.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The task worker says "no more tasks" on every idle round; only its problems matter.
        "django_tasks_db": {"level": "WARNING"},
    },
}
