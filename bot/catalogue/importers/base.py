"""Shared import layer: validation, derived values, batched upserts, one transaction.

Parsers (lheo_xml, mcf_csv, readable) only read their format and produce ``Bundle``
objects holding plain dicts close to the model; this module checks them, derives the
contract's columns through ``vocabulary_mapping`` (``finish_*``), and upserts them by
identifier in batches (SQLite / PostgreSQL ``INSERT ... ON CONFLICT DO UPDATE``), all in a
single transaction: with ``on_error="abort"`` any bad record rolls everything back; with
``"skip"`` bad records are reported and the rest commits. A file-level error (malformed
XML, forbidden DTD/entities, wrong encoding, unknown format) always rolls back.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from sqlalchemy import String, func
from sqlalchemy.engine import Engine

from bot.catalogue import vocabulary_mapping as vm
from bot.catalogue.models import Action, Formation, Organisme, Session
from bot.catalogue.models import session_is_open_on
from bot.vocab import DOMAIN_LABELS, DOMAINES, IDF_DEPARTMENTS, LEVELS, UNDECIDED_DOMAIN

BATCH_SIZE = 1000
PROGRESS_MIN_BYTES = 1_000_000


class FileError(Exception):
    """The whole file is unusable (malformed, forbidden construct, wrong encoding...)."""


class RecordError(ValueError):
    """One record is bad; message in French."""


class ImportAborted(Exception):
    """A bad record with on_error='abort': nothing was written."""

    def __init__(self, bad: "BadRecord"):
        super().__init__(str(bad))
        self.bad = bad


@dataclass
class BadRecord:
    location: str  # "fichier.xml ligne 42"
    ident: str  # "action ACT-12"
    reason: str

    def __str__(self) -> str:
        parts = [p for p in (self.location, self.ident) if p]
        return " : ".join(parts + [self.reason])


@dataclass
class Bundle:
    """One formation and everything it brings along, as plain column dicts."""

    location: str
    formation: dict
    organismes: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # each may carry "_line"
    sessions: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # MCF open data repeats a formation once per department: not a duplicate there.
    formation_unique: bool = True


@dataclass
class ImportReport:
    source: str
    organismes: int = 0
    formations: int = 0
    actions: int = 0
    sessions: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    seconds: float = 0.0
    aborted: bool = False

    @property
    def actions_per_second(self) -> float:
        return self.actions / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (f"{_fr_int(self.actions)} actions importées en {_fr_float(self.seconds)} s "
                f"({_fr_int(round(self.actions_per_second))} actions/s) ; "
                f"{_fr_int(self.formations)} formations, {_fr_int(self.sessions)} sessions, "
                f"{_fr_int(self.organismes)} organismes ; {len(self.errors)} enregistrement(s) "
                f"rejeté(s), {len(self.warnings)} avertissement(s)")


def _fr_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _fr_float(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


# --- value helpers shared by the parsers ----------------------------------------------

def undecided_domain_warning(location: str, formation_id: str) -> str:
    """The warning of a formation whose codes give no domain (it is filed as "indecis")."""
    return (f"{location} : formation {formation_id} : aucun code Formacode/ROME/NSF connu, "
            f"rangée dans le domaine « {DOMAIN_LABELS[UNDECIDED_DOMAIN]} »")


def text(value) -> Optional[str]:
    """Stripped text, None for empty or the LHÉO placeholder '-'."""
    if value is None:
        return None
    value = str(value).strip()
    return None if value in ("", "-") else value


def to_bool(value, what: str, default: Optional[bool] = None) -> Optional[bool]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in ("1", "true", "oui", "yes", "vrai", "o"):
        return True
    if v in ("0", "false", "non", "no", "faux", "n"):
        return False
    raise RecordError(f"{what} invalide '{value}' (attendu 0 ou 1)")


def to_int(value, what: str, minimum: Optional[int] = None, maximum: Optional[int] = None) -> Optional[int]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise RecordError(f"{what} invalide '{value}'") from None
    if number != int(number):
        raise RecordError(f"{what} invalide '{value}' (nombre entier attendu)")
    number = int(number)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise RecordError(f"{what} hors bornes '{value}'")
    return number


def to_float(value, what: str, minimum: float = 0, maximum: Optional[float] = None) -> Optional[float]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise RecordError(f"{what} invalide '{value}'") from None
    if number < minimum or (maximum is not None and number > maximum):
        raise RecordError(f"{what} hors bornes '{value}'")
    return number


def lheo_date(value, what: str) -> Optional[dt.date]:
    """LHÉO date AAAAMMJJ: 00000000 / 99999999 unknown; AAAAMM00 a month, AAAA0000 a year."""
    raw = text(value)
    if raw is None or raw in ("00000000", "99999999"):
        return None
    if len(raw) != 8 or not raw.isdigit():
        raise RecordError(f"{what} invalide '{raw}' (format AAAAMMJJ attendu)")
    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    try:
        return dt.date(year, month or 1, day or 1)
    except ValueError:
        raise RecordError(f"{what} invalide '{raw}'") from None


def iso_date(value, what: str) -> Optional[dt.date]:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    if len(raw) == 8 and raw.isdigit():
        return lheo_date(raw, what)
    if len(raw) == 10 and raw[2] == "/" and raw[5] == "/":
        try:
            return dt.date(int(raw[6:]), int(raw[3:5]), int(raw[:2]))
        except ValueError:
            pass
    raise RecordError(f"{what} invalide '{raw}' (format AAAA-MM-JJ attendu)")


def codes(values: Iterable) -> list[str]:
    out = []
    for value in values:
        value = text(value)
        if value and value not in out:
            out.append(value)
    return out


# --- derived values (the importers' common finishing step) ----------------------------

def finish_formation(row: dict) -> dict:
    row = dict(row)
    if not text(row.get("id")):
        raise RecordError("identifiant de formation manquant")
    if not text(row.get("intitule")):
        raise RecordError("intitulé de formation manquant")
    if not text(row.get("organisme_responsable_id")):
        raise RecordError("organisme responsable manquant")
    for key in ("certifiante", "eligible_cpf", "label_gen"):
        row[key] = bool(row.get(key) or False)
    if row.get("niveau_sortie") is not None:
        vm.check_choice(row["niveau_sortie"], LEVELS, "niveau de sortie")
    if not row.get("domaine"):
        row["domaine"] = vm.domain_for(vm.split(row.get("formacodes")), vm.split(row.get("codes_rome")),
                                       vm.split(row.get("codes_nsf")))
    else:
        vm.check_choice(row["domaine"], DOMAINES, "domaine")
    return row


def finish_action(row: dict, formation: dict) -> dict:
    """Check one action and derive the contract columns (modalite, departements, ...)."""
    row = dict(row)
    if not text(row.get("id")):
        raise RecordError("identifiant d'action manquant")
    row.setdefault("formation_id", formation["id"])
    row["organisme_formateur_id"] = row.get("organisme_formateur_id") or formation["organisme_responsable_id"]
    row["domaine"] = formation["domaine"]
    row["certifiante"] = formation["certifiante"]
    if row.get("modalites_enseignement") is None:
        if row.get("modalite") is None:
            raise RecordError("modalités d'enseignement manquantes")
        row["modalites_enseignement"] = vm.LHEO_CODE_BY_MODE[
            vm.check_choice(row["modalite"], vm.COURSE_MODES, "modalité")]
    row["modalite"] = vm.course_mode(row["modalites_enseignement"])
    level = row.get("niveau_entree") or LEVELS[0]
    row["niveau_entree"] = vm.check_choice(level, LEVELS, "niveau d'entrée")
    row["niveau_entree_rank"] = vm.level_rank(row["niveau_entree"])
    row["niveau_entree_obligatoire"] = bool(row.get("niveau_entree_obligatoire") or False)
    row["creneau"] = vm.check_creneau(row.get("creneau") or "indifferent")
    row["equipement_requis"] = vm.check_equipement(row.get("equipement_requis") or vm.default_equipment(row["modalite"]))
    for key in ("equipement_prete", "accessible_handicap", "remuneree", "public_demandeur_emploi",
                "public_jeune", "public_salarie", "public_tous"):
        row[key] = bool(row.get(key) or False)
    age_min, age_max = row.get("age_min"), row.get("age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise RecordError(f"tranche d'âge invalide {age_min}-{age_max}")
    dep = row.get("departement_lieu")
    if dep is not None and dep not in IDF_DEPARTMENTS:
        dep = None  # outside Île-de-France: kept nowhere in the reach columns
    row["departement_lieu"] = dep
    served = vm.served_departments(row["modalite"], dep)
    row["departements"] = vm.join(served)
    row["departements_mask"] = vm.departments_mask(served)
    if row.get("cout_stagiaire") is None:
        row["cout_stagiaire"] = vm.cost_text(vm.split(row.get("financeurs")))
    return row


def finish_session(row: dict, action: dict) -> dict:
    row = dict(row)
    if not text(row.get("id")):
        raise RecordError("identifiant de session manquant")
    row.setdefault("action_id", action["id"])
    row["entrees_permanentes"] = bool(row.get("entrees_permanentes") or False)
    etat = row.get("etat_recrutement")
    row["etat_recrutement"] = 1 if etat is None else etat
    if row["etat_recrutement"] not in (1, 2, 3):
        raise RecordError(f"état de recrutement inconnu '{etat}' (attendu 1, 2 ou 3)")
    if row.get("debut") and row.get("fin") and row["fin"] < row["debut"]:
        raise RecordError(f"date de fin {row['fin'].isoformat()} antérieure au début {row['debut'].isoformat()}")
    return row


def finish_organisme(row: dict) -> dict:
    row = dict(row)
    if not text(row.get("id")):
        raise RecordError("identifiant d'organisme manquant")
    if not text(row.get("nom")):
        raise RecordError(f"nom de l'organisme {row['id']} manquant")
    row["fictif"] = bool(row.get("fictif") or False)
    return row


# --- storage ------------------------------------------------------------------------------

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
    past or closed (bot.catalogue.models.session_is_open_on, the rule matching applies)."""
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
                 skip: Optional[Callable[["_Located"], None]] = None) -> dict:
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
            _bad_part(_Located(action.get("_line"), ident, str(exc)), skip)
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
            _bad_part(_Located(session.get("_line"), ident, str(exc)), skip)
    # Duplicate identifiers within this import (organisations may recur: merged).
    for kind in ("formation", "action", "session"):
        if kind == "formation" and not bundle.formation_unique:
            continue
        for row in rows[kind]:
            where = seen.get((kind, row["id"]))
            if where is not None:
                raise _Located(None, f"{kind} {row['id']}",
                               f"identifiant en double (déjà vu {where})")
    return rows


class _Located(RecordError):
    def __init__(self, line, ident, reason):
        super().__init__(reason)
        self.line, self.ident, self.reason = line, ident, reason


def _bad_part(error: _Located, skip) -> None:
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
            except _Located as exc:
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


def _located(item: Bundle, exc: _Located) -> BadRecord:
    return BadRecord(item.location if exc.line is None else _with_line(item.location, exc.line), exc.ident, exc.reason)


def _with_line(location: str, line: int) -> str:
    base = location.split(" ligne ")[0]
    return f"{base} ligne {line}"


# --- entry point -------------------------------------------------------------------------

def detect_format(path: Path) -> str:
    """'lheo', 'mcf-csv' or 'yaml', from the extension, then the first bytes."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "lheo"
    if suffix == ".csv":
        return "mcf-csv"
    if suffix in (".yml", ".yaml", ".json"):
        return "yaml"
    with open(path, "rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "lheo"
    if b"numero_formation" in head:
        return "mcf-csv"
    return "yaml"


class ProgressFile:
    """A binary file wrapper that moves a tqdm bar as bytes are read (large files only)."""

    def __init__(self, path: Path, show: Optional[bool] = None):
        self.handle = open(path, "rb")
        size = os.path.getsize(path)
        self.bar = None
        if show or (show is None and size >= PROGRESS_MIN_BYTES):
            from tqdm import tqdm

            self.bar = tqdm(total=size, unit="o", unit_scale=True, desc=f"Import {path.name}",
                            leave=False, disable=None if show is None else False)

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if self.bar is not None:
            self.bar.update(len(data))
        return data

    def readline(self) -> bytes:
        data = self.handle.readline()
        if self.bar is not None:
            self.bar.update(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        for line in self.handle:
            if self.bar is not None:
                self.bar.update(len(line))
            yield line

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def parse(path: Path, fmt: str = "auto", progress: Optional[bool] = None, today: Optional[dt.date] = None):
    """Items (Bundle / BadRecord) from path; FileError for an unusable file."""
    path = Path(path)
    if not path.exists():
        raise FileError(f"{path} : fichier introuvable")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "lheo":
        from bot.catalogue.importers.lheo_xml import parse_lheo

        return parse_lheo(path, progress=progress)
    if fmt == "mcf-csv":
        from bot.catalogue.importers.mcf_csv import parse_mcf_csv

        return parse_mcf_csv(path, progress=progress)
    if fmt == "yaml":
        from bot.catalogue.importers.readable import parse_readable

        return parse_readable(path, today=today)
    raise FileError(f"format inconnu '{fmt}' (attendu : auto, lheo, mcf-csv, yaml)")


def import_file(path, engine: Optional[Engine] = None, fmt: str = "auto", on_error: str = "skip",
                progress: Optional[bool] = None, today: Optional[dt.date] = None,
                warn=None, report_error=None) -> ImportReport:
    """Import one file into the catalogue (migrating the schema first) in one transaction.

    Raises FileError (file unusable) or ImportAborted (bad record, on_error='abort');
    in both cases the catalogue is left exactly as it was.
    """
    from bot.catalogue.db import ensure_schema, get_engine

    engine = ensure_schema(engine or get_engine())
    items = parse(Path(path), fmt=fmt, progress=progress, today=today)
    return store(engine, items, source=str(path), on_error=on_error, warn=warn, report_error=report_error)
