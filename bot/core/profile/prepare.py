"""Text preparation: one canonical form of a message for every slot reader.

Clauses are split on punctuation and "mais", each clause is folded with `bot.core.text.fold`,
numbers in words become digits (`bot.core.text.words_to_numbers`; a number word typed with one
slip is corrected first: "vint deux", "seze", "quarente"; "g22ans" -> "j'ai 22ans"), SMS tokens are expanded
(data/lexicons/sms.csv) and long typos are corrected against the known vocabulary (lexicon
words, ROME job titles, data/lexicons/typos.csv); a shorter unknown word is corrected only for
one typing slip (a letter dropped, doubled or added, two neighbouring letters swapped) towards
exactly one short target ("couurs", "ecoel", "mastre"), never when it is a word the project
already knows; an elision glued to a known word is split ("lecole", "demploi", "jtravail"), a word
spelled by its sound is respelled ("logistik", "infografie", "dezign"). Before that, general rewrites: a number word glued to "h" ("huith" -> "8 h"),
"j'" before a consonant -> "je " ("j'bosse"), "in" before p/b -> "im" ("inporte"), and
learners' "moi" + infinitive -> "je" + the verb ("moi avoir 22 ans" -> "j'ai 22 ans").
Clauses are joined with " ; " so that negation and context windows never cross a clause.
"""
from __future__ import annotations

import datetime
import os
import re
from functools import lru_cache

from bot.core import config, lexicons
from bot.core.profile import jobs
from bot.core.text import NUMBER_WORDS, fold, words_to_numbers

NEGATORS = {"pas", "jamais", "sans", "aucun", "aucune", "ni", "plus", "non"}
CLAUSE_STOPS = {";", "et", "mais", "ou", "donc", "car", "puis", "alors", "sinon"}

# "info" means "informatique" only as a subject; "plus d'info(s)" is information.
_INFORMATION = re.compile(r"\b(?:d'|des |les |l'|une |plus d')infos?\b(?! (?:et|ou)\b)")
_CLAUSE_SPLIT = re.compile(r"[.!?;\n()]+|,(?!\d)|\s+mais\s+|\s+-\s+", re.IGNORECASE)
TOKEN = re.compile(r"\S+")

# Fuzzy correction (edit distance) for long words; shorter words (SLIP_MIN_LENGTH letters or
# more) are corrected only for one typing slip towards the short words the readers rely on
# (data/lexicons/typos.csv and the plain phrases of the value lexicons).
FUZZY_MIN_LENGTH = 8
SLIP_MIN_LENGTH = 4
# Spelling fixes of each folded clause, applied in this order: (pattern, replacement).
_SPELLING_FIXES = (
    # A key held down: three or more of the same letter -> two ("colllège", "programmmer").
    (re.compile(r"([a-z])\1{2,}"), r"\1\1"),
    # "deuxh", "vingt-cinqh": a number word glued to its hour unit.
    (re.compile(r"\b((?:(?:vingt|trente|quarante|cinquante|soixante)(?: et)?[ -]?)?"
                r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
                r"|vingt|trente|quarante))h\b"), r"\1 h"),
    # Spoken or slang elision of "je" before a consonant: "j'bosse", "j'cherche", "j'veux".
    (re.compile(r"\bj'(?=[bcdfgjklmnpqrstvwxz])"), "je "),
    # French spells "m" before "p" and "b": "inporte" -> "importe", "inpossible" -> "impossible".
    (re.compile(r"\b([ei])n(?=[pb][a-z]{3})"), r"\1m"),
)
# Learners' French: "moi" + an infinitive stands for "je" + the verb ("moi avoir 22 ans",
# "moi pas travailler"). Only the common verbs of a profile answer.
_LEARNER_VERBS = {
    "avoir": ("j'ai", "je n'ai"), "etre": ("je suis", "je ne suis"),
    "travailler": ("je travaille", "je ne travaille"), "habiter": ("j'habite", "je n'habite"),
    "vouloir": ("je veux", "je ne veux"), "pouvoir": ("je peux", "je ne peux"),
    "chercher": ("je cherche", "je ne cherche"), "aimer": ("j'aime", "je n'aime"),
    "faire": ("je fais", "je ne fais"), "parler": ("je parle", "je ne parle"),
    "etudier": ("j'etudie", "je n'etudie"), "apprendre": ("j'apprends", "je n'apprends"),
    "ouvrir": ("j'ouvre", "je n'ouvre"), "creer": ("je cree", "je ne cree"),
    "connaitre": ("je connais", "je ne connais"), "savoir": ("je sais", "je ne sais"),
    "rester": ("je reste", "je ne reste"), "vivre": ("je vis", "je ne vis"),
}
_LEARNER = re.compile(r"\bmoi (pas |ne pas |jamais )?(" + "|".join(_LEARNER_VERBS) + r")\b")
# ... and "je suis" + an infinitive ("je suis travailler au restaurant" -> "je travaille"), the
# noun for the verb ("moi travail", "je travail dans un magasin" -> "je travaille").
_LEARNER_ETRE = re.compile(r"\bje suis (" + "|".join(v for v in _LEARNER_VERBS if v not in ("etre", "avoir"))
                           + r")\b")
# SMS "j'ai" glued to the number that follows: "g22ans", "jai19".
_HAVE_GLUED = re.compile(r"\b(g|jai|j'ai)(?=\d)")
# Number words typed with a slip are corrected before they become digits ("vint deux", "seze",
# "dix huite", "quarente"); short number words ("un", "six", "dix") collide too easily, and
# "cent" / "mille" too ("cet").
_SLIPPED_NUMBER_TARGETS = tuple(w for w in NUMBER_WORDS if len(w) >= 4 and w not in ("cent", "cents", "mille"))
_SUBSTITUTION_MIN_LENGTH = 6  # "trante", "quarente": a letter changed in a long number word
_LEARNER_NOUN = re.compile(r"\b(?:moi|je) (pas |jamais )?(travail|boulot)\b(?! (?:de|d'|du|a|en|pour)\b)")


def compile_fragments(fragments) -> list[re.Pattern]:
    """Regex fragments on folded text, matched on word boundaries ('+' counts as a letter)."""
    return [re.compile(r"(?<![\w+])" + f + r"(?![\w+])") for f in fragments]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance where swapping two neighbouring letters is one edit (the commonest typing
    slip: "ordinatuer"), or limit + 1 as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, before_previous[j - 2] + 1)
            current.append(best)
        if min(current) > limit:
            return limit + 1
        before_previous, previous = previous, current
    return previous[-1]


def one_slip(token: str, word: str) -> bool:
    """`token` is `word` with one typing slip: a letter dropped, doubled or added, or two
    neighbouring letters swapped (no substituted letter: short words collide too easily)."""
    if len(token) == len(word) + 1:
        return any(token[:i] + token[i + 1:] == word for i in range(len(token)))
    if len(token) + 1 == len(word):
        return any(word[:i] + word[i + 1:] == token for i in range(len(word)))
    if len(token) == len(word):
        diff = [i for i in range(len(word)) if token[i] != word[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and \
            token[diff[0]] == word[diff[1]] and token[diff[1]] == word[diff[0]]
    return False


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
    targets |= {w for w in lexicons.lexicon_words() if len(w) >= FUZZY_MIN_LENGTH}  # "entrprise"
    by_letter: dict[str, list[str]] = {}
    for word in targets:
        by_letter.setdefault(word[0], []).append(word)
    return ({k: tuple(v) for k, v in by_letter.items()}, frozenset(protected) | lexicons.lexicon_words(),
            jobs.known_stems(), single_words)


# Real French words the project already writes (its NLU examples and the bot's own replies):
# never "corrected" into a short target ("mois" is not a slip of "moi").
_KNOWN_TEXTS = ("data/nlu/*.yml", "domain.yml")


def _known_words() -> set[str]:
    words: set[str] = set()
    for pattern in _KNOWN_TEXTS:
        for path in sorted(config.PROJECT_ROOT.glob(pattern)):
            words |= set(re.findall(r"[a-z]+", fold(path.read_text(encoding="utf-8"))))
    return words


@lru_cache(maxsize=1)
def _short_targets() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """(short words a slip is corrected towards, by first letter; every short word known as such).

    Targets: the `cible` words of typos.csv and the words of the plain phrases of the value
    lexicons, of 3 to 8 letters. Known: the targets, the `protege` words, the words of the ROME
    job titles, the SMS forms and the project's own French texts."""
    targets, protected = lexicons.typo_words()
    words = {w for w in targets if len(w) <= FUZZY_MIN_LENGTH}
    words |= {w for w in lexicons.lexicon_words() if 6 <= len(w) <= FUZZY_MIN_LENGTH}  # "hibride"
    known = (set(protected) | _known_words() | lexicons.lexicon_words()
             | jobs.typo_targets(SLIP_MIN_LENGTH))  # words of job titles
    for name in lexicons.VALUE_FILES:
        for entry in lexicons.value_entries(name):
            if entry.plain:  # (the words of a regular expression may be stems: "lyce(?:e|en)")
                words |= {w for w in re.findall(r"[a-z]+", fold(entry.expression))
                          if SLIP_MIN_LENGTH - 1 <= len(w) <= FUZZY_MIN_LENGTH}
    for form, replacement in lexicons.sms_tokens().items():
        known.add(form)
        words |= {w for w in re.findall(r"[a-z]+", replacement) if len(w) >= SLIP_MIN_LENGTH - 1}
    by_letter: dict[str, list[str]] = {}
    for word in words:
        by_letter.setdefault(word[0], []).append(word)
    return {k: tuple(v) for k, v in by_letter.items()}, frozenset(known | words)


def _correct_slip(token: str) -> str:
    """A short unknown word one typing slip away from exactly one short target -> that word."""
    by_letter, known_short = _short_targets()
    if token in known_short or token + "s" in known_short:
        return token  # a known word or the singular of one ("jeune", not "jeunes")
    found = [w for w in by_letter.get(token[0], ()) if abs(len(w) - len(token)) <= 1 and one_slip(token, w)]
    if len(found) > 1:  # "reseaxu": two letters swapped ("reseaux") beats one added ("reseau")
        found = [w for w in found if len(w) == len(token)]
    return found[0] if len(found) == 1 else token


@lru_cache(maxsize=8192)
def correct_typo(token: str) -> str:
    """A long unknown word one or two edits away from exactly one known word -> that word."""
    prefix = ""
    if len(token) > 2 and token[1] == "'":
        prefix, token = token[:2], token[2:]
    if len(token) < SLIP_MIN_LENGTH or not token.isalpha():
        return prefix + token
    if len(token) < FUZZY_MIN_LENGTH:
        return prefix + _correct_slip(token)
    by_letter, protected, known, single_words = _vocabulary()
    candidates = by_letter.get(token[0], ())
    # an inflected form of a title word is a word ("recherch", a bare stem, is not)
    if token in protected or token in candidates or jobs.stem(token) in known and jobs.stem(token) != token \
            or any(f.fullmatch(token) for f in single_words):
        return prefix + token
    limit = 2 if len(token) >= 11 else 1
    best, best_distance, tied = None, limit + 1, set()
    for word in candidates:
        if abs(len(word) - len(token)) > limit:
            continue
        distance = edit_distance(token, word, limit)
        if distance < best_distance:
            best, best_distance, tied = word, distance, {word}
        elif distance == best_distance:
            tied.add(word)
    if best is not None and best_distance <= limit:
        # several forms of one word ("graphisme", "graphismes") are no real tie: the shortest;
        # otherwise the one sharing the longest beginning ("entrprise": entreprise, not enterprise)
        if len({jobs.stem(w) for w in tied}) > 1:
            # a word of the lexicons before a word of a ROME title ("enteprise": entreprise, not
            # the "Enterprise" of "Enterprise Resource Planning")
            tied = {w for w in tied if w in protected} or tied
            shared = {w: len(os.path.commonprefix([w, token])) for w in tied}
            longest = max(shared.values())
            tied = {w for w in tied if shared[w] == longest}
        if len({jobs.stem(w) for w in tied}) == 1:
            return prefix + min(tied, key=lambda w: (len(w), w))
    if len(token) <= FUZZY_MIN_LENGTH + 1:  # "reseaaux", "horraires": one slip from a short target
        return prefix + _correct_slip(token)
    return prefix + token


def _number_words(folded: str) -> str:
    """Each unknown word one typing slip from exactly one number word (any one-letter change for
    the long ones: "quarente") -> that number word; a word of three letters only beside another
    number word ("vingt deu", not "aujourd hui")."""
    words = folded.split()
    out = []
    for i, token in enumerate(words):
        found = []
        if len(token) >= 3 and token.isalpha() and token not in NUMBER_WORDS \
                and token not in _short_targets()[1]:
            found = [w for w in _SLIPPED_NUMBER_TARGETS if one_slip(token, w)
                     or (len(w) >= _SUBSTITUTION_MIN_LENGTH and edit_distance(token, w, 1) <= 1)]
        beside = {words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)} & NUMBER_WORDS
        out.append(found[0] if len(found) == 1 and (len(token) > 3 or beside) else token)
    return " ".join(out)


def _known(word: str) -> bool:
    """A word the project knows (lexicons, ROME titles, its own French texts)."""
    _by_letter, protected, stems, _single = _vocabulary()
    return word in _short_targets()[1] or word in protected or jobs.stem(word) in stems


def _unglued(token: str) -> str:
    """An unknown word that is an elided word glued to a known one: "lecole" -> "l'ecole",
    "demploi" -> "d'emploi", "jtravail" -> "je travail"."""
    if len(token) < 5 or not token.isalpha() or _known(token):
        return token
    rest = token[1:] if _known(token[1:]) else correct_typo(token[1:])  # "jcherch"
    if not _known(rest):
        return token
    if token[0] in "cdjlmnst" and rest[0] in "aeiouyh":
        return f"{token[0]}'{rest}"
    if token[0] == "j":
        return f"je {rest}"
    return token


# Spelling by sound in SMS: "logistik", "infografie", "dezign".
_BY_SOUND = ((re.compile(r"ik(s?)$"), r"ique\1"), (re.compile("f"), "ph"), (re.compile("z"), "s"))


def _spelled_by_sound(token: str) -> str:
    """An unknown word, not a typing slip, that spelled the usual way (the rules one after the
    other) is a known word or one slip from it: "grafik" -> "graphique"."""
    prefix, word = (token[:2], token[2:]) if token[1:2] == "'" else ("", token)
    if len(word) < 5 or not word.isalpha() or _known(word) or correct_typo(word) != word:
        return token
    respelled = word
    for sound, spelling in _BY_SOUND:
        respelled = sound.sub(spelling, respelled)
        if respelled != word and _known(correct_typo(respelled)):
            return prefix + respelled
    return token


def _learner_verb(m: re.Match) -> str:
    plain, negative = _LEARNER_VERBS[m.group(2)]
    return f"{negative} {m.group(1).split()[-1]}" if m.group(1) else plain


def _prepare_clause(clause: str) -> str:
    sms = lexicons.sms_tokens()
    folded = fold(clause)
    for pattern, replacement in _SPELLING_FIXES:
        folded = pattern.sub(replacement, folded)
    folded = _LEARNER.sub(_learner_verb, folded)
    folded = _LEARNER_ETRE.sub(lambda m: _LEARNER_VERBS[m.group(1)][0], folded)
    folded = _LEARNER_NOUN.sub(lambda m: "je ne travaille " + m.group(1).strip() if m.group(1)
                               else "je travaille", folded)
    folded = words_to_numbers(_number_words(folded))
    folded = _HAVE_GLUED.sub(r"\1 ", folded)
    folded = re.sub(r"\bj ai\b", "j'ai", folded)
    # dictated or typed without apostrophes: "d emploi", "l informatique", "c est"
    folded = re.sub(r"(?<![\w'+])([cdjlmnst]) (?=[aeiouyh])", r"\1'", folded)
    folded = _INFORMATION.sub(lambda m: m.group(0).replace("info", "information"), folded)
    tokens = []
    for token in folded.split():
        token = token if token in sms else _spelled_by_sound(_unglued(token))
        if token in sms:
            token = sms[token]
        elif len(token) > 2 and token[1] == "'" and token[2:] in sms:  # "l'aprem"
            token = token[:2] + sms[token[2:]]
        corrected = correct_typo(token)
        # a slip in an SMS form ("nimmporte"): its replacement once corrected
        tokens.append(sms[corrected] if corrected != token and corrected in sms else corrected)
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


# Someone else is the subject: "mon fils a arrêté le lycée", "ma femme est au chômage".
OTHER_PERSON = re.compile(r"\b(?:mon|ma|mes|son|sa|ses|notre|nos) (?:fils|fille|filles|enfants?|frere|freres|soeur|soeurs|"
                          r"mari|femme|conjointe?|copain|copine|pere|mere|parents|cousine?|ami|amie|pote|voisine?)\b"
                          r"|^(?:il|elle|ils|elles) ")


def about_someone_else(text: str, start: int) -> bool:
    """The clause of `start`, before it, has another person as its subject."""
    clause = text[:start].rsplit(";", 1)[-1].strip()
    return bool(OTHER_PERSON.search(clause))


def is_negated(text: str, start: int, negators: set[str] = NEGATORS, max_tokens: int = 3,
               elided: bool = True) -> bool:
    """A negator among the few tokens before `start` in its clause; `elided`: "n'" counts too
    (not for a phrase that carries its own "pas": "je n'ai pas d'emploi"). A phrase starting
    with its subject "je" is negated only inside itself: "je travaille pas [je m'occupe de ma mère]"."""
    if text.startswith(("je ", "j'"), start):
        return False
    window = clause_before(text, start, max_tokens)
    # an elided negator counts too: "d'aucune reconnaissance", "qu'aucun"
    return any(t in negators or t.split("'", 1)[-1] in negators
               or (elided and t.startswith("n'") and t != "n'importe") for t in window)


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
