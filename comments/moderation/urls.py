from django.urls import path

from . import views

urlpatterns = [
    path("moderation/", views.queue, name="moderation_queue"),
    path("moderation/items/<int:pk>/", views.item, name="moderation_item"),
    path("moderation/items/<int:pk>/decide/", views.decide, name="moderation_decide"),
    path("moderation/release/", views.release_bulk, name="moderation_release_bulk"),
    path("moderation/users/<int:user_id>/block/", views.block, name="moderation_block"),
    path("moderation/blocks/<int:block_id>/lift/", views.unblock, name="moderation_unblock"),
    path("moderation/log/", views.log, name="moderation_log"),
    path("moderation/log.csv", views.log_csv, name="moderation_log_csv"),
    path("drafts/<slug:slug>/comments/<int:pk>/report/", views.flag, name="comment_flag"),
    path("drafts/<slug:slug>/comments/<int:pk>/resubmit/", views.resubmit, name="comment_resubmit"),
    path(
        "drafts/<slug:slug>/moderation-mode/", views.moderation_mode, name="draft_moderation_mode"
    ),
]
