"""The page “Meine Beiträge” (comments/contributions.py reads what it shows)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .contributions import contributions_of


@login_required
def my_contributions(request):
    return render(request, "comments/my_contributions.html", contributions_of(user=request.user))
