from django.urls import path

from . import export_views, group_views, views

# One draft's: mounted at drafts/<slug:slug>/ (deliberation/urls.py), so these are relative.
draft_urlpatterns = [
    path("answers/", views.answer_list, name="draft_answers"),
    path("answers/publish/", views.answers_publish, name="draft_answers_publish"),
    path("answers/table/", views.answer_table, name="draft_answer_table"),
    path("answers/<int:pk>/", views.answer_post, name="draft_answer_post"),
    path(
        "answers/<int:pk>/handling/",
        group_views.handling_post,
        name="draft_answer_handling",
    ),
    path("answers/bulk/", group_views.answers_bulk, name="draft_answers_bulk"),
    path("answers/themes/", group_views.theme_post, name="draft_themes"),
    path("answers/blocks/", group_views.text_blocks, name="draft_text_blocks"),
    path("feedback/", views.feedback, name="draft_feedback"),
    path(
        "feedback.csv",
        views.feedback_export,
        {"kind": "csv"},
        name="draft_feedback_csv",
    ),
    path(
        "feedback.json",
        views.feedback_export,
        {"kind": "json"},
        name="draft_feedback_json",
    ),
    path(
        "feedback.xlsx",
        views.feedback_export,
        {"kind": "xlsx"},
        name="draft_feedback_xlsx",
    ),
    path("feedback.docx", export_views.feedback_docx, name="draft_feedback_docx"),
    path("feedback/docx/", export_views.table_export_start, name="draft_table_export_start"),
    path("feedback/docx/<int:pk>/", export_views.table_export, name="draft_table_export"),
    path(
        "feedback/docx/<int:pk>/download/",
        export_views.table_export_download,
        name="draft_table_export_download",
    ),
    path("results/", views.results, name="draft_results"),
]
