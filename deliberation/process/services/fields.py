"""Field cleaning shared by the process app's write modules.

Each raises ``ValidationError`` keyed by the model field's name, as the forms expect.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from deliberation.sanitizing import clean_plain, normalize_text


def clean_title(value: str, field: str = "title") -> str:
    """The title as plain text (markup stripped); ValidationError({field: …}) when empty."""
    title = clean_plain(value or "")
    if not title:
        raise ValidationError({field: _("Please enter a title.")})
    return title


def clean_text(value: str) -> str:
    """A longer text normalized (Unicode NFC, line ends, trailing spaces); may be empty."""
    return normalize_text(value or "")


def full_clean(instance, exclude: list[str] | None = None) -> None:
    """Run the model's own validation (field limits, choices, unique slugs); raises
    ValidationError keyed by field."""
    instance.full_clean(exclude=exclude, validate_unique=True)
