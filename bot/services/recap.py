"""Recap codes: what a person hands to an adviser (profile + shortlisted courses).

    code = create_recap(session, sender_id, profile, course_ids)      # "K7QM-4TZP"
    recap = lookup_recap(session, "k7qm4tzp", client_key="adviser-42")  # Recap or None

- 8 characters from a 32-sign alphabet without look-alikes (no 0, 1, I, O): 32**8, about
  1.1 * 10**12 possibilities, drawn with `secrets`; shown as two groups of 4 ("K7QM-4TZP");
  case, spaces and dashes are ignored on lookup.
- Only a keyed hash of the code is stored (HMAC-SHA-256 with the server secret, see
  bot.services.people), and a keyed hash of the sender id (for erasure), never the clear values.
- A code expires RECAP_LIFETIME (30 days) after creation: an expired code is refused and
  deleted.
- Lookups are rate-limited per client key: after MAX_FAILED_LOOKUPS wrong lookups within
  FAILURE_WINDOW, every lookup raises TooManyAttempts until the window has passed. The
  failures are stored in the database, so the limit holds across processes.

Both functions commit the session they are given.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any, Mapping, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.core.vocab import PROFILE_SLOTS
from bot.services.people import Recap, RecapLookupFailure, keyed_hash

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
GROUP = 4
RECAP_LIFETIME = dt.timedelta(days=30)
MAX_FAILED_LOOKUPS = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)

__all__ = [
    "ALPHABET", "CODE_LENGTH", "RECAP_LIFETIME", "MAX_FAILED_LOOKUPS", "FAILURE_WINDOW",
    "Recap", "TooManyAttempts", "create_recap", "lookup_recap", "normalise_code", "format_code",
    "delete_expired_recaps", "sender_key",
]


class TooManyAttempts(Exception):
    """Too many wrong lookups for this client key: try again after `retry_after`."""

    def __init__(self, retry_after: dt.datetime):
        super().__init__(f"trop de codes erronés : réessayez après {retry_after:%H:%M} (UTC)")
        self.retry_after = retry_after


def _utc_naive(now: dt.datetime | None) -> dt.datetime:
    """Naive UTC, as stored (SQLite keeps no time zone)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return now


def format_code(raw: str) -> str:
    """'K7QM4TZP' -> 'K7QM-4TZP' (easier to read aloud)."""
    return "-".join(raw[i:i + GROUP] for i in range(0, len(raw), GROUP))


def normalise_code(text: str) -> str:
    """What the person or the adviser typed, without case, spaces or dashes."""
    return re.sub(r"[\s\-_.]", "", text or "").upper()


def _is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in ALPHABET for c in code)


def _code_key(code: str) -> str:
    return keyed_hash("recap-code", code)


def sender_key(sender_id: str) -> str:
    """The stored key of a sender (for erasure), never the sender id itself."""
    return keyed_hash("sender", sender_id)


def _client_key(client_key: str) -> str:
    return keyed_hash("lookup-client", client_key)


def create_recap(session: Session, sender_id: str, profile: Mapping[str, Any], course_ids: Sequence[str],
                 now: dt.datetime | None = None) -> str:
    """Store a recap and return its code as shown to the person ("K7QM-4TZP")."""
    created = _utc_naive(now)
    kept = {k: v for k, v in profile.items() if k in PROFILE_SLOTS and v is not None}
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        key = _code_key(raw)
        if session.get(Recap, key) is None:
            break
    session.add(Recap(code_hash=key, sender_hash=sender_key(sender_id), profile=kept,
                      course_ids=[str(c) for c in dict.fromkeys(course_ids)], created_at=created,
                      expires_at=created + RECAP_LIFETIME))
    session.commit()
    return format_code(raw)


def lookup_recap(session: Session, code: str, client_key: str, now: dt.datetime | None = None) -> Recap | None:
    """The recap for code, or None (unknown, malformed or expired: an expired one is deleted).

    client_key identifies who looks up (the adviser's account, or an IP address). Raises
    TooManyAttempts when that client made MAX_FAILED_LOOKUPS wrong lookups within
    FAILURE_WINDOW; the check comes first, so a blocked client learns nothing.
    """
    now = _utc_naive(now)
    client = _client_key(client_key)
    since = now - FAILURE_WINDOW
    failures = session.execute(
        select(func.count(), func.min(RecapLookupFailure.failed_at))
        .where(RecapLookupFailure.client_hash == client, RecapLookupFailure.failed_at > since)
    ).one()
    if failures[0] >= MAX_FAILED_LOOKUPS:
        session.rollback()
        raise TooManyAttempts(retry_after=failures[1] + FAILURE_WINDOW)
    normalised = normalise_code(code)
    recap = session.get(Recap, _code_key(normalised)) if _is_well_formed(normalised) else None
    if recap is not None and recap.expires_at <= now:
        session.delete(recap)
        session.commit()
        return None
    if recap is None:
        session.add(RecapLookupFailure(client_hash=client, failed_at=now))
        session.commit()
        return None
    session.commit()
    return recap


def delete_expired_recaps(session: Session, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete expired recaps and stale lookup failures; return the number of recaps."""
    now = _utc_naive(now)
    expired = session.execute(select(func.count()).select_from(Recap).where(Recap.expires_at <= now)).scalar_one()
    if not dry_run:
        session.execute(delete(Recap).where(Recap.expires_at <= now))
        session.execute(delete(RecapLookupFailure).where(RecapLookupFailure.failed_at <= now - FAILURE_WINDOW))
        session.commit()
    return expired


def delete_recaps_of(session: Session, sender_id: str) -> int:
    """Delete every recap of a sender (erasure); return how many. Does not commit."""
    result = session.execute(delete(Recap).where(Recap.sender_hash == sender_key(sender_id)))
    return result.rowcount or 0
