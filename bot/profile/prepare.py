"""Text preparation: one canonical form of a message for every slot reader.

Clauses are split on punctuation and "mais", each clause is folded with `bot.text.fold`,
numbers in words become digits (`bot.text.words_to_numbers`), SMS tokens are expanded
(data/lexicons/sms.csv) and long typos are corrected against the known vocabulary (lexicon
words, ROME job titles, data/lexicons/typos.csv). Clauses are joined with " ; " so that
negation and context windows never cross a clause.
"""
from __future__ import annotations

import datetime
import re
from functools import lru_cache

from bot.profile import jobs, lexicons
from bot.text import fold, words_to_numbers

NEGATORS = {"pas", "jamais", "sans", "aucun", "aucune", "ni", "plus", "non"}
CLAUSE_STOPS = {";", "et", "mais", "ou", "donc", "car", "puis", "alors", "sinon"}

# "info" means "informatique" only as a subject; "plus d'info(s)" is information.
_INFORMATION = re.compile(r"\b(?:d'|des |les |l'|une |plus d')infos?\b(?! (?:et|ou)\b)")
_CLAUSE_SPLIT = re.compile(r"[.!?;\n()]+|,(?!\d)|\s+mais\s+|\s+-\s+", re.IGNORECASE)
TOKEN = re.compile(r"\S+")

# Fuzzy correction (edit distance) only for long words: short ones collide too easily.
FUZZY_MIN_LENGTH = 8


def compile_fragments(fragments) -> list[re.Pattern]:
    """Regex fragments on folded text, matched on word boundaries ('+' counts as a letter)."""
    return [re.compile(r"(?<![\w+])" + f + r"(?![\w+])") for f in fragments]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, tuple[str, ...]], frozenset[str], frozenset[str], list[re.Pattern]]:
    """(targets by first letter, protected words, known stems, single-word domain patterns)."""
    targets, protected = lexicons.typo_words()
    single_words = []
    for entry in lexicons.value_entries("domaine"):
        for word in re.findall(r"[a-z]+", entry.pattern):
            # plain words only: a fragment like "developpeu" is not a word
            if len(word) >= FUZZY_MIN_LENGTH and re.search(
                    r"(?<![a-z(?:|])" + word + r"(?![a-z(])", entry.pattern):
                targets.add(word)
        if " " not in entry.pattern and "'" not in entry.pattern:
            single_words.append(re.compile(entry.pattern))
    targets |= jobs.typo_targets(FUZZY_MIN_LENGTH)
    by_letter: dict[str, list[str]] = {}
    for word in targets:
        by_letter.setdefault(word[0], []).append(word)
    return ({k: tuple(v) for k, v in by_letter.items()}, frozenset(protected),
            jobs.known_stems(), single_words)


@lru_cache(maxsize=8192)
def correct_typo(token: str) -> str:
    """A long unknown word one or two edits away from exactly one known word -> that word."""
    prefix = ""
    if len(token) > 2 and token[1] == "'":
        prefix, token = token[:2], token[2:]
    if len(token) < FUZZY_MIN_LENGTH or not token.isalpha():
        return prefix + token
    by_letter, protected, known, single_words = _vocabulary()
    candidates = by_letter.get(token[0], ())
    if token in protected or token in candidates or jobs.stem(token) in known \
            or any(f.fullmatch(token) for f in single_words):
        return prefix + token
    limit = 2 if len(token) >= 11 else 1
    best, best_distance, ties = None, limit + 1, 0
    for word in candidates:
        if abs(len(word) - len(token)) > limit:
            continue
        distance = edit_distance(token, word, limit)
        if distance < best_distance:
            best, best_distance, ties = word, distance, 0
        elif distance == best_distance:
            ties += 1
    if best is not None and best_distance <= limit and ties == 0:
        return prefix + best
    return prefix + token


def _prepare_clause(clause: str) -> str:
    sms = lexicons.sms_tokens()
    folded = words_to_numbers(fold(clause))
    folded = re.sub(r"\bj ai\b", "j'ai", folded)
    # dictated or typed without apostrophes: "d emploi", "l informatique", "c est"
    folded = re.sub(r"(?<![\w'+])([cdjlmnst]) (?=[aeiouyh])", r"\1'", folded)
    folded = _INFORMATION.sub(lambda m: m.group(0).replace("info", "information"), folded)
    tokens = []
    for token in folded.split():
        if token in sms:
            token = sms[token]
        elif len(token) > 2 and token[1] == "'" and token[2:] in sms:  # "l'aprem"
            token = token[:2] + sms[token[2:]]
        tokens.append(correct_typo(token))
    return " ".join(tokens)


def prepare(text: str) -> str:
    """The prepared text: folded clauses joined with " ; "."""
    clauses = [_prepare_clause(c) for c in _CLAUSE_SPLIT.split(text)]
    return " ; ".join(c for c in clauses if c)


class Message:
    """A prepared message plus what the slot readers share."""

    def __init__(self, raw: str, requested_slot: str | None, today: datetime.date, dont_know: bool):
        self.raw = raw
        self.requested = requested_slot
        self.today = today
        self.text = prepare(raw)
        self.core = re.sub(r"[; ]+", " ", self.text).strip()  # the message without clause marks
        self.domain_text = self.text  # the text domaine reads (obtained diplomas masked)
        self.equipment_text = self.text  # the text equipement reads (domain phrases masked)
        self.dont_know = dont_know


# ---------------------------------------------------------------------------------------
# Helpers shared by the slot readers
# ---------------------------------------------------------------------------------------

def clause_before(text: str, start: int, max_tokens: int = 4) -> list[str]:
    """The tokens just before `start`, within its clause, at most `max_tokens`."""
    tokens = text[:start].split()
    window: list[str] = []
    for token in reversed(tokens):
        if token in CLAUSE_STOPS or len(window) >= max_tokens:
            break
        window.append(token)
    return list(reversed(window))


def is_negated(text: str, start: int, negators: set[str] = NEGATORS, max_tokens: int = 3) -> bool:
    window = clause_before(text, start, max_tokens)
    return any(t in negators or (t.startswith("n'") and t != "n'importe") for t in window)


def longest_first(found: list, span=lambda item: (item.start(), item.end())) -> list:
    """Overlapping items reduced to the longest (then the earliest), in text order."""
    found = sorted(found, key=lambda f: (span(f)[0] - span(f)[1], span(f)[0]))
    kept: list = []
    for item in found:
        start, end = span(item)
        if all(end <= span(k)[0] or start >= span(k)[1] for k in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: span(f)[0])


def matches(patterns: list[re.Pattern], text: str) -> list[re.Match]:
    """All matches, overlapping ones reduced to the longest (then the earliest)."""
    return longest_first([m for p in patterns for m in p.finditer(text)])


def mask(text: str, spans) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != " ":
                chars[i] = "#"
    return "".join(chars)


def any_match(patterns: list[re.Pattern], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def to_float(number: str) -> float:
    return float(number.replace(",", "."))
