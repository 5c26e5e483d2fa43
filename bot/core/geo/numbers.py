"""Numbers in a message that name a place: postal codes, Paris arrondissements, department
numbers and nicknames ("neuf trois", "9-3"); never a quantity ("18 ans", "20 heures")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.geo.index import CommuneIndex
from bot.core.geo.names import (
    OUTSIDE_DEPARTMENT_NUMBERS, Place, department_place, outside_place, paris_arrondissement,
)
from bot.core.text import words_to_numbers
from bot.core.vocab import IDF_DEPARTMENTS

PARIS_ARRONDISSEMENTS = range(1, 21)

_UNITS = frozenset("""
an ans h heure heures hr hrs min mn minute minutes euro euros eur e % pourcent pour fois jour
jours mois semaine semaines sem km kg kilo kilos enfant enfants personnes eme ieme ans' annee
annees mn
""".split())
_MONTHS = frozenset("""
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre janv fev
avr juil sept oct nov dec
""".split())

_NICKNAME_WORDS = re.compile(
    r"\b(neuf|sept) (un|deux|trois|quatre|cinq|sept|huit)\b")
_DIGIT_WORDS = {"un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7",
                "huit": "8", "neuf": "9"}
_DIGIT_PAIR = re.compile(r"\b([79]) ([1-8])\b")
_ORDINAL = r"(?:e|eme|em|ieme|iem|er|ere|nd|nde)"
_ARR_WORD = r"(?:arrondissement|arrondissements|arrdt|arrt|arr|ardt)"
_POSTAL = re.compile(r"\b(\d{5})\b")
# A Paris arrondissement (group 1: its number), in the order find_numbers tries them.
_ARRONDISSEMENT_READINGS = (
    re.compile(rf"\bparis (\d{{1,2}})(?: ?{_ORDINAL})?\b(?: ?{_ARR_WORD}\b)?"),  # "paris 11", "paris 11e arr"
    # "11e arrondissement", "11 arrdt" (not Lyon's nor Marseille's)
    re.compile(rf"(?<!lyon )(?<!marseille )\b(\d{{1,2}}) ?(?:{_ORDINAL} ?)?{_ARR_WORD}\b"),
    re.compile(rf"\b(?:dans|habite|vis|suis) (?:le|l) (\d{{1,2}})(?: ?({_ORDINAL}))?\b"),  # "j'habite le 11"
    re.compile(rf"\ble (\d{{1,2}}) ?{_ORDINAL}\b"),  # "le 11e"
)
# ... and, only when the bot asked where, the whole answer: "11e", "le 11eme", "paris 11e"
_ARR_BARE = re.compile(rf"^(?:(?:le|l|dans le|paris) )?(\d{{1,2}}) ?{_ORDINAL}$")
_DEP_STRONG = re.compile(
    r"\b(?:dans le|ds le|dan le|du|departement|departements|dept|dpt|dep|depart|departement du|habite le|vis le|"
    r"suis le|sui le|chui le)"
    r" (\d{2,3}|2a|2b)\b")
_DEP_WEAK = re.compile(r"\b(?:le|en|l) (\d{2})\b")
_TWO_DIGITS = re.compile(r"\b(\d{2})\b")
_BARE_NUMBER = re.compile(r"^(?:(?:le|dans le|du|en|departement|dept|cp|code postal) )?(\d{2,3}|2a|2b)$")


def number_text(folded: str) -> tuple[str, set[str]]:
    """Numbers as digits; also the departments written as nicknames ("neuf trois", "9-3", "9.3")."""
    nicknames: set[str] = set()

    def nickname(first: str, second: str, default: str) -> str:
        code = first + second
        if code in IDF_DEPARTMENTS:
            nicknames.add(code)
            return code
        return default

    text = folded.replace("'", " ")
    text = _NICKNAME_WORDS.sub(
        lambda m: nickname(_DIGIT_WORDS[m.group(1)], _DIGIT_WORDS[m.group(2)], m.group(0)), text)
    text = words_to_numbers(text)
    return _DIGIT_PAIR.sub(lambda m: nickname(m.group(1), m.group(2), m.group(0)), text), nicknames


def _next_word(text: str, end: int) -> str:
    rest = text[end:].split(None, 1)
    return rest[0] if rest else ""


def _is_quantity(text: str, end: int) -> bool:
    nxt = _next_word(text, end)
    return nxt in _UNITS or nxt in _MONTHS or nxt in ("au", "a", "h", "ou", "x") or nxt.endswith("h")


@dataclass
class NumberFindings:
    specific: Place | None = None        # arrondissement or commune from a postal code
    department: Place | None = None      # department (IDF or not)
    hints: frozenset[str] = frozenset()  # IDF department numbers written anywhere


def find_numbers(num: str, index: CommuneIndex, expecting: bool, placey: bool) -> NumberFindings:
    out = NumberFindings()
    hints = set()
    for m in _TWO_DIGITS.finditer(num):
        if m.group(1) in IDF_DEPARTMENTS and not _is_quantity(num, m.end()):
            hints.add(m.group(1))
    out.hints = frozenset(hints)

    # Postal codes.
    for m in _POSTAL.finditer(num):
        code = m.group(1)
        if _is_quantity(num, m.end()):
            continue
        place = index.postal_code_place(code)
        if place is not None:
            if place.commune is not None:
                out.specific = out.specific or place
            else:
                out.department = out.department or place
            continue
        if not placey:
            continue
        dep = code[:2]
        if dep in IDF_DEPARTMENTS:
            out.department = out.department or department_place(dep)
        elif dep in OUTSIDE_DEPARTMENT_NUMBERS or dep == "20" or dep == "97":
            out.department = out.department or outside_place(code)
    if out.specific:
        return out

    # Paris arrondissements.
    for pattern in _ARRONDISSEMENT_READINGS:
        for m in pattern.finditer(num):
            number = int(m.group(1))
            if number in PARIS_ARRONDISSEMENTS and not _is_quantity(num, m.end()):
                out.specific = paris_arrondissement(number)
                return out
    if expecting:
        m = _ARR_BARE.match(num)
        if m and int(m.group(1)) in PARIS_ARRONDISSEMENTS:
            out.specific = paris_arrondissement(int(m.group(1)))
            return out

    # Department numbers.
    if out.department is None:
        for m in _DEP_STRONG.finditer(num):
            if not _is_quantity(num, m.end()):
                place = department_place(m.group(1))
                if place is not None:
                    out.department = place
                    break
    if out.department is None:
        for m in _DEP_WEAK.finditer(num):
            if m.group(1) in IDF_DEPARTMENTS and not _is_quantity(num, m.end()):
                out.department = department_place(m.group(1))
                break
    if out.department is None and expecting:
        m = _BARE_NUMBER.match(num)
        # The bot asked where: "93" is Seine-Saint-Denis, "le 69" the Rhône; a bare "34"
        # outside the region is more likely an age.
        if m and (m.group(1) in IDF_DEPARTMENTS or not num[:1].isdigit()):
            out.department = department_place(m.group(1))
    return out
