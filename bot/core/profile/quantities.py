"""Numbers read with the word that follows them: age and hours per week.

- age: "41 ans", "âgé de 41", "née en 2004", slang years ("41 balais / piges / berges"); "3 enfants et 41 ans" -> 41 (a number is an age
  only before "ans"); "j'ai 2 enfants" gives nothing; a bare number or year counts only when
  the bot asked for the age, and never when a noun follows it ("2 enfants") or an article
  precedes it ("la 2": a rank in a list). "17 ans et demi" -> 17.5. An approximate age
  ("bientôt 30", "presque 40 ans", "sur mes 20 ans", "35 ans environ", "la trentaine") is no
  age: CONTRACT §1 never guesses, the question is asked again.
- heures_semaine: "10 h par semaine"; "N h par jour" counts 5 days; "N h par mois" divides by
  4.33; approximations ("une dizaine d'heures" -> 10, data/lexicons/approximations.csv);
  phrases (data/lexicons/heures.csv: "temps plein" -> 35, "mi-temps" -> 20); a range
  ("entre 5 et 10 h", "5 à 10 heures") gives its lower bound, the safe constraint: a course
  asking 5 h fits someone who said 5 to 10; times of day ("à 18h", "de 9h à 17h") are not
  durations; "quelques heures" gives nothing.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.core import lexicons
from bot.core.profile.prepare import Message, clause_before, compile_fragments, is_negated, to_float
from bot.core.text import any_word
from bot.core.vocab import AGE_RANGE, WEEKLY_HOURS_RANGE

AGE_REASON = f"L'âge doit être compris entre {AGE_RANGE[0]} et {AGE_RANGE[1]} ans."
HOURS_REASON = (f"Le nombre d'heures par semaine doit être compris entre "
                f"{WEEKLY_HOURS_RANGE[0]} et {WEEKLY_HOURS_RANGE[1]}.")
DAYS_PER_WEEK = 5
WEEKS_PER_MONTH = 4.33

AGE_DURATION_BEFORE = {"a", "depuis", "pendant", "durant", "fait", "en", "dans", "de", "et",
                       "apres", "avant", "vers", "pour", "moins", "plus", "entre", "sur", "des",
                       "jusqu'a", "il", "y", "les", "tous", "chaque", "ou", "d'ici"}
# Years said in slang count as "ans": "46 balais", "46 piges", "46 berges", "46 printemps",
# "46 bougies"; "ans" typed with a slip too: a letter doubled, swapped or next to it on the
# keyboard ("aans", "anss", "nas", "asn", "ams", "ands").
AGE_UNITS = r"(?:a{1,2}n{1,2}s{0,2}|a|nas|asn|ams|ands|balais?|piges?|berges?|printemps|bougies?)"
_AGE_UNIT = re.compile(AGE_UNITS)
AGE_NUMBER = re.compile(r"\b(\d{1,3}) ?" + AGE_UNITS + r"\b")
AGE_EXPLICIT = re.compile(r"\bage(?:e|es|s)?(?: de)? (\d{1,3})(?: ?ans?)?\b(?! ?(?:d'|de ))")
BIRTH_YEAR = re.compile(
    r"\b(?:nee?s?|je suis de|de l'annee|annee de naissance|naissance)\b"
    r"(?: (?:en|le|l'an|l'annee|:))?(?: \d{1,2}(?:er)?)?(?: [a-z]+| \d{1,2})?(?: en)? ((?:19|20)\d\d)\b"
)
# Answering the age question, "je suis de 98" is a birth year (elsewhere, "de 93" is a place).
BIRTH_SHORT_YEAR_ASKED = re.compile(r"(?:je suis |moi |suis )?(?:de|du) (\d\d)")
BIRTH_SHORT_YEAR = re.compile(r"\bnee?s? en (\d\d)\b(?! ?(?:ans?|h|heures?|%|mois|jours?|min\w*|secondes?|fois|semaines?))")
# The user described as a person "of N years": "je suis une femme de 52 ans", "jeune de 18 ans",
# "maman solo de 31 ans" (at the start of the message or a sentence, or after "je suis" / "moi";
# not "j'ai une fille de 5 ans", the age of someone else)
PERSON_OF_AGE = re.compile(
    r"(?:^|[;,.!?] ?|\b(?:je suis|suis|moi|bonjour|bjr|salut|slt|hello|coucou)\b,? )"
    r"(?:un |une |1 )?(?:jeune )?(?:homme|femme|fille|garcon|gars|mec|meuf|dame|monsieur|personne|nana|"
    r"etudiante?|maman|papa|mere|pere|jeune)(?: de famille| [a-z]+)? de $")
# An approximate age is no age (CONTRACT §1: never guess): "bientôt 30 ans", "30 ans bientôt"
# (not "65 ans, bientôt la retraite"), "presque 40",
# "sur mes 30 ans", "à peu près 25 ans", "30 ans environ", "40 ans passés", "la trentaine".
AGE_APPROX_BEFORE = {"bientot", "presque", "environ", "pres", "quasi", "quasiment", "mes", "autour",
                     "approximativement", "genre", "limite"}
# ... except "mes" after a verb of having turned that age: "j'ai fêté mes 30 ans", "j'ai eu mes 18 ans"
AGE_TURNED_BEFORE_MES = {"fete", "fetee", "feter", "eu", "souffle", "soufflee", "celebre", "celebree"}
AGE_APPROX_AFTER = re.compile(r"^ (?:environ|a peu pres|bientot(?= ;|$)|passes|passees|et quelques|et des poussieres|"
                              r"ou plus|ou moins|ou (?:\d{1,3}|presque|bientot)|a peu pres|approximativement)\b")
# "17 ans et demi": half a year more
AGE_HALF_AFTER = re.compile(r"^ ?" + AGE_UNITS + r"? et (?:demie?|1/2)\b")
# A bare number answering a question: not a rank ("la 2") nor a count of something ("2 enfants").
BARE_NUMBER = re.compile(r"(?<![\w+,.'])(\d{1,3}(?:[.,]\d+)?)(?![\w+%])(?: ([a-z']+))?")
RANK_BEFORE = {"la", "le", "les", "l", "numero", "no", "n", "formation", "choix", "option", "et"}
BARE_UNITS = {"age": _AGE_UNIT, "heures_semaine": re.compile(r"h|heures?|hrs?")}

HOURS_NUMBER = re.compile(
    r"(?<![\d+])(\d+(?:[.,]\d+)?) ?(?:h|heures?|hrs?|hres?)(?: ?(\d\d)\b| et demie?)?(?![a-z0-9])"
    r"|\b(une?) (?:demi )?heures?( et demie?)?\b"
)
HOURS_TIME_OF_DAY_BEFORE = {"a", "vers", "apres", "avant", "des", "jusqu'a", "jusqu", "partir",
                            "de", "entre", "midi", "et"}
# "je travaille à temps partiel" describes the job, not the time free for a course.
# The job nouns count too, whatever the register: "un boulot à mi-temps", "un petit taf à temps plein".
HOURS_CURRENT_JOB = any_word("travaille", "bosse", "taffe", "charbonne", "salarie", "salariee", "employe",
                             "employee", "cdi", "cdd", "contrat", "emploi", "job", "poste", "boulot", "taf",
                             "taff", "travail", "interim", "mission")
PER_WEEK = any_word("par semaine", "semaine", "semaines", "hebdomadaires?", "a la semaine", "chaque semaine",
                    "par sem")
PER_DAY = re.compile(
    r"\b(?:par jour|jour|jours|par j|chaque jour|tous les jours|quotidien(?:nement)?|par soir|"
    r"chaque soir|tous les soirs|par matin|chaque matin|tous les matins)\b"
)
PER_MONTH = any_word("par mois", "mois")
_UNIT = r"(?:h|heures?|hrs?)"
# "entre 5 et 10 h", "5 a 10 heures", "5 ou 6 h", "entre 5h et 10h par semaine"
HOURS_RANGE = re.compile(
    rf"\b(?:(entre) )?(\d{{1,2}}) ?({_UNIT})? (?:et|a|ou) (\d{{1,2}}) ?({_UNIT})(?![a-z0-9])")


def set_number(out, slot: str, value: float, bounds: tuple, reason: str) -> None:
    if bounds[0] <= value <= bounds[1]:
        out.values[slot] = float(round(value, 1))
    else:
        out.invalid[slot] = reason


def _bare_number(text: str, slot: str) -> float | None:
    """A number answering the pending question: "22", "22 ans", not "la 2" nor "2 enfants"."""
    for m in BARE_NUMBER.finditer(text):
        before = text[:m.start()].split()[-1:]
        if before and before[0].rstrip("'") in RANK_BEFORE:
            continue
        if m.group(2) and not BARE_UNITS[slot].fullmatch(m.group(2)):
            continue
        return to_float(m.group(1))
    return None


def read_age(msg: Message, out) -> None:
    text = msg.text
    ages: list[float] = []
    year = BIRTH_YEAR.search(text)
    if year:
        ages.append(float(msg.today.year - int(year.group(1))))
    short_year = BIRTH_SHORT_YEAR.search(text) if not year else None
    if not year and not short_year and msg.requested == "age":
        short_year = BIRTH_SHORT_YEAR_ASKED.fullmatch(msg.core)
    if short_year:  # "née en 98" -> 1998, "né en 05" -> 2005
        yy = int(short_year.group(1))
        ages.append(float(msg.today.year - (2000 + yy if 2000 + yy <= msg.today.year else 1900 + yy)))
    ages += [float(m.group(1)) for m in AGE_EXPLICIT.finditer(text)]
    approximate = False
    if not ages:
        for m in AGE_NUMBER.finditer(text):
            before = text[:m.start()].split()[-2:]
            after = text[m.end():m.end() + 4]
            if before and (before[-1] in AGE_DURATION_BEFORE or before[-1].isdigit()):
                explicit = len(before) == 2 and before[-2] in ("age", "agee") and before[-1] == "de"
                explicit = explicit or bool(before[-1] == "de" and PERSON_OF_AGE.search(text[:m.start()]))
                # "et" links a range only between numbers: "entre 5 et 8 ans", not "3 enfants et 41 ans"
                linking = before[-1] == "et" and not (len(before) == 2 and before[-2].isdigit())
                if not (explicit or linking):
                    continue
            if after.startswith((" d'", " de ")):
                continue
            turned = len(before) == 2 and before[-1] == "mes" and before[-2] in AGE_TURNED_BEFORE_MES
            if (before and before[-1] in AGE_APPROX_BEFORE and not turned) or AGE_APPROX_AFTER.match(text[m.end():]):
                approximate = True  # no age from it; the question is asked again
                continue
            half = 0.5 if AGE_HALF_AFTER.match(text[m.end():]) else 0.0
            ages.append(float(m.group(1)) + half)
    if not ages and msg.requested == "age" and not approximate:
        bare_year = re.search(r"(?<![\w+])((?:19|20)\d\d)(?![\w+])", text)
        if bare_year and int(bare_year.group(1)) <= msg.today.year:
            ages.append(float(msg.today.year - int(bare_year.group(1))))
        else:
            number = _bare_number(text, "age")
            if number is not None and AGE_APPROX_BEFORE & set(text.split()):
                return  # "bientôt 30", "presque 40"
            if number is not None:
                ages.append(number)
    if ages:
        set_number(out, "age", ages[0], AGE_RANGE, AGE_REASON)


def _approximations_as_numbers(text: str, asked: bool) -> str:
    """"une dizaine d'heures" -> "10 heures"; a bare "une quinzaine" only when asked."""
    words = lexicons.approximations()
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))

    def replace(m: re.Match) -> str:
        return f"{words[m.group(1)]} "

    text = re.sub(rf"\b(?:(?:une|un|environ|a peu pres) )?({alternatives})(?: d'| de | d | )(?={_UNIT}\b)",
                  replace, text)
    if asked:
        text = re.sub(rf"\b(?:(?:une|un) )?({alternatives})\b(?! (?:de|d')(?! ?{_UNIT}))",
                      lambda m: str(words[m.group(1)]), text)
    return text


def _ranges_as_lower_bound(text: str) -> str:
    def replace(m: re.Match) -> str:
        low, high = int(m.group(2)), int(m.group(4))
        after = text[m.end(): m.end() + 25]
        if low >= high:
            return m.group(0)
        if m.group(3) and not (m.group(1) and PER_WEEK.search(after)) and not PER_WEEK.search(after):
            return m.group(0)  # "de 9h a 17h", "entre 18h et 20h": times of day
        return f"{low} {m.group(5)}"
    return HOURS_RANGE.sub(replace, text)


def _minutes_is_clock(m: re.Match) -> bool:
    """"18h30" with no duration word is a clock time; "1h30" alone is a duration."""
    return bool(m.group(1) and m.group(2) and to_float(m.group(1)) >= 7)


def read_hours(msg: Message, out) -> None:
    asked = msg.requested == "heures_semaine"
    text = _ranges_as_lower_bound(_approximations_as_numbers(msg.text, asked))
    for m in HOURS_NUMBER.finditer(text):
        if m.group(1) is not None:
            hours = to_float(m.group(1))
            if m.group(2):
                hours += int(m.group(2)) / 60
            if "demi" in m.group(0):
                hours += 0.5
        elif "demi heure" in m.group(0):
            hours = 0.5
        else:
            hours = 1.0 + (0.5 if m.group(4) else 0.0)
        clause_start = text.rfind(";", 0, m.start()) + 1
        clause_end = text.find(";", m.end())
        clause_after = text[m.end(): clause_end if clause_end >= 0 else len(text)]
        clause_all = text[clause_start: clause_end if clause_end >= 0 else len(text)]
        before = clause_before(text, m.start(), 2)
        weekly = PER_WEEK.search(clause_after[:25])
        if not weekly:
            if before and (before[-1] in HOURS_TIME_OF_DAY_BEFORE and before[-1] != "de"
                           or "partir" in before):
                continue  # "à 18h", "vers 20h", "à partir de 19h": a time of day
            if before and before[-1] == "de" and re.match(r" ?(?:a|et) \d", clause_after):
                continue  # "de 9h à 17h"
            if re.match(r" ?(?:a|et|jusqu'a) \d+ ?h", clause_after):
                continue
            if re.search(r"\d ?h(?:\d\d)? (?:a|et|jusqu'a) $", text[:m.start()]):
                continue  # the second time of "entre 18h et 20h"
            if _minutes_is_clock(m):
                continue
        if not weekly:
            if PER_DAY.search(clause_all):
                hours *= DAYS_PER_WEEK
            elif PER_MONTH.search(clause_after[:20]):
                hours /= WEEKS_PER_MONTH
        set_number(out, "heures_semaine", hours, WEEKLY_HOURS_RANGE, HOURS_REASON)
        return
    for pattern, hours in _hour_phrases():
        m = pattern.search(text)
        if m and not is_negated(text, m.start()) \
                and not HOURS_CURRENT_JOB.search(" ".join(clause_before(text, m.start(), 6))):
            out.values["heures_semaine"] = hours
            return
    if asked and not re.search(r"\b(?:ans?|mois|jours?|euros?)\b", text):
        number = _bare_number(text, "heures_semaine")
        if number is not None:
            set_number(out, "heures_semaine", number, WEEKLY_HOURS_RANGE, HOURS_REASON)


@lru_cache(maxsize=1)
def _hour_phrases() -> list[tuple[re.Pattern, float]]:
    return [(compile_fragments([r"(?:a )?" + entry.pattern])[0], entry.value)
            for entry in lexicons.value_entries("heures")]
