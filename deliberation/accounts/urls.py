from allauth.account import views as allauth_views
from django.urls import include, path

from . import views

urlpatterns = [
    # The contract's names for allauth's views (allauth names them account_login, ...).
    path("login/", allauth_views.login, name="login"),
    path("signup/", allauth_views.signup, name="signup"),
    path("logout/", allauth_views.logout, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.profile_data, name="profile_data"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    # allauth: confirmation, password reset and change, e-mail change, social logins.
    path("", include("allauth.urls")),
]
