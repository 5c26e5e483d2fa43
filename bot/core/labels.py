"""The French labels of the contract's values (../shared/CONTRACT.md §1), in one place.

One dict per value list and per form a sentence needs: a title for the advisers' console
(capitalised), a phrase inside a sentence, what a person wants, a short form. Nothing else in
the code base spells a label of a contract value (tests/test_one_home.py checks it).
"""
from __future__ import annotations

from bot.core.vocab import DEPARTMENT_NAMES, DOMAIN_SLOT_VALUES, OUTSIDE_REGION

# --- domaine ------------------------------------------------------------------------------
DOMAIN_LABELS = {
    "developpement_web": "développement web",
    "data_ia": "données et intelligence artificielle",
    "cybersecurite": "cybersécurité",
    "systemes_reseaux": "systèmes et réseaux",
    "support_informatique": "support informatique",
    "design_graphique": "design graphique",
    "marketing_digital": "marketing numérique",
    "commerce_vente": "commerce et vente",
    "gestion_administration": "gestion et administration",
    "logistique": "logistique",
    "sante_social": "santé et social",
    "batiment": "bâtiment",
    "hotellerie_restauration": "hôtellerie et restauration",
    "langues": "langues",
    "competences_de_base": "compétences de base (lire, écrire, compter, numérique)",
    "drones": "drones",
    "creation_entreprise": "création d'entreprise",
    "indecis": "découverte des métiers",
}
DOMAIN_TITLES = {code: DOMAIN_LABELS[code][:1].upper() + DOMAIN_LABELS[code][1:] for code in DOMAIN_SLOT_VALUES}

# --- departement (the names themselves are bot.core.vocab.DEPARTMENT_NAMES) ----------------------
OUTSIDE_REGION_TITLE = "Hors Île-de-France"
DEPARTMENT_TITLES = {**{code: f"{name} ({code})" for code, name in DEPARTMENT_NAMES.items()},
                     OUTSIDE_REGION: OUTSIDE_REGION_TITLE}
# "in <department>" with the right preposition and article.
IN_DEPARTMENT = {
    "75": "à Paris", "77": "en Seine-et-Marne", "78": "dans les Yvelines", "91": "dans l'Essonne",
    "92": "dans les Hauts-de-Seine", "93": "en Seine-Saint-Denis", "94": "dans le Val-de-Marne",
    "95": "dans le Val-d'Oise",
}
assert set(IN_DEPARTMENT) == set(DEPARTMENT_NAMES)

# --- situation ------------------------------------------------------------------------------
SITUATION_TITLES = {
    "demandeur_emploi": "Demandeur d'emploi",
    "jeune_decrocheur": "Jeune sorti de l'école sans diplôme ni emploi",
    "salarie": "Salarié",
    "autre": "Autre situation",
}
SITUATION_IN_SUMMARY = {
    "demandeur_emploi": "en recherche d'emploi",
    "jeune_decrocheur": "sorti(e) de l'école",
    "salarie": "en emploi",
    "autre": "autre situation",
}
# The answer buttons of the question, in the person's words.
SITUATION_ANSWERS = {"demandeur_emploi": "Je cherche un emploi", "jeune_decrocheur": "J'ai quitté l'école",
                     "salarie": "Je travaille", "autre": "Autre situation"}

# --- niveau ---------------------------------------------------------------------------------
LEVEL_TITLES = {
    "sans_diplome": "Sans diplôme (ou brevet)",
    "cap_bep": "CAP ou BEP",
    "bac": "Bac",
    "bac+2": "Bac +2 (BTS, DUT)",
    "bac+3": "Bac +3 (licence)",
    "bac+5": "Bac +5 (master) ou plus",
}
LEVEL_IN_SUMMARY = {
    "sans_diplome": "sans diplôme",
    "cap_bep": "CAP ou BEP",
    "bac": "bac",
    "bac+2": "bac +2",
    "bac+3": "bac +3",
    "bac+5": "bac +5",
}
LEVEL_ANSWERS = {"sans_diplome": "Pas de diplôme ou brevet", "cap_bep": "CAP ou BEP", "bac": "Bac",
                 "bac+2": "Bac +2 (BTS, DUT)", "bac+3": "Licence", "bac+5": "Master ou plus"}
# After "demande au moins" / "le niveau conseillé est".
LEVEL_WITH_ARTICLE = {"sans_diplome": "sans diplôme", "cap_bep": "le CAP ou le BEP", "bac": "le bac",
                      "bac+2": "un bac +2", "bac+3": "un bac +3", "bac+5": "un bac +5"}

# --- creneau --------------------------------------------------------------------------------
CRENEAU_TITLES = {"journee": "En journée", "soir_weekend": "Le soir ou le week-end", "indifferent": "Peu importe"}
# A course's time slot inside a sentence ("Cours 100 % à distance, en journée.").
CRENEAU_IN_SENTENCE = {"journee": "en journée", "soir_weekend": "le soir ou le week-end",
                       "indifferent": "aux horaires de votre choix"}
# The person's time slot in a course's reasons ("Compatible avec 10 h par semaine le soir…").
CRENEAU_IN_REASONS = {"journee": "en journée", "soir_weekend": "le soir et le week-end"}
# What the person could accept instead of their time slot.
CRENEAU_INSTEAD = {"journee": "le soir ou le week-end", "soir_weekend": "des cours en journée"}
CRENEAU_WANTED = {"journee": "des cours en journée", "soir_weekend": "des cours le soir ou le week-end",
                  "indifferent": "des cours à tout moment de la semaine"}
CRENEAU_SHORT = {"journee": "en journée", "soir_weekend": "le soir ou le week-end", "indifferent": "à tout moment"}

# --- equipement -----------------------------------------------------------------------------
EQUIPMENT_TITLES = {"ordinateur": "Un ordinateur", "smartphone": "Seulement un téléphone",
                    "aucun": "Ni ordinateur ni téléphone"}
EQUIPMENT_IN_SUMMARY = {"ordinateur": "un ordinateur", "smartphone": "un téléphone", "aucun": "pas d'équipement"}
EQUIPMENT_ANSWERS = {**EQUIPMENT_TITLES, "aucun": "Ni l'un ni l'autre"}
# What a course requires (its equipement_requis).
COURSE_EQUIPMENT_TITLES = {"ordinateur": "Un ordinateur avec internet", "smartphone": "Un téléphone suffit",
                           "aucun": "Rien à prévoir"}

# --- modalite -------------------------------------------------------------------------------
MODE_TITLES = {"distance": "Tout à distance", "hybride": "À distance avec un peu de présence sur place",
               "indifferent": "Peu importe"}
COURSE_MODE_TITLES = {"distance": "100 % à distance", "hybride": "À distance, avec un peu de présence sur place",
                      "presentiel": "Sur place"}
MODE_ANSWERS = {**MODE_TITLES, "hybride": "Un peu sur place, ça va"}
COURSE_MODE_IN_SENTENCE = {"distance": "100 % à distance", "hybride": "à distance avec un peu de présence sur place",
                           "presentiel": "sur place"}
MODE_WANTED = {"distance": "des cours 100 % à distance",
               "hybride": "des cours à distance avec un peu de présence sur place",
               "indifferent": "des cours à distance ou en partie sur place"}
MODE_SHORT = {"distance": "100 % à distance", "hybride": "avec un peu de présence sur place",
              "indifferent": "à distance ou en partie sur place"}

# --- certification, handicap ----------------------------------------------------------------
CERTIFICATION_TITLES = {"oui": "Oui, un diplôme reconnu", "indifferent": "Peu importe"}
CERTIFICATION_WANTED = {"oui": "seulement des formations avec un diplôme reconnu",
                        "indifferent": "des formations avec ou sans diplôme"}
CERTIFICATION_SHORT = {"oui": "avec un diplôme reconnu", "indifferent": "avec ou sans diplôme"}
HANDICAP_TITLES = {"true": "Oui (RQTH ou besoin d'adaptation)", "false": "Non"}

# --- the soft constraints, by slot name (what matching loosened) ------------------------------
RELAXED_LABELS = {
    "creneau": "le créneau",
    "heures_semaine": "les heures par semaine",
    "modalite": "le 100 % à distance",
    "certification": "la certification",
    "domaine": "le domaine",
}
# The same, in the region's report (why a search found nothing strict), and `aucune_formation`.
CONSTRAINT_LABELS = {
    "aucune_formation": "aucune formation trouvée",
    "modalite": "modalité (distance / sur place)",
    "creneau": "moment de la journée",
    "heures_semaine": "heures par semaine",
    "certification": "certification",
    "domaine": "domaine",
    "niveau": "niveau d'entrée",
    "equipement": "équipement",
    "debut": "date de début",
}
