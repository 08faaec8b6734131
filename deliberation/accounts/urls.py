from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.profile_data, name="profile_data"),
    path("profile/delete/", views.profile_delete, name="profile_delete"),
    # Django's own: login, logout (POST), password change and reset.
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("", include("django.contrib.auth.urls")),
]
