import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from deliberation.urls_safety import safe_next

from .forms import AccountDeleteForm, SignupForm
from .services import account_delete, personal_data_export


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("home")))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect(safe_next(request, reverse("home")))
    return render(
        request, "registration/signup.html", {"form": form, "next": safe_next(request, "")}
    )


@login_required
def profile(request):
    return render(
        request, "registration/profile.html", {"delete_form": AccountDeleteForm(user=request.user)}
    )


@login_required
def profile_data(request):
    data = personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    name = f"{pgettext('file name', 'my-data')}-{request.user.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def profile_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "registration/profile.html", {"delete_form": form}, status=400)
    account_delete(user=request.user)
    logout(request)
    messages.success(
        request,
        _(
            "Your account and everything you wrote have been deleted. You are logged out "
            "on every device."
        ),
    )
    return redirect("home")
