"""What the tool stores about a person: exporting it (GDPR Art. 15/20) and erasing it (Art. 17).

Every app that stores something about a person registers it here, from its AppConfig.ready, so
that this module never imports an app (dependencies keep pointing from the apps to
deliberation): a name for its part of the download, an exporter, an eraser, and the fields it
answers for. `tests/deliberation/test_personal_data_registry.py` lists every model field that
points to an account or holds a person's text and fails for one that no registration names.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from .erasure import DELETED_ACCOUNT, sessions_end

__all__ = [
    "DELETED_ACCOUNT",
    "PersonalData",
    "account_delete",
    "personal_data_export",
    "personal_data_register",
    "personal_data_sources",
]

PersonalDataExporter = Callable[[AbstractBaseUser], Any]
PersonalDataEraser = Callable[[AbstractBaseUser], None]


@dataclass(frozen=True)
class PersonalData:
    """One registered source of personal data.

    `fields` maps a model to {field name: how the field is exported and erased, in words}: a
    field that points to an account or holds what a person wrote, and why it may stay where it
    does (e.g. "the working group's own text, kept; its link to the account is set to NULL").
    """

    name: str
    exporter: PersonalDataExporter | None
    eraser: PersonalDataEraser | None
    fields: Mapping[type[models.Model], Mapping[str, str]]


_sources: dict[str, PersonalData] = {}


def personal_data_register(
    *,
    name: str,
    fields: Mapping[type[models.Model], Mapping[str, str]],
    exporter: PersonalDataExporter | None = None,
    eraser: PersonalDataEraser | None = None,
) -> None:
    """Register a source of personal data (call from AppConfig.ready).

    `exporter(user)` returns JSON-ready data, shown under `name` in the download (none: the
    fields are in no download, e.g. staff's work records); `eraser(user)` removes or anonymises
    it, inside the deletion's transaction and before the account row is deleted (none: the
    foreign keys' on_delete does it). Registering a name twice replaces the first registration.
    """
    _sources[name] = PersonalData(name=name, exporter=exporter, eraser=eraser, fields=fields)


def personal_data_sources() -> list[PersonalData]:
    """Every registered source, in the order of registration (apps' order in INSTALLED_APPS)."""
    return list(_sources.values())


def personal_data_export(*, user: AbstractBaseUser) -> dict[str, Any]:
    """Everything stored about `user`, as JSON-ready data: {"account": ..., name: ...}."""
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        }
    }
    for source in personal_data_sources():
        if source.exporter is not None:
            data[source.name] = source.exporter(user)
    return data


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account and everything of it: every registered eraser runs first (texts go,
    the moderation log keeps its entries as "deleted account"), then the account row goes (the
    foreign keys' on_delete takes what is left), then every session of the person ends, on this
    device and on every other one.

    The account's row is locked first: a write of the person that commits meanwhile (from
    another device) waits for the deletion and then finds no account, instead of slipping in
    after the erasers ran and being kept without its author (on_delete=SET_NULL).
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    for source in personal_data_sources():
        if source.eraser is not None:
            source.eraser(user)
    pk = user.pk
    user.delete()
    sessions_end(user_pk=pk)
