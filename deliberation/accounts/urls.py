from allauth.account import views as allauth_views
from django.urls import include, path

from . import oidc, views

urlpatterns = [
    # The contract's names for allauth's views (allauth names them account_login, ...).
    path("login/", allauth_views.login, name="login"),
    path("signup/", allauth_views.signup, name="signup"),
    path("logout/", allauth_views.logout, name="logout"),
    # allauth's OpenID Connect log-in, keeping what the log-out needs (oidc.py); before
    # allauth's own addresses, which they replace.
    path("oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.profile_data, name="profile_data"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    # allauth: confirmation, password reset and change, e-mail change, social logins.
    path("", include("allauth.urls")),
]
