"""Pages: the notifications list, marking them read, how I want to hear of things,
unsubscribing without login."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services
from .kinds import TOPICS
from .mail import unsubscribe_read


@login_required
def notification_settings(request):
    """GET: a choice per topic; POST: store the choices (each field `topic-<name>`)."""
    rows = selectors.notification_settings_rows(user=request.user)
    if request.method == "POST":
        choices, error = {}, False
        for row in rows:
            value = request.POST.get(f"topic-{row['topic'].name}", row["channel"])
            if value not in {code for code, _label in row["choices"]}:
                error = True
                continue
            choices[row["topic"].name] = value
        if error:
            messages.error(request, _("Please choose one of the offered ways for every topic."))
        else:
            services.notification_settings_save(user=request.user, choices=choices)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
    return render(
        request,
        "notifications/settings.html",
        {"rows": rows, "has_email": bool(request.user.email)},
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read and go back to the list (or, with `open`, to its place)."""
    notification = services.notification_mark_read(user=request.user, pk=pk)
    if notification is None:
        raise Http404
    if request.POST.get("open") and notification.safe_url:
        return redirect(notification.safe_url)
    return redirect("notifications")


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a form token
def unsubscribe(request, token: str):
    """GET: say what the link stops and offer the button; POST: stop it (no login needed)."""
    try:
        user_id, topic = unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or (topic != "*" and topic not in TOPICS):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"topic": TOPICS.get(topic), "all": topic == "*", "token": token}
    if request.method == "POST":
        services.unsubscribe_apply(user=user, topic=topic)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


@login_required
def notifications(request):
    items = selectors.notifications_list(user=request.user)
    return render(
        request,
        "notifications/list.html",
        {"notifications": items, "has_unread": any(n.read_at is None for n in items)},
    )


@login_required
@require_POST
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")
