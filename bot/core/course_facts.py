"""One fact of one course, in French: the answer to "is it accessible?", "what does it cost?"…
about a course shown (topics: bot.core.refine.COURSE_TOPICS), from that course's own data."""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from bot.core.french import french_date, french_number
from bot.core.labels import IN_DEPARTMENT, LEVEL_WITH_ARTICLE
from bot.core.replies import MAX_WORDS, equipment_text
from bot.core.vocab import LEVEL_RANK


def _subject(course: Mapping[str, Any], rank: Optional[int], titled: bool = True) -> str:
    """ "La formation 2, « Titre »," or "La formation « Titre »" (then a verb); without the
    title "La formation 2" or "Cette formation"."""
    title = (course.get("titre") or "") if titled else ""
    if rank:
        return f"La formation {rank}, « {title} »," if title else f"La formation {rank}"
    return f"La formation « {title} »" if title else "Cette formation"


def _for(subject: str) -> str:
    """ "Pour la formation 2, « Titre »," / "Pour cette formation," """
    return "Pour " + subject[0].lower() + subject[1:] + ("" if subject.endswith(",") else ",")



def _too_long(text: str) -> bool:
    return any(len(sentence.split()) > MAX_WORDS
               for line in text.splitlines() for sentence in re.split(r"(?<=[.!?…])\s+", line))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _ask_the_organisation(course: Mapping[str, Any]) -> str:
    if course.get("contact"):
        return f"l'organisme peut vous répondre : {course['contact']}."
    if course.get("url"):
        return f"l'organisme peut vous répondre, voyez sa fiche : {course['url']}"
    return "un conseiller peut vous aider à le savoir."


def unknown_fact_text(course: Mapping[str, Any]) -> str:
    return "Je n'ai pas cette information, " + _ask_the_organisation(course)


def course_fact_text(course: Mapping[str, Any], topic: str, rank: Optional[int] = None) -> str:
    """A short French answer to a question about one course, from that course's own data
    (best: the dict of MatchingEngine.course(), which has contact, cost and dates).
    topic: one of bot.core.refine.COURSE_TOPICS; rank: its position in the list shown, if any.
    The course is named with its title, or only by its rank when a sentence would pass 20
    words. When the data does not say, an honest "Je n'ai pas cette information…" with the
    contact."""
    text = _fact(course, topic, _subject(course, rank))
    if _too_long(text):
        text = _fact(course, topic, _subject(course, rank, titled=False))
    return text


def _fact(course: Mapping[str, Any], topic: str, subject: str) -> str:
    for_ = _for(subject)
    if topic == "handicap":
        if course.get("accessible_handicap") is True:
            return (f"{subject} est accessible aux personnes en situation de handicap. "
                    "Dites-le à l'organisme à l'inscription pour adapter le rythme.")
        if course.get("accessible_handicap") is False:
            contact = course.get("contact") or course.get("url")
            ask = f"Demandez à l'organisme : {contact}." if contact else "Demandez à l'organisme."
            return (f"{subject} ne précise pas d'adaptation pour le handicap. {ask} "
                    "Cap emploi peut aussi vous conseiller.")
    elif topic == "materiel":
        equipment = equipment_text(course)
        if equipment:
            return f"{for_} {equipment}."
    elif topic == "cout":
        if course.get("cout_stagiaire"):
            cost = _lower_first(course['cout_stagiaire'].rstrip('.')).replace(' : ', ', ')
            return f"{for_} le coût pour vous : {cost}."
        if "cout_stagiaire" in course:
            return f"{subject} est gratuite pour vous : la Région la finance."
    elif topic == "remuneration":
        if course.get("remuneree") is True:
            return (f"{for_} vous pouvez être payé pendant la formation, sous conditions. "
                    "L'organisme vous dira lesquelles.")
        if course.get("remuneree") is False:
            return (f"{subject} n'est pas payée. "
                    "Vos droits France Travail continuent si vous en avez.")
    elif topic == "dates":
        if course.get("entrees_permanentes"):
            return f"{subject} accepte des entrées à tout moment. Vous pouvez commencer dès votre inscription."
        if course.get("debut"):
            text = f"{subject} commence le {french_date(course['debut'])}"
            if course.get("fin"):
                text += f" et finit le {french_date(course['fin'])}"
            return text + "."
        if course.get("session_ouverte") is False:
            return (f"{subject} n'a pas de session ouverte pour le moment. "
                    f"Pour la prochaine, {_ask_the_organisation(course)}")
    elif topic == "duree":
        total, weekly = course.get("heures_total"), course.get("heures_semaine")
        if total and weekly:
            text = (f"{subject} dure {french_number(total)} h en tout, "
                    f"à raison de {french_number(weekly)} h par semaine.")
            weeks = round(float(total) / float(weekly))
            if weeks >= 2:
                text += f" Cela fait environ {weeks} semaines."
        elif total:
            text = f"{subject} dure {french_number(total)} h en tout."
        elif weekly:
            text = f"{subject} demande {french_number(weekly)} h par semaine."
        else:
            text = None
        if text:
            slot = {"journee": "Les cours ont lieu en journée.",
                    "soir_weekend": "Les cours ont lieu le soir ou le week-end.",
                    "indifferent": "Vous choisissez vos horaires."}.get(course.get("creneau"))
            return f"{text} {slot}" if slot else text
    elif topic == "inscription":
        parts = []
        if course.get("modalites_inscription"):
            how = _lower_first(course["modalites_inscription"].rstrip("."))
            parts.append(f"{for_} l'inscription se fait ainsi : {how}.")
        if course.get("contact"):
            parts.append(f"Contact : {course['contact'].rstrip('.')}.")
        if course.get("url"):
            parts.append(f"Lien : {course['url']}")
        if parts:
            return " ".join(parts)
    elif topic == "certification":
        if course.get("certifiante") is True:
            return f"{subject} mène à un diplôme reconnu par l'État."
        if course.get("certifiante") is False:
            return (f"{subject} ne mène pas à un diplôme reconnu. "
                    "Vous recevez une attestation à la fin.")
    elif topic == "modalite":
        mode = course.get("modalite")
        if mode == "distance":
            return f"{subject} se suit 100 % à distance, depuis chez vous."
        if mode == "hybride":
            where = IN_DEPARTMENT.get(course.get("departement_lieu") or "", "")
            text = f"{subject} se suit surtout à distance, avec quelques séances sur place {where}".rstrip() + "."
            town = (course.get("organisme_details") or {}).get("ville")
            return text + (f" L'organisme est à {town}." if town else "")
        if mode == "presentiel":
            return f"{subject} se suit sur place."
    elif topic == "niveau":
        level = course.get("niveau_entree")
        advised = course.get("niveau_conseille")
        if level == "sans_diplome":
            text = f"{subject} est accessible sans diplôme."
            if advised in LEVEL_WITH_ARTICLE and LEVEL_RANK.get(advised, 0) > 0:
                text += f" Le niveau conseillé est {LEVEL_WITH_ARTICLE[advised]}."
            return text
        if level in LEVEL_WITH_ARTICLE:
            return f"{subject} demande au moins {LEVEL_WITH_ARTICLE[level]}."
    elif topic == "age":
        low, high = course.get("age_min"), course.get("age_max")
        if low is not None and high is not None:
            return f"{subject} est ouverte de {low} à {high} ans."
        if low is not None:
            return f"{subject} est ouverte à partir de {low} ans."
        if high is not None:
            return f"{subject} est ouverte jusqu'à {high} ans."
        if "age_min" in course:
            return f"{subject} n'a pas de limite d'âge."
    elif topic == "contenu":
        parts = [f"Objectif : {course['objectif']}" if course.get("objectif") else "",
                 f"Contenu : {course['contenu']}" if course.get("contenu") else ""]
        parts = [p if p.endswith(".") else p + "." for p in parts if p]
        if parts:
            return " ".join(parts)
    return unknown_fact_text(course)
