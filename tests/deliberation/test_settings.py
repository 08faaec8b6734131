"""Settings come from the environment; production refuses to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "beteiligung.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://beteiligung.example.org",
}


def run(code_or_args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="deliberation.settings")
    args = (
        [sys.executable, *code_or_args]
        if isinstance(code_or_args, list)
        else [sys.executable, "-c", code_or_args]
    )
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE']); print(s.CHANNEL_LAYERS['default']['BACKEND']); "
    "print(s.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'))"
)


def test_embedded_default_is_sqlite_and_in_memory_layer(tmp_path):
    result = run(SHOW, DEBUG="1", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    engine, layer, mode = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert layer == "channels.layers.InMemoryChannelLayer"
    assert mode == "IMMEDIATE"
    assert (tmp_path / "secret_key").exists(), "debug generates a secret key once into var/"


def test_urls_switch_to_postgres_and_redis(tmp_path):
    result = run(
        SHOW,
        DEBUG="1",
        VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://u@db.example:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    engine, layer, _ = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert layer == "channels_redis.core.RedisChannelLayer"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert missing in lines[0]


def test_check_deploy_is_clean_with_production_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_file_database_runs_in_wal_mode_with_busy_timeout(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    result = run(code, DEBUG="1", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    mode, timeout_ms = result.stdout.split()
    assert mode == "wal"
    assert int(timeout_ms) >= 5000
