"""The two roles besides citizens, kept as Django groups (created by a migration)."""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.utils.translation import gettext, gettext_lazy

from .errors import ActionRefused

MODERATORS = "moderators"
WORKING_GROUP = "working_group"

# What people type on the command line -> the group it grants.
ROLE_GROUPS = {"moderator": MODERATORS, "working_group": WORKING_GROUP}


def _in_group(user: AbstractBaseUser | AnonymousUser, group: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cache per user object: templates and permission checks ask many times per request.
    cache = user.__dict__.setdefault("_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user.__dict__["_role_cache"] = cache
    return group in cache


def is_moderator(user) -> bool:
    return _in_group(user, MODERATORS)


def is_working_group(user) -> bool:
    return _in_group(user, WORKING_GROUP)


def role_grant(*, user: AbstractBaseUser, role: str) -> None:
    """Add the user to the group behind `role` ("moderator" or "working_group")."""
    group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[role])
    user.groups.add(group)
    user.__dict__.pop("_role_cache", None)


def role_check(user, allowed: Callable[[AbstractBaseUser], bool], refusal: str) -> None:
    """The services' guard: return when `allowed(user)`; else raise ActionRefused
    "not_authenticated" ("Please log in.") for an anonymous user and "forbidden" with
    `refusal` (what the person cannot do, in their language) for everyone else. Views guard
    with the role_required decorators below, which answer with the login page or a 403."""
    if not user.is_authenticated:
        raise ActionRefused("not_authenticated", gettext("Please log in."))
    if not allowed(user):
        raise ActionRefused("forbidden", refusal)


def is_staff_role(user) -> bool:
    """Moderators and the working group: the people who work on a consultation."""
    return is_working_group(user) or is_moderator(user)


def role_required(check, who):
    """Decorate a view: anonymous visitors go to the login page, others without the role get 403
    whose page says `who` may open it (a lazy translation, rendered in the visitor's language)."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(who)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


working_group_required = role_required(
    is_working_group, gettext_lazy("This page is for the working group only.")
)
moderator_required = role_required(
    is_moderator, gettext_lazy("This page is for the moderation only.")
)
staff_role_required = role_required(
    is_staff_role,
    gettext_lazy("This page is for the moderation or the working group only."),
)
