"""Stores parsed bundles: checks, batched upserts by identifier, one transaction.

Rows are upserted in batches (SQLite / PostgreSQL ``INSERT ... ON CONFLICT DO UPDATE``), all
in a single transaction: with ``on_error="abort"`` any bad record rolls everything back; with
``"skip"`` bad records are reported and the rest commits. A file-level error (malformed XML,
forbidden DTD/entities, wrong encoding, unknown format) always rolls back.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Callable, Iterable, Optional, Union

from sqlalchemy import String, func
from sqlalchemy.engine import Engine

from bot.services.catalogue.importers.base import (
    BATCH_SIZE, BadRecord, Bundle, FileError, ImportAborted, ImportReport, LocatedError, RecordError,
    finish_action, finish_formation, finish_organisme, finish_session,
)
from bot.services.catalogue.models import Action, Formation, Organisme, Session, session_is_open_on

_TABLES = {"organisme": Organisme.__table__, "formation": Formation.__table__,
           "action": Action.__table__, "session": Session.__table__}
_COLUMNS = {name: [c.name for c in t.columns if c.name != "updated_at"] for name, t in _TABLES.items()}
_LENGTHS = {name: {c.name: c.type.length for c in t.columns
                   if isinstance(c.type, String) and c.type.length} for name, t in _TABLES.items()}


_FIT = {kind: [(c, _LENGTHS[kind].get(c), c == "id" or c.endswith("_id")) for c in cols]
        for kind, cols in _COLUMNS.items()}


def _fit(kind: str, row: dict) -> dict:
    """Only model columns; over-long identifiers are errors, over-long texts are cut."""
    out = {}
    for col, limit, is_id in _FIT[kind]:
        value = row.get(col)
        if limit and value.__class__ is str and len(value) > limit:
            if is_id:
                raise RecordError(f"identifiant trop long ({len(value)} caractères, {limit} au plus)")
            value = value[:limit].rsplit(",", 1)[0] if "," in value[:limit] else value[:limit]
        out[col] = value
    return out


def _upsert_statement(engine: Engine, kind: str, merge: bool = False):
    table = _TABLES[kind]
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover
        raise FileError(f"base de données non prise en charge : {engine.dialect.name}")
    stmt = insert(table)
    if merge:
        # Organisations met again keep values the new record does not give.
        update = {c: func.coalesce(stmt.excluded[c], table.c[c]) for c in _COLUMNS[kind] if c != "id"}
    else:
        update = {c: stmt.excluded[c] for c in _COLUMNS[kind] if c != "id"}
    update["updated_at"] = func.now()
    return stmt.on_conflict_do_update(index_elements=["id"], set_=update)


class _Writer:
    """Accumulates checked rows and flushes them in batches, parents first."""

    def __init__(self, engine: Engine, connection, report: ImportReport):
        self.connection = connection
        self.report = report
        self.stmts = {k: _upsert_statement(engine, k, merge=(k == "organisme")) for k in _TABLES}
        self.pending = {k: {} for k in _TABLES}
        self.count = 0

    def add(self, rows: dict) -> None:
        for kind in _TABLES:
            for row in rows[kind]:
                self.pending[kind][row["id"]] = row
        self.count += 1
        if self.count >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        for kind in ("organisme", "formation", "action", "session"):
            rows = list(self.pending[kind].values())
            if rows:
                self.connection.execute(self.stmts[kind], rows)
            self.pending[kind] = {}
        self.count = 0


def unseen_warnings(location: str, rows: dict, today: dt.date) -> list[str]:
    """What no one will be shown: an action outside Île-de-France, or whose sessions are all
    past or closed (bot.services.catalogue.models.session_is_open_on, the rule matching applies)."""
    out = []
    for action in rows["action"]:
        where = f"{location} : action {action['id']}"
        sessions = [s for s in rows["session"] if s["action_id"] == action["id"]]
        if not action["departements_mask"]:
            out.append(f"{where} : lieu hors Île-de-France, elle ne sera proposée à personne")
        elif sessions and not any(session_is_open_on(s, today) for s in sessions):
            out.append(f"{where} : aucune session à venir ou ouverte (toutes passées ou fermées), "
                       "elle ne sera proposée à personne")
    return out


def check_bundle(bundle: Bundle, seen: dict, organismes_seen: dict,
                 skip: Optional[Callable[[LocatedError], None]] = None) -> dict:
    """Validated, fitted rows of one bundle, or RecordError (ident, reason) via BadRecord.
    With `skip`, a bad action or session is handed to it and left out (with the sessions of
    a left-out action), the rest of the formation kept."""
    formation = finish_formation(bundle.formation)
    rows = {"organisme": [], "formation": [], "action": [], "session": []}
    for org in bundle.organismes:
        org = finish_organisme(org)
        rows["organisme"].append(_fit("organisme", org))
    rows["formation"].append(_fit("formation", formation))
    action_ids = set()
    for action in bundle.actions:
        ident = f"action {action.get('id') or '?'}"
        try:
            finished = finish_action(action, formation)
            rows["action"].append(_fit("action", finished))
            action_ids.add(finished["id"])
        except ValueError as exc:
            _bad_part(LocatedError(action.get("_line"), ident, str(exc)), skip)
    skipped = {a.get("id") for a in bundle.actions} - action_ids
    if bundle.actions and not action_ids:
        raise RecordError("aucune action valable dans cette formation")
    for session in bundle.sessions:
        ident = f"session {session.get('id') or '?'}"
        try:
            parent = {"id": session.get("action_id")}
            if parent["id"] in skipped:
                continue  # its action was left out (and reported)
            if parent["id"] not in action_ids:
                raise RecordError(f"action '{parent['id']}' inconnue dans cette formation")
            rows["session"].append(_fit("session", finish_session(session, parent)))
        except ValueError as exc:
            _bad_part(LocatedError(session.get("_line"), ident, str(exc)), skip)
    # Duplicate identifiers within this import (organisations may recur: merged).
    for kind in ("formation", "action", "session"):
        if kind == "formation" and not bundle.formation_unique:
            continue
        for row in rows[kind]:
            where = seen.get((kind, row["id"]))
            if where is not None:
                raise LocatedError(None, f"{kind} {row['id']}",
                               f"identifiant en double (déjà vu {where})")
    return rows


def _bad_part(error: LocatedError, skip) -> None:
    if skip is None:
        raise error
    skip(error)


def store(engine: Engine, items: Iterable[Union[Bundle, BadRecord]], source: str,
          on_error: str = "skip", warn: Optional[Callable[[str], None]] = None,
          report_error: Optional[Callable[[str], None]] = None, today: Optional[dt.date] = None) -> ImportReport:
    """Store parsed items in ONE transaction; see the module docstring for error handling.
    `today`: the day sessions are judged past (unseen_warnings); default the real today."""
    today = today or dt.date.today()
    if on_error not in ("skip", "abort"):
        raise ValueError("on_error must be 'skip' or 'abort'")
    report = ImportReport(source=source)
    start = time.perf_counter()
    seen: dict = {}
    organismes_seen: dict = {}
    ids = {k: set() for k in _TABLES}

    def bad(record: BadRecord) -> None:
        report.errors.append(str(record))
        if on_error == "abort":
            raise ImportAborted(record)
        if report_error:
            report_error(str(record))

    def warned(message: str) -> None:
        report.warnings.append(message)
        if warn:
            warn(message)

    with engine.begin() as connection:
        writer = _Writer(engine, connection, report)
        for item in items:
            if isinstance(item, BadRecord):
                bad(item)
                continue
            skip = (lambda exc, item=item: bad(_located(item, exc))) if on_error == "skip" else None
            try:
                rows = check_bundle(item, seen, organismes_seen, skip=skip)
            except LocatedError as exc:
                bad(_located(item, exc))
                continue
            except ValueError as exc:
                bad(BadRecord(item.location, f"formation {item.formation.get('id') or '?'}", str(exc)))
                continue
            for message in item.warnings + unseen_warnings(item.location, rows, today):
                warned(message)
            for kind in ("formation", "action", "session"):
                for row in rows[kind]:
                    seen[(kind, row["id"])] = item.location
            for kind in _TABLES:
                ids[kind].update(r["id"] for r in rows[kind])
            writer.add(rows)
        writer.flush()
    report.organismes = len(ids["organisme"])
    report.formations = len(ids["formation"])
    report.actions = len(ids["action"])
    report.sessions = len(ids["session"])
    report.seconds = time.perf_counter() - start
    return report


def _located(item: Bundle, exc: LocatedError) -> BadRecord:
    return BadRecord(item.location if exc.line is None else _with_line(item.location, exc.line), exc.ident, exc.reason)


def _with_line(location: str, line: int) -> str:
    base = location.split(" ligne ")[0]
    return f"{base} ligne {line}"
