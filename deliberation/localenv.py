"""What `make run` chose, kept where operator commands in a second shell read it too.

`make run` writes VAR_DIR/local.env (``NAME=value`` lines, shell quoting) with its debug mode
and the instance variables it was started with; settings read the file when present, and a
variable set in the environment always wins. So `manage.py import_draft …` in another shell
acts on the instance `make run` serves, with nothing to set. Secrets are never written here:
in debug the generated key lives in VAR_DIR/secret_key, and with DEBUG=0 the environment must
still provide SECRET_KEY and ALLOWED_HOSTS. Standard library only: settings import it first.
"""

import os
import shlex
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
FILE_NAME = "local.env"
# The variables that decide which instance and how it behaves; never passwords or keys.
RECORDED = (
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "MEDIA_ROOT",
    "EXPORTS_ROOT",
    "TEMPLATE_OVERRIDES_DIR",
    "TIME_ZONE",
    "SITE_NAME",
    "SITE_OPERATOR",
    "SITE_CONTACT_EMAIL",
    "SITE_URL",
)


def var_dir() -> Path:
    """The instance's folder: VAR_DIR from the environment, else var/ in the project."""
    return Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def read(path: Path) -> dict[str, str]:
    """The recorded variables of `path` ({} when there is no such file); unknown names are
    ignored, so the file can never set a secret. Raises nothing for a missing file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    values = {}
    for line in lines:
        name, sep, raw = line.partition("=")
        if sep and name.strip() in RECORDED:
            parts = shlex.split(raw, comments=True)
            values[name.strip()] = parts[0] if parts else ""
    return values


def write(path: Path, environ: dict[str, str]) -> dict[str, str]:
    """Record the variables of `environ` that are in RECORDED into `path`; return them."""
    values = {name: environ[name] for name in RECORDED if environ.get(name)}
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Written by `make run`: what it chose, so that `manage.py` in another shell acts on",
        "# the same instance. The environment overrides every line. Delete to forget.",
        *(f"{name}={shlex.quote(value)}" for name, value in values.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return values


if __name__ == "__main__":  # `python -m deliberation.localenv`, from `make run`
    recorded = write(var_dir() / FILE_NAME, dict(os.environ))
    names = ", ".join(f"{k}={v}" for k, v in recorded.items() if k != "DATABASE_URL") or "-"
    sys.stdout.write(f"  Recorded for operator commands in {var_dir() / FILE_NAME}: {names}\n")
