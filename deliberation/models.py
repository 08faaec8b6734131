from django.db import models


class EventStream(models.Model):
    """The last sequence number handed out on one stream (one per draft and audience)."""

    name = models.CharField(max_length=100, unique=True)
    seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.seq}"


class Event(models.Model):
    """A broadcast event, kept for a while so that reconnecting clients can resume."""

    stream = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    text = models.TextField(help_text="the JSON frame exactly as sent")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="unique_event_seq")]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.type}"
