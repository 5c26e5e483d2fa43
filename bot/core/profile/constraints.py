"""How the person can follow a course: creneau, equipement, modalite, certification, handicap.

Word lists: data/lexicons/<slot>.csv. Rules kept here:
- negations count: "pas d'ordinateur", "pas de présentiel" (-> distance);
- equipement: a computer owned wins; then a phone ("que mon android", "g que mon portable");
  "ordinateur portable" is a computer; "pas d'ordi" with no phone named -> aucun;
  "utiliser/réparer un ordinateur" is a domain, not equipment (masked by the domain reader);
  a device named as a kind, with no determiner after "sur"/"pour" ("des statistiques sur
  ordinateur", "des applications pour téléphone"), is the tool or target of the work, not a
  device owned, unless the course itself is followed on it ("suivre sur téléphone") or it answers the
  equipment question ("sur ordi");
- creneau: "je travaille la journée / de nuit" says when the person is busy, not free, and so
  does a time negated or ruled out ("pas en journée", "le soir pas possible", "hors week-end"),
  a time joined to one of those ("je bosse le soir et le week-end", "ni le matin ni
  l'après-midi"), and, as the answer, working hours or days ("je bosse de 9h à 17h", "du
  lundi au vendredi"): with no free time named, the other part of the week ("je bosse la
  nuit" -> journee, "pas en journée" -> soir_weekend); both times named -> indifferent;
  a negation ends at the time it negates ("pas le soir plutôt la journée"); an "any time" phrase
  right after a time qualifies it ("le soir n'importe quel jour" -> soir_weekend);
  clock times ("après 19h", "à partir de 19 heures", "avant 16h", "pas avant 18h", "pas après
  17h") -> their part of the day; a greeting ("bon week-end", "bonne soirée") does not count;
  a weekday alone ("le mercredi", "en semaine") -> journee when said as an availability or asked;
- creneau and modalite answering another question: an "any time / either" phrase ("les deux me
  vont", "tout le temps") is about that question, not read; nor, for creneau, a busy time
  ("je travaille de nuit" answering the situation); for modalite, a remote word just after a
  field phrase ("la vente en ligne", "faire mes démarches en ligne") names the work;
- modalite: the conversation itself is not the course ("je vous écris de chez moi", "j'ai vu
  votre site en ligne"), unless a course is named after it or the mode was asked;
  presence ruled out ("pas sur place", "jamais en présentiel") -> distance; "me
  déplacer" or "à distance", one or the other -> indifferent;
  answering the mode question, plain words for both sides ("maison et centre", "internet et
  classe") -> hybride (either -> indifferent), and the place as occasional or acceptable
  ("parfois en classe", "venir c'est possible") -> hybride;
- handicap: a disability word about other people ("des personnes handicapées", "les
  autistes") is not the user's; "d'aucune reconnaissance" is negated;
- a bare "oui" / "non" / "je sais pas" counts only for the question the bot just asked.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.core import lexicons
from bot.core.profile.prepare import (
    NEGATORS, Message, about_someone_else, any_match, clause_before, compile_fragments, is_negated, mask, matches,
)
from bot.core.text import any_word

YES = re.compile(r"^(?:oui|ouais|ouaip|oue|yes|yep|ok oui|bien sur|tout a fait|exactement|affirmatif|"
                 r"voui|absolument|carrement|evidemment|effectivement)\b")
NO = re.compile(r"^(?:non|nan|no|nope|pas du tout|absolument pas|du tout|jamais|aucun|aucune|"
                r"negatif|pas vraiment|nop)\b")
# "entre 5h et 10h par semaine" is an amount of time, not a time of day
DURATION_AFTER = re.compile(r"[^;]{0,12}\b(?:par|chaque|la|a la) (?:semaine|sem|jour|mois)\b")
DEFINITION_QUESTION = any_word("c'est quoi", "qu'est ce qu", "ca veut dire quoi", "ca veut dire",
                               "que veut dire", "la difference entre", "c'est koi", "definition")
CRENEAU_BUSY_BEFORE = any_word("travaille", "travaillent", "bosse", "taffe?", "taff", "charbonne", "boulot",
                               "travail", "occupe", "occupee", "poste", "cdi", "cdd", "interim", "equipe",
                               "service", "horaires?", "charge", "chargee", "pris", "prise", "indisponible")
# "de 9h à 18h", "entre 9h et 17h": the second hour ends the range started just before
RANGE_END = re.compile(r"\b(?:de|entre) \d{1,2} ?h(?:\d\d)? ?$")
CLOCK = re.compile(r"\b(a|vers|apres|passe|des|partir de|avant|de|entre) (\d{1,2}) ?(?:h(?:\d\d)?|heures?)\b")
# a time joined to the one before it: "le soir et le week-end", "ni le matin ni l'après-midi"
JOINED = re.compile(r" (?:et|ou|ni|,)(?: (?:le|la|les|l'|en|du))? ?")
# an "any time" phrase right after a time qualifies it: "le soir n'importe quel jour"
QUALIFIER_GAP = re.compile(r" (?:a |de |, )?")
# ... unless it says its own thing: "je bosse la journée et le soir je suis libre"
OWN_STATEMENT_AFTER = re.compile(r" (?:je|j'|c'est|ca|ce)\b")
EQUIPMENT_NOT_OWNED_BEFORE = re.compile(
    r"\b(?:utiliser|reparer|depanner|monter|acheter|besoin|prete|preter|pret|fournir|fourni|"
    r"fournit|cherche|veux|voudrais|emprunter|louer)\b[^;]{0,20}$"
)

# "faire des statistiques sur ordinateur", "des applis pour téléphone": a kind of device.
EQUIPMENT_KIND_BEFORE = re.compile(r"\b(?:sur|pour)(?: les| des)? $")
EQUIPMENT_TO_FOLLOW = any_word("suivre", "suis", "suit", "connecter", "connecte", "regarder", "etudier",
                               "etudie")


@lru_cache(maxsize=None)
def _patterns(name: str, condition: str = "") -> dict:
    """value -> compiled patterns of data/lexicons/<name>.csv for one condition."""
    return {value: compile_fragments(fragments)
            for value, fragments in lexicons.patterns_by_value(name, condition).items()}


def _get(name: str, value, condition: str = "") -> list[re.Pattern]:
    return _patterns(name, condition).get(value, [])


# "en dehors des heures de bureau", "hors week-end": outside of that time.
CRENEAU_NEGATORS = NEGATORS | {"dehors", "hors", "sauf"}
# A time ruled out after it is named: "le soir pas possible", "le samedi impossible", "soir : non".
RULED_OUT_AFTER = re.compile(r"^ ?(?:c'est |ce n'est |c'est pas |ca |ca n'est |c |c pas )?(?:pas possible|impossible|non\b|"
                             r"jamais|pas dispo|exclu|pas pour moi|mort)"
                             # busy or worn out then: "le soir je suis crevé", "la journée je suis au taf"
                             r"|^ ?(?:je suis |j'suis |je suis deja )?(?:mort|morte|creve|crevee|epuise|epuisee|ko|naze|"
                             r"fatiguee?|occupee?|prise?|au (?:taff?|travail|boulot|job)|en cours)\b"
                             r"|^ ?(?:je (?:ne )?(?:peux|pourrai|pourrais) (?:pas|jamais)|"
                             r"j'ai (?:les|mes) (?:enfants|petits|gosses|gamins)|je (?:garde|m'occupe)|"
                             r"ca (?:ne )?(?:va|ira|marche|passe|colle) pas|"
                             r"c'est (?:le |mon )?(?:taff?|travail|boulot|job))\b"
                             r"|^ ?je (?:travaille|bosse|taffe?|taff|charbonne)\b(?! (?:en |la |le |les |du )?"
                             r"(?:semaine|journee|soir|matin|nuit|week end|lundi|mardi|mercredi|jeudi|vendredi))")
# ... said as an availability (or answering the question): not "à lundi !", "ça commence le lundi 3 mars"
AVAILABLE = any_word("dispo", "disponibles?", "libres?", "prefere", "preferable", "plutot", "seulement",
                     "uniquement", "que le", "je peux", "je pourrais", "ca m'arrange", "m'arrange", "mieux")
# Weekdays without a time of day ("le mercredi", "dispo en semaine"): daytime, unless another
# time is named ("le mardi soir" is an evening).
WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi)"
WEEKDAYS = re.compile(rf"\b(?:du {WEEKDAY} au {WEEKDAY}|(?:le |les |du |chaque |tous les )?{WEEKDAY}s?"
                      r"|en semaine|(?<=hors )semaine)\b")


WEEKEND = any_word("samedis?", "dimanches?", "week ?ends?", "wee?k ?ends?", "we")
WEEKEND_DAYTIME = re.compile(
    r"\b(?:(?:le |les |du )?(?:samedis?|dimanches?|week ?ends?)(?: en| la| toute la| dans la| pendant la)? "
    r"(?:matins?|matinees?|apres midi|journees?))\b"
    r"|\b(?:(?:le |les |en )?(?:matins?|matinees?|apres midi|journees?) (?:du |le |les |de |pendant le )"
    r"(?:samedis?|dimanches?|week ?ends?))\b")
# two times offered as alternatives: "la journée ou le week-end", "soit le matin soit le samedi"
EITHER = any_word("ou", "soit", "ou bien", "sinon")


def read_creneau(msg: Message, out) -> None:
    text = msg.text
    asked = msg.requested == "creneau"
    # answering another question, "les deux me vont" or "tout le temps" is about that question,
    # and a busy time is the answer to it ("je travaille de nuit" answers the situation)
    about_other = msg.requested not in (None, "creneau")

    def patterns(value: str) -> list[re.Pattern]:
        return _get("creneau", value) + (_get("creneau", value, "question") if asked else [])

    any_time = [] if about_other else matches(patterns("indifferent"), text)
    if any_time:
        # "le samedi matin ou le dimanche après-midi": daytime of the weekend is the weekend
        weekend_only = WEEKEND_DAYTIME.sub("le week end", text)
        if weekend_only != text and not any_match(patterns("indifferent"), weekend_only):
            text, any_time = weekend_only, []
    seen: set[str] = set()
    busy: set[str] = set()  # times the person is busy at, or rules out: free at the other
    found = [(m, value) for value in ("soir_weekend", "journee") for m in matches(patterns(value), text)]
    # A time inside a longer one of the other kind is part of it: "en fin de journée",
    # "après ma journée de travail" are evenings, not daytime.
    found = sorted(((m, value) for m, value in found
                    if not any(o is not m and v != value and o.start() <= m.start() and m.end() <= o.end()
                               and (o.end() - o.start()) > (m.end() - m.start()) for o, v in found)),
                   key=lambda item: item[0].start())
    weekend = any(WEEKEND.search(m.group(0)) for m, value in found if value == "soir_weekend")
    busy_end = None
    previous_end = 0  # a negation ends at the time it negates: "pas le soir plutôt la journée"
    for m, value in found:
        if clause_before(text, m.start(), 1) in (["bon"], ["bonne"], ["bons"], ["bonnes"]):
            continue  # "bon week-end", "bonne journée": a wish, not a time
        before = " ".join(clause_before(text, m.start(), 3))
        # "pas le soir", "le soir impossible", "je travaille la journée / la nuit", and the time
        # joined to one of those: "je bosse le soir et le week-end", "ni le matin ni l'après-midi"
        since, previous_end = min(previous_end, m.start()), m.end()
        if (is_negated(text[since:], m.start() - since, CRENEAU_NEGATORS)
                or RULED_OUT_AFTER.match(text[m.end():]) or CRENEAU_BUSY_BEFORE.search(before)
                or (busy_end is not None and JOINED.fullmatch(text[busy_end:m.start()])
                    and not OWN_STATEMENT_AFTER.match(text[m.end():]))):
            busy.add(value)
            busy_end = m.end()
            # "la journée je bosse et le soir ...": not "jour et soir"
            any_time = [a for a in any_time if a.end() <= m.start() or m.end() <= a.start()]
            continue
        seen.add(value)
        # "le soir n'importe quel jour", "le week-end à toute heure": any time of that time
        any_time = [a for a in any_time if not QUALIFIER_GAP.fullmatch(text[m.end():a.start()])]
    if any_time:  # "jour ou soir", "n'importe quand"
        out.values["creneau"] = "indifferent"
        return
    if not seen:
        for m in CLOCK.finditer(text):
            word, hour = m.group(1), int(m.group(2))
            if DURATION_AFTER.match(text[m.end():]) or (RANGE_END.search(text[:m.start()]) and hour <= 19):
                continue  # "entre 5h et 10h par semaine": an amount; "de 9h à 18h": the end of a range
            value = "soir_weekend" if hour >= 18 or hour <= 4 else "journee"
            negated = is_negated(text, m.start())
            if word == "avant" and not negated or word in ("apres", "passe", "des", "partir de") and negated:
                value = "journee"  # "avant 17h", "pas après 17h": daytime; "pas avant 18h": after it
            elif negated and word != "avant":
                continue  # "pas plus de 15h"
            if CRENEAU_BUSY_BEFORE.search(" ".join(clause_before(text, m.start(), 6))):
                if asked:
                    busy.add(value)  # "je travaille de 9h à 18h" as the answer: working hours, free after
            else:
                seen.add(value)
    if not seen and (msg.requested == "creneau" or AVAILABLE.search(text)):
        for m in WEEKDAYS.finditer(text):
            before = " ".join(clause_before(text, m.start(), 3))
            if is_negated(text, m.start(), CRENEAU_NEGATORS - {"sauf"}) or CRENEAU_BUSY_BEFORE.search(before):
                busy.add("journee")  # "je bosse du lundi au vendredi", "pas en semaine": the weekend
            elif not is_negated(text, m.start(), {"sauf"}):
                seen.add("journee")
    if not seen and len(busy) == 1 and not about_other:
        # busy at one time only: free at the other ("je bosse la journée" -> evenings)
        seen.add("journee" if busy == {"soir_weekend"} else "soir_weekend")
    if len(seen) > 1 and weekend and not EITHER.search(text) and not WEEKDAYS.search(text):
        seen = {"soir_weekend"}  # "le samedi en journée", "le week-end l'après-midi": the weekend
    if len(seen) == 1:
        out.values["creneau"] = seen.pop()
    elif len(seen) > 1:
        out.values["creneau"] = "indifferent"
    elif msg.requested == "creneau" and (msg.dont_know or re.search(
            r"\b(?:les (?:deux|2)|tout|egal|flexible|comme vous voulez|quand je veux|tout le temps|toujours|"
            r"comme (?:ca )?(?:vous |tu |t')?(?:arrange|voulez|veux|preferez)|je m'adapte\w*|adaptable)\b", msg.core)):
        out.values["creneau"] = "indifferent"


def _owned(patterns: list[re.Pattern], text: str, asked: bool = False) -> tuple[bool, bool]:
    """(owned, said not owned) for one kind of device."""
    owned = negated = False
    for m in matches(patterns, text):
        before = text[max(0, text.rfind(";", 0, m.start()) + 1):m.start()]
        if is_negated(text, m.start(), NEGATORS | {"manque"}):
            negated = True
        elif EQUIPMENT_NOT_OWNED_BEFORE.search(before):
            continue
        elif not asked and EQUIPMENT_KIND_BEFORE.search(before) and not EQUIPMENT_TO_FOLLOW.search(before):
            continue
        else:
            owned = True
    return owned, negated


def read_equipement(msg: Message, out) -> None:
    text = msg.equipment_text
    computers = _get("equipement", "ordinateur")
    asked = msg.requested == "equipement"
    computer, no_computer = _owned(computers, text, asked)
    # "ordinateur portable" is a computer: do not read its "portable" as a phone
    phone_text = mask(text, [(m.start(), m.end()) for m in matches(computers, text)])
    phone, no_phone = _owned(_get("equipement", "smartphone"), phone_text, asked)
    if computer:
        out.values["equipement"] = "ordinateur"
    elif phone:
        out.values["equipement"] = "smartphone"
    elif no_computer or no_phone or any_match(_get("equipement", "aucun"), text):
        out.values["equipement"] = "aucun"
    elif msg.requested == "equipement" and re.search(
            r"^(?:rien|aucun|nada|que dalle|non|zero|0)\b|\b(?:j'ai|n'ai) rien\b|\brien du tout\b", msg.core):
        out.values["equipement"] = "aucun"


# Being there in person, in everyday words (with a remote phrase: both, or either).
PRESENTIAL = re.compile(r"\b(?:en vrai|en face a face|face a face|en personne|en salle|en classe|sur site|"
                        r"sur place|dans les locaux|au centre|en centre|presentiel|en presence|me deplacer)\b")
# "rien en présentiel", "impossible de me déplacer"
MODE_NEGATORS = NEGATORS | {"rien", "zero", "impossible"}
# a field phrase (masked by the domain reader) just before: "la vente en ligne"
ACTIVITY_BEFORE = re.compile(r"#+ $")
# The conversation itself, not the course: "je vous écris de chez moi", "j'ai vu votre site en
# ligne", "vous êtes en ligne ?" (unless a course is named after it: "je vous écris pour une
# formation à distance").
ABOUT_THE_CONTACT = re.compile(
    r"\b(?:ecris|ecrit|contacte|appelle|joins|parle|envoie|trouve|trouvee|vu|lu|decouvert|tombe|tombee|"
    r"renseigne|renseignee|informe|informee|vous etes|tu es|je suis|on est|c'est (?:encore )?moi|"
    r"(?:votre|ce|le|un) (?:site|service|application|appli|plateforme|chat))\b"
    r"(?:(?!\b(?:formations?|cours|suivre|apprendre|etudier|former|stages?)\b)[^;])*$")
# Answering the mode question: any mode will do, unless one is said to be the only one.
INDIFFERENCE = any_word("peu importe", "(?:ca )?m'est egal", "je m'en fiche", "je m'en fous", "osef",
                        "pas de preference", "aucune preference", "sans preference", "n'importe",
                        "tout me va",
                        "(?:les deux|les 2) (?:me vont|me va|ca me va|c'est bien|sont bien|ok)")
ONLY = any_word("uniquement", "seulement", "que", "exclusivement", "100", "surtout", "plutot", "prefere",
                "preference pour")


# "je cherche une formation à distance", "vos formations en ligne": every course of the catalogue is
# a distance course (some with days on site), so looking for one, or naming the catalogue, by the
# product's own name says nothing of the mode (the
# evaluation's content-free nudge is that very sentence). Wished or preferred ("je voudrais une
# formation en ligne", "je préfère"), said as the only way ("100 % en ligne", "uniquement à
# distance") or in answer to the mode question, it is the mode.
GENERIC_DISTANCE_COURSE = re.compile(
    r"\b((?:(?:re)?cherche|trouver) (?:une|des|un|de) |besoin d'? ?(?:une|des|un) |(?:vos|les|ces|aux|sur) )formations? "
    r"(?:a distance|en ligne|a distance ou en ligne)\b"
    r"(?! ?(?:uniquement|seulement|exclusivement|only|totalement|entierement|complete?ment|a 100|100))")


# Answering the mode question, plain words for each side: "maison et centre", "internet et classe",
# "parfois en classe" (not a place ruled out after it: "l'école c'est trop loin").
ANSWER_ONSITE = re.compile(r"\b(?:centre|classe|ecole|salle|venir|aller|bouger|sur place|presentiel|en vrai)\b"
                           r"(?! ?(?:c'est |est |ca |c )?(?:trop loin|loin|impossible|pas\b|plus\b|non\b|jamais|dur))")
ANSWER_REMOTE = any_word("maison", "chez moi", "internet", "en ligne", "distance", "distanciel", "visio")
SOMETIMES_OR_OK = any_word("parfois", "des fois", "quelques fois", "quelquefois", "de temps en temps",
                           "de temps a autre", "un peu", "occasionnellement", "ponctuellement", "aussi",
                           "possible", "ok", "d'accord", "ca va", "ca me va")


def _answer_sides(text: str) -> str | None:
    """Answering the mode question: both sides named -> hybride (either -> indifferent); the place
    named as occasional or acceptable ("parfois en classe", "venir c'est possible") -> hybride."""
    # "j'ai pas le temps de bouger": a wider window than for a phrase
    onsite = [m for m in ANSWER_ONSITE.finditer(text)
              if not is_negated(text, m.start(), MODE_NEGATORS | {"loin"}, 5)]  # "loin du centre"
    if not onsite:
        return None
    remote = [m for m in ANSWER_REMOTE.finditer(text) if not is_negated(text, m.start(), MODE_NEGATORS)]
    if remote:
        first, second = sorted((remote[0], onsite[0]), key=lambda m: m.start())
        return "indifferent" if EITHER.search(text[first.end():second.start()]) else "hybride"
    return "hybride" if SOMETIMES_OR_OK.search(text) else None


def _not_the_mode(text: str, start: int, asked: bool, about_other: bool) -> bool:
    """A remote word about the conversation ("je vous écris de chez moi"), or, answering another
    question, about the work ("la vente en ligne" answering the field question)."""
    before = text[:start]
    return bool((not asked and ABOUT_THE_CONTACT.search(before)) or (about_other and ACTIVITY_BEFORE.search(before)))


def read_modalite(msg: Message, out) -> None:
    asked = msg.requested == "modalite"
    # domain phrases masked: "faire mes démarches en ligne" is a field
    text = msg.equipment_text if asked else GENERIC_DISTANCE_COURSE.sub(r"\1formation", msg.equipment_text)
    about_other = msg.requested not in (None, "modalite")  # "les deux me vont" answers that question
    if not about_other and any_match(
            _get("modalite", "indifferent") + (_get("modalite", "indifferent", "question") if asked else []), text):
        out.values["modalite"] = "indifferent"
        return
    if asked and INDIFFERENCE.search(msg.core) and not ONLY.search(msg.core):
        out.values["modalite"] = "indifferent"  # "en ligne ou en vrai, ça m'est égal"
        return
    remote = [m for m in matches(_get("modalite", "distance"), text)
              if not (is_negated(text, m.start(), MODE_NEGATORS) or _not_the_mode(text, m.start(), asked, about_other))]
    onsite = [m for m in PRESENTIAL.finditer(text) if not is_negated(text, m.start(), MODE_NEGATORS)]
    if remote and onsite:
        first, second = sorted((remote[0], onsite[0]), key=lambda m: m.start())
        between = text[first.end():second.start()]
        # "à distance ou en vrai": either; "à distance avec quelques cours en vrai": both
        out.values["modalite"] = "indifferent" if EITHER.search(between) else "hybride"
        return
    sides = _answer_sides(text) if asked else None
    if sides:
        out.values["modalite"] = sides
        return
    for value in ("hybride", "distance"):
        # phrases of modalite.csv marked `question` ("chez moi", "sur internet") count only as an answer
        patterns = _get("modalite", value) + (_get("modalite", value, "question") if asked else [])
        for m in matches(patterns, text):
            if value == "hybride" and m.group(0) == "presentiel" and is_negated(text, m.start(), MODE_NEGATORS):
                out.values["modalite"] = "distance"  # "pas de présentiel"
                return
            if value == "distance" and _not_the_mode(text, m.start(), asked, about_other):
                continue
            if not is_negated(text, m.start(), MODE_NEGATORS) or m.group(0).startswith(("sans", "pas")):
                out.values["modalite"] = value
                return
    if any(is_negated(text, m.start(), MODE_NEGATORS) for m in PRESENTIAL.finditer(text)):
        out.values["modalite"] = "distance"  # "pas sur place", "jamais en présentiel"
        return
    if msg.requested == "modalite" and (msg.dont_know or re.search(
            r"\b(?:les (?:deux|2)|egal|comme (?:vous voulez|tu veux|vous preferez|tu preferes)|tout me va|"
            r"tout (?:est )?(?:possible|bien|bon|ok)|tout va|comme (?:ca )?(?:vous |tu |t')?(?:arrange|voulez|veux)|"
            r"(?:pas de |aucun |pas )probleme|(?:ca )?(?:ne )?me derange pas|je m'adapte\w*|tout me convient)\b",
            msg.core)):
        out.values["modalite"] = "indifferent"
    elif msg.requested == "modalite" and re.search(r"\b(?:un peu des|des) (?:deux|2)\b", msg.core):
        out.values["modalite"] = "hybride"


def read_certification(msg: Message, out) -> None:
    text = msg.text
    asked = msg.requested == "certification"
    if any_match(_get("certification", "indifferent"), text) or (
            asked and (any_match(_get("certification", "indifferent", "question"), msg.core)
                       or NO.search(msg.core) or msg.dont_know)):
        out.values["certification"] = "indifferent"
        return
    for m in matches(_get("certification", "oui"), text):
        clause = text[:m.start()].rsplit(";", 1)[-1]
        if DEFINITION_QUESTION.search(clause):
            continue  # "c'est quoi une formation certifiante ?" asks, it does not wish
        if not is_negated(text, m.start()):
            out.values["certification"] = "oui"
            return
    if asked and (YES.search(msg.core) or any_match(_get("certification", "oui", "question"), msg.core)):
        out.values["certification"] = "oui"


# "travailler avec des personnes handicapées", "aider les enfants autistes": other people.
HANDICAP_OF_OTHERS = re.compile(r"\b(?:personnes?|gens|enfants?|jeunes|adultes|publics?|eleves|patients)"
                                r"(?: en)?(?: situation de)?$")
# "ma fille est autiste", "mon frère a une RQTH": someone else's (bot.core.profile.prepare.OTHER_PERSON)
# "les handicapés", "des autistes": people named by the word itself
HANDICAP_PEOPLE = re.compile(r"\b(?:des|les|aux)$")


def read_handicap(msg: Message, out) -> None:
    text = msg.text
    said_no = any_match(_get("handicap", False), text) or (
        msg.requested == "handicap" and any_match(_get("handicap", False, "question"), msg.core))
    for m in matches(_get("handicap", True), text):
        before = " ".join(clause_before(text, m.start(), 3))
        if HANDICAP_OF_OTHERS.search(before) or about_someone_else(text, m.start()) or (
                HANDICAP_PEOPLE.search(before) and m.group(0).endswith("s") and not m.group(0).startswith("trouble")):
            continue
        if not is_negated(text, m.start()):
            out.values["handicap"] = True
            return
        said_no = True
    if said_no:
        out.values["handicap"] = False
    elif msg.requested == "handicap":
        if YES.search(msg.core):
            out.values["handicap"] = True
        elif NO.search(msg.core) or re.search(r"^(?:rien|pas de|aucun)\b", msg.core):
            out.values["handicap"] = False
