"""Numbers typed into addresses and forms that no database column can hold are refused or not
found, never a 500 (SQLite raises OverflowError past 2**63 - 1; PostgreSQL a data error)."""

import pytest

HUGE = str(10**20)


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff", role="moderator"))
    from django.contrib.auth import get_user_model

    from deliberation.roles import role_grant

    role_grant(user=get_user_model().objects.get(username="staff"), role="working_group")
    client.raise_request_exception = False
    return client


GETS = [
    "/moderation/items/{n}/",
    "/drafts/leitlinien/?version={n}",
    "/drafts/leitlinien/versions/{n}/diff/{n}/",
    "/api/drafts/leitlinien/?version={n}",
    "/api/drafts/leitlinien/comments/?after={n}",
    "/api/drafts/leitlinien/comments/?limit={n}",
    "/drafts/leitlinien/answers/?version={n}",
    "/drafts/leitlinien/answers/?paragraph_version={n}",
]
POSTS = [
    ("/moderation/release/", {"comment": "{n}"}),
    ("/moderation/items/{n}/decide/", {"decision": "release"}),
    ("/moderation/users/{n}/block/", {}),
    ("/moderation/blocks/{n}/lift/", {}),
    ("/drafts/leitlinien/comments/{n}/report/", {"reason": "spam"}),
    ("/drafts/leitlinien/comments/{n}/resubmit/", {}),
    ("/drafts/leitlinien/comments/{n}/edit/", {"body": "x"}),
    ("/drafts/leitlinien/comments/{n}/delete/", {"confirm": "yes"}),
    ("/drafts/leitlinien/comments/{n}/support/", {}),
    ("/drafts/leitlinien/answers/{n}/", {"disposition": "noted"}),
    ("/drafts/leitlinien/versions/{n}/revert/", {"confirm": "yes"}),
    ("/drafts/leitlinien/comments/", {"paragraph": "x", "body": "x", "parent": "{n}"}),
]


@pytest.mark.parametrize("path", GETS)
def test_a_huge_number_in_a_read_is_not_a_server_error(staff_client, draft, path):
    response = staff_client.get(path.format(n=HUGE))
    assert response.status_code < 500, path


@pytest.mark.parametrize(("path", "data"), POSTS)
def test_a_huge_number_in_a_write_is_not_a_server_error(staff_client, draft, path, data):
    data = {key: value.format(n=HUGE) for key, value in data.items()}
    response = staff_client.post(path.format(n=HUGE), data)
    assert response.status_code < 500, path


# Dates: a day no conversion to UTC survives (year 1 at UTC+1) is a form error, not a 500 --------

FAR_DAYS = ["0001-01-01", "9999-12-31"]


@pytest.fixture
def process(db):
    from tests.process.helpers import make_process

    return make_process()


@pytest.mark.parametrize("day", FAR_DAYS)
def test_a_session_on_a_day_out_of_range_is_a_form_error(staff_client, process, day):
    response = staff_client.post(
        f"/processes/{process.slug}/events/new/",
        {
            "title": "Sitzung",
            "date": day,
            "start_time": "00:00",
            "end_time": "00:30",
            "took_place": "on",
            "place": "Rathaus",
        },
    )
    assert response.status_code == 400
    assert "1900" in response.content.decode()
    assert not process.sessions.exists()


@pytest.mark.parametrize("day", FAR_DAYS)
def test_a_milestone_on_a_day_out_of_range_is_a_form_error(staff_client, process, day):
    response = staff_client.post(
        f"/processes/{process.slug}/milestones/new/",
        {"title": "Schritt", "starts_on": day, "state": "planned", "position": 1},
    )
    assert response.status_code < 500
    assert not process.milestones.filter(title="Schritt").exists()


@pytest.mark.parametrize("day", FAR_DAYS)
def test_a_block_until_a_day_out_of_range_is_refused(staff_client, citizen, day):
    response = staff_client.post(
        f"/moderation/users/{citizen.pk}/block/",
        {"duration": "until", "until": day, "justification": "Beleidigungen"},
    )
    assert response.status_code == 400
    assert not citizen.blocks.exists()


@pytest.mark.parametrize(
    "since", ["2026-02-30T10:00", "2026-13-45T99:99", "0001-01-01T00:00", "2027-03-28T02:30"]
)
def test_the_comments_api_refuses_a_moment_that_does_not_exist(client, draft, since):
    response = client.get(f"/api/drafts/{draft.slug}/comments/", {"since": since})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
