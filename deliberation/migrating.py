"""Helpers for migrations that move models between apps (issue 15: apps inside `comments/`)."""

from collections.abc import Callable, Iterable


def content_types_move(old_app: str, new_app: str, models: Iterable[str]) -> Callable:
    """A RunPython function that renames the content types of `models` (lower-case model names)
    from app label `old_app` to `new_app`, in place.

    Renaming keeps the rows' ids, so permissions, admin log entries and anything else that points
    at a content type follow the model to its new app. A model whose content type does not exist
    yet (a fresh database: `post_migrate` creates them after migrating) is skipped; so is one
    whose new content type exists already (left for `remove_stale_contenttypes`), because two
    rows may not share a label and name. Pass the reverse pair for the reverse migration.
    """
    models = tuple(models)

    def move(apps, schema_editor) -> None:
        from django.contrib.contenttypes.models import ContentType as LiveContentType

        ContentType = apps.get_model("contenttypes", "ContentType")
        rows = ContentType.objects.using(schema_editor.connection.alias)
        taken = set(
            rows.filter(app_label=new_app, model__in=models).values_list("model", flat=True)
        )
        rows.filter(app_label=old_app, model__in=set(models) - taken).update(app_label=new_app)
        # The process-wide cache may hold the old labels (tests migrate in the same process).
        LiveContentType.objects.clear_cache()

    return move
