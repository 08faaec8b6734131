"""The platform's own personal data (account, notifications, write receipts, sessions, the event
log, the admin's history), registered with deliberation.accounts.services."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django_tasks_db.models import DBTaskResult

from deliberation.models import Event, Notification, WriteReceipt
from deliberation.notifications.models import Delivery, MailProfile, NotificationSetting

from .erasure import platform_erase
from .services import personal_data_register


def _notifications(user) -> list[dict]:
    return [
        {
            "kind": n.kind,
            "text": n.display_text,
            "url": n.url,
            "created": n.created_at.isoformat(),
            "read": n.read_at.isoformat() if n.read_at else None,
        }
        for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _notification_settings(user) -> dict:
    profile = MailProfile.objects.filter(user=user).first()
    return {
        "mail_language": profile.language if profile else None,
        "topics": {
            s.topic: s.channel
            for s in NotificationSetting.objects.filter(user=user).order_by("topic")
        },
        "mails": [
            {
                "period": d.period,
                "state": d.state,
                "created": d.created_at.isoformat(),
                "sent": d.sent_at.isoformat() if d.sent_at else None,
            }
            for d in Delivery.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


def _write_receipts(user) -> list[dict]:
    return [
        {"created": r.created_at.isoformat(), "answer": r.answer}
        for r in WriteReceipt.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _admin_actions(user) -> list[dict]:
    return [
        {
            "time": e.action_time.isoformat(),
            "object": f"{e.content_type.app_label}.{e.content_type.model}"
            if e.content_type
            else "",
            "object_shown_as": e.object_repr,
            "action": {1: "added", 2: "changed", 3: "deleted"}.get(e.action_flag, ""),
            "change": e.get_change_message(),
        }
        for e in LogEntry.objects.filter(user=user).select_related("content_type")
    ]


def platform_data(user) -> dict:
    """The platform's part of the download: notifications, what the admin did as this person,
    the answers kept for repeated writes (ten minutes)."""
    return {
        "notifications": _notifications(user),
        "notification_settings": _notification_settings(user),
        "admin_actions": _admin_actions(user),
        "repeated_write_answers": _write_receipts(user),
    }


KEPT_NOTHING = "deleted with the account (on_delete=CASCADE)"


def register() -> None:
    """Register the platform's fields (called from DeliberationConfig.ready)."""
    personal_data_register(
        name="platform",
        exporter=platform_data,
        eraser=platform_erase,
        fields={
            get_user_model(): {
                "username": "in the download's 'account'; the row is deleted",
                "email": "in the download's 'account'; the row is deleted",
                "first_name": "in the download's 'account'; the row is deleted",
                "last_name": "in the download's 'account'; the row is deleted",
                "password": "a salted hash, not exported; the row is deleted",
            },
            Notification: {
                **{f: KEPT_NOTHING for f in ("user", "kind", "params", "text", "url", "mail")},
                "params": "exported; " + KEPT_NOTHING + "; others' notifications that quote "
                "the person (a reply's author and words) are deleted by the app that wrote "
                "them (comments.notices.reply_notices_forget)",
            },
            NotificationSetting: {f: "exported; " + KEPT_NOTHING for f in ("user", "topic")},
            MailProfile: {f: "exported; " + KEPT_NOTHING for f in ("user", "language")},
            Delivery: {
                "user": "exported (as 'mails'); " + KEPT_NOTHING,
                "key": "names the person's id and a period; " + KEPT_NOTHING,
                "period": "exported; " + KEPT_NOTHING,
                "claim": "a worker's name; " + KEPT_NOTHING,
                "last_error": "the mail server's answer; " + KEPT_NOTHING,
            },
            DBTaskResult: {
                f: "the worker's task records: tasks carry no person's data (deliver(), "
                "job_run(name, slot)), and return counts"
                for f in (
                    "args_kwargs",
                    "task_path",
                    "worker_ids",
                    "return_value",
                    "exception_class_path",
                    "traceback",
                )
            },
            WriteReceipt: {f: KEPT_NOTHING for f in ("user", "key", "fingerprint", "answer")},
            LogEntry: {
                "user": "the admin's history of what this person did: exported; " + KEPT_NOTHING,
                "object_id": "the entries about the account itself are deleted",
                "object_repr": "entries about the account are deleted; apps make the entries "
                "about their rows forget how those were shown (erasure.admin_log_forget)",
                "change_message": "names the changed fields, not their values",
            },
            Event: {
                "text": "the account's name is replaced by 'deleted account' in every event "
                "(erasure.events_forget_name); apps make the events of their rows forget the "
                "person's texts (e.g. comments.announcements.events_forget)",
            },
            Session: {
                "session_data": "every session that logs the account in is deleted "
                "(erasure.sessions_end), on every device",
            },
        },
    )
