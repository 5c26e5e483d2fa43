"""The directory of places that take over from the assistant (mission locale, France
Travail, Cap emploi), imported by the operator from a CSV file.

Operators import it with `python -m bot.tools.directory` (import, stats, seed-demo of
bot/services/directory_demo.csv).

CSV (UTF-8, "," or ";" as separator, header on the first line), columns:
type (mission_locale | france_travail | cap_emploi), nom, departement (75 77 78 91 92 93
94 95), communes (INSEE codes or names separated by ";", each a commune of that department
in data/reference/geo/; empty = the whole department),
adresse, telephone, url, fictif (oui/non). A file is the whole directory: an import
replaces the previous one in ONE transaction, so importing the same file twice changes
nothing, and any bad line aborts the import with every problem listed (line numbers),
leaving the directory as it was.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from bot.core.handoff import PLACE_TYPES, place_town
from bot.core.text import fold
from bot.core.vocab import IDF_DEPARTMENTS
from bot.services.catalogue.importers.base import FileError
from bot.services.people import DirectoryPlace

DEMO_DIRECTORY = Path(__file__).resolve().parent / "directory_demo.csv"
COLUMNS = ("type", "nom", "departement", "communes", "adresse", "telephone", "url", "fictif")
REQUIRED = ("type", "nom", "departement")
_TRUE = {"oui", "o", "true", "vrai", "1", "yes", "x"}
_FALSE = {"non", "n", "false", "faux", "0", "no", ""}


class DirectoryError(FileError):
    """The file cannot be imported; the message lists every problem, in French."""


@dataclass(frozen=True)
class HelpPlace:
    """One place, as the dialogue uses it (plain values, no database session)."""

    type: str
    nom: str
    departement: str
    adresse: str | None
    telephone: str | None
    url: str | None
    fictif: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# --- reading the CSV --------------------------------------------------------------------

@dataclass(frozen=True)
class _Communes:
    """The communes of Île-de-France (data/reference/geo/): name and department by INSEE
    code, and the departments of each folded name."""

    by_insee: dict[str, tuple[str, str]]
    departments_by_name: dict[str, frozenset[str]]


def _communes() -> _Communes:
    from bot.core.geo import commune_index

    communes = commune_index().communes.values()
    by_name: dict[str, set[str]] = {}
    for c in communes:
        by_name.setdefault(fold(c.name), set()).add(c.departement)
    return _Communes({c.insee: (c.name, c.departement) for c in communes},
                     {name: frozenset(deps) for name, deps in by_name.items()})


def _check_commune(item: str, dep: str, communes: _Communes) -> tuple[Optional[str], Optional[str]]:
    """(folded name, None) for a commune of the department `dep`, or (None, the problem in French)."""
    if item.isdigit() or (len(item) == 5 and item[:2] == "2A"):
        if item not in communes.by_insee:
            return None, f"code INSEE inconnu '{item}'"
        name, where = communes.by_insee[item]
    else:
        name = item
        deps = communes.departments_by_name.get(fold(item))
        if not deps:
            return None, f"commune inconnue '{item}' en Île-de-France (vérifiez l'orthographe ou donnez son code INSEE)"
        where = dep if dep in deps else sorted(deps)[0]
    if dep in IDF_DEPARTMENTS and where != dep:
        return None, (f"la commune '{item}' est dans le département {where}, pas dans le {dep} "
                      f"(corrigez la colonne departement ou la commune)")
    return fold(name), None


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DirectoryError(f"{path} : fichier introuvable") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError(f"{path.name} : le fichier n'est pas en UTF-8 (réenregistrez-le en UTF-8)") from None


def read_directory(path: Path) -> list[dict]:
    """The checked rows of a directory CSV, or DirectoryError listing every problem."""
    path = Path(path)
    content = _decode(path)
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise DirectoryError(f"{path.name} : fichier vide")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DirectoryError(f"{path.name} ligne 1 : colonnes obligatoires absentes : {', '.join(missing)} "
                             f"(colonnes attendues : {', '.join(COLUMNS)})")
    communes_ref: _Communes | None = None
    rows, problems, seen = [], [], {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        record = {key: (values[i].strip() if i < len(values) else "") for i, key in enumerate(header)}
        errors = []
        kind = record.get("type", "").lower()
        if kind not in PLACE_TYPES:
            errors.append(f"type inconnu '{record.get('type', '')}' (attendu : {', '.join(PLACE_TYPES)})")
        name = record.get("nom", "")
        if not name:
            errors.append("nom manquant")
        dep = record.get("departement", "").zfill(2) if record.get("departement") else ""
        if dep not in IDF_DEPARTMENTS:
            errors.append(f"département '{record.get('departement', '')}' hors Île-de-France "
                          f"(attendu : {' '.join(IDF_DEPARTMENTS)})")
        fictif_raw = record.get("fictif", "").lower()
        if fictif_raw not in _TRUE | _FALSE:
            errors.append(f"fictif '{record.get('fictif')}' : écrivez oui ou non")
        fictif = fictif_raw in _TRUE
        phone = record.get("telephone") or None
        if phone and fictif:
            errors.append("un lieu fictif ne doit pas avoir de numéro de téléphone (laissez la colonne vide)")
        url = record.get("url") or None
        if url and not url.lower().startswith(("https://", "http://")):
            errors.append(f"url '{url}' : elle doit commencer par https://")
        communes = []
        for item in (record.get("communes") or "").split(";"):
            item = item.strip()
            if not item:
                continue
            if communes_ref is None:
                communes_ref = _communes()
            folded, problem = _check_commune(item, dep, communes_ref)
            if problem:
                errors.append(problem)
            else:
                communes.append(folded)
        ident = f"{kind}:{dep}:{fold(name)}"
        if not errors and ident in seen:
            errors.append(f"lieu en double (déjà ligne {seen[ident]})")
        if errors:
            problems += [f"{path.name} ligne {line} : {e}" for e in errors]
            continue
        seen[ident] = line
        rows.append({"id": ident[:300], "type": kind, "nom": name, "departement": dep,
                     "communes": ";".join(dict.fromkeys(communes)) or None,
                     "adresse": record.get("adresse") or None, "telephone": phone, "url": url,
                     "fictif": fictif})
    if problems:
        raise DirectoryError("\n".join(problems))
    if not rows:
        raise DirectoryError(f"{path.name} : aucun lieu dans le fichier")
    return rows


# --- storing and querying ---------------------------------------------------------------

def directory_engine(url: Optional[str] = None) -> Engine:
    from bot.services.catalogue.db import ensure_schema, get_engine

    return ensure_schema(get_engine(url))


def import_directory(path: Path, engine: Optional[Engine] = None) -> int:
    """Replace the directory with the file's places, in one transaction; return their number."""
    rows = read_directory(Path(path))
    engine = engine or directory_engine()
    with engine.begin() as connection:
        connection.execute(delete(DirectoryPlace.__table__))
        connection.execute(DirectoryPlace.__table__.insert(), rows)
    return len(rows)


def count_places(engine: Optional[Engine] = None) -> dict[str, int]:
    engine = engine or directory_engine()
    with engine.connect() as connection:
        result = connection.execute(select(DirectoryPlace.type, func.count()).group_by(DirectoryPlace.type))
        counts = {kind: 0 for kind in PLACE_TYPES}
        counts.update({kind: n for kind, n in result})
        return counts


def _to_place(row: DirectoryPlace) -> HelpPlace:
    return HelpPlace(row.type, row.nom, row.departement, row.adresse, row.telephone, row.url, bool(row.fictif))


def find_places(types: Sequence[str], departement: str | None, commune: str | None = None,
                engine: Optional[Engine] = None) -> list[HelpPlace]:
    """For each type, the nearest place the directory knows: the one serving the commune,
    else one in the commune itself (its address), else the department's general place,
    else the department's first place."""
    if departement not in IDF_DEPARTMENTS:
        return []
    engine = engine or directory_engine()
    wanted = fold(commune) if commune else None
    found = []
    with engine.connect() as connection:
        rows = connection.execute(
            select(DirectoryPlace).where(DirectoryPlace.departement == departement,
                                         DirectoryPlace.type.in_(list(types)))
            .order_by(DirectoryPlace.id)
        ).all()
    for kind in types:
        candidates = [r for r in rows if r.type == kind]
        serving = [r for r in candidates if wanted and r.communes and wanted in r.communes.split(";")]
        in_town = [r for r in candidates if wanted and fold(place_town(r.adresse) or "") == wanted]
        general = [r for r in candidates if not r.communes]
        chosen = (serving or in_town or general or candidates)[:1]
        found += [_to_place(r) for r in chosen]
    return found
