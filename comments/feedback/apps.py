from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """The working group's answers, the summary, results, exports and the answer table."""

    name = "comments.feedback"
    label = "feedback"
    verbose_name = _("Feedback and answers")

    def ready(self):
        from datetime import timedelta

        from comments.serializers import payload_part_register
        from deliberation.notifications import notification_kinds_register, periodic_register

        from . import export_services, notices, personal_data
        from .serializers import ANSWER_PART

        personal_data.register()
        # Comment payloads (API, events) carry the published answer as "answer".
        payload_part_register("answer", ANSWER_PART)
        notices.topics_register()
        notification_kinds_register(notices.TEXTS, topic="answers", details=notices.DETAILS)
        notification_kinds_register(notices.CLOSED_TEXTS, topic="results")
        notification_kinds_register(notices.EXPORT_TEXTS, topic="exports")
        periodic_register(
            "consultations_closed",
            every=timedelta(minutes=1),
            run=notices.consultations_closed_notify,
        )
        periodic_register(
            "table_exports_prune",
            every=timedelta(hours=1),
            run=export_services.table_exports_prune,
        )
