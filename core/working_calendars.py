"""Working calendars for many ICBs at once (reminders, lists across ICBs): each ICB's calendar, with
its closure days, loaded once per use rather than once per record."""

from core.models import working_calendar


class Calendars(dict):
    """{icb id: core.calendar.WorkingCalendar}, each loaded on first use (one query per ICB)."""

    def __missing__(self, icb_id):
        self[icb_id] = working_calendar(icb_id)
        return self[icb_id]
