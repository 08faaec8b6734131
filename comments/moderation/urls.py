from django.urls import path

from . import views

# The moderators' pages: mounted at moderation/ (deliberation/urls.py), so these are relative.
urlpatterns = [
    path("", views.queue, name="moderation_queue"),
    path("items/<int:pk>/", views.item, name="moderation_item"),
    path("items/<int:pk>/decide/", views.decide, name="moderation_decide"),
    path("release/", views.release_bulk, name="moderation_release_bulk"),
    path("users/<int:user_id>/block/", views.block, name="moderation_block"),
    path("blocks/<int:block_id>/lift/", views.unblock, name="moderation_unblock"),
    path("log/", views.log, name="moderation_log"),
    path("log.csv", views.log_csv, name="moderation_log_csv"),
]

# On one draft: mounted at drafts/<slug:slug>/, so these are relative too.
draft_urlpatterns = [
    path("comments/<int:pk>/report/", views.flag, name="comment_flag"),
    path("comments/<int:pk>/resubmit/", views.resubmit, name="comment_resubmit"),
    path("moderation-mode/", views.moderation_mode, name="draft_moderation_mode"),
]
