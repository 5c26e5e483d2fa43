"""What the person wants to learn or do: domaine.

Two sources, one reading: the job-title index (`bot.core.profile.jobs`: ROME titles and the plain
phrases of data/lexicons/domaine.csv, stemmed) and the regular expressions of that file.
Overlapping mentions keep the longest; on the same span the lexicon wins over the ROME.

domaine is the domain the person *wants*. Mentions after a wish marker ("apprendre",
"devenir", "me reconvertir", "formation", "je veux", "et en ...", "plutôt") win over the
current job ("je travaille dans la logistique"); a current-job-only mention counts only when
the bot asked for the domain. "informatique" alone -> support_informatique (the entry-level IT
trade); "bureautique", Word, Excel -> gestion_administration. Learning French as a foreign
language -> langues; basic reading, writing and maths -> competences_de_base.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.core import lexicons
from bot.core.profile import jobs
from bot.core.profile.prepare import Message, any_match, compile_fragments, is_negated, mask
from bot.core.vocab import COURSE_DOMAINS, UNDECIDED_DOMAIN

WISH_MARKERS = re.compile(
    r"\b(?:reconvertir|reconversion|apprendre|devenir|formation|formations|former|travailler|pour|"
    r"motive|motivee|plutot|prefere|preferer|finalement|"
    r"bosser|faire|interesse|interessee|interesse par|passion|passionne|passionnee|aime|aimerais|"
    r"voudrais|veux|veut|souhaite|souhaiterais|envie|attire|plait|vers|domaine|metier|metiers|"
    r"cherche|recherche|orienter|projet|objectif|specialiser|evoluer|tenter|essayer)\b"
    r"|^ ?et (?:en|dans|pour|la|le|les|l')\b"
)
CURRENT_MARKERS = re.compile(
    r"\b(?:je travaille|je bosse|je taffe|je charbonne|j'occupe|je suis employee?|je suis en poste|"
    r"j'ai travaille|j'ai bosse|je travaillais|je bossais|"
    r"j'etais|je suis|actuellement|ancien|ancienne|experience|mon (?:travail|"
    r"boulot|job|poste|metier|cdd|cdi|taf)|j'ai fait|j'ai ete|"
    # "j'ai un petit job de livreur": the job held, said with an indefinite article
    r"(?:j'ai|j'avais|je fais|je fait) (?:un|une|des) (?:petit |petite |petits |petites )?"
    r"(?:job|jobs|boulot|boulots|travail|emploi|taf|taff|poste|cdd|cdi|contrat|mission|missions|extras?))\b"
)
DOMAIN_NEGATORS = {"pas", "jamais", "sauf", "ni", "plus", "marre", "quitter", "deteste", "eviter"}
_LEXICON, _ROME = 0, 1


@lru_cache(maxsize=1)
def _regexes() -> tuple[list[tuple[str, re.Pattern]], list[re.Pattern], list[re.Pattern]]:
    """(domain regexes not in the index, undecided phrases, undecided when asked)."""
    by_domain, undecided, asked = [], [], []
    for entry in lexicons.value_entries("domaine"):
        pattern = compile_fragments([entry.pattern])[0]
        if entry.value == UNDECIDED_DOMAIN:
            (asked if entry.condition == "question" else undecided).append(pattern)
        elif not entry.plain and entry.condition == "":
            by_domain.append((entry.value, pattern))  # includes "aucun" (blocking phrases)
    return by_domain, undecided, asked


def _mentions(text: str) -> list[tuple[int, int, str]]:
    by_domain, _, _ = _regexes()
    found = [(m.start(), m.end(), domain, _LEXICON)
             for domain, pattern in by_domain for m in pattern.finditer(text)]
    found += [(hit.start, hit.end, hit.domain, _LEXICON if hit.source == "lexique" else _ROME)
              for hit in jobs.title_index().find(text)]
    found.sort(key=lambda f: (f[0] - f[1], f[3], f[0]))
    kept: list[tuple[int, int, str, int]] = []
    for item in found:
        if all(item[1] <= k[0] or item[0] >= k[1] for k in kept):
            kept.append(item)
    return sorted((start, end, domain) for start, end, domain, _ in kept if domain in COURSE_DOMAINS)


# A trade named by its tool outranks what the tool makes or carries: "faire des photos avec un
# drone", "livrer par drone" are drone piloting.
SPECIFIC_OVER = {"drones": {"design_graphique", "logistique", "commerce_vente"}}


def _specific_first(domains: list[str], named: list[str]) -> list[str]:
    """`domains` with a specific trade named anywhere in the message (`named`) first."""
    for specific, general in SPECIFIC_OVER.items():
        if specific in named and any(d in general for d in domains):
            return [specific] + [d for d in domains if d != specific]
    return domains


def read_domaine(msg: Message, out) -> None:
    text = msg.domain_text
    kept = _mentions(text)
    msg.equipment_text = mask(msg.text, [(start, end) for start, end, _ in kept])
    wished, neutral, current = [], [], []
    for start, end, domain in kept:
        if is_negated(text, start, DOMAIN_NEGATORS, 4):
            continue
        # the clause up to the mention's end: a lexicon phrase may hold its own verb
        # ("travaille dans une crèche")
        clause = text[text.rfind(";", 0, start) + 1:end]
        wish = [w.start() for w in WISH_MARKERS.finditer(clause)]
        now = [c.start() for c in CURRENT_MARKERS.finditer(clause)]
        if wish and (not now or max(wish) > max(now)):
            wished.append(domain)
        elif now:
            current.append(domain)
        else:
            neutral.append(domain)
    chosen = _specific_first(wished or neutral or (current if msg.requested == "domaine" else []), wished + neutral)
    _, undecided, asked = _regexes()
    if chosen:
        out.values["domaine"] = chosen[0]
    elif any_match(undecided, text) or (msg.requested == "domaine"
                                        and (msg.dont_know or any_match(asked, msg.core))):
        out.values["domaine"] = UNDECIDED_DOMAIN


assert UNDECIDED_DOMAIN not in COURSE_DOMAINS
