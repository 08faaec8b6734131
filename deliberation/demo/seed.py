"""Demo data for `make run`: one user per role, then each app's own demo data.

The platform names no app: every app of this project with a `demo` module (`<app>/demo.py`
holding `seed_demo(*, users)`) adds its part, in the order of INSTALLED_APPS, which is the order
of the dependencies (the process before the drafts, the comments after both). Safe to run twice:
each part checks what is there already.
"""

from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from deliberation.accounts.confirmation import email_confirm, is_confirmed
from deliberation.roles import role_grant

DEMO_PASSWORD = "demo-passwort-2026"  # noqa: S105 - printed by `make run`, demo only
DEMO_USERS = {"buergerin": None, "moderation": "moderator", "arbeitskreis": "working_group"}
CITIZENS = ["anna_k", "bernd", "cem", "dorothea", "emil"]
# The demo draft's and the demo process's short names (the apps' demo parts use them).
DEMO_SLUG = "leitlinien-buergerbeteiligung"
PROCESS_SLUG = "leitlinien-buergerbeteiligung"
# The demo texts: the draft in two versions and the kickoff's protocol (Markdown).
FILES = Path(__file__).resolve().parent


def seed(stdout=None) -> None:
    """Create the demo users, then run every app's demo part (see the module's docstring)."""
    users = _users()
    for part in demo_parts():
        part(users=users)
    if stdout:
        stdout.write(gettext("Demo data ready."))


def demo_parts() -> list[Callable]:
    """`seed_demo` of every app of this project that has a `demo` module, in INSTALLED_APPS
    order. Third-party apps are not asked."""
    parts = []
    for app_config in apps.get_app_configs():
        if not Path(app_config.path).is_relative_to(settings.BASE_DIR):
            continue
        name = f"{app_config.name}.demo"
        if find_spec(name) is None:
            continue
        part = getattr(import_module(name), "seed_demo", None)
        if part is not None:  # deliberation.demo is this package, not a part
            parts.append(part)
    return parts


def _users() -> dict:
    user_model = get_user_model()
    users = {}
    for name in [*DEMO_USERS, *CITIZENS]:
        user, created = user_model.objects.get_or_create(
            username=name, defaults={"email": f"{name}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not is_confirmed(user):  # demo accounts write at once, as confirmed ones do
            email_confirm(user=user)
        role = DEMO_USERS.get(name)
        if role:
            role_grant(user=user, role=role)
        users[name] = user
    return users
