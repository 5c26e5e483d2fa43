"""What every parser shares: the records, their errors, value coercion, derived columns.

Parsers (lheo_xml, mcf_csv, readable) only read their format and produce ``Bundle``
objects holding plain dicts close to the model, with the values read through ``to_int``,
``lheo_date``...; ``finish_*`` derives the contract's columns through ``vocabulary_mapping``.
Storing them is ``bot.services.catalogue.importers.writer``; choosing the parser is the package's
``import_file``.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from bot.core import vocabulary_mapping as vm
from bot.core.labels import DOMAIN_LABELS
from bot.core.vocab import DOMAIN_SLOT_VALUES, IDF_DEPARTMENTS, LEVELS, UNDECIDED_DOMAIN
from bot.services.catalogue.models import ETAT_FERME, ETAT_OUVERT, ETAT_SUSPENDU

BATCH_SIZE = 1000
PROGRESS_MIN_BYTES = 1_000_000


class FileError(Exception):
    """The whole file is unusable (malformed, forbidden construct, wrong encoding...)."""


class RecordError(ValueError):
    """One record is bad; message in French."""


class LocatedError(RecordError):
    """A bad part of a record (an action, a session), with its line when the format has lines."""

    def __init__(self, line, ident, reason):
        super().__init__(reason)
        self.line, self.ident, self.reason = line, ident, reason


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


def _number(value, what: str) -> Optional[float]:
    """value as a number (decimal comma or point); None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise RecordError(f"{what} invalide '{value}'") from None


def to_int(value, what: str, minimum: Optional[int] = None, maximum: Optional[int] = None) -> Optional[int]:
    number = _number(value, what)
    if number is None:
        return None
    if number != int(number):
        raise RecordError(f"{what} invalide '{value}' (nombre entier attendu)")
    number = int(number)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise RecordError(f"{what} hors bornes '{value}'")
    return number


def to_float(value, what: str, minimum: float = 0, maximum: Optional[float] = None) -> Optional[float]:
    number = _number(value, what)
    if number is None:
        return None
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


def checked(convert: Callable, *args):
    """convert(*args), its ValueError (a value outside a vocabulary) as a RecordError."""
    try:
        return convert(*args)
    except ValueError as exc:
        raise RecordError(str(exc)) from None


def codes(values: Iterable) -> list[str]:
    out = []
    for value in values:
        value = text(value)
        if value and value not in out:
            out.append(value)
    return out


# --- derived values (the importers' common finishing step) ----------------------------

def _require(row: dict, key: str, message: str) -> None:
    """A RecordError with message when row has no text under key."""
    if not text(row.get(key)):
        raise RecordError(message)


def _flags(row: dict, *keys: str) -> None:
    """Each of keys as a plain bool (missing: False)."""
    for key in keys:
        row[key] = bool(row.get(key) or False)


def finish_formation(row: dict) -> dict:
    row = dict(row)
    _require(row, "id", "identifiant de formation manquant")
    _require(row, "intitule", "intitulé de formation manquant")
    _require(row, "organisme_responsable_id", "organisme responsable manquant")
    _flags(row, "certifiante", "eligible_cpf", "label_gen")
    if row.get("niveau_sortie") is not None:
        vm.check_choice(row["niveau_sortie"], LEVELS, "niveau de sortie")
    if not row.get("domaine"):
        row["domaine"] = vm.domain_for(vm.split(row.get("formacodes")), vm.split(row.get("codes_rome")),
                                       vm.split(row.get("codes_nsf")))
    else:
        vm.check_choice(row["domaine"], DOMAIN_SLOT_VALUES, "domaine")
    return row


def finish_action(row: dict, formation: dict) -> dict:
    """Check one action and derive the contract columns (modalite, departements, ...)."""
    row = dict(row)
    _require(row, "id", "identifiant d'action manquant")
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
    _flags(row, "niveau_entree_obligatoire")
    row["creneau"] = vm.check_creneau(row.get("creneau") or "indifferent")
    row["equipement_requis"] = vm.check_equipement(row.get("equipement_requis") or vm.default_equipment(row["modalite"]))
    _flags(row, "equipement_prete", "accessible_handicap", "remuneree", "public_demandeur_emploi", "public_jeune",
           "public_salarie", "public_tous")
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
    _require(row, "id", "identifiant de session manquant")
    row.setdefault("action_id", action["id"])
    _flags(row, "entrees_permanentes")
    etat = row.get("etat_recrutement")
    row["etat_recrutement"] = ETAT_OUVERT if etat is None else etat
    if row["etat_recrutement"] not in (ETAT_OUVERT, ETAT_FERME, ETAT_SUSPENDU):
        raise RecordError(f"état de recrutement inconnu '{etat}' (attendu 1, 2 ou 3)")
    if row.get("debut") and row.get("fin") and row["fin"] < row["debut"]:
        raise RecordError(f"date de fin {row['fin'].isoformat()} antérieure au début {row['debut'].isoformat()}")
    return row


def finish_organisme(row: dict) -> dict:
    row = dict(row)
    _require(row, "id", "identifiant d'organisme manquant")
    _require(row, "nom", f"nom de l'organisme {row['id']} manquant")
    _flags(row, "fictif")
    return row


# --- reading files -------------------------------------------------------------------

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
