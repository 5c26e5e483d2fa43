"""The contract's vocabularies (../shared/CONTRACT.md section 1), in one place.

Every module that stores, compares or emits a profile or course value uses these
constants. Nothing else in the code base spells these values as literals lists.
"""
from __future__ import annotations

SITUATIONS = ("demandeur_emploi", "jeune_decrocheur", "salarie", "autre")

IDF_DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")
OUTSIDE_REGION = "hors_idf"
DEPARTEMENTS = IDF_DEPARTMENTS + (OUTSIDE_REGION,)

DEPARTMENT_NAMES = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
}

# Departments that share a border: a hybrid course's on-site part is reachable
# from its own department and from these.
ADJACENT_DEPARTMENTS = {
    "75": ("92", "93", "94"),
    "77": ("91", "93", "94", "95"),
    "78": ("91", "92", "95"),
    "91": ("77", "78", "92", "94"),
    "92": ("75", "78", "91", "93", "94", "95"),
    "93": ("75", "77", "92", "94", "95"),
    "94": ("75", "77", "91", "92", "93"),
    "95": ("77", "78", "92", "93"),
}

# Ordered: the rank is the index. A course requiring level L admits anyone at rank >= L.
LEVELS = ("sans_diplome", "cap_bep", "bac", "bac+2", "bac+3", "bac+5")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

# The 17 subjects a course can have (a course's `domaine`) ...
COURSE_DOMAINS = (
    "developpement_web", "data_ia", "cybersecurite", "systemes_reseaux", "support_informatique",
    "design_graphique", "marketing_digital", "commerce_vente", "gestion_administration",
    "logistique", "sante_social", "batiment", "hotellerie_restauration", "langues",
    "competences_de_base", "drones", "creation_entreprise",
)
UNDECIDED_DOMAIN = "indecis"
# ... and the values of the profile slot `domaine`: those 17, or "indecis" for someone who
# does not know yet.
DOMAIN_SLOT_VALUES = COURSE_DOMAINS + (UNDECIDED_DOMAIN,)

# Domains close enough that one is a fair suggestion for the other (used by matching
# when the domain constraint is relaxed).
RELATED_DOMAINS = {
    "developpement_web": ("design_graphique", "data_ia", "marketing_digital"),
    "data_ia": ("developpement_web", "cybersecurite"),
    "cybersecurite": ("systemes_reseaux", "support_informatique"),
    "systemes_reseaux": ("cybersecurite", "support_informatique"),
    "support_informatique": ("systemes_reseaux", "cybersecurite", "competences_de_base"),
    "design_graphique": ("developpement_web", "marketing_digital"),
    "marketing_digital": ("commerce_vente", "design_graphique", "creation_entreprise"),
    "commerce_vente": ("marketing_digital", "hotellerie_restauration", "creation_entreprise"),
    "gestion_administration": ("commerce_vente", "creation_entreprise", "competences_de_base"),
    "logistique": ("commerce_vente", "gestion_administration"),
    "sante_social": ("competences_de_base", "langues"),
    "batiment": ("logistique", "drones"),
    "hotellerie_restauration": ("commerce_vente", "langues"),
    "langues": ("competences_de_base", "hotellerie_restauration"),
    "competences_de_base": ("langues", "support_informatique"),
    "drones": ("batiment", "logistique"),
    "creation_entreprise": ("gestion_administration", "marketing_digital", "commerce_vente"),
}

CRENEAUX = ("journee", "soir_weekend", "indifferent")
EQUIPEMENTS = ("ordinateur", "smartphone", "aucun")
MODALITES = ("distance", "hybride", "indifferent")
# A course's own mode: the profile's "indifferent" is never a course value.
COURSE_MODES = ("distance", "hybride", "presentiel")
CERTIFICATIONS = ("oui", "indifferent")

AGE_RANGE = (15, 99)
# "Jeune" publics and the mission locale: under this age (matching, handoff, the report).
YOUTH_AGE_LIMIT = 26
WEEKLY_HOURS_RANGE = (1, 45)

PROFILE_SLOTS = (
    "situation", "age", "departement", "commune", "niveau", "domaine", "heures_semaine",
    "creneau", "equipement", "modalite", "certification", "handicap",
)

# The longest message read, on every channel (web, REST, Telegram, Messenger, WhatsApp): longer
# ones get TOO_LONG_REPLY (bot.core.replies) and are not stored.
MAX_MESSAGE_CHARS = 2000
