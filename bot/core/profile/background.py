"""Who the person is: situation and niveau (data/lexicons/situation.csv, niveau.csv).

- situation precedence: unemployment said explicitly > left school > employed > other
  (student, retired, at home) > the rows marked `sinon` ("je cherche du travail").
  "inscrit à France Travail / Pôle emploi" -> demandeur_emploi; "en intérim" -> salarie.
  Not working *and* not looking for work ("je bosse pas et je cherche pas de taf") is not a
  jobseeker: autre (unless a stronger value is said). Likewise "no work" beside an inactive situation
  ("je suis retraitée, je travaille plus", "étudiante, pas de job") is that situation: autre.
  A phrase that carries its own negation ("je n'ai pas d'emploi", "plus de taf") is not negated
  again by its "n'".
  "accompagné par la mission locale" says who helps, not the situation: nothing by itself
  (the mission locale serves young people both in and out of school or work), except as the
  answer to the situation question or beside an age of 25 or less -> jeune_decrocheur.
- niveau is the highest diploma *obtained*. A wished diploma ("je veux passer un BTS") gives
  nothing; a failed or negated diploma above the bac ("pas de master") gives nothing by itself.
  Missing the bac or the CAP/BEP, i.e. leaving school before it, failing it or never having it
  ("quitter l'école avant le bac", "sans le bac", "j'ai pas eu le bac", "raté le bac", "niveau
  bac sans l'avoir", "pas allé jusqu'au bac") -> sans_diplome, which any diploma named beside
  it outranks ("pas le bac mais un CAP" -> cap_bep); a diploma being prepared ("je suis en BTS") gives the level it
  requires (bac), only in answer to the level question (it is a lower bound). "niveau bac" alone reads as bac. Leaving school in 3e/seconde/première/
  terminale with no diploma named -> sans_diplome. The brevet, CFG and "niveau 3e" ->
  sans_diplome. A diploma's speciality ("CAP cuisine") is not a wished domain: it is masked
  from the text the domain reader sees.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.core import lexicons
from bot.core.profile import jobs
from bot.core.profile.prepare import (
    CLAUSE_STOPS, NEGATORS, TOKEN, Message, about_someone_else, clause_before, compile_fragments, is_negated,
    longest_first, mask, matches,
)
from bot.core.vocab import LEVEL_RANK, SITUATIONS

# "je suis en BTS": being in a course proves the level it requires.
LEVEL_REQUIRED_FOR = {"bac+5": "bac+3", "bac+3": "bac", "bac+2": "bac", "bac": "sans_diplome",
                      "cap_bep": "sans_diplome"}
# A level said even in a negation ("pas le brevet") means no diploma.
LEVEL_NEEDS_NO_CHECK = {"sans_diplome"}
LEVEL_WISHED = re.compile(
    r"\b(?:veux|veut|voudrais|aimerais|souhaite|souhaiterais|devenir|obtenir|viser|vise|"
    r"envie|preparer|passer|avoir|reprendre|objectif|faire|rate|rater|loupe|echoue|"
    r"pas|sans|ni|jamais)\b"
)
LEVEL_FAILED_AFTER = re.compile(
    r"^ ?(?:\w+ ){0,2}?(?:rate|loupe|echoue|pas eu|pas obtenu|non obtenu|sans l'avoir|"
    r"sans l'obtenir|pas valide|non valide|pas reussi|en cours)\b"
)
LEVEL_IN_PROGRESS = re.compile(
    r"\b(?:en|annee de|annee d'|annee|prepare|fais|actuellement en)(?: (?:un|une|le|la|mon|ma|l'))?\s*$"
)
# Tokens after an obtained diploma that end its speciality ("CAP cuisine | et je veux ...").
SPECIALITY_STOPS = CLAUSE_STOPS | {"je", "j'ai", "pour", "depuis", "veux", "voudrais",
                                   "aimerais", "mon", "ma", "il", "en", "a", "maintenant"}
# Just before a diploma: it was missed (left school before it, failed, never had it).
LEVEL_MISSED_BEFORE = re.compile(
    r"(?:\b(?:avant|sans|jamais|ni|pas)(?: (?:eu|obtenu|passe|fait|valide|reussi))?"
    r"|\b(?:rate|loupe|echoue|manque|foire)|\bpas (?:alle|allee|aller|arrive|arrivee) jusqu'au"
    r"|\bavant (?:d'avoir|de passer|d'obtenir))(?: (?:le|la|l'|les|de|d'|mon|ma|du|un|une|au))?\s*$"
)
# Missing one of these, with no other diploma named, leaves no diploma.
LEVELS_MISSED_MEAN_NONE = {"bac", "cap_bep"}
NOTHING_ANSWER = re.compile(r"^(?:rien|aucun|nada|que dalle|zero|0|non|pas|aucun diplome)\b")


@lru_cache(maxsize=1)
def _situation_patterns() -> list[tuple[str, list[re.Pattern]]]:
    """(value, patterns) in precedence order; `sinon` rows last."""
    strong = lexicons.patterns_by_value("situation")
    weak = lexicons.patterns_by_value("situation", "sinon")
    groups = [(v, compile_fragments(strong[v])) for v in SITUATIONS if v in strong]
    return groups + [(v, compile_fragments(weak[v])) for v in SITUATIONS if v in weak]


@lru_cache(maxsize=1)
def _situation_when_asked() -> list[tuple[str, list[re.Pattern]]]:
    asked = lexicons.patterns_by_value("situation", "question")
    return [(v, compile_fragments(asked[v])) for v in SITUATIONS if v in asked]


YOUNG_AGE = 25  # the mission locale serves people aged 16 to 25
# "je cherche pas de taf", "je ne recherche pas d'emploi", "pas en recherche d'emploi": no job
# search. Without work and without a search, the person is not a jobseeker but inactive (autre):
# "je bosse pas et je cherche pas de taf".
NOT_SEEKING = re.compile(
    r"\b(?:(?:ne )?(?:cherche|recherche)s? (?:pas|plus|aucun|jamais)|pas (?:en )?recherche|"
    r"(?:pas|plus) (?:a la )?recherche)\b(?! (?:de formation|d'une formation|une formation|"
    r"de stage|d'un stage)\b)")


# A demandeur_emploi row that only says "no work" ("sans emploi", "je bosse pas", "plus de taf").
WITHOUT_WORK = ("sans", "pas", "plus", "zero", "0", "aucun", "travaille", "bosse", "taff", "charbonne")


def _says_inactive(text: str, groups) -> bool:
    """An `autre` phrase (student, retired, at home with the children) not negated: then "no work"
    is that inactivity, not a job search ("je suis étudiante, je travaille pas" -> autre)."""
    for value, patterns in groups:
        if value == "autre":
            return any(not is_negated(text, m.start()) for m in matches(patterns, text))
    return False


def read_situation(msg: Message, out) -> None:
    """Runs after the age: "mission locale" reads as jeune_decrocheur when answering the
    situation question, or beside an age of 25 or less; otherwise it says who helps, not the
    situation."""
    age = out.values.get("age")
    young = age is not None and age <= YOUNG_AGE
    groups = _situation_patterns()
    if msg.requested == "situation":
        # answers that only make sense to the question ("autre", "rien de tout ça"); the
        # mission locale serves people aged 25 or less
        groups = groups + [(v, p) for v, p in _situation_when_asked()
                           if v != "jeune_decrocheur" or age is None or young]
    elif young:
        groups = groups + [(v, p) for v, p in _situation_when_asked() if v == "jeune_decrocheur"]
    not_seeking = NOT_SEEKING.search(msg.text) is not None
    inactive = _says_inactive(msg.text, groups)
    without_work = False
    for value, patterns in groups:
        if value == "salarie" and without_work:
            continue  # "je bosse pas": not employed either
        for m in matches(patterns, msg.text):
            if value == "demandeur_emploi" and m.group(0).startswith(WITHOUT_WORK):
                # the match carries its own negation: "je n'ai pas d'emploi" is not negated twice
                negated = is_negated(msg.text, m.start(), NEGATORS - {"sans", "pas", "plus", "aucun"},
                                     elided=False)
                if (not_seeking or inactive) and not negated:
                    without_work = True
                    continue
            elif value == "jeune_decrocheur" and m.group(0).startswith(("plu", "pu ")):  # SMS "plu", "pu"
                negated = False
            else:
                negated = is_negated(msg.text, m.start())
            if not negated and not about_someone_else(msg.text, m.start()):
                out.values["situation"] = value
                return
    if without_work:
        out.values["situation"] = "autre"  # no work and no job search: inactive
    elif _holds_a_job(msg):
        out.values["situation"] = "salarie"


# "je suis livreur", "je bosse comme magasinier", "j'exerce en tant qu'aide-soignante": a job
# title said in the present, right after one of these, is a job held.
JOB_HELD_BEFORE = re.compile(
    r"(?:\bje suis|\bje travaille|\bje bosse|\bje taffe|\bje taf|\bj'exerce|\bje fais)"
    r"(?: actuellement| en ce moment| aujourd'hui| encore| toujours)?"
    r"(?: comme| en tant que| en tant qu'| le metier de| le metier d'| du| de la)?"
    r"(?: un| une| l'| le| la)?\s*$")


def _holds_a_job(msg: Message) -> bool:
    """A job title held now (see JOB_HELD_BEFORE), or, answering the situation question,
    a bare job title ("caissière chez Carrefour")."""
    for start, _end in jobs.title_index().find_occupations(msg.text):
        before = msg.text[:start].rsplit(";", 1)[-1]
        if JOB_HELD_BEFORE.search(before) and not is_negated(msg.text, start):
            return True
        if msg.requested == "situation" and re.fullmatch(r"\s*(?:(?:un|une|le|la|l'|moi|je suis)\s*)*", before):
            return True
    return False


@lru_cache(maxsize=1)
def _level_patterns() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(r"(?<![\w+])" + entry.pattern + r"(?![\w+])"), entry.value)
            for entry in lexicons.value_entries("niveau")]


def _speciality_span(text: str, m: re.Match) -> tuple[int, int]:
    """The diploma plus up to 4 following words naming its speciality."""
    end = m.end()
    for count, token in enumerate(TOKEN.finditer(text[m.end():])):
        if count >= 4 or token.group(0) in SPECIALITY_STOPS or token.group(0).startswith("j'"):
            break
        end = m.end() + token.end()
    return m.start(), end


def read_niveau(msg: Message, out) -> None:
    text = msg.text
    found = [(m, level) for pattern, level in _level_patterns() for m in pattern.finditer(text)]
    kept = longest_first(found, span=lambda f: (f[0].start(), f[0].end()))
    obtained: list[str] = []
    masks: list[tuple[int, int]] = []
    for m, level in kept:
        before = " ".join(clause_before(text, m.start(), 3))
        after = text[m.end():]
        if msg.requested == "domaine" and level not in LEVEL_NEEDS_NO_CHECK:
            continue  # "un CAP cuisine" answering the domain question is a wish
        if level in LEVEL_NEEDS_NO_CHECK:
            obtained.append(level)
            masks.append(_speciality_span(text, m))
            continue
        if LEVEL_IN_PROGRESS.search(before):
            if msg.requested == "niveau":
                # only a lower bound ("en licence" after a BTS is bac+2): an answer, not a fact said in passing
                obtained.append(LEVEL_REQUIRED_FOR[level])
            masks.append(_speciality_span(text, m))
            continue
        if level in LEVELS_MISSED_MEAN_NONE and (
                LEVEL_MISSED_BEFORE.search(text[:m.start()].rsplit(";", 1)[-1])
                or LEVEL_FAILED_AFTER.search(after.split(";")[0])):
            obtained.append("sans_diplome")  # "avant le bac", "raté le bac", "sans le bac"
            continue
        if LEVEL_WISHED.search(before) or LEVEL_FAILED_AFTER.search(after.split(";")[0]):
            continue  # wished, failed or negated: its speciality stays a possible wish
        obtained.append(level)
        masks.append(_speciality_span(text, m))
    msg.domain_text = mask(text, masks)
    if not obtained and msg.requested == "niveau":
        if NOTHING_ANSWER.search(msg.core) or re.search(r"\b(?:j'ai |je n'ai |n'ai )?rien\b", msg.core):
            obtained.append("sans_diplome")
    if obtained:
        out.values["niveau"] = max(obtained, key=LEVEL_RANK.__getitem__)
