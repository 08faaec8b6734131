import pytest
from django.core.management import CommandError, call_command

from deliberation.roles import is_moderator, is_working_group

pytestmark = pytest.mark.django_db


def test_groups_exist_after_migrations():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"moderators", "working_group"}


@pytest.mark.parametrize(
    ("role", "check"), [("moderator", is_moderator), ("working_group", is_working_group)]
)
def test_grant_role(citizen, role, check, capsys):
    assert not check(citizen)
    call_command("grant_role", "anna", role)
    assert check(type(citizen).objects.get(pk=citizen.pk))
    assert role in capsys.readouterr().out


def test_grant_role_unknown_user(shell):
    shell("en")
    with pytest.raises(CommandError, match="No user named"):
        call_command("grant_role", "niemand", "moderator")


def test_grant_role_unknown_role(citizen, shell):
    shell("en")
    with pytest.raises(CommandError, match="Unknown role"):
        call_command("grant_role", "anna", "admin")


def test_superuser_has_every_role(make_user):
    boss = make_user("chefin", is_superuser=True)
    assert is_moderator(boss) and is_working_group(boss)
