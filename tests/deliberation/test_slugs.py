"""Slugs made from titles transliterate German (contract): ä→ae, ö→oe, ü→ue, ß→ss."""

import pytest

from deliberation.process.forms import ProcessForm
from deliberation.process.models import Process
from deliberation.slugs import german_slugify
from drafts.services import draft_create


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Grünflächen an der Straße", "gruenflaechen-an-der-strasse"),
        ("Ökologie & Übergänge", "oekologie-uebergaenge"),
        ("ÄRGER GROSSSTADT", "aerger-grossstadt"),
        ("Leitlinien 2026", "leitlinien-2026"),
    ],
)
def test_german_slugify(title, slug):
    assert german_slugify(title) == slug


def test_a_draft_slug_made_from_its_title_transliterates(wg):
    draft = draft_create(title="Leitlinien für Grünflächen", text="Text.", user=wg)
    again = draft_create(title="Leitlinien für Grünflächen", text="Text.", user=wg)
    assert (draft.slug, again.slug) == (
        "leitlinien-fuer-gruenflaechen",
        "leitlinien-fuer-gruenflaechen-2",
    )


@pytest.mark.django_db
def test_a_process_slug_left_empty_is_made_from_the_title():
    form = ProcessForm({"title": "Beteiligung in Süd", "slug": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "beteiligung-in-sued"
    form = ProcessForm({"title": "Beteiligung in Süd", "slug": "eigener-name"})
    assert form.is_valid() and form.cleaned_data["slug"] == "eigener-name"


@pytest.mark.django_db
def test_the_admin_makes_the_process_slug_on_the_server(admin_client):
    response = admin_client.get("/admin/process/process/add/")
    assert response.status_code == 200
    # no script that fills the slug in the browser, dropping the umlauts
    assert 'data-prepopulated-fields="[]"' in response.content.decode()
    response = admin_client.post(
        "/admin/process/process/add/",
        {
            "title": "Straßenfest",
            "slug": "",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Process.objects.get().slug == "strassenfest"
