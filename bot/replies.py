"""French texts built from courses (CONTRACT.md §2 dicts): lists, details, comparisons.

Short sentences, "vous", everyday words: many readers read with difficulty.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from bot.dialogue import Button
from bot.french import french_date, french_number
from bot.handoff import RECAP_BUTTON
from bot.vocab import DOMAIN_LABELS

_MODE_LABELS = {
    "distance": "100 % à distance",
    "hybride": "à distance avec un peu de présence sur place",
    "presentiel": "sur place",
}
_SLOT_LABELS = {"journee": "en journée", "soir_weekend": "le soir ou le week-end", "indifferent": "aux horaires de votre choix"}


def start_text(course: Mapping[str, Any]) -> str:
    if course.get("entrees_permanentes"):
        return "Entrée possible à tout moment"
    start = french_date(course.get("debut"))
    return f"Début le {start}" if start else "Date de début à confirmer"


def course_line(rank: int, course: Mapping[str, Any]) -> str:
    """One course in a list: title, organisation, mode, rhythm, start, why."""
    rhythm = []
    if course.get("heures_semaine"):
        rhythm.append(f"{french_number(course['heures_semaine'])} h par semaine")
    if course.get("creneau") in _SLOT_LABELS:
        rhythm.append(_SLOT_LABELS[course["creneau"]])
    lines = [
        f"{rank}. {course.get('titre', '')} ({course.get('organisme', '')})",
        f"{_MODE_LABELS.get(course.get('modalite'), '')}, {', '.join(rhythm)}. {start_text(course)}.".replace(", .", "."),
    ]
    reasons = course.get("raisons") or []
    if reasons:
        lines.append("Pourquoi : " + " ; ".join(reasons[:3]) + ".")
    return "\n".join(line for line in lines if line.strip(" .,"))


def recommendations_text(courses: Sequence[Mapping[str, Any]], relaxation_sentence: str | None, first_rank: int = 1) -> str:
    intro = "Voici des formations pour vous." if first_rank == 1 else "Voici d'autres formations."
    parts = [relaxation_sentence, intro] if relaxation_sentence else [intro]
    parts += [course_line(first_rank + i, c) for i, c in enumerate(courses)]
    return "\n\n".join(parts)


def no_result_text() -> str:
    return ("Je n'ai trouvé aucune formation qui vous convient pour le moment. "
            "Un conseiller peut chercher avec vous d'autres solutions.")


def result_buttons(courses: Sequence[Mapping[str, Any]], first_rank: int = 1, more: bool = True) -> list[Button]:
    buttons = [Button(f"Détails de la {first_rank + i}", f'/course_details{{"course_id":"{c["id"]}"}}')
               for i, c in enumerate(courses)]
    if len(courses) >= 2:
        buttons.append(Button("Comparer", "/compare_courses"))
    if more:
        buttons.append(Button("Voir d'autres", "/show_more"))
    buttons.append(Button("Aucune ne me va", "/none_fit"))
    buttons.append(Button("Parler à un conseiller", "/human_handoff"))
    buttons.append(RECAP_BUTTON)
    return buttons


def course_details_text(course: Mapping[str, Any]) -> str:
    """Everything a person needs to decide and register, in short lines."""
    lines = [f"{course.get('titre', '')}", f"Organisme : {course.get('organisme', '')}."]
    if course.get("objectif"):
        lines.append(f"Objectif : {course['objectif']}")
    if course.get("contenu"):
        lines.append(f"Contenu : {course['contenu']}")
    rhythm = [_MODE_LABELS.get(course.get("modalite"), "")]
    if course.get("heures_semaine"):
        rhythm.append(f"{french_number(course['heures_semaine'])} h par semaine")
    if course.get("heures_total"):
        rhythm.append(f"{french_number(course['heures_total'])} h en tout")
    if course.get("creneau") in _SLOT_LABELS:
        rhythm.append(_SLOT_LABELS[course["creneau"]])
    lines.append("Rythme : " + ", ".join(r for r in rhythm if r) + ".")
    dates = start_text(course)
    if course.get("fin") and not course.get("entrees_permanentes"):
        dates += f", fin le {french_date(course['fin'])}"
    lines.append(dates + ".")
    lines.append("Diplôme reconnu à la fin." if course.get("certifiante") else "Pas de diplôme à la fin, mais une attestation.")
    lines.append("Coût pour vous : " + (course.get("cout_stagiaire") or "gratuit, la Région finance la formation."))
    if course.get("remuneree") is True:
        lines.append("Vous pouvez être payé pendant la formation, sous conditions.")
    elif course.get("remuneree") is False:
        lines.append("La formation n'est pas payée. Vos droits France Travail continuent si vous en avez.")
    if course.get("modalites_inscription"):
        lines.append(f"Pour s'inscrire : {course['modalites_inscription']}")
    if course.get("contact"):
        lines.append(f"Contact : {course['contact']}")
    if course.get("url"):
        lines.append(f"Lien : {course['url']}")
    return "\n".join(lines)


def comparison_text(first: Mapping[str, Any], second: Mapping[str, Any]) -> str:
    def describe(course: Mapping[str, Any]) -> str:
        facts = [_MODE_LABELS.get(course.get("modalite"), "")]
        if course.get("heures_semaine"):
            facts.append(f"{french_number(course['heures_semaine'])} h par semaine")
        if course.get("heures_total"):
            facts.append(f"{french_number(course['heures_total'])} h en tout")
        facts.append(start_text(course).lower())
        facts.append("diplôme reconnu" if course.get("certifiante") else "sans diplôme à la fin")
        domain = DOMAIN_LABELS.get(course.get("domaine"), "")
        return f"{course.get('titre', '')} ({domain}) : " + ", ".join(f for f in facts if f) + "."
    return "\n\n".join(["Voici la comparaison.", describe(first), describe(second)])
