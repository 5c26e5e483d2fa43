"""Reading what a person says about the results shown: changes ("plus court", "le soir")
and which courses they mean ("la 2", "les deux premières")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import fold, words_to_numbers

_PATTERNS = {
    "shorter": r"\b(plus courte?s?|moins long(ue)?s?|moins d'heures|moins d heures|moins de temps|plus rapide)\b",
    "sooner": r"\b(plus tot|commence (plus )?vite|tout de suite|maintenant|rapidement|bientot|le plus vite)\b",
    "certifying_only": r"\b(certifiante?s?|diplome|diplomante?s?|reconnue?s?|certification|rncp)\b",
    "evening_only": r"\b(le soir|soirs?|week ?end|apres le travail)\b",
    "hybrid_ok": r"\b(hybride|presentiel|sur place|mixte)\b",
    "other_domain": r"\b(autre domaine|autre chose|autre metier|un autre secteur|changer de domaine)\b",
}


@dataclass(frozen=True)
class RefinementRequest:
    shorter: bool = False
    sooner: bool = False
    certifying_only: bool = False
    evening_only: bool = False
    hybrid_ok: bool = False
    other_domain: bool = False

    def is_empty(self) -> bool:
        return not any(vars(self).values())


def parse_refinement(text: str) -> RefinementRequest:
    """Which refinements a message asks for; an empty request when none is recognised."""
    folded = fold(text)
    return RefinementRequest(**{name: bool(re.search(pattern, folded)) for name, pattern in _PATTERNS.items()})


# Ordinal words (folded), by stem: "deuxieme", "deuxiemes", "seconde".
_ORDINAL_WORDS = {
    "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "troisieme": 3,
    "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9,
    "dixieme": 10,
}
_ORDINAL_DIGITS = re.compile(r"^(\d{1,2})(?:er|ere|re|e|eme|em|nd|nde|nde?s|eres?|es)$")
_LAST_WORDS = ("dernier", "derniere")
# A number followed by one of these is a quantity (hours, age, money...), never a rank.
_QUANTITY_WORDS = frozenset({
    "h", "heure", "heures", "hr", "hrs", "min", "mn", "minute", "minutes", "an", "ans", "annee",
    "annees", "mois", "semaine", "semaines", "sem", "jour", "jours", "j", "euro", "euros", "e",
    "eur", "km", "enfant", "enfants", "fois", "autre", "autres", "formation", "formations",
    "personne", "personnes", "pour", "janvier", "fevrier", "mars", "avril", "mai", "juin",
    "juillet", "aout", "septembre", "octobre", "novembre", "decembre", "h/semaine", "000",
})
_ARTICLE_ONE = {"la", "le", "l'"}


def _plural_ordinal(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def ranks_mentioned(text: str, count: int) -> list[int]:
    """1-based positions, among the `count` courses shown so far, that a message points at,
    in the order written and without repeats. Positions beyond `count` are dropped.

    Digits ("la 1 et la 3", "la n°2"), ordinals in words or digits ("la deuxième", "la
    seconde", "la 2e", "1ère"), "la dernière" (= count), "l'avant-dernière", "les deux
    premières" (= [1, 2]), "les 2 dernières". A number followed by a unit or a noun ("12 h",
    "25 ans", "2 autres") is a quantity, not a rank.

    >>> ranks_mentioned("compare la 1 et la 3", 3)
    [1, 3]
    >>> ranks_mentioned("détails de la deuxième", 3)
    [2]
    >>> ranks_mentioned("la dernière, celle de 12 h", 6)
    [6]
    >>> ranks_mentioned("les deux premières", 3)
    [1, 2]
    """
    tokens = re.findall(r"[a-z0-9']+", words_to_numbers(fold(text)))
    tokens = [t[2:] if t.startswith(("l'", "d'")) and len(t) > 2 else t for t in tokens]
    found: list[int] = []
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i > 0 else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        word = _plural_ordinal(token)
        if word == "seconde" and before in ("une", "1"):
            continue  # "attendez une seconde"
        if word in _ORDINAL_WORDS or _ORDINAL_DIGITS.match(token) or word in _LAST_WORDS:
            if word in _ORDINAL_WORDS:
                n = _ORDINAL_WORDS[word]
            elif word in _LAST_WORDS:
                n = count - 1 if before == "avant" else count
            else:
                n = int(_ORDINAL_DIGITS.match(token).group(1))
            group = int(before) if before.isdigit() and token.endswith("s") else None
            if group and group > 1 and word in _LAST_WORDS:
                found += list(range(count - group + 1, count + 1))
            elif group and group > 1 and n == 1:
                found += list(range(1, group + 1))
            else:
                found.append(n)
            continue
        if token.isdigit() and len(token) <= 2:
            plural_rank = after.endswith("s") and (_plural_ordinal(after) in _ORDINAL_WORDS
                                                   or _plural_ordinal(after) in _LAST_WORDS)
            if after in _QUANTITY_WORDS or plural_rank or before in ("les", "des", "de", "a", "sur"):
                continue
            found.append(int(token))
        elif token in ("un", "une") and before in _ARTICLE_ONE:
            found.append(1)
    return [n for n in dict.fromkeys(found) if 1 <= n <= count]


# Questions about one course shown, by topic, most specific first (folded text).
_TOPIC_PATTERNS = (
    ("handicap", r"handicap|\brqth\b|\bmdph\b|\bagefiph\b|cap emploi|fauteuil|mobilite reduite|"
                 r"\bpmr\b|malvoyant|mal voyant|malentendant|\bsourde?s?\b|aveugle|\bdys|"
                 r"amenagement|adaptations?\b|accessibilite|accessible (aux|pour les|en) "
                 r"(personnes|fauteuil|handi)|adaptee?s? (aux|pour les|a mon|a ma|au) "
                 r"(personnes|handi|situation|maladie|trouble)|\btroubles?\b"),
    ("materiel", r"\bordis?\b|ordinateur|\bpc\b|portable|tablette|materiel|equipement|"
                 r"\bpret(e|es|er|ent)?\b|\bpreter\b|telephone|smartphone|\bandroid\b|"
                 r"iphone|\btel\b|internet|connexion|\bwifi\b|webcam|logiciel"),
    ("remuneration", r"remunere|remuneration|\bpaye(e|s|es)? pendant|\betre paye|serai(s|t)? paye|"
                     r"\bsuis paye|\bon est paye|\bpayee?s?\b|salaire|indemni|allocation|\baref\b|"
                     r"gagner (de l'argent|ma vie|des sous)|toucher (quelque chose|de l'argent|des sous)"),
    ("cout", r"\bcout|\bcoute|\bprix\b|tarif|gratuite?s?\b|payant|\bpayer\b|\bfrais\b|"
             r"\bfinance|\bfinancement|\bcpf\b|reste a charge|combien (ca|ça|c'est|elle) (coute|fait)|"
             r"de ma poche|\bargent\b"),
    ("niveau", r"\bniveau|prerequis|pre requis|sans (le )?(bac|diplome|brevet)|"
               r"(faut|faudrait|besoin d')(il )?(avoir )?(un|le) (bac|diplome|cap)|"
               r"(il faut|faut il) (avoir )?(un|le) (bac|diplome|cap)"),
    ("age", r"\bage\b|\bquel age|limite d'age|trop (vieux|vieille|jeune)|\bans maximum|\bmoins de \d+ ans"),
    ("certification", r"diplom|certifi|reconnue?s?\b|\brncp\b|titre pro|attestation|qualifi|"
                      r"\bcertificat"),
    ("dates", r"\bquand\b|\bdates?\b|commence|commencer|\bdebut|\bdebute|demarr|rentree|"
              r"\bsessions?\b|\bfinit\b|se termine|\bfin\b|\bprochaine\b|\bentrer quand"),
    ("duree", r"\bduree|\bdure\b|\bdurer\b|combien de temps|combien d'heures|combien de (mois|semaines)|"
              r"\bheures\b|\brythme|\bc'est long|\bla longueur|par semaine|par jour|\bhoraires?\b"),
    ("inscription", r"inscri|postuler|candidat|\bdossier\b|entretien|s'engager|\bcontacter\b|"
                    r"\bjoindre\b|\bappeler\b|comment (faire pour )?(y )?(entrer|rentrer|acceder)|"
                    r"\bcontact\b|\bmail\b|\bemail\b"),
    ("modalite", r"a distance|en ligne|\bdistanciel|presentiel|sur place|\bhybride|visio|"
                 r"chez moi|de chez|se deplacer|\bdeplacer|\blieu\b|\badresse\b|\bou (ca|c'est|se|est|sont|a lieu)\b|"
                 r"\bc'est ou\b|\bou ca\b|\bcours ou\b|\bpasse ou\b|\bou$"),
    ("contenu", r"programme|contenu|\bapprend|qu'est ce qu'on (fait|apprend)|\bobjectif|\bmatieres?\b"),
)
_TOPIC_REGEXES = tuple((topic, re.compile(pattern)) for topic, pattern in _TOPIC_PATTERNS)
COURSE_TOPICS = tuple(topic for topic, _ in _TOPIC_PATTERNS)


def course_question_topic(text: str) -> str | None:
    """What a question about one shown course asks, or None when it asks none of these:
    handicap (access, adaptations, RQTH), materiel (computer, loan, phone), remuneration
    (paid during the course), cout (price, free, paying), niveau (entry level), age,
    certification (diploma), dates (start, end, sessions), duree (how long, hours),
    inscription (how to register, contact), modalite (remote, on site, where), contenu.
    The first topic in this order wins.

    >>> course_question_topic("c'est adapté aux personnes handicapées, la première ?")
    'handicap'
    >>> course_question_topic("est-ce qu'ils prêtent un ordi ?")
    'materiel'
    >>> course_question_topic("je serai payé pendant la formation ?")
    'remuneration'
    >>> course_question_topic("ça commence quand la 2 ?")
    'dates'
    """
    folded = fold(text)
    for topic, regex in _TOPIC_REGEXES:
        if regex.search(folded):
            return topic
    return None
