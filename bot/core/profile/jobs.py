"""Job titles -> domaine: the ROME 4.0 titles (data/reference/rome/) and the plain phrases of
data/lexicons/domaine.csv, in one index of stemmed token sequences, built once.

A title gives the domain of its ROME code through the catalogue's own mapping
(`bot.core.vocabulary_mapping.rome_domain`, the rule courses are imported with), so users
and courses agree; data/lexicons/rome_domaines.csv may hold exceptions for job titles only
(empty by default). A code mapped to no domain gives nothing. Two kinds of keys:
- the whole title, masculine and feminine ("Hôte / Hôtesse de caisse" -> "hote de caisse",
  "hotesse de caisse"); a title shared by codes of different domains is dropped;
- its head, the words before the first preposition ("magasinier" from "Magasinier en négoce
  des matériaux"), and its beginnings "noun + preposition + word..." ("agent de quai" from
  "Agent de quai manutentionnaire"), each kept only when every title with it gives the same
  domain and no title is exactly it.
Words are compared after `stem`, a light French stemmer (feminine and plural endings), so
"aide-soignantes", "hôtesses" or "caissière" match the titles.
"""
from __future__ import annotations

import csv
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.core import config, lexicons
from bot.core.text import fold
from bot.core.vocab import COURSE_DOMAINS, UNDECIDED_DOMAIN
from bot.core.vocabulary_mapping import rome_domain

MAX_TITLE_TOKENS = 8
_WORD = re.compile(r"[a-z0-9]+")
_PREPOSITIONS = {"de", "d", "du", "des", "en", "a", "au", "aux", "pour", "sur", "et", "ou",
                 "dans", "avec", "chez", "par"}
_ARTICLES = {"le", "la", "les", "l", "un", "une"}
# Everyday words that are also one-word titles or heads: never a domain by themselves.
COMMON_WORDS = tuple("""
    support associe associee specialiste specialise interface dame madame monsieur livraison
    distributeur guide modele pilote meneur valet groom glacier routier loueur agent aide
    assistant employe technicien responsable chef directeur conseiller consultant operateur
    charge gestionnaire animateur accompagnant intervenant formateur expert ouvrier manager
    hote hotesse specialisee ministre homme femme fille garcon mere pere personne
""".split())
_FEMININE_SUFFIX = re.compile(r"(?<=[a-zà-ÿ])\((?:e|ne|le|se|te|re|ere|euse|rice|trice|esse)\)", re.I)
_PARENTHESES = re.compile(r"\([^)]*\)|-[A-Z]{2,}-")
_SUFFIXES = (
    ("euses", "eur"), ("euse", "eur"), ("trices", "teur"), ("trice", "teur"),
    ("ieres", "ier"), ("iere", "ier"), ("eres", "er"), ("ere", "er"),
    ("iennes", "ien"), ("ienne", "ien"), ("ennes", "en"), ("enne", "en"),
    ("ettes", "et"), ("ette", "et"), ("effes", "ef"), ("effe", "ef"),
    ("esses", "e"), ("esse", "e"), ("eaux", "eau"), ("aux", "al"),
)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A folded word without its feminine or plural ending: "caissieres" -> "caissier"."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith(("s", "x")) and len(word) > 4:
            word = word[:-1]
    if word.endswith("ee") and len(word) > 4:
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(stem, start, end) of each word of a folded text (apostrophes split words)."""
    return [(stem(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text)]


def title_variants(title: str) -> list[str]:
    """The folded forms of a ROME title: "Hôte / Hôtesse de caisse" -> both genders."""
    title = _FEMININE_SUFFIX.sub("", title)
    title = _PARENTHESES.sub(" ", title)
    parts = [p.strip() for p in title.split(" / ") if p.strip()]
    variants = list(parts)
    if len(parts) >= 2:
        masculine = parts[0].split()
        rest = parts[1].split()[len(masculine):]
        if rest:  # "Hôte / Hôtesse de caisse": "Hôte" alone is not a title
            variants.remove(parts[0])
        variants.append(" ".join(masculine + rest))
    return [v for v in dict.fromkeys(fold(v) for v in variants) if v]


def _head(key: tuple[str, ...]) -> tuple[str, ...]:
    for i, word in enumerate(key):
        if word in _PREPOSITIONS:
            return key[:i]
    return key


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    domain: str | None  # None: a phrase naming no domain (data/lexicons/domaine.csv "aucun")
    source: str  # "lexique" (data/lexicons/domaine.csv) or "rome"


class TitleIndex:
    """Stemmed token sequences -> domain."""

    def __init__(self, rome_csv: Path, lexicon_dir: Path | None = None):
        self.keys: dict[tuple[str, ...], tuple[str, str]] = {}  # key -> (domain, source)
        self.title_words: set[str] = set()   # folded words of mapped titles (typo targets)
        self.all_stems: set[str] = set()     # stems of every title word (never "corrected")
        self.occupations: set[tuple[str, ...]] = set()  # every title, its head and its
        # beginnings before a preposition ("agent d'entretien"), any domain
        self._load_rome(rome_csv, lexicon_dir)
        self._load_lexicon(lexicon_dir)
        self.max_tokens = max((len(k) for k in self.keys), default=1)
        self.max_occupation_tokens = max((len(k) for k in self.occupations), default=1)

    def _load_rome(self, path: Path, lexicon_dir: Path | None) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"ROME titles not found: {path} (set CAPNUM_ROME_CSV)")
        overrides = lexicons.rome_overrides(lexicon_dir)
        exact: dict[tuple[str, ...], set] = {}
        heads: dict[tuple[str, ...], set] = {}
        prefixes: set[tuple[str, ...]] = set()
        beginnings: dict[tuple[str, ...], set] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row["code_rome"].strip().upper()
                domain = overrides[code] if code in overrides else rome_domain(code)
                for variant in title_variants(row["libelle"]):
                    key = tuple(t for t, _, _ in tokens(variant))
                    self.all_stems.update(key)
                    if not key or len(key) > MAX_TITLE_TOKENS:
                        continue
                    exact.setdefault(key, set()).add(domain)
                    head = _head(key)
                    if head and head != key and head[0] not in _ARTICLES:
                        heads.setdefault(head, set()).add(domain)
                    # "agent d'entretien" (from "agent d'entretien des espaces naturels"): a job
                    # held, whatever its domain
                    prefixes.update(key[:i] for i in range(2, len(key))
                                    if key[i] in _PREPOSITIONS and key[i - 1] not in _PREPOSITIONS)
                    if len(key) > 3 and key[1] in _PREPOSITIONS:
                        # "agent de quai" (from "agent de quai manutentionnaire"), "agent d'entreposage"
                        for i in range(3, len(key)):
                            if key[i - 1] not in _PREPOSITIONS:
                                beginnings.setdefault(key[:i], set()).add(domain)
                    if domain:
                        self.title_words.update(variant.split())
        common = {(stem(w),) for w in COMMON_WORDS}
        self.occupations = (set(exact) | set(heads) | prefixes) - common
        for key in common:
            exact.pop(key, None)
            heads.pop(key, None)
        for key, domains in [*beginnings.items(), *heads.items()]:
            if key not in exact and len(domains) == 1 and None not in domains:
                self.keys[key] = (next(iter(domains)), "rome")
        for key, domains in exact.items():
            if len(domains) == 1 and None not in domains:
                self.keys[key] = (next(iter(domains)), "rome")
            else:
                self.keys.pop(key, None)

    def _load_lexicon(self, lexicon_dir: Path | None) -> None:
        for entry in lexicons.value_entries("domaine", lexicon_dir):
            if entry.plain and entry.condition == "" and entry.value != UNDECIDED_DOMAIN:
                key = tuple(t for t, _, _ in tokens(fold(entry.expression)))
                if key:
                    self.keys[key] = (entry.value if entry.value in COURSE_DOMAINS else None, "lexique")

    def find(self, text: str) -> list[Hit]:
        """Every key found in a folded text, longest at each position."""
        words = tokens(text)
        hits = []
        for i in range(len(words)):
            for n in range(min(self.max_tokens, len(words) - i), 0, -1):
                key = tuple(w for w, _, _ in words[i:i + n])
                found = self.keys.get(key)
                if found is not None:
                    hits.append(Hit(words[i][1], words[i + n - 1][2], *found))
                    break
        return hits


    def find_occupations(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every ROME job title in a folded text, whatever its domain (a job
        held says the person works: "je suis livreur"), longest at each position."""
        words = tokens(text)
        spans = []
        for i in range(len(words)):
            for n in range(min(self.max_occupation_tokens, len(words) - i), 0, -1):
                if tuple(w for w, _, _ in words[i:i + n]) in self.occupations:
                    spans.append((words[i][1], words[i + n - 1][2]))
                    break
        return spans


_LOCK = threading.Lock()
_INDEX: dict[tuple, TitleIndex] = {}


def title_index() -> TitleIndex:
    """The index for bot.core.config.ROME_CSV and LEXICONS_DIR, built once."""
    key = (Path(config.ROME_CSV), Path(config.LEXICONS_DIR))
    index = _INDEX.get(key)
    if index is None:
        with _LOCK:
            index = _INDEX.get(key)
            if index is None:
                index = _INDEX[key] = TitleIndex(*key)
    return index


def typo_targets(min_length: int) -> set[str]:
    return {w for w in title_index().title_words if len(w) >= min_length and w.isalpha()}


def known_stems() -> frozenset[str]:
    return frozenset(title_index().all_stems)


def clear_cache() -> None:
    with _LOCK:
        _INDEX.clear()
