"""Groups of alike comments on the working group's answer list: shown with their counts in
both languages, opened as a filter, and one more selection for the bulk actions."""

import pytest

from comments import services
from comments.feedback import group_services as group
from comments.feedback.models import Answer
from comments.models import Likeness
from tests.feedback.helpers import bulk_post

pytestmark = pytest.mark.django_db

CAMPAIGN = "Wir fordern einen sicheren Radweg entlang der Hauptstraße bis zur Schule. {}"
OTHER = "Die Öffnungszeiten der Bibliothek sollten am Samstag länger sein."


@pytest.fixture
def campaign(draft, paragraph, citizen, other_citizen):
    made = [
        services.comment_create(user=citizen, paragraph=paragraph, body=CAMPAIGN.format(end))
        for end in ("Danke!", "Gruß", "", "Bitte!")
    ]
    other = services.comment_create(user=other_citizen, paragraph=paragraph, body=OTHER)
    return made, other


def _group_id(comment) -> int:
    return Likeness.objects.get(pk=comment.pk).group_id


def test_the_list_shows_the_group_with_its_count_in_both_languages(client, campaign, draft, wg):
    made, _other = campaign
    client.force_login(wg)
    html = client.get(f"/drafts/{draft.slug}/answers/").content.decode()
    assert "4 gleichlautende Stellungnahmen" in html
    assert f'href="?alike={_group_id(made[0])}"' in html
    html = client.get(f"/en/drafts/{draft.slug}/answers/").content.decode()
    assert "4 alike comments" in html


def test_a_group_opens_as_a_filter_and_is_answered_and_tagged_as_a_whole(
    client, campaign, draft, wg
):
    made, other = campaign
    client.force_login(wg)
    query = f"?alike={_group_id(made[0])}"
    html = client.get(f"/drafts/{draft.slug}/answers/{query}").content.decode()
    assert all(f'id="a-{c.pk}"' in html for c in made)
    assert f'id="a-{other.pk}"' not in html
    theme = group.theme_create(user=wg, draft=draft, name="Schulweg")
    response = bulk_post(client, draft, {"scope": "all", "action": "tag", "theme": theme.pk}, query)
    assert response.status_code == 302
    assert set(theme.comments.values_list("pk", flat=True)) == {c.pk for c in made}
    response = bulk_post(
        client,
        draft,
        {
            "scope": "all",
            "action": "answer",
            "disposition": "adopted",
            "reply": "Der Radweg kommt.",
            "version": "",
            "publish": "1",
        },
        query,
    )
    assert response.status_code == 302
    answered = set(Answer.objects.values_list("comment_id", flat=True))
    assert answered == {c.pk for c in made}, "the whole group, nothing else"


def test_citizens_do_not_reach_the_groups(client, campaign, draft, citizen):
    made, _other = campaign
    client.force_login(citizen)
    response = client.get(f"/drafts/{draft.slug}/answers/?alike={_group_id(made[0])}")
    assert response.status_code == 403
