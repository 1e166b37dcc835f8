"""Calendar arithmetic for measures: "12 months from 15 January" and the like."""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_of_term(start: date, months: int) -> date:
    """The last day of a term of `months` starting on `start`: a year from 15 January 2026 runs
    through 14 January 2027."""
    return add_months(start, months) - timedelta(days=1)
