"""Numbers and dates written the French way, for every text the assistant sends."""
from __future__ import annotations

import datetime as dt
from typing import Optional

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def french_number(value: float) -> str:
    """12.0 -> '12'; 7.5 -> '7,5'."""
    value = round(float(value), 1)
    return str(int(value)) if value == int(value) else str(value).replace(".", ",")


def french_date(value: "str | dt.date", today: Optional[dt.date] = None) -> str:
    """'2027-01-11' -> '11 janvier 2027'; the year is left out when it is today's year."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    text = f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]}"
    if today is None or day.year != today.year:
        text += f" {day.year}"
    return text
