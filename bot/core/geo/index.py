"""The commune index: every name, short form and postal code of the communes of the region
(bot.core.config.COMMUNES_CSV), folded, with a typo matcher; built once and cached."""
from __future__ import annotations

import csv
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from bot.core import config
from bot.core.geo.names import (
    AREAS, ARTICLES, COMMUNE_ALIASES, DEPARTMENT_ALIASES, GUARDED_NAMES, LINKING_WORDS, OUTSIDE_PLACES, Commune,
    CommunesFileError, Place, commune_label, department_label, outside_place, paris_arrondissement, tokens_of,
)
from bot.core.vocab import DEPARTMENT_NAMES

CSV_ENV_VAR = "CAPNUM_COMMUNES_CSV"
_RANK_NAME = 0       # official name, manual alias, department, area, outside place
_RANK_NO_ARTICLE = 1  # official name without its leading article
_RANK_SHORT = 2      # generic short form


def _phonetic(word: str) -> str:
    """Light phonetic key for the typo matcher: y=i, no doubled letters, no mute ending."""
    word = word.replace(" ", "").replace("y", "i").replace("ph", "f")
    word = re.sub(r"(.)\1+", r"\1", word)
    return re.sub(r"(?:e|es|s|x)$", "", word) or word


def _osa_distance_le1(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    return a[i:] == b[i + 1:]


@dataclass(frozen=True)
class Entry:
    place: Place
    rank: int
    guarded: bool


def best_places(entries: list[Entry]) -> tuple[Place, ...]:
    best = min(e.rank for e in entries)
    return tuple(dict.fromkeys(e.place for e in entries if e.rank == best))



class CommuneIndex:
    """Every name, short form and postal code of the communes of the region, folded."""

    def __init__(self, csv_path: Path):
        self.csv_path = csv_path
        self.communes: dict[str, Commune] = {}
        self.by_postal_code: dict[str, tuple[Commune, ...]] = {}
        self._phrases: dict[str, list[Entry]] = {}
        self._first_tokens: set[str] = set()
        self._max_tokens = 1
        self._fuzzy: dict[str, set[str]] = {}   # deletion variant -> phonetic keys
        self._fuzzy_keys: dict[str, set[str]] = {}  # phonetic key -> phrases
        self._outside_cities: set[Place] = set()
        self._load(csv_path)
        self._build_lexicon()

    # -- loading --------------------------------------------------------------------------
    def _load(self, csv_path: Path) -> None:
        if not csv_path.is_file():
            raise CommunesFileError(
                f"communes file not found: {csv_path} (set {CSV_ENV_VAR} to the path of "
                f"communes_idf.csv, columns insee,nom,code_postal,departement)")
        names: dict[str, tuple[str, str]] = {}
        codes: dict[str, list[str]] = {}
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"insee", "nom", "code_postal", "departement"} - set(reader.fieldnames or ())
            if missing:
                raise CommunesFileError(
                    f"{csv_path} lacks columns {sorted(missing)} (check {CSV_ENV_VAR})")
            for row in reader:
                insee, name = row["insee"].strip(), row["nom"].strip()
                names.setdefault(insee, (name, row["departement"].strip()))
                codes.setdefault(insee, []).append(row["code_postal"].strip())
        if not names:
            raise CommunesFileError(f"{csv_path} holds no commune (check {CSV_ENV_VAR})")
        by_code: dict[str, list[Commune]] = {}
        for insee, (name, dep) in names.items():
            commune = Commune(insee, name, dep, tuple(dict.fromkeys(codes[insee])))
            self.communes[insee] = commune
            for code in commune.postal_codes:
                by_code.setdefault(code, []).append(commune)
        self.by_postal_code = {code: tuple(c) for code, c in by_code.items()}

    def _add(self, tokens: list[str], place: Place, rank: int, guarded: bool | None = None) -> None:
        if not tokens:
            return
        key = " ".join(tokens)
        if guarded is None:
            core = tokens[1:] if tokens[0] in ARTICLES and len(tokens) == 2 else tokens
            guarded = len(core) == 1 and (core[0] in GUARDED_NAMES or len(core[0]) <= 2)
        entries = self._phrases.setdefault(key, [])
        if any(e.place == place and e.rank <= rank for e in entries):
            return
        entries.append(Entry(place, rank, guarded))
        self._first_tokens.add(tokens[0])
        self._max_tokens = max(self._max_tokens, len(tokens))
        if any(t in ("l", "d") for t in tokens[:-1]):   # "lhay les roses", "bois darcy"
            glued: list[str] = []
            for t in tokens:
                if glued and glued[-1] in ("l", "d"):
                    glued[-1] += t
                else:
                    glued.append(t)
            if len(glued) < len(tokens):
                self._add(glued, place, rank, guarded)
        if len(tokens) > 1:   # glued form: "saintdenis", "valdoise"
            glued = "".join(tokens)
            if len(glued) >= 8:
                self._add([glued], place, rank, guarded=False)

    def _build_lexicon(self) -> None:
        idf_keys: set[str] = set()
        for commune in self.communes.values():
            if commune.insee.startswith("751"):   # arrondissements: handled by number patterns
                continue
            place = Place(commune.departement, commune.name,
                          commune_label(commune.name, commune.departement))
            tokens = tokens_of(commune.name)
            self._add(tokens, place, _RANK_NAME)
            idf_keys.add(" ".join(tokens))
            if tokens[0] in ARTICLES and len(tokens) > 1:
                self._add(tokens[1:], place, _RANK_NO_ARTICLE)
                tokens = tokens[1:]
            # Generic short forms: cut before a linking word, or keep the first word of a
            # two-word name ("Boulogne-Billancourt").
            for cut in range(1, len(tokens)):
                if tokens[cut] in LINKING_WORDS and tokens[cut - 1] not in LINKING_WORDS:
                    self._add_short(tokens[:cut], place)
            if len(tokens) >= 2 and tokens[1] not in LINKING_WORDS:
                self._add_short(tokens[:1], place)
            if tokens[0] in ("saint", "sainte") and len(tokens) > 2 and tokens[2] not in LINKING_WORDS:
                self._add_short(tokens[:2], place)
        by_name = {c.name: c for c in self.communes.values()}
        for alias, official in COMMUNE_ALIASES.items():
            commune = by_name.get(official)
            if commune is not None:
                self._add(tokens_of(alias), Place(commune.departement, commune.name,
                                                commune_label(commune.name, commune.departement)),
                          _RANK_NAME, guarded=False)
        paris = by_name.get("Paris")
        if paris is not None:
            self._add(["paris"], Place("75", "Paris", department_label("75")), _RANK_NAME, guarded=False)
        for dep, name in DEPARTMENT_NAMES.items():
            place = Place(dep, "Paris" if dep == "75" else None,
                          department_label(dep))
            for form in (name,) + DEPARTMENT_ALIASES.get(dep, ()):
                self._add(tokens_of(form), place, _RANK_NAME, guarded=False)
        for area, dep in AREAS.items():
            self._add(tokens_of(area), Place(dep, None, f"{area} ({dep})"), _RANK_NAME, guarded=False)
        cities, areas = (
            [raw.strip() for raw in part.replace("\n", " ").split(";") if raw.strip()]
            for part in OUTSIDE_PLACES.split("---"))
        self._outside_cities = {outside_place(raw.lstrip("*")) for raw in cities}
        for raw in cities + areas:
            guarded = raw.startswith("*")
            label = raw.lstrip("*")
            tokens = tokens_of(label)
            if " ".join(tokens) in idf_keys:
                continue   # a commune of the region keeps its name
            self._add(tokens, outside_place(label), _RANK_NAME, guarded=guarded)
            if tokens[0] in ARTICLES and len(tokens) > 1:
                self._add(tokens[1:], outside_place(label), _RANK_NO_ARTICLE, guarded=guarded)
        self._build_fuzzy()

    def _add_short(self, tokens: list[str], place: Place) -> None:
        key = " ".join(tokens)
        if tokens[-1] in LINKING_WORDS or key in ("saint", "sainte") or len(key) < 4:
            return
        if len(tokens) == 1 and key in GUARDED_NAMES:
            return   # nobody calls Maison-Rouge "Maison"
        self._add(tokens, place, _RANK_SHORT, guarded=False)

    def _build_fuzzy(self) -> None:
        for key, entries in self._phrases.items():
            if len(key.replace(" ", "")) < 6 or all(e.guarded for e in entries):
                continue
            pkey = _phonetic(key)
            self._fuzzy_keys.setdefault(pkey, set()).add(key)
            for variant in (pkey, *_deletions(pkey)):
                self._fuzzy.setdefault(variant, set()).add(pkey)

    # -- look-ups -------------------------------------------------------------------------
    def is_specific(self, place: Place) -> bool:
        """A commune of the region or a city outside it (not a department, region or area)."""
        return place.commune is not None or place in self._outside_cities

    def lookup(self, phrase: str) -> tuple[Entry, ...]:
        """Entries for one folded phrase (exact)."""
        return tuple(self._phrases.get(" ".join(tokens_of(phrase)), ()))

    def entries(self, key: str) -> list[Entry]:
        """Entries of one key of the lexicon, as fuzzy_lookup and scan give them."""
        return self._phrases[key]

    def fuzzy_lookup(self, phrase: str) -> set[str]:
        """Phrases of the lexicon at most one edit away from phrase (after phonetic folding)."""
        pkey = _phonetic(phrase)
        words = phrase.count(" ")
        found: set[str] = set()
        if len(pkey) < 5:
            return found
        for variant in (pkey, *_deletions(pkey)):
            for candidate in self._fuzzy.get(variant, ()):
                if _osa_distance_le1(pkey, candidate):
                    found.update(k for k in self._fuzzy_keys[candidate] if k.count(" ") == words)
        return found

    def postal_code_place(self, code: str) -> Place | None:
        """The place of a known IDF postal code: the commune, or the department when shared."""
        if code.startswith("75") and code[2:].isdigit():
            number = int(code[2:])
            if code == "75116":
                number = 16
            if 1 <= number <= 20:
                return paris_arrondissement(number)
        communes = self.by_postal_code.get(code)
        if not communes:
            return None
        if len(communes) == 1 or all(c.name == "Paris" or c.insee.startswith("751") for c in communes):
            c = communes[0]
            return Place(c.departement, c.name, commune_label(c.name, c.departement))
        deps = {c.departement for c in communes}
        if len(deps) == 1:
            dep = deps.pop()
            return Place(dep, None, department_label(dep))
        return None

    # -- scanning ---------------------------------------------------------------------------
    def scan(self, tokens: list[str]) -> list[tuple[int, int, list[Entry]]]:
        """Longest non-overlapping lexicon phrases in tokens: (start, end, entries)."""
        found = []
        n = len(tokens)
        i = 0
        while i < n:
            if tokens[i] not in self._first_tokens:
                i += 1
                continue
            for length in range(min(self._max_tokens, n - i), 0, -1):
                entries = self._phrases.get(" ".join(tokens[i:i + length]))
                if entries:
                    found.append((i, i + length, entries))
                    i += length
                    break
            else:
                i += 1
        return found


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1:] for k in range(len(word))}



_INDEX_LOCK = threading.Lock()
_INDEX_CACHE: dict[Path, CommuneIndex] = {}


def commune_index(csv_path: Path | str | None = None) -> CommuneIndex:
    """The index of the communes CSV (bot.core.config.COMMUNES_CSV unless given), built once."""
    path = Path(csv_path) if csv_path is not None else Path(config.COMMUNES_CSV)
    index = _INDEX_CACHE.get(path)
    if index is None:
        with _INDEX_LOCK:
            index = _INDEX_CACHE.get(path)
            if index is None:
                index = _INDEX_CACHE[path] = CommuneIndex(path)
    return index


def clear_cache() -> None:
    """Forget the loaded indexes (tests, or after the CSV changed)."""
    with _INDEX_LOCK:
        _INDEX_CACHE.clear()
