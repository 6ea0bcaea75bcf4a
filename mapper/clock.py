"""Today's date, settable for tests: the ``MAPPER_TODAY`` environment variable (``YYYY-MM-DD``).

Only rules about *new* input read the clock (a conversation cannot be dated after tomorrow);
analytics never do, so their answers depend on the data alone.

>>> (tomorrow() - today()).days
1
"""

from __future__ import annotations

import datetime as dt
import os

__all__ = ["ENV", "today", "tomorrow", "now"]

#: The environment variable that sets today's date, for tests and for replaying old data.
ENV = "MAPPER_TODAY"


def today() -> dt.date:
    """``MAPPER_TODAY`` if set, else the local date of this machine."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{ENV} must be a date like 2026-11-20") from None


def tomorrow() -> dt.date:
    """The latest date a conversation may carry: a day ahead covers every time zone."""
    day = today()
    return day if day == dt.date.max else day + dt.timedelta(days=1)


def now() -> dt.datetime:
    """The current time, in UTC (when a stored answer was computed; how old it is)."""
    return dt.datetime.now(dt.timezone.utc)
