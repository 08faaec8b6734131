"""Run Python with the platform's settings in a fresh process, as an operator's shell would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code_or_args, **env_overrides) -> subprocess.CompletedProcess:
    """Run `python -c CODE` (a string) or `python ARGS...` (a list) from the project root with
    `env_overrides` over this environment (its database, Redis, debug and secret variables
    left out); returns the finished process with its text output. Times out after 60 s."""
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
