"""Settings come from the environment; production refuses to start half-configured."""

import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.deliberation.settings_process import ROOT, run
from tests.servers import free_port

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "beteiligung.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://beteiligung.example.org",
}


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


# What `make run` chose is where operator commands read it too (var/local.env) -------------


def _operator_env(var_dir: Path, **extra) -> dict:
    """A fresh shell's environment: none of the settings' variables; VAR_DIR only to keep this
    test's instance apart from the developer's var/."""
    names = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "MAKEFLAGS")
    env = {k: v for k, v in os.environ.items() if k not in names}
    return {**env, "VAR_DIR": str(var_dir), **extra}


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_operator_commands_act_on_the_instance_that_make_run_serves(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=_operator_env(tmp_path, HOST="127.0.0.1", PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _attempt in range(600):
            assert server.poll() is None, server.stderr.read().decode()
            try:
                if _get(f"http://127.0.0.1:{port}/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        draft_file = tmp_path / "entwurf.md"
        draft_file.write_text("# Entwurf\n\nDer erste Absatz.\n\nDer zweite Absatz.\n")
        # In a second shell, with nothing set, exactly as the README says:
        command = ["import_draft", str(draft_file), "--title", "Operator draft", "--open"]
        result = subprocess.run(
            [".venv/bin/python", "manage.py", *command],
            cwd=ROOT,
            env=_operator_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        slug = result.stdout.strip().splitlines()[-1]
        status, html = _get(f"http://127.0.0.1:{port}/drafts/{slug}/")
        assert status == 200 and "Operator draft" in html, "the server shows what the shell did"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_production_still_requires_real_variables_when_make_run_recorded_debug(tmp_path):
    (tmp_path / "local.env").write_text("DEBUG=1\n")
    result = run(["manage.py", "check"], VAR_DIR=str(tmp_path), DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr, "the environment's DEBUG=0 wins over the file"


def test_the_recorded_file_never_provides_a_secret(tmp_path):
    (tmp_path / "local.env").write_text(
        "DEBUG=0\nSECRET_KEY=from-the-file\nALLOWED_HOSTS=example.org\n"
    )
    result = run(["manage.py", "check"], VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
