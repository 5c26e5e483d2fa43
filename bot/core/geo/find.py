"""find_place: the place where the user lives, read from one message (see bot.core.geo)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.core.geo.index import CommuneIndex, best_places, commune_index
from bot.core.geo.names import ARTICLES, NOT_PLACE_WORDS, PARIS, TOKEN_MAP, Place, department_place
from bot.core.geo.numbers import find_numbers, number_text
from bot.core.text import fold
from bot.core.vocab import IDF_DEPARTMENTS, OUTSIDE_REGION

# Tokens that announce a place just after them (folded, apostrophes split).
_PLACE_CUES = frozenset("""
a au aux sur vers en habite habites habitons habitez habitent habiter vis vit vivons vivez vivre
reside resides residons residez demeure demeurons ville commune secteur cote pres proche banlieue
region quartier loge heberge hebergee installe installee demenage demenagee situe situee
""".split())
_CUES_BEFORE_DE = frozenset("""
habite habites habitons habitez vis vit vivons reside pres cote proche loin region ville commune
secteur banlieue environs alentours coin quartier suis viens venons originaire
""".split())
# A residence verb: the typo matcher reads the words just after it (and its preposition).
_RESIDENCE_VERBS = frozenset("""
habite habites habitons habitez habitent vis vit vivons vivez suis sui jsui reside resides
residons demeure demeurons domicilie domiciliee ville commune cp
""".split())
_AFTER_VERB = frozenset("a au aux en sur dans le la les l de d du pres cote".split())
# Words that may surround a bare place name in an answer to "where do you live".
FILLER = frozenset("""
a au aux en sur le la les l j je moi habite vis suis sui jsui euh bah ben ben c est ville de d du
dans ok oui alors bonjour bjr slt salut merci
""".split())
# "near", "north of"...: the place named is a landmark, not the commune where the user lives.
_PROXIMITY = frozenset("""
pres cote proche loin banlieue nord sud est ouest environs alentours region peripherie
""".split())
# "une formation à Créteil", "je bosse à Nanterre": a place that is probably not the home.
_NOT_HOME = frozenset("formation formations cours stage ecole travaille bosse boulot taf travail".split())
_FIRST_PERSON = frozenset("je j moi jsui jhabite jvis perso".split())
_THIRD_PERSON = frozenset("""
ma mon mes sa son ses il elle ils elles soeur frere mere pere parents cousin cousine copain
copine ami amie mari femme famille tante oncle
""".split())
# After these, the place is not where the user lives (birthplace, origin, negation).
_NOT_RESIDENCE = frozenset("ne nee nes nees n naissance originaire origine natif native".split())
_RESIDENCE_WORDS = frozenset("""
habite habites habitons habitez habiter vis vit vivons reside domicile adresse ville commune
cp postal code
""".split())


# How precisely a reading names the place: the most specific reading of a message wins.
ARRONDISSEMENT = 4       # "Paris 18e", "75018"
COMMUNE_OR_CITY = 3      # a commune of the region, a city outside it, a postal code of one commune
PARIS_ITSELF = 2         # "Paris" without an arrondissement
DEPARTMENT_OR_WIDER = 1  # a department, a region, a country, an area
# Whom the words before a place speak of (_person_score).
OF_THE_USER, UNSAID, OF_SOMEONE_ELSE = 1, 0, -1
BEFORE_ANY_WORD = -1     # position of a reading from numbers: it ranks before the names said


class _Reading(NamedTuple):
    specificity: int
    person: int
    position: int
    place: Place


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    places: tuple[Place, ...]   # more than one: ambiguous
    specific: bool              # a commune or a city, not only a department or a region
    others: tuple[Place, ...] = ()   # less likely readings ("saint ouen" 95 -> l'Aumône)


def _has_cue(tokens: list[str], start: int) -> bool:
    """A place cue just before tokens[start] ("à", "habite", "près de", "dans la"...)."""
    i = start - 1
    if i >= 0 and tokens[i] in ARTICLES:
        i -= 1
    if i < 0:
        return False
    word = tokens[i]
    if word in _PLACE_CUES or word == "dans":
        return True
    if word in ("de", "d", "du", "des") and i >= 1:
        before = tokens[i - 1]
        return before in _CUES_BEFORE_DE or (before == "pas" and i >= 2 and tokens[i - 2] == "loin")
    return False


def _followed_by_department(tokens: list[str], end: int) -> bool:
    return end < len(tokens) and tokens[end] in IDF_DEPARTMENTS


def _not_residence(tokens: list[str], start: int) -> bool:
    return any(t in _NOT_RESIDENCE for t in tokens[max(0, start - 4):start])


def _near_landmark(tokens: list[str], start: int) -> bool:
    """'au nord de Paris', 'près de Meaux', 'banlieue de Lyon': the place is a landmark."""
    i = start - 1
    if i >= 0 and tokens[i] in ARTICLES:
        i -= 1
    return i >= 1 and tokens[i] in ("de", "d", "du") and tokens[i - 1] in _PROXIMITY


def _alone(tokens: list[str], start: int, end: int) -> bool:
    """Only filler words around tokens[start:end] ('euh à Marines', 'moi c'est Us')."""
    return all(t in FILLER for t in tokens[:start] + tokens[end:])


def _after_residence_verb(tokens: list[str], start: int) -> bool:
    """tokens[start] follows 'habite', 'vis', 'je suis'... and at most two prepositions."""
    i = start - 1
    for _ in range(3):
        if i < 0:
            return False
        if tokens[i] in _RESIDENCE_VERBS:
            return True
        if tokens[i] not in _AFTER_VERB:
            return False
        i -= 1
    return False


def _person_score(tokens: list[str], start: int) -> int:
    """+1 when the few words before a place speak of the user, -1 of someone else."""
    window = tokens[max(0, start - 5):start]
    if any(t in _NOT_HOME for t in tokens[max(0, start - 3):start]):
        return OF_SOMEONE_ELSE
    if any(t in _THIRD_PERSON for t in window):
        return OF_SOMEONE_ELSE
    return OF_THE_USER if any(t in _FIRST_PERSON for t in window) else UNSAID


def find_place(text: str, expecting_place: bool = False) -> Place | None:
    """The place where the user lives, read from one message, or None.

    expecting_place: the bot just asked where the user lives, so a bare name or number is a place.
    Raises CommunesFileError when the communes CSV (env CAPNUM_COMMUNES_CSV) cannot be read.
    """
    index = commune_index()
    if not text or not text.strip():
        return None
    folded = fold(text)
    tokens = [TOKEN_MAP.get(t, t) for t in folded.replace("'", " ").split()]
    if not tokens:
        return None
    num, nicknames = number_text(folded)
    placey = (expecting_place or len(tokens) <= 2 or "code postal" in folded
              or any(t in _RESIDENCE_WORDS for t in tokens))
    numbers = find_numbers(num, index, expecting_place, placey)
    if numbers.department is None and nicknames:
        numbers.department = department_place(sorted(nicknames)[0])

    mentions: list[_Mention] = []
    named: set[int] = set()  # tokens that name a commune exactly, even one left out below
    for start, end, entries in index.scan(tokens):
        named.update(range(start, end))
        if _not_residence(tokens, start):
            continue
        if end < len(tokens) and tokens[end] in ("de", "d", "du", "des") and tokens[end - 1] in _PROXIMITY:
            continue   # "au nord de Paris": a direction, not the Nord department
        usable = [e for e in entries if not e.guarded]
        if not usable:
            if not (_has_cue(tokens, start) or _followed_by_department(tokens, end)
                    or (expecting_place and _alone(tokens, start, end))):
                continue
            usable = entries
        places = best_places(usable)
        if _near_landmark(tokens, start):
            # "au nord de Paris" is not in Paris; "près de Meaux" is in Meaux's department.
            deps = {p.departement for p in places}
            if places[0] == PARIS or len(deps) != 1 or OUTSIDE_REGION in deps:
                continue
            places = (department_place(deps.pop()),)
        specific = all(index.is_specific(p) for p in places)
        others = tuple(dict.fromkeys(e.place for e in usable if e.place not in places))
        mentions.append(_Mention(start, end, places, specific, others))

    if not mentions and numbers.specific is None:
        fuzzy = _fuzzy_mention(tokens, index, expecting_place, named)
        if fuzzy is not None:
            mentions.append(fuzzy)

    hints = set(numbers.hints)
    if numbers.department is not None and numbers.department.departement != OUTSIDE_REGION:
        hints.add(numbers.department.departement)
    for m in mentions:
        if len(m.places) == 1 and not m.specific and m.places[0].departement in IDF_DEPARTMENTS:
            hints.add(m.places[0].departement)

    # The most specific reading wins, then the one said of the user ("moi je suis à ..."),
    # then the first said.
    resolved: list[_Reading] = []
    for m in mentions:
        places = m.places
        person = _person_score(tokens, m.start)
        if hints and not any(p.departement in hints for p in places):
            # "saint ouen 95": a less likely reading fits the department the user gave.
            fitting = tuple(p for p in m.others if p.departement in hints)
            if len(fitting) == 1:
                places = fitting
        if len(places) > 1:
            narrowed = tuple(p for p in places if p.departement in hints)
            if len(narrowed) == 1:
                places = narrowed
            else:
                # Ambiguous: the department when all candidates share it, else nothing.
                deps = {p.departement for p in (narrowed or places)}
                if len(deps) == 1:
                    dep = deps.pop()
                    if dep in IDF_DEPARTMENTS:
                        resolved.append(_Reading(DEPARTMENT_OR_WIDER, person, m.start, department_place(dep)))
                continue
        place = places[0]
        if place == PARIS:
            specificity = PARIS_ITSELF
        elif m.specific:
            specificity = COMMUNE_OR_CITY
        else:
            specificity = DEPARTMENT_OR_WIDER
        resolved.append(_Reading(specificity, person, m.start, place))

    if numbers.specific is not None:
        is_arrondissement = numbers.specific.commune == "Paris"
        outside_city = any(r.specificity == COMMUNE_OR_CITY and r.place.departement == OUTSIDE_REGION
                           for r in resolved)
        if not (is_arrondissement and outside_city and "paris" not in tokens):
            resolved.append(_Reading(ARRONDISSEMENT if is_arrondissement else COMMUNE_OR_CITY, UNSAID,
                                     BEFORE_ANY_WORD, numbers.specific))
    if numbers.department is not None:
        resolved.append(_Reading(DEPARTMENT_OR_WIDER, UNSAID, BEFORE_ANY_WORD, numbers.department))
    if not resolved:
        return None
    return min(resolved, key=lambda r: (-r.specificity, -r.person, r.position)).place


def _fuzzy_mention(tokens: list[str], index: CommuneIndex, expecting: bool,
                   named: set[int] = frozenset()) -> _Mention | None:
    """The one place at one edit (typo) from the words right after a residence verb ("j'habite à
    creteuil"), or from the whole answer when the bot asked for the place; None when nothing is
    close, when the words are everyday French, or when several places are equally close. Words
    that spell a commune exactly (`named`, "la verrière") are never read as a typo of another."""
    for start in range(len(tokens)):
        after_verb = _after_residence_verb(tokens, start)
        if not (after_verb or expecting):
            continue
        for length in (3, 2, 1):
            end = start + length
            if end > len(tokens) or not (after_verb or _alone(tokens, start, end)):
                continue
            if named.intersection(range(start, end)):
                continue
            words = tokens[start:end]
            phrase = " ".join(words)
            if (len(phrase.replace(" ", "")) < 6 or any(not w.isalpha() for w in words)
                    or any(w in NOT_PLACE_WORDS or w in FILLER for w in (words[0], words[-1]))):
                continue
            keys = index.fuzzy_lookup(phrase)
            if not keys:
                continue
            places: set[Place] = set()
            for key in keys:
                entries = index.entries(key)
                places.update(best_places([e for e in entries if not e.guarded] or entries))
            if len(places) != 1:
                return None
            place = places.pop()
            return _Mention(start, end, (place,), index.is_specific(place))
    return None
