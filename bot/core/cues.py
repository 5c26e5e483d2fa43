"""Cues in the words of a message that complete what the NLU's intent says.

The intent classifier is right most of the time; these few cues decide where its
mistakes cost most (a recap code nobody asked for, a knowledge answer to a search)
and what a message says about the courses already shown ("la 1 et la 3").
"""
from __future__ import annotations

import re

from bot.core.text import any_word, fold

_QUESTION_START = re.compile(
    r"^(c ?est quoi|qu ?est ce|quest ce|comment|pourquoi|combien|quand|ou est|quel(le)?s?(?! formations?)|est ce|"
    r"y a t il|ya t il|peut on|puis je|je peux|on peut|ca coute|c est (gratuit|paye|combien))\b")
_RECAP = any_word("code", "recap", "recapitulatif", "resume de mes reponses")
_PERSON = r"(conseill\w*|humain|une personne|quelqu ?un|un vrai|une vraie|un agent)"
_ASK_PERSON = re.compile(
    r"\b(parler|discuter|echanger|entretenir|contacter|joindre|appeler|rencontrer|voir|rendez vous|rdv|"
    r"besoin d|veux|voudrais|souhaite\w*|aimerais|mettre en (lien|relation))\b.{0,40}" + _PERSON
    + r"|^(un |une )?" + _PERSON + r"( svp| stp| s il vous plait| please)?$")
# The person talks about an adviser they already have: not a request for one.
_OWN_ADVISER = any_word("m ?envoie", r"m ?a envoye\w*", "m ?a (dit|conseille)", "suivie? par",
                        "accompagnee? par", "ma conseillere", "mon conseiller")
_ERASE = re.compile(
    r"\b((?:supprim|suprim)\w*|effac\w*|oubli\w*|detrui\w*|retir\w*|delete|vider|rgpd)\b.{0,40}"
    r"\b(donnees?|infos?|informations?|conversation|historique|reponses?|tout|compte|traces?|profil|moi)\b"
    r"|\b((?:supprim|suprim)\w*|effac\w*)\b|\brgpd\b|droit a l ?oubli")
_MORE = re.compile(r"\b((d ?)?(au|o)t+r+e+s?|encore|la suite|suivantes?|rien d ?autre|le reste|"
                   r"plus de (choix|formations?|propositions?|options?|resultats?|possibilites?)|"
                   r"autres? (formations?|propositions?|choix|options?|possibilites?|resultats?|pistes?)|"
                   # "y en a plus ?", "vous en avez pas d'autres", "montrez m'en plus", "il y a que ça ?"
                   r"(y en a|il y en a|vous en avez|t en as|en avez vous|en as tu)( pas)? (plus|encore)|"
                   r"(montre|montrez|propose|proposez|donne|donnez|envoie|envoyez)( moi| m en| m)? plus|"
                   r"(il y a|y a|y a t il) (que|seulement) (ca|celles? la|celles? ci|ces formations))\b")
_NOT_MORE = any_word("autre (domaine|chose|metier|secteur|ville)", "d ?autres? (domaines?|metiers?)")
_DETAILS = re.compile(
    r"\b(details?|en savoir plus|plus d ?info\w*|infos? sur|parle[sz]? moi de|dis m ?en plus|"
    r"montre[sz]? moi la|explique[sz]? (moi )?la|c est quoi la)\b")
_COMPARE = any_word(r"compar\w*", r"difference\w*", "laquelle", "la meilleure", "mieux entre")


def _folded(text: str) -> str:
    return re.sub(r"[^a-z0-9+ ]+", " ", fold(text)).strip()


_CORRECTION = re.compile(
    r"\b(en fait|enfait|finalement|finalemen|plutot|pardon|je me suis trompee?|erreur|au lieu|je corrige|"
    r"correction|non c est|en vrai|enfaite|maintenant|desormais|a la place|changer?)\b|^(non|nan)\b")


def corrects(text: str) -> bool:
    """Says it corrects an earlier answer ("en fait j'ai 24 ans", "non, plutôt Créteil")."""
    return bool(_CORRECTION.search(_folded(text)))


_SEARCH_QUESTION = re.compile(
    r"\b(quel\w* formations?|quoi comme formations?|vous avez quoi|qu ?avez vous|vous proposez quoi|"
    r"que (me )?propose\w*|pourriez vous me proposer|pouvez vous me proposer|quelle formation pour moi|"
    r"qu ?est ce que vous avez|y a quoi|il y a quoi|ya quoi)\b")


def is_question(text: str) -> bool:
    """Written as a question about something to know ("c'est quoi le CPF ?"); "quelles formations
    pour moi ?" asks for the search itself, not for a knowledge answer."""
    words = _folded(text)
    if _QUESTION_START.search(words):
        return True
    return "?" in text and not _SEARCH_QUESTION.search(words)


def asks_for_recap(text: str) -> bool:
    """An explicit request for the adviser's code (the button sends /request_recap)."""
    return text.startswith("/request_recap") or bool(_RECAP.search(_folded(text)))


def asks_for_erasure(text: str) -> bool:
    """Asks in words (or by button) to erase what was said: erasure is never a guess."""
    if text.startswith("/"):
        return text.startswith("/delete_data")
    return bool(_ERASE.search(_folded(text)))


def asks_for_person(text: str) -> bool:
    """Asks to talk to a human, in words ("je souhaiterais m'entretenir avec un conseiller")."""
    if text.startswith("/"):
        return text.startswith("/human_handoff")
    words = _folded(text)
    return bool(_ASK_PERSON.search(words)) and not _OWN_ADVISER.search(words)


def wants_more(text: str) -> bool:
    words = _folded(text)
    return bool(_MORE.search(words)) and not _NOT_MORE.search(words)


def wants_details(text: str) -> bool:
    return bool(_DETAILS.search(_folded(text)))


def wants_compare(text: str) -> bool:
    return bool(_COMPARE.search(_folded(text)))
