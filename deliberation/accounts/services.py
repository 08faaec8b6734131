"""What the tool stores about a person: exporting it and deleting the account."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

# Apps that store personal data register an exporter here (in their AppConfig.ready), so this
# module never imports them: dependencies keep pointing from the apps to deliberation.
PersonalDataExporter = Callable[[AbstractBaseUser], Any]
_exporters: dict[str, PersonalDataExporter] = {}


def personal_data_register(*, name: str, exporter: PersonalDataExporter) -> None:
    _exporters[name] = exporter


def personal_data_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """Everything stored about `user`, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        }
    }
    for name, exporter in sorted(_exporters.items()):
        data[name] = exporter(user)
    return data


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account; contributions stay, detached from it (foreign keys SET_NULL)."""
    user.delete()
