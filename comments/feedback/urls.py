from django.urls import path

from . import group_views, views

urlpatterns = [
    path("drafts/<slug:slug>/answers/", views.answer_list, name="draft_answers"),
    path(
        "drafts/<slug:slug>/answers/publish/", views.answers_publish, name="draft_answers_publish"
    ),
    path("drafts/<slug:slug>/answers/table/", views.answer_table, name="draft_answer_table"),
    path("drafts/<slug:slug>/answers/<int:pk>/", views.answer_post, name="draft_answer_post"),
    path(
        "drafts/<slug:slug>/answers/<int:pk>/handling/",
        group_views.handling_post,
        name="draft_answer_handling",
    ),
    path("drafts/<slug:slug>/answers/bulk/", group_views.answers_bulk, name="draft_answers_bulk"),
    path("drafts/<slug:slug>/answers/themes/", group_views.theme_post, name="draft_themes"),
    path("drafts/<slug:slug>/answers/blocks/", group_views.text_blocks, name="draft_text_blocks"),
    path("drafts/<slug:slug>/feedback/", views.feedback, name="draft_feedback"),
    path(
        "drafts/<slug:slug>/feedback.csv",
        views.feedback_export,
        {"kind": "csv"},
        name="draft_feedback_csv",
    ),
    path(
        "drafts/<slug:slug>/feedback.json",
        views.feedback_export,
        {"kind": "json"},
        name="draft_feedback_json",
    ),
    path(
        "drafts/<slug:slug>/feedback.xlsx",
        views.feedback_export,
        {"kind": "xlsx"},
        name="draft_feedback_xlsx",
    ),
    path("drafts/<slug:slug>/results/", views.results, name="draft_results"),
]
