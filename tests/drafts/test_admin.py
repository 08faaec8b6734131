"""The admin cannot restore a draft's text behind the draft service's back."""

import pytest
from reversion.models import Version

from drafts.models import DraftVersion, Paragraph
from drafts.services import draft_publish_version
from tests.data import DRAFT_TEXT

pytestmark = pytest.mark.django_db

REMOVED = "Beteiligung beginnt so früh, dass Anregungen das Ergebnis noch beeinflussen können."


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("chefin", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def shortened(draft, wg):
    """The draft in version 2, which dropped one paragraph of version 1."""
    draft_publish_version(
        draft=draft, text=DRAFT_TEXT.replace(REMOVED, ""), message="gekürzt", user=wg
    )
    draft.refresh_from_db()
    return draft


def test_reversion_history_and_recover_views_are_gone(admin_client, shortened):
    first = Version.objects.get_for_object(shortened).order_by("pk").first()
    base = f"/admin/drafts/draft/{shortened.pk}"
    for url in (f"{base}/history/{first.pk}/", "/admin/drafts/draft/recover/"):
        # No revision form: Django's admin answers an unknown object path with a redirect.
        for response in (admin_client.get(url), admin_client.post(url, {"title": "alt"})):
            assert response.status_code in (302, 404), url
            assert response.get("Location", "").rstrip("/") in ("", "/admin", f"{url}change")
    removed = Paragraph.objects.get(draft=shortened, text=REMOVED)
    assert removed.archived, "the dropped paragraph stays archived"
    shortened.refresh_from_db()
    assert shortened.version == 2 and DraftVersion.objects.filter(draft=shortened).count() == 2


def test_the_admin_points_to_the_service_and_leaves_the_moderation_mode_alone(
    admin_client, shortened
):
    page = admin_client.get(f"/admin/drafts/draft/{shortened.pk}/change/").content.decode()
    assert f'href="/drafts/{shortened.slug}/versions/"' in page
    assert 'name="moderation"' not in page, "the mode changes on the draft page, with a log entry"
