"""Small text helpers for the phrase banks: French number words, typos, dictation."""
from __future__ import annotations

import random
import re
import string
import unicodedata

_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
          "onze", "douze", "treize", "quatorze", "quinze", "seize"]
_TENS = {20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante"}


def number_words(n: int) -> str:
    """French words for 0..99 (traditional spelling with hyphens: 'vingt-et-un' as 'vingt et un')."""
    if n < 0 or n > 99:
        raise ValueError(n)
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    if n < 70:
        tens, unit = n - n % 10, n % 10
        if unit == 0:
            return _TENS[tens]
        if unit == 1:
            return f"{_TENS[tens]} et un"
        return f"{_TENS[tens]}-{_UNITS[unit]}"
    if n < 80:
        return "soixante et onze" if n == 71 else "soixante-" + number_words(n - 60)
    if n == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + number_words(n - 80)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def typo_word(word: str, rng: random.Random) -> str:
    """One typing slip in a word of 5 letters or more (first letter kept)."""
    kind = rng.choice(["swap", "drop", "double", "accents"])
    if kind == "accents" and strip_accents(word) != word:
        return strip_accents(word)
    i = rng.randrange(1, len(word) - 1)
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def add_typos(literal: str, rng: random.Random, budget: list[int]) -> str:
    """Typing slips in the literal text of a template (never in the values it is filled with).

    `budget` is a one-element list: how many slips are still allowed in this message.
    """
    def slip(match: re.Match) -> str:
        word = match.group(0)
        if budget[0] > 0 and len(word) >= 5 and rng.random() < 0.35:
            budget[0] -= 1
            return typo_word(word, rng)
        return word

    return re.sub(r"[^\W\d_]+", slip, literal)


_PUNCTUATION = re.compile(r"[" + re.escape(string.punctuation.replace("'", "").replace("-", "").replace("%", "")) + r"«»…]")


def dictate(text: str) -> str:
    """What voice dictation gives: no capitals, no punctuation (apostrophes and hyphens stay)."""
    return re.sub(r"\s+", " ", _PUNCTUATION.sub(" ", text.lower())).strip()
