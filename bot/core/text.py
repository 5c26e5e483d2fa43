"""Text folding shared by every matcher: one way to compare what users type.

Users write on phones: no accents, SMS spelling, typos, capitals, numbers as words.
`fold` turns any text into a canonical comparable form; every lookup in `bot/`
compares folded strings; `any_word` matches one of a list of words in it.
"""
from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'’`´ʼ‘"
_DASHES = "-‐‑‒–—―"
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^a-z0-9+' ]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lowercase, strip accents, unify apostrophes, turn hyphens and punctuation into spaces.

    >>> fold("  Évry-Courcouronnes ! ")
    'evry courcouronnes'
    >>> fold("J’habite à L'Haÿ-les-Roses")
    "j'habite a l'hay les roses"
    """
    text = strip_accents(text).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")
    for a in _APOSTROPHES:
        text = text.replace(a, "'")
    for d in _DASHES:
        text = text.replace(d, " ")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()



def any_word(*words: str) -> re.Pattern:
    r"""One of `words` (phrases of folded text, or regular-expression fragments such as
    "disponibles?") standing as whole words: the pattern `\b(?:word|word|...)\b`.

    >>> bool(any_word("en ligne", "distanciel", "visios?").search("en visio demain"))
    True
    """
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16,
}
_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
         "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | {"cent", "cents", "mille", "mil"}
_NUMBER_WORD = re.compile(
    r"\b(?:(?:" + "|".join(sorted(list(_UNITS) + list(_TENS) + ["et", "cent", "cents", "mille", "mil"], key=len, reverse=True))
    + r")(?: |\b))+"
)


def _parse_number_words(words: list[str]) -> int | None:
    total, current, seen = 0, 0, False
    for w in words:
        if w == "et":
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in ("cent", "cents"):
            current = (current or 1) * 100
        elif w in ("mille", "mil"):  # "mil neuf cent": the spelling of years
            total += (current or 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def words_to_numbers(folded: str) -> str:
    """Replace French numbers written as words by digits, in a folded text.

    >>> words_to_numbers("j'ai vingt deux ans")
    "j'ai 22 ans"
    >>> words_to_numbers("nee en deux mille quatre")
    'nee en 2004'
    >>> words_to_numbers("quatre vingt dix neuf")
    '99'
    >>> words_to_numbers("nee en deux mille quatre un bts")
    'nee en 2004 un bts'
    >>> words_to_numbers("vingt et un ans")
    '21 ans'
    """
    def replace(match: re.Match) -> str:
        words = match.group(0).split()
        # A lone "un"/"une"/"et" is an article or a conjunction, not a number.
        if all(w in ("un", "une", "et") for w in words):
            return match.group(0)
        # A trailing "un"/"une" not joined by "et" starts a new phrase: "2004 un BTS".
        trailing_article = ""
        if len(words) > 1 and words[-1] in ("un", "une") and words[-2] != "et":
            trailing_article = f" {words.pop()}"
        # "quatre vingt" = 80: French multiplies 4 by 20.
        merged: list[str] = []
        for w in words:
            if w in ("vingt", "vingts") and merged and merged[-1] == "quatre":
                merged[-1] = "huitante"
            else:
                merged.append(w)
        value = _parse_number_words(merged)
        trailing = " " if match.group(0).endswith(" ") else ""
        return f"{value}{trailing_article}{trailing}" if value is not None else match.group(0)

    return _NUMBER_WORD.sub(replace, folded).strip()
