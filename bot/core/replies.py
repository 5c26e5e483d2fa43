"""French texts built from courses (CONTRACT.md §2 dicts): lists, details, comparisons.

Short sentences, "vous", everyday words: many readers read with difficulty.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from bot.core.french import french_date, french_number
from bot.core.handoff import RECAP_BUTTON
from bot.core.labels import (
    CERTIFICATION_SHORT, CERTIFICATION_WANTED, COURSE_MODE_IN_SENTENCE, CRENEAU_IN_SENTENCE, CRENEAU_INSTEAD,
    CRENEAU_SHORT, CRENEAU_WANTED, DOMAIN_LABELS, IN_DEPARTMENT, MODE_ANSWERS, MODE_SHORT, MODE_WANTED,
)
from bot.core.questions import Button
from bot.core.vocab import DEPARTMENT_NAMES, MAX_MESSAGE_CHARS, OUTSIDE_REGION, UNDECIDED_DOMAIN

# No sentence of a course text is longer (bot.core.course_facts names the course by its rank instead).
MAX_WORDS = 20


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def start_text(course: Mapping[str, Any]) -> str:
    """When the person can start: continuous entry, a date, or no open session at all
    (``session_ouverte`` False from MatchingEngine.course())."""
    if course.get("entrees_permanentes"):
        return "Entrée possible à tout moment"
    if course.get("debut"):
        return f"Début le {french_date(course['debut'])}"
    if course.get("session_ouverte") is False:
        return "Pas de session ouverte pour le moment"
    return "Date de début à confirmer"


LOAN_TEXT = "Ordinateur prêté par l'organisme"


def course_line(rank: int, course: Mapping[str, Any]) -> str:
    """One course in a list: title, organisation, mode, rhythm, start, loan, why."""
    rhythm = []
    if course.get("heures_semaine"):
        rhythm.append(f"{french_number(course['heures_semaine'])} h par semaine")
    if course.get("creneau") in CRENEAU_IN_SENTENCE:
        rhythm.append(CRENEAU_IN_SENTENCE[course["creneau"]])
    facts = f"{COURSE_MODE_IN_SENTENCE.get(course.get('modalite'), '')}, {', '.join(rhythm)}. {start_text(course)}.".replace(", .", ".")
    reasons = list(course.get("raisons") or [])[:3]
    if course.get("pret_materiel") and not any(r.startswith("Ordinateur prêté") for r in reasons):
        facts += f" {LOAN_TEXT}."
    lines = [f"{rank}. {course.get('titre', '')} ({course.get('organisme', '')})", facts]
    if reasons:
        lines.append("Pourquoi : " + " ; ".join(reasons) + ".")
    return "\n".join(line for line in lines if line.strip(" .,"))


def list_intro(count: int, more: bool = False) -> str:
    """ "Voici une formation pour vous." / "Voici 3 formations pour vous." /
    "Voici une autre formation." / "Voici 2 autres formations." """
    if more:
        return "Voici une autre formation." if count == 1 else f"Voici {count} autres formations."
    return "Voici une formation pour vous." if count == 1 else f"Voici {count} formations pour vous."


def recommendations_text(courses: Sequence[Mapping[str, Any]], relaxation_sentence: str | None,
                         first_rank: int = 1, more: Optional[bool] = None) -> str:
    """The readable list: what was loosened, an intro with the right number, then each
    course numbered from `first_rank` (its position among every course shown so far).
    `more` (default: first_rank > 1) says these come after courses already shown."""
    more = first_rank > 1 if more is None else more
    intro = list_intro(len(courses), more)
    parts = [relaxation_sentence, intro] if relaxation_sentence else [intro]
    parts += [course_line(first_rank + i, c) for i, c in enumerate(courses)]
    return "\n\n".join(parts)


def no_result_text() -> str:
    return ("Je n'ai trouvé aucune formation qui vous convient pour le moment. "
            "Un conseiller peut chercher avec vous d'autres solutions.")


def _value(profile: Any, name: str):
    if profile is None:
        return None
    if isinstance(profile, Mapping):
        return profile.get(name)
    return getattr(profile, name, None)


def what_to_loosen(profile: Any, only: Optional[Sequence[str]] = None) -> list[str]:
    """What the person could accept to see more courses, in plain words, in the order the
    matching loosens (hours, time slot, mode, certification, domain). `only`: the slots
    worth loosening (MatchResult.loosenable); None: every constraint the person set."""
    out = []
    def wanted(slot: str) -> bool:
        return only is None or slot in only
    if _value(profile, "heures_semaine") not in (None, "") and wanted("heures_semaine"):
        out.append("plus d'heures")
    if _value(profile, "creneau") in CRENEAU_INSTEAD and wanted("creneau"):
        out.append(CRENEAU_INSTEAD[_value(profile, "creneau")])
    if _value(profile, "modalite") == "distance" and wanted("modalite"):
        out.append("quelques séances sur place")
    if _value(profile, "certification") == "oui" and wanted("certification"):
        out.append("une formation sans diplôme")
    if _value(profile, "domaine") not in (None, "", UNDECIDED_DOMAIN) and wanted("domaine"):
        out.append("un domaine proche")
    return out


def no_more_text(profile_or_result: Any = None) -> str:
    """The honest end of the list ("C'est tout : je n'ai pas d'autre formation…") with what
    the person could loosen. Pass the empty MatchResult of recommend(exclude_ids=...) to
    name only what would really bring new courses; a bot.services.search.Profile or a slots
    mapping names every constraint the person set."""
    text = "C'est tout : je n'ai pas d'autre formation pour votre recherche."
    only = getattr(profile_or_result, "loosenable", None)
    profile = getattr(profile_or_result, "profile", None) if hasattr(profile_or_result, "courses") \
        else profile_or_result
    options = what_to_loosen(profile, only)
    if not options:
        return text + " Un conseiller peut chercher avec vous d'autres solutions."
    return text + f" Vous pouvez accepter {_or_list(options[:3])}."


def _or_list(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " ou " + items[-1]


# --- the buttons of each step (actions/ sends them as they are) ---------------------------
HANDOFF_BUTTON = Button("Parler à un conseiller", "/human_handoff")
SEARCH_BUTTON = Button("Chercher une formation", "/search_course")
MORE_BUTTON = Button("Voir d'autres formations", "/show_more")
COMPARE_BUTTON = Button("Comparer", "/compare_courses")
NONE_FIT_BUTTON = Button("Aucune ne me va", "/none_fit")
OUTSIDE_REGION_BUTTONS = (Button("Je me suis trompé de ville", "/start_over"), HANDOFF_BUTTON)
NO_RESULT_BUTTONS = (Button("Changer mes réponses", "/start_over"), HANDOFF_BUTTON)
MENU_BUTTONS = (MORE_BUTTON, COMPARE_BUTTON, NONE_FIT_BUTTON, HANDOFF_BUTTON)
AFTER_ONE_COURSE_BUTTONS = (MORE_BUTTON, HANDOFF_BUTTON, RECAP_BUTTON)
AFTER_COMPARISON_BUTTONS = (MORE_BUTTON, HANDOFF_BUTTON)
NOT_HELPING_BUTTONS = (Button("Oui", "/affirm"), Button("Non, merci", "/deny"))
# "Aucune ne me va": what is wrong? Each button says a refinement bot.core.refine understands.
WHAT_IS_WRONG_BUTTONS = (
    Button("Trop long", '/refine_search{"refinement":"plus court"}'),
    Button("Commence trop tard", '/refine_search{"refinement":"plus tôt"}'),
    Button("Je veux un diplôme", '/refine_search{"refinement":"certifiante"}'),
    Button("Seulement le soir", '/refine_search{"refinement":"le soir"}'),
    Button(MODE_ANSWERS["hybride"], '/refine_search{"refinement":"hybride"}'),
    Button("Un autre domaine", '/refine_search{"refinement":"autre domaine"}'),
)


def details_button(rank: int, course_id: str) -> Button:
    return Button(f"Détails de la {rank}", f'/course_details{{"course_id":"{course_id}"}}')


def result_buttons(courses: Sequence[Mapping[str, Any]], first_rank: int = 1, more: bool = True) -> list[Button]:
    buttons = [details_button(first_rank + i, c["id"]) for i, c in enumerate(courses)]
    if len(courses) >= 2:
        buttons.append(COMPARE_BUTTON)
    if more:
        buttons.append(Button("Voir d'autres", "/show_more"))
    return buttons + [NONE_FIT_BUTTON, HANDOFF_BUTTON, RECAP_BUTTON]


def equipment_text(course: Mapping[str, Any]) -> str | None:
    """What the person needs to follow the course, the loan first (CONTRACT §2)."""
    if course.get("pret_materiel") or course.get("equipement_prete"):
        return "l'organisme vous prête un ordinateur, vous n'avez rien à acheter"
    needed = course.get("equipement_requis")
    if needed == "ordinateur":
        text = "il faut un ordinateur avec internet"
        if course.get("modalite") == "hybride" and (course.get("places_sur_site") or 0) > 0:
            text += ", ou venir sur place où des ordinateurs sont prêts"
        return text
    if needed == "smartphone":
        return "un smartphone avec internet suffit"
    if needed == "aucun":
        return "vous n'avez besoin de rien"
    return None


def access_text(course: Mapping[str, Any]) -> str | None:
    if course.get("accessible_handicap") is True:
        return ("Accessible aux personnes en situation de handicap. "
                "Dites-le à l'organisme pour qu'il adapte le rythme.")
    if course.get("accessible_handicap") is False:
        return "Handicap : l'organisme ne dit rien sur ce point. Posez-lui la question."
    return None


def course_details_text(course: Mapping[str, Any]) -> str:
    """Everything a person needs to decide and register, in short lines (a dict from
    MatchingEngine.course())."""
    lines = [f"{course.get('titre', '')}", f"Organisme : {course.get('organisme', '')}."]
    if course.get("objectif"):
        lines.append(f"Objectif : {course['objectif']}")
    if course.get("contenu"):
        lines.append(f"Contenu : {course['contenu']}")
    # Short lines: the mode, then the rhythm (one line each reads better, and aloud too).
    if COURSE_MODE_IN_SENTENCE.get(course.get("modalite")):
        lines.append(f"Mode : {COURSE_MODE_IN_SENTENCE[course['modalite']]}.")
    rhythm = []
    if course.get("heures_semaine"):
        rhythm.append(f"{french_number(course['heures_semaine'])} h par semaine")
    if course.get("heures_total"):
        rhythm.append(f"{french_number(course['heures_total'])} h en tout")
    if course.get("creneau") in CRENEAU_IN_SENTENCE:
        rhythm.append(CRENEAU_IN_SENTENCE[course["creneau"]])
    if rhythm:
        lines.append("Rythme : " + ", ".join(rhythm) + ".")
    dates = start_text(course)
    if course.get("fin") and not course.get("entrees_permanentes") and course.get("debut"):
        dates += f", fin le {french_date(course['fin'])}"
    lines.append(dates + ".")
    equipment = equipment_text(course)
    if equipment:
        lines.append(f"Matériel : {equipment}.")
    access = access_text(course)
    if access:
        lines.append(access)
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


def comparison_text(first: Mapping[str, Any], second: Mapping[str, Any],
                    ranks: Optional[Sequence[int]] = None) -> str:
    """Two courses side by side; `ranks` (their positions in the list shown) name them."""
    def describe(course: Mapping[str, Any], rank: Optional[int]) -> str:
        # One short line per kind of fact: each stays under 20 words, read or heard.
        domain = DOMAIN_LABELS.get(course.get("domaine"), "")
        head = f"{rank}. " if rank else ""
        lines = [f"{head}{course.get('titre', '')}" + (f" ({domain})" if domain else "")]
        rhythm = [COURSE_MODE_IN_SENTENCE.get(course.get("modalite"), "")]
        if course.get("heures_semaine"):
            rhythm.append(f"{french_number(course['heures_semaine'])} h par semaine")
        if course.get("heures_total"):
            rhythm.append(f"{french_number(course['heures_total'])} h en tout")
        lines.append(_upper_first(", ".join(r for r in rhythm if r)) + ".")
        lines.append(start_text(course) + ".")
        facts = ["Diplôme reconnu." if course.get("certifiante") else "Pas de diplôme à la fin."]
        if course.get("pret_materiel"):
            facts.append("Ordinateur prêté.")
        if course.get("accessible_handicap") is True:
            facts.append("Adaptée au handicap.")
        lines.append(" ".join(facts))
        return "\n".join(line for line in lines if line.strip(" ."))
    ranks = list(ranks or [None, None]) + [None, None]
    return "\n\n".join(["Voici la comparaison.", describe(first, ranks[0]), describe(second, ranks[1])])


# --- what changed in the search ---------------------------------------------------------


def _number(value) -> Optional[float]:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _place(profile: Mapping[str, Any]) -> Optional[str]:
    if profile.get("commune"):
        return str(profile["commune"])
    return DEPARTMENT_NAMES.get(profile.get("departement") or "")




def _change_parts(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What changed, each as (full wording, short wording)."""
    parts = []
    old, new = before.get("domaine"), after.get("domaine")
    if new and new != old:
        if new == UNDECIDED_DOMAIN:
            parts.append(("dans tous les domaines",) * 2)
        else:
            parts.append((f"en {DOMAIN_LABELS.get(new, new)}",) * 2)
    old_place, new_place = _place(before), _place(after)
    moved = (after.get("departement"), after.get("commune")) != (before.get("departement"), before.get("commune"))
    if moved and after.get("departement") and after.get("departement") != OUTSIDE_REGION and new_place:
        where = (f"près de {new_place}" if after.get("commune")
                 else IN_DEPARTMENT.get(after["departement"], f"en {new_place}"))
        parts.append((f"{where}, au lieu de {old_place}" if old_place and old_place != new_place else where, where))
    old_h, new_h = _number(before.get("heures_semaine")), _number(after.get("heures_semaine"))
    if new_h is not None and new_h != old_h:
        text = f"jusqu'à {french_number(new_h)} h par semaine"
        parts.append((f"{text} au lieu de {french_number(old_h)}" if old_h is not None else text, text))
    for name, wanted, short in (("modalite", MODE_WANTED, MODE_SHORT), ("creneau", CRENEAU_WANTED, CRENEAU_SHORT),
                                ("certification", CERTIFICATION_WANTED, CERTIFICATION_SHORT)):
        if after.get(name) in wanted and after.get(name) != before.get(name):
            parts.append((wanted[after[name]], short[after[name]]))
    return parts


def _pack(parts: Sequence[str]) -> list[str]:
    sentences, current = [], "C'est noté : je cherche maintenant " + parts[0]
    for part in parts[1:]:
        if len((current + ", " + part).split()) <= MAX_WORDS:
            current += ", " + part
        else:
            sentences.append(current + ".")
            current = "Je cherche aussi " + part
    return sentences + [current + "."]


def _dropped_domain(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """"Je ne cherche plus en développement web." when one domain replaces another."""
    old, new = before.get("domaine"), after.get("domaine")
    if new and old and new != old and UNDECIDED_DOMAIN not in (new, old):
        return f"Je ne cherche plus en {DOMAIN_LABELS.get(old, old)}."
    return None


def profile_change_text(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """Short sentences saying what changed in the search (domain, place, hours, mode,
    time slot, certification), e.g. "C'est noté : je cherche maintenant en design
    graphique. Je ne cherche plus en développement web."; None when none of these changed.
    Many changes at once: two sentences at most, in shorter words.
    before / after: profile slots (CONTRACT §1 values)."""
    before, after = before or {}, after or {}
    if after.get("departement") == OUTSIDE_REGION and before.get("departement") != OUTSIDE_REGION:
        return "C'est noté : vous habitez hors d'Île-de-France."
    parts = _change_parts(before, after)
    if not parts:
        return None
    dropped = _dropped_domain(before, after)
    full = _pack([wording for wording, _ in parts]) + ([dropped] if dropped else [])
    mixed = _pack([parts[0][0]] + [brief for _, brief in parts[1:]]) + ([dropped] if dropped else [])
    sentences = next((c for c in (full, mixed) if len(c) <= 2), _pack([brief for _, brief in parts]))
    return " ".join(sentences)


# Short sentences of the conversation, said as they are.
NEXT_STEP = "Que voulez-vous faire ?"
WHICH_COURSE = "De quelle formation voulez-vous les détails ? Dites son numéro."
NOTHING_TO_COMPARE = "Je ne vous ai montré qu'une formation : il n'y a rien à comparer."
OTHER_DOMAIN = "D'accord, changeons de domaine."
WHAT_IS_WRONG = "Qu'est-ce qui ne vous convient pas ?"
RESTARTING = "D'accord, on recommence à zéro."
GOODBYE = "Au revoir et bon courage ! Revenez quand vous voulez."
NOT_HELPING = "Je crois que je ne vous aide pas bien. Voulez-vous parler à un conseiller ?"
RECAP_OFFER = "Votre conseiller peut voir vos réponses avec un code."
ERASURE_FAILED = "Je n'ai pas pu tout effacer. Réessayez dans quelques minutes."
ERASED = "C'est fait : j'ai effacé vos réponses et notre conversation. Vous pouvez recommencer quand vous voulez."
CATALOGUE_UNAVAILABLE = ("Le catalogue des formations est indisponible pour le moment. "
                         "Vos réponses sont gardées : réessayez dans quelques minutes.")


# What the channels answer when the turn cannot be played (capnum_rasa.rest, capnum_rasa.channels).
ACTION_SERVER_APOLOGY = ("Désolé, un service ne répond pas pour le moment. Renvoyez votre dernier message "
                         "dans un instant, le reste de vos réponses est gardé.")
STORAGE_APOLOGY = ("Désolé, le service ne marche pas pour le moment. Réessayez dans quelques minutes : "
                   "vos réponses sont gardées.")
TOO_LONG_REPLY = (f"Votre message est trop long pour moi (plus de {MAX_MESSAGE_CHARS} caractères). "
                  "Pouvez-vous le dire en quelques phrases ?")
EMPTY_REPLY = "Je n'ai rien reçu. Écrivez-moi votre question ou votre réponse, avec des mots simples."
