"""Fixtures shared by the participation-process tests (plain builders are in helpers.py)."""

import pytest

from tests.process.helpers import make_process


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded documents go to a fresh folder per test, never into var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def process(db):
    """A process with a description and full contact details, nothing on its timeline."""
    return make_process()
