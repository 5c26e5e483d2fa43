"""The one clock of stored times: naive UTC datetimes (what the tables hold)."""
from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, in UTC, without tzinfo (SQLite and PostgreSQL columns store naive UTC)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
