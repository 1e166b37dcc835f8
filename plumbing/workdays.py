"""Working days, for targets such as "first contact within 2 working days".

Weekends only: public holidays differ per year and are a later refinement.
"""

from datetime import datetime, timedelta


def working_days_between(start: datetime, end: datetime) -> float:
    """Elapsed working time from start to end, in days, counting Monday to Friday only."""
    if end <= start:
        return 0.0
    total = timedelta()
    cursor = start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        step_end = min(next_midnight, end)
        if cursor.weekday() < 5:
            total += step_end - cursor
        cursor = step_end
    return total / timedelta(days=1)
