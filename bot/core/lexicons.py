"""The word lists the extractor reads: CSV files under data/lexicons/ (bot.core.config.LEXICONS_DIR).

Advisers extend them (data/lexicons/README.md). Each file is validated when loaded: a value
outside the contract, an expression that does not compile, a missing column or a malformed row
raises `LexiconError` naming the file and the line.

Value files (`valeur,expression,quand`): `valeur` is a canonical value of the slot the file is
named after (CONTRACT.md §1); `expression` is matched on folded text (lowercase, no accents,
hyphens as spaces) and is either a plain phrase (written as users write it, accents allowed) or a
regular expression (any of \\ ( ) [ ] ? * + | { } ^ $ .), written folded; `quand` is empty
(always), `question` (only when the bot asked for this slot) or `sinon` (only when no other row
of the file matched).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NamedTuple

from bot.core import config
from bot.core.text import fold, strip_accents
from bot.core.vocab import (
    CERTIFICATIONS, COURSE_DOMAINS, CRENEAUX, DOMAIN_SLOT_VALUES, EQUIPEMENTS, IDF_DEPARTMENTS, LEVELS, MODALITES,
    SITUATIONS, WEEKLY_HOURS_RANGE,
)

NO_DOMAIN = "aucun"
_REGEX_CHARS = set("\\()[]?*+|{}^$.")
CONDITIONS = ("", "question", "sinon")
# nomenclature of codes_domaines.csv -> the form of its codes
CODE_FORMS = {"formacode": r"\d{5}", "champ_formacode": r"\d{3}", "rome": r"[A-N]\d{4}",
              "famille_rome": r"[A-N]\d{2}", "nsf": r"\d{3}"}


class LexiconError(ValueError):
    """A lexicon file that cannot be used, with the file and line to fix."""


def _hours(value: str) -> float:
    number = float(value)
    if not WEEKLY_HOURS_RANGE[0] <= number <= WEEKLY_HOURS_RANGE[1]:
        raise ValueError
    return number


def _choice(values: tuple) -> callable:
    def check(value: str):
        if value not in values:
            raise ValueError
        return value
    check.allowed = values
    return check


def _boolean(value: str) -> bool:
    if value not in ("true", "false"):
        raise ValueError
    return value == "true"


_boolean.allowed = ("true", "false")

# file name -> how its `valeur` column is checked (the contract's vocabulary for that slot)
VALUE_FILES = {
    "situation": _choice(SITUATIONS), "niveau": _choice(LEVELS),
    # "aucun": a phrase that names no domain and hides the shorter ones it contains
    # ("sécurité sociale" is not sante_social, "mes données" is not data_ia)
    "domaine": _choice(DOMAIN_SLOT_VALUES + (NO_DOMAIN,)),
    "creneau": _choice(CRENEAUX), "equipement": _choice(EQUIPEMENTS),
    "modalite": _choice(MODALITES), "certification": _choice(CERTIFICATIONS),
    "handicap": _boolean, "heures": _hours,
}


@dataclass(frozen=True)
class Entry:
    value: object          # the canonical value (float for heures, bool for handicap)
    expression: str        # as written in the file
    pattern: str           # regular-expression fragment on folded text
    plain: bool            # a plain phrase (not a regular expression)
    condition: str         # "", "question" or "sinon"
    where: str             # "file:line", for messages


def _rows(path: Path, header: tuple[str, ...]):
    """(line number, row) of a CSV file whose comment lines start with '#'."""
    if not path.is_file():
        raise LexiconError(f"{path}: lexicon file not found (set CAPNUM_LEXICONS_DIR)")
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, 1)
                 if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise LexiconError(f"{path}: empty lexicon (expected the header {','.join(header)})")
    reader = csv.reader([line for _, line in lines])
    first = next(reader)
    if tuple(c.strip() for c in first) != header:
        raise LexiconError(f"{path}:{lines[0][0]}: header must be {','.join(header)}, "
                           f"not {','.join(first)}")
    for (number, _), row in zip(lines[1:], reader):
        if len(row) == len(header) - 1 and header[-1] == "quand":
            row = row + [""]
        if len(row) != len(header):
            raise LexiconError(f"{path}:{number}: expected {len(header)} columns "
                               f"({','.join(header)}), found {len(row)}")
        yield number, [c.strip() for c in row]


def expression_pattern(expression: str, where: str) -> tuple[str, bool]:
    """(regex fragment, plain?) for one expression, or LexiconError."""
    if not expression:
        raise LexiconError(f"{where}: empty expression")
    if not any(c in _REGEX_CHARS for c in expression):
        folded = fold(expression)
        if not folded:
            raise LexiconError(f"{where}: expression {expression!r} has no letter or digit")
        return re.escape(folded).replace(r"\ ", " "), True
    if strip_accents(expression).lower() != expression:
        raise LexiconError(f"{where}: regular expression {expression!r} must be written folded "
                           "(lowercase, no accents, spaces instead of hyphens)")
    try:
        re.compile(expression)
    except re.error as error:
        raise LexiconError(f"{where}: expression {expression!r} is not a valid regular "
                           f"expression ({error})") from None
    return expression, False


def _directory(directory: Path | str | None) -> Path:
    directory = config.LEXICONS_DIR if directory is None else directory
    return directory if isinstance(directory, Path) else Path(directory)  # Path() of a Path costs µs


@lru_cache(maxsize=None)
def _value_entries(name: str, directory: Path) -> tuple[Entry, ...]:
    check = VALUE_FILES[name]
    path = directory / f"{name}.csv"
    entries = []
    for number, (value, expression, condition) in _rows(path, ("valeur", "expression", "quand")):
        where = f"{path}:{number}"
        try:
            canonical = check(value)
        except ValueError:
            allowed = getattr(check, "allowed", None)
            hint = f" (allowed: {', '.join(map(str, allowed))})" if allowed else \
                f" (a number from {WEEKLY_HOURS_RANGE[0]} to {WEEKLY_HOURS_RANGE[1]})"
            raise LexiconError(f"{where}: value {value!r} is not a contract value for "
                               f"{name}{hint}") from None
        if condition not in CONDITIONS:
            raise LexiconError(f"{where}: quand must be empty, 'question' or 'sinon', not {condition!r}")
        pattern, plain = expression_pattern(expression, where)
        entries.append(Entry(canonical, expression, pattern, plain, condition, where))
    return tuple(entries)


def value_entries(name: str, directory: Path | str | None = None) -> tuple[Entry, ...]:
    """The validated rows of data/lexicons/<name>.csv, in file order."""
    if name not in VALUE_FILES:
        raise KeyError(f"unknown lexicon {name!r} (known: {', '.join(VALUE_FILES)})")
    return _value_entries(name, _directory(directory))


def patterns_by_value(name: str, condition: str = "", directory: Path | str | None = None) -> dict:
    """value -> regex fragments, for the rows of one condition, values in file order."""
    grouped: dict = {}
    for entry in value_entries(name, directory):
        if entry.condition == condition:
            grouped.setdefault(entry.value, []).append(entry.pattern)
    return grouped


@lru_cache(maxsize=None)
def _pairs(name: str, header: tuple[str, str], directory: Path) -> tuple[tuple[str, str, str], ...]:
    path = directory / f"{name}.csv"
    out = []
    for number, (first, second) in _rows(path, header):
        where = f"{path}:{number}"
        if not first or not second:
            raise LexiconError(f"{where}: both {header[0]} and {header[1]} are required")
        out.append((first, second, where))
    return tuple(out)


def sms_tokens(directory: Path | str | None = None) -> Mapping[str, str]:
    """SMS spelling -> plain words (data/lexicons/sms.csv), read-only: read once per folder
    (every clause of every message looks its words up here)."""
    return _sms_tokens(_directory(directory))


@lru_cache(maxsize=None)
def _sms_tokens(directory: Path) -> Mapping[str, str]:
    tokens = {}
    for form, replacement, where in _pairs("sms", ("forme", "remplacement"), directory):
        if fold(form) != form or " " in form:
            raise LexiconError(f"{where}: forme {form!r} must be one word, folded "
                               "(lowercase, no accents)")
        tokens[form] = fold(replacement)
    return MappingProxyType(tokens)


def typo_words(directory: Path | str | None = None) -> tuple[set[str], set[str]]:
    """(target words, protected words) of data/lexicons/typos.csv."""
    targets, protected = set(), set()
    for word, status, where in _pairs("typos", ("mot", "statut"), _directory(directory)):
        folded = fold(word)
        if " " in folded or not folded.isalpha():
            raise LexiconError(f"{where}: mot {word!r} must be a single word")
        if status == "cible":
            targets.add(folded)
        elif status == "protege":
            protected.add(folded)
        else:
            raise LexiconError(f"{where}: statut must be 'cible' or 'protege', not {status!r}")
    return targets, protected


def approximations(directory: Path | str | None = None) -> Mapping[str, int]:
    """Approximate quantities ("dizaine" -> 10) of data/lexicons/approximations.csv, read-only:
    read once per folder (every message's quantities are read with it)."""
    return _approximations(_directory(directory))


@lru_cache(maxsize=None)
def _approximations(directory: Path) -> Mapping[str, int]:
    words = {}
    for word, value, where in _pairs("approximations", ("mot", "valeur"), directory):
        if not value.isdigit():
            raise LexiconError(f"{where}: valeur {value!r} must be a whole number")
        words[fold(word)] = int(value)
    return MappingProxyType(words)


def rome_overrides(directory: Path | str | None = None) -> dict[str, str | None]:
    """ROME code -> domain (or None: no domain) of data/lexicons/rome_domaines.csv."""
    overrides: dict[str, str | None] = {}
    allowed = DOMAIN_SLOT_VALUES + (NO_DOMAIN,)
    for code, value, where in _pairs("rome_domaines", ("code_rome", "valeur"), _directory(directory)):
        if not re.fullmatch(CODE_FORMS["rome"], code):
            raise LexiconError(f"{where}: code_rome {code!r} is not a ROME code (e.g. M1805)")
        if value not in allowed:
            raise LexiconError(f"{where}: value {value!r} is not a contract domain or '{NO_DOMAIN}'")
        overrides[code] = None if value == NO_DOMAIN else value
    return overrides


def areas(directory: Path | str | None = None) -> dict[str, str]:
    """Areas that are not communes ("La Défense" -> "92") of data/lexicons/zones.csv."""
    found = {}
    for name, department, where in _pairs("zones", ("nom", "departement"), _directory(directory)):
        if department not in IDF_DEPARTMENTS:
            raise LexiconError(f"{where}: departement {department!r} is not one of the region's "
                               f"({', '.join(IDF_DEPARTMENTS)})")
        found[name] = department
    return found


NOT_PLACE_ORIGINS = ("bot", "frequence")


def not_place_words(directory: Path | str | None = None) -> frozenset[str]:
    """Everyday words never taken as a place (data/lexicons/pas_des_lieux.csv), folded."""
    words = set()
    for word, origin, where in _pairs("pas_des_lieux", ("mot", "origine"), _directory(directory)):
        if fold(word) != word or not word.isalpha():
            raise LexiconError(f"{where}: mot {word!r} must be one word, folded (lowercase, no accents)")
        if origin not in NOT_PLACE_ORIGINS:
            raise LexiconError(f"{where}: origine must be 'bot' or 'frequence', not {origin!r}")
        words.add(word)
    return frozenset(words)


class CourseDomains(NamedTuple):
    """The code -> course domain tables of data/lexicons/codes_domaines.csv, in file order."""
    formacode: dict[str, str]
    formacode_field: dict[str, str]      # the first three digits of a Formacode
    rome: dict[str, str]
    rome_without_domain: frozenset[str]  # ROME sheets of no domain (`aucun`), not even their family's
    rome_family: dict[str, str]          # the first three characters of a ROME code
    nsf: dict[str, str]


@lru_cache(maxsize=None)
def _course_domains(directory: Path) -> CourseDomains:
    path = directory / "codes_domaines.csv"
    tables: dict[str, dict[str, str]] = {name: {} for name in CODE_FORMS}
    for number, (nomenclature, code, value, _label) in _rows(path, ("nomenclature", "code", "valeur", "libelle")):
        where = f"{path}:{number}"
        if nomenclature not in CODE_FORMS:
            raise LexiconError(f"{where}: nomenclature {nomenclature!r} is not one of {', '.join(CODE_FORMS)}")
        if not re.fullmatch(CODE_FORMS[nomenclature], code):
            raise LexiconError(f"{where}: code {code!r} is not a {nomenclature} code")
        if value not in COURSE_DOMAINS and not (value == NO_DOMAIN and nomenclature == "rome"):
            raise LexiconError(f"{where}: value {value!r} is not a contract course domain"
                               + (" or 'aucun'" if nomenclature == "rome" else ""))
        if code in tables[nomenclature]:
            raise LexiconError(f"{where}: {nomenclature} code {code} is already mapped")
        tables[nomenclature][code] = value
    rome = tables["rome"]
    return CourseDomains(
        tables["formacode"], tables["champ_formacode"],
        {code: value for code, value in rome.items() if value != NO_DOMAIN},
        frozenset(code for code, value in rome.items() if value == NO_DOMAIN),
        tables["famille_rome"], tables["nsf"])


def course_domains(directory: Path | str | None = None) -> CourseDomains:
    """The code -> course domain tables (data/lexicons/codes_domaines.csv), read once; the rule
    that applies them is bot.core.vocabulary_mapping.domain_for."""
    return _course_domains(_directory(directory))


def validate_all(directory: Path | str | None = None) -> int:
    """Load every lexicon (raises LexiconError on the first problem); the number of rows."""
    count = sum(len(value_entries(name, directory)) for name in VALUE_FILES)
    count += len(sms_tokens(directory)) + sum(map(len, typo_words(directory)))
    count += len(approximations(directory)) + len(rome_overrides(directory))
    count += len(areas(directory)) + len(not_place_words(directory))
    count += sum(map(len, course_domains(directory)))
    return count


def clear_cache() -> None:
    _value_entries.cache_clear()
    _pairs.cache_clear()
    _sms_tokens.cache_clear()
    _approximations.cache_clear()
    _course_domains.cache_clear()


_MAX_EXPANSIONS = 64


def pattern_words(pattern: str) -> set[str]:
    """The whole words a lexicon regular expression can match, when it spells them out
    ("lyceen(?:ne)?" -> lyceen, lyceenne; "arr(?:et|ete)" -> arret, arrete). A word is
    kept only when the pattern fixes every letter of it (no \\w, no character class);
    alternatives and optional groups are expanded up to 64 strings per pattern."""
    import sre_constants as C
    import sre_parse

    def expand(items) -> list[str] | None:
        out = [""]
        for op, arg in items:
            if op is C.LITERAL:
                parts = [chr(arg)]
            elif op is C.SUBPATTERN:
                parts = expand(arg[-1])
            elif op is C.BRANCH:
                parts = []
                for branch in arg[1]:
                    sub = expand(branch)
                    if sub is None:
                        return None
                    parts += sub
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT) and arg[0] == 0 and arg[1] == 1:
                sub = expand(arg[2])
                if sub is None:
                    return None
                parts = [""] + sub
            elif op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
                parts = [" "]  # a boundary or a look-around ends a word
            else:
                return None
            if parts is None:
                return None
            out = [a + b for a in out for b in parts]
            if len(out) > _MAX_EXPANSIONS:
                return None
        return out

    words: set[str] = set()
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - a pattern the loader already validated; be lenient
        return words
    # Expand each top-level alternative piece by piece so one unexpandable part does not hide
    # the words of the others: split on the unexpandable items.
    chunk: list = []
    pieces: list[list] = []
    for item in list(parsed):
        if expand([item]) is None:
            pieces.append(chunk)
            chunk = []
        else:
            chunk.append(item)
    pieces.append(chunk)
    for i, piece in enumerate(pieces):
        for text in expand(piece) or ():
            tokens = re.findall(r"[a-z]+", text)
            # a word touching an unexpanded neighbour may be cut: drop it
            if i > 0 and not text[:1].isspace():
                tokens = tokens[1:]
            if i < len(pieces) - 1 and not text[-1:].isspace():
                tokens = tokens[:-1]
            words.update(t for t in tokens if len(t) >= 3)
    return words


@lru_cache(maxsize=1)
def lexicon_words() -> frozenset[str]:
    """Every whole word the value lexicons spell out (plain phrases and expanded patterns):
    real words the typo corrector must never change."""
    words: set[str] = set()
    for name in VALUE_FILES:
        for entry in value_entries(name):
            words |= set(re.findall(r"[a-z]+", fold(entry.expression))) if entry.plain \
                else pattern_words(entry.pattern)
    return frozenset(w for w in words if len(w) >= 3)
