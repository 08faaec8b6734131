import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from .confirmation import must_wait
from .forms import AccountDeleteForm
from .services import account_delete, personal_data_export


def _profile(request, delete_form, status=200):
    context = {"delete_form": delete_form, "email_waiting": must_wait(request.user)}
    return render(request, "registration/profile.html", context, status=status)


@login_required
def profile(request):
    return _profile(request, AccountDeleteForm(user=request.user))


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
        return _profile(request, form, status=400)
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
