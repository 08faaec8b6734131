"""Every write locks the row it depends on before checking it: no decision on stale state.

The stale-object tests hand a service the object a page or socket loaded before another write
changed the row (what a concurrent transaction looks like from inside); they run everywhere.
The races run real threads against PostgreSQL (SQLite serializes writers, so they are skipped
there; CI's second pass runs them).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import Comment, CommentSupport
from comments.moderation import services as moderation
from comments.moderation.models import Flag, ModerationAction, UserBlock
from tests.races import at_once, postgresql_only
from tests.refusals import refused

PREAMBLE = "Die Stadt lebt vom Engagement ihrer Bürgerinnen und Bürger, die sich für ihr Viertel einsetzen."


@pytest.fixture
def hidden_meanwhile(draft, paragraph, citizen, moderator):
    """A comment as a reader's page loaded it (published), hidden by a moderator since."""
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="gleich weg")
    stale = Comment.objects.get(pk=comment.pk)
    moderation.comment_hide(moderator=moderator, comment=comment, reason="spam")
    return stale


@pytest.mark.django_db
class TestStaleState:
    def test_a_report_on_a_comment_removed_meanwhile_is_refused(
        self, hidden_meanwhile, other_citizen
    ):
        error = refused(
            moderation.flag_create, user=other_citizen, comment=hidden_meanwhile, reason="spam"
        )
        assert error.code == "invalid" and not Flag.objects.exists()

    def test_support_for_a_comment_removed_meanwhile_is_refused(
        self, hidden_meanwhile, other_citizen
    ):
        error = refused(
            services.comment_support, user=other_citizen, comment=hidden_meanwhile, on=True
        )
        assert error.code == "invalid" and not CommentSupport.objects.exists()
        assert Comment.objects.get(pk=hidden_meanwhile.pk).support_count == 0


# Races on PostgreSQL -----------------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_reports_at_once_reach_the_threshold(
    draft, paragraph, citizen, make_user, settings, attempt
):
    settings.AUTO_HIDE_REPORTS = 2
    comment = services.comment_create(user=citizen, paragraph=paragraph, body="umstritten")
    reporters = [make_user(f"melder{i}") for i in range(2)]
    outcomes = at_once(
        *(
            lambda r=r: moderation.flag_create(user=r, comment=comment, reason="spam")
            for r in reporters
        )
    )
    assert outcomes == ["ok", "ok"]
    comment.refresh_from_db()
    assert comment.status == "hidden", "two open reports: hidden until a moderator decides"
    assert ModerationAction.objects.filter(action="auto_hide").count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_moderators_blocking_at_once_make_one_block(citizen, moderator, make_user):
    other = make_user("mod2", role="moderator")
    until = timezone.now() + timedelta(days=3)
    outcomes = at_once(
        *(
            lambda m=m: moderation.user_block(
                moderator=m, user=citizen, justification="Spam", until=until
            )
            for m in (moderator, other)
        )
    )
    assert sorted(outcomes) == ["Diese Person ist bereits gesperrt.", "ok"], outcomes
    assert UserBlock.objects.filter(user=citizen).count() == 1
