"""Every field that points to an account or holds a person's text is answered for: exported
for the data download and erased with the account, or kept for a stated reason.

The rule (`personal_fields`): a relation to the user model, anywhere; a text field (text,
JSON, or characters without fixed choices) of a model that points to an account or to such a
model (a comment's earlier text, a paragraph of a draft someone created); any text or JSON field
elsewhere. A new model or field the rule finds fails here until an app registers it with
`deliberation.accounts.services.personal_data_register` (and its exporter and eraser handle it:
tests/deliberation/test_account_erasure.py searches the database after a deletion).
"""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test.utils import isolate_apps

from deliberation.accounts.services import personal_data_sources


def _is_user_relation(field, user_model) -> bool:
    return (
        field.is_relation
        and field.related_model is user_model
        and (field.concrete or field.many_to_many)
        and not field.auto_created
    )


def _is_text(field) -> bool:
    if isinstance(field, (models.TextField, models.JSONField)):
        return True
    return isinstance(field, models.CharField) and not field.choices


def _own_fields(model):
    """The model's columns and its own many-to-many fields (not the reverse relations)."""
    return [
        f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) or (f.many_to_many and not f.auto_created)
    ]


def personal_fields(all_models: Iterable[type[models.Model]]) -> set[tuple[str, str]]:
    """{(model label, field name)} the rule above finds among `all_models`."""
    all_models = list(all_models)
    user_model = get_user_model()
    owning = {user_model} | {
        m for m in all_models if any(_is_user_relation(f, user_model) for f in _own_fields(m))
    }
    near = {
        m
        for m in all_models
        if any(f.is_relation and f.concrete and f.related_model in owning for f in _own_fields(m))
    }
    found = set()
    for model in all_models:
        for field in _own_fields(model):
            if (
                _is_user_relation(field, user_model)
                or (model in owning | near and _is_text(field))
                or isinstance(field, (models.TextField, models.JSONField))
            ):
                found.add((model._meta.label, field.name))
    return found


def registered_fields() -> set[tuple[str, str]]:
    return {
        (model._meta.label, name)
        for source in personal_data_sources()
        for model, fields in source.fields.items()
        for name in fields
    }


def test_every_personal_field_is_registered():
    missing = personal_fields(apps.get_models()) - registered_fields()
    assert not missing, (
        "Not covered by the data download and the account deletion (register them with "
        f"personal_data_register, with an exporter and eraser or a reason to keep): {sorted(missing)}"
    )


def test_every_registered_field_exists():
    """No stale entries: a renamed or removed field must leave the registry too."""
    for source in personal_data_sources():
        for model, fields in source.fields.items():
            names = {f.name for f in model._meta.get_fields()}
            assert set(fields) <= names, (source.name, model._meta.label, set(fields) - names)
            assert all(reason.strip() for reason in fields.values())


@isolate_apps("tests")
def test_the_rule_finds_a_new_model_with_a_user_link_or_a_persons_text():
    class Petition(models.Model):
        signer = models.ForeignKey(get_user_model(), on_delete=models.CASCADE)
        statement = models.CharField(max_length=200)
        kind = models.CharField(max_length=5, choices=[("a", "a")])

        class Meta:
            app_label = "tests"

    class PetitionNote(models.Model):
        petition = models.ForeignKey(Petition, on_delete=models.CASCADE)
        words = models.CharField(max_length=200)

        class Meta:
            app_label = "tests"

    class Poster(models.Model):
        caption = models.TextField()
        title = models.CharField(max_length=100)

        class Meta:
            app_label = "tests"

    found = personal_fields([Petition, PetitionNote, Poster])
    assert found == {
        ("tests.Petition", "signer"),
        ("tests.Petition", "statement"),
        ("tests.PetitionNote", "words"),
        ("tests.Poster", "caption"),
    }
    assert not found <= registered_fields()
