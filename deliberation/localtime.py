"""Clock times people type in, made into moments: the nights the clocks change are explicit.

A local time on the night summer time begins (Europe/Berlin: 02:00-02:59 on the last Sunday of
March) does not exist: it is refused, never silently moved. A local time on the night summer time
ends (02:00-02:59 on the last Sunday of October) happens twice: the first one (still summer time)
is taken, and the caller gets a note saying so, to show to the person.
"""

from datetime import UTC, date, datetime, time, tzinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

# Days a person may type: wide enough for any archive or plan, narrow enough that converting to
# UTC and back never leaves what Python's datetime can hold (year 1 at UTC+1 underflows).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def check_day(day: date) -> date:
    """Return `day` when it lies between FIRST_DAY and LAST_DAY.

    Raises ValidationError (code "out_of_range") otherwise, saying the range.
    """
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Please enter a date between %(first)s and %(last)s.")
            % {"first": formats.date_format(FIRST_DAY), "last": formats.date_format(LAST_DAY)},
            code="out_of_range",
        )
    return day


class DayField(forms.DateField):
    """A date typed by a person, within FIRST_DAY..LAST_DAY (`check_day`)."""

    def to_python(self, value):
        day = super().to_python(value)
        return check_day(day) if day is not None else None


def local_moment(day: date, clock: time, zone: tzinfo | None = None) -> tuple[datetime, str]:
    """`day` at `clock` in `zone` (default: the site's) as an aware datetime, and a note.

    The note is "" except for a time that happens twice; then it says which one was taken.
    Raises ValidationError (code "nonexistent") for a time the clocks skip that night, and
    (code "out_of_range") for a day outside FIRST_DAY..LAST_DAY.
    """
    check_day(day)
    zone = zone or timezone.get_default_timezone()
    naive = datetime.combine(day, clock)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, ""
    shown = {"time": formats.time_format(clock, "TIME_FORMAT"), "date": formats.date_format(day)}
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "%(time)s does not exist on %(date)s: the clocks are put forward by an hour "
                "that night. Please choose another time."
            )
            % shown,
            code="nonexistent",
        )
    return first, _(
        "%(time)s happens twice on %(date)s, because the clocks are put back that night: "
        "the first one, in summer time (%(zone)s), was taken."
    ) % {**shown, "zone": first.tzname()}


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in local time, read with `local_moment`: a skipped time is refused
    with the reason, a doubled one is the first, and `note` (on the form's copy) says so."""

    note = ""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            naive = value
        else:
            try:
                naive = parse_datetime(str(value).strip())
            except ValueError:
                naive = None
            if naive is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_aware(naive):
            check_day(naive.date())
            return naive
        moment, self.note = local_moment(naive.date(), naive.time())
        return moment
