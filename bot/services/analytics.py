"""Anonymous, aggregated analytics for the Region: what happens, never who said what.

    record("profile_complete", profile, sender_id)                     # from the actions (thin calls)
    record("recommendations_shown", profile, sender_id, course_ids=[...])
    record("no_strict_match", profile, sender_id, details=["domaine"])  # one row per relaxed constraint
    aggregate(engine)                                                  # python -m bot.tools.report aggregate

What one raw event (table ``analytics_event``) holds:
- ``kind`` (KINDS), ``occurred_at`` (naive UTC);
- the profile in BUCKETS only (`buckets(profile)`): departement, age band (AGE_BANDS), niveau,
  domaine, equipement, creneau; never a commune, an exact age, a message text or a sender id;
- ``course_id`` (a catalogue id) or ``detail`` (a relaxed constraint, a handoff type), when the
  kind has one;
- ``contributor``: a keyed hash (HMAC-SHA-256 with the server secret, bot.services.people) of the sender
  id, with its own purpose ("analytics"), kept ONLY on raw events. It counts distinct people
  and lets an erasure request (bot.services.privacy.erase_person -> erase_contributions) remove the
  person's raw events.

`aggregate()` rolls raw events of whole days older than AGGREGATE_AFTER (1 day) into
``analytics_daily`` (counts by day x kind x buckets x course/detail, with the number of
distinct contributors of that day and cell) and deletes the raw rows: the contributors are
gone, and what remains can no longer be linked to anyone (nor erased: it is anonymous).

Recording never breaks a conversation: a database error is logged (class name only) and
swallowed. Plain Python, no Rasa import.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any, Iterable, Mapping, Optional, Sequence

from sqlalchemy import (
    Column, Date, DateTime, Index, Integer, MetaData, String, Table, and_, delete, insert, select, update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core.clock import utcnow
from bot.core.vocab import CRENEAUX, DEPARTEMENTS, DOMAIN_SLOT_VALUES, EQUIPEMENTS, LEVELS

logger = logging.getLogger(__name__)

KINDS = (
    "conversation_started",   # the search starts (the profile form runs for the first time)
    "profile_complete",       # the questions are answered; a search runs
    "recommendations_shown",  # one row per course shown (course_id)
    "no_strict_match",        # the first search needed relaxing: one row per constraint (detail)
    "details_opened",         # course_id
    "link_followed",          # course_id (gateway /go/<course_id>)
    "handoff",                # detail: HANDOFF_TYPES
)
HANDOFF_TYPES = ("conseiller", "code_recap")
# What `no_strict_match` rows carry in `detail`: the relaxed slot names (bot.core.matching.rules),
# or NO_RESULT when nothing at all was found.
NO_RESULT = "aucune_formation"

BUCKET_NAMES = ("departement", "age_band", "niveau", "domaine", "equipement", "creneau")
AGE_BANDS = ("15-17", "18-25", "26-34", "35-49", "50+")
_BUCKET_VALUES = {"departement": DEPARTEMENTS, "niveau": LEVELS, "domaine": DOMAIN_SLOT_VALUES,
                  "equipement": EQUIPEMENTS, "creneau": CRENEAUX}
AGGREGATE_AFTER = dt.timedelta(days=1)
CONTRIBUTOR_PURPOSE = "analytics"

metadata = MetaData()

# The columns of one report cell, shared by raw events and daily aggregates.
_CELL_SPEC = (("departement", 10), ("age_band", 10), ("niveau", 20), ("domaine", 40),
              ("equipement", 20), ("creneau", 20), ("course_id", 100), ("detail", 40))


def _cell_columns() -> list:
    return [Column(name, String(length)) for name, length in _CELL_SPEC]


analytics_events = Table(
    "analytics_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("occurred_at", DateTime, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("contributor", String(64), nullable=False),
    *_cell_columns(),
    Index("ix_analytics_event_kind_time", "kind", "occurred_at"),
    Index("ix_analytics_event_contributor", "contributor"),
)

analytics_daily = Table(
    "analytics_daily", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("kind", String(40), nullable=False),
    *_cell_columns(),
    Column("events", Integer, nullable=False),
    Column("people", Integer, nullable=False),  # distinct contributors that day, in that cell
    Index("ix_analytics_daily_kind_day", "kind", "day"),
)

CELL_COLUMNS = BUCKET_NAMES + ("course_id", "detail")


def age_band(age: Any) -> Optional[str]:
    """15-17, 18-25, 26-34, 35-49, 50+ (None when unknown or out of range)."""
    try:
        years = float(age)
    except (TypeError, ValueError):
        return None
    if years != years or years < 15 or years > 99:  # NaN, or outside bot.core.vocab.AGE_RANGE
        return None
    for upper, band in ((18, "15-17"), (26, "18-25"), (35, "26-34"), (50, "35-49")):
        if years < upper:
            return band
    return "50+"


def buckets(profile: Mapping[str, Any]) -> dict[str, Optional[str]]:
    """The profile reduced to coarse buckets; any value outside the contract's vocabularies
    (free text, a commune, ...) becomes None, so nothing else can ever be stored."""
    out: dict[str, Optional[str]] = {"age_band": age_band(profile.get("age"))}
    if profile.get("age_band") in AGE_BANDS and out["age_band"] is None:
        out["age_band"] = profile["age_band"]
    for name, allowed in _BUCKET_VALUES.items():
        value = profile.get(name)
        out[name] = value if isinstance(value, str) and value in allowed else None
    return {name: out[name] for name in BUCKET_NAMES}


def contributor_of(sender_id: str) -> str:
    """The keyed hash stored on raw events (never the sender id)."""
    from bot.services.people import keyed_hash

    return keyed_hash(CONTRIBUTOR_PURPOSE, str(sender_id))


def _clean_id(value: Any) -> Optional[str]:
    text = str(value).strip() if value is not None else ""
    return text[:100] if text else None


def _default_engine() -> Engine:
    from bot.services.catalogue.db import ensure_schema, get_engine

    return ensure_schema(get_engine())


def rows_for(kind: str, profile: Mapping[str, Any], sender_id: str, course_ids: Iterable[Any] = (),
             details: Iterable[str] = (), now: Optional[dt.datetime] = None) -> list[dict]:
    """The raw rows record() would write (one per course id x detail, at least one)."""
    if kind not in KINDS:
        raise ValueError(f"unknown analytics kind: {kind}")
    base = {"occurred_at": now or utcnow(), "kind": kind, "contributor": contributor_of(sender_id),
            **buckets(profile)}
    ids = [c for c in dict.fromkeys(_clean_id(c) for c in course_ids) if c] or [None]
    kept = [str(d)[:40] for d in dict.fromkeys(details) if d] or [None]
    return [{**base, "course_id": c, "detail": d} for c in ids for d in kept]


def record(kind: str, profile: Mapping[str, Any], sender_id: str, *, course_ids: Iterable[Any] = (),
           details: Iterable[str] = (), engine: Optional[Engine] = None,
           now: Optional[dt.datetime] = None) -> int:
    """Store one event (fanned out per course id / detail); returns the rows written, 0 on a
    database error (logged by class, never raised: analytics must not break a conversation)."""
    rows = rows_for(kind, profile, sender_id, course_ids, details, now)
    try:
        engine = engine or _default_engine()
        with engine.begin() as connection:
            connection.execute(insert(analytics_events), rows)
    except SQLAlchemyError as exc:
        logger.error("Analytics event not recorded: %s", type(exc).__name__)
        return 0
    return len(rows)


def erase_contributions(engine: Engine, sender_id: str) -> int:
    """Delete the raw (not yet aggregated) events of a sender; returns how many."""
    with engine.begin() as connection:
        result = connection.execute(delete(analytics_events)
                                    .where(analytics_events.c.contributor == contributor_of(sender_id)))
        return result.rowcount or 0


def aggregation_cutoff(now: Optional[dt.datetime] = None, older_than: dt.timedelta = AGGREGATE_AFTER) -> dt.datetime:
    """Raw events before this instant (a midnight, UTC) are aggregated: whole days only."""
    moment = (now or utcnow()) - older_than
    return dt.datetime.combine(moment.date(), dt.time())


def aggregate(engine: Engine, now: Optional[dt.datetime] = None,
              older_than: dt.timedelta = AGGREGATE_AFTER) -> dict:
    """Roll raw events of whole days before aggregation_cutoff() into analytics_daily and
    delete them, in one transaction. Returns {"events": rolled, "cells": daily rows touched}."""
    cutoff = aggregation_cutoff(now, older_than)
    ev = analytics_events.c
    cells: dict[tuple, list] = defaultdict(lambda: [0, set()])
    with engine.begin() as connection:
        rows = connection.execute(
            select(ev.id, ev.occurred_at, ev.kind, ev.contributor, *[ev[c] for c in CELL_COLUMNS])
            .where(ev.occurred_at < cutoff)).all()
        if not rows:
            return {"events": 0, "cells": 0}
        for row in rows:
            key = (row.occurred_at.date(), row.kind) + tuple(getattr(row, c) for c in CELL_COLUMNS)
            cells[key][0] += 1
            cells[key][1].add(row.contributor)
        daily = analytics_daily.c
        for key, (events, people) in cells.items():
            values = dict(zip(("day", "kind") + CELL_COLUMNS, key))
            match = and_(*[(daily[name].is_(None) if value is None else daily[name] == value)
                           for name, value in values.items()])
            existing = connection.execute(select(daily.id).where(match)).first()
            if existing is None:
                connection.execute(insert(analytics_daily).values(**values, events=events, people=len(people)))
            else:  # a second run over the same day (late events): counts add up
                connection.execute(update(analytics_daily).where(daily.id == existing.id)
                                   .values(events=daily.events + events, people=daily.people + len(people)))
        max_id = max(row.id for row in rows)
        connection.execute(delete(analytics_events).where(ev.occurred_at < cutoff, ev.id <= max_id))
    logger.info("Analytics aggregated: %d event(s) into %d cell(s).", len(rows), len(cells))
    return {"events": len(rows), "cells": len(cells)}


def link_token(sender_id: str, course_id: str) -> str:
    """The opaque `s` of /go/<course_id>?s=...: the contributor and a keyed tag binding it to
    the course, so that only links the assistant gave are counted (no forged clicks)."""
    contributor = contributor_of(sender_id)
    return f"{contributor}.{_link_tag(contributor, course_id)}"


def _link_tag(contributor: str, course_id: str) -> str:
    from bot.services.people import keyed_hash

    return keyed_hash("analytics-link", f"{contributor}\x00{course_id}")[:20]


def contributor_from_token(token: Optional[str], course_id: str) -> Optional[str]:
    """The contributor of a valid link token for course_id, else None."""
    import hmac

    if not isinstance(token, str) or len(token) > 100 or "." not in token:
        return None
    contributor, tag = token.split(".", 1)
    if len(contributor) != 64 or not hmac.compare_digest(tag.encode(), _link_tag(contributor, course_id).encode()):
        return None
    return contributor


def record_for_contributor(kind: str, contributor: str, *, course_ids: Sequence[Any] = (),
                           engine: Optional[Engine] = None, now: Optional[dt.datetime] = None) -> int:
    """record() for the gateway, which only knows the contributor (from a link token) and no
    profile: the buckets are copied from the contributor's latest raw event, when there is one."""
    try:
        engine = engine or _default_engine()
        ev = analytics_events.c
        with engine.begin() as connection:
            last = connection.execute(select(*[ev[b] for b in BUCKET_NAMES])
                                      .where(ev.contributor == contributor)
                                      .order_by(ev.occurred_at.desc(), ev.id.desc()).limit(1)).first()
            profile = dict(last._mapping) if last is not None else {}
            ids = [c for c in dict.fromkeys(_clean_id(c) for c in course_ids) if c] or [None]
            connection.execute(insert(analytics_events), [
                {"occurred_at": now or utcnow(), "kind": kind, "contributor": contributor,
                 **{b: profile.get(b) for b in BUCKET_NAMES}, "course_id": c, "detail": None} for c in ids])
        return len(ids)
    except SQLAlchemyError as exc:
        logger.error("Analytics event not recorded: %s", type(exc).__name__)
        return 0
