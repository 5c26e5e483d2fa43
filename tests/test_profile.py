"""bot.core.profile: what users write -> canonical slot values (CONTRACT.md §1).

Each case gives the message, the question the bot just asked (or None) and the exact
non-place values expected: a slot missing from `expected` must stay unset.
"""
from __future__ import annotations

import datetime

import pytest

from bot.core.profile import Extraction, extract_profile, is_dont_know, normalise_slot
from bot.core.vocab import AGE_RANGE, DOMAIN_SLOT_VALUES, PROFILE_SLOTS

TODAY = datetime.date(2025, 6, 1)
PLACE_SLOTS = ("departement", "commune")


def values(text: str, requested: str | None = None) -> dict:
    found = extract_profile(text, requested_slot=requested, today=TODAY).values
    return {k: v for k, v in found.items() if k not in PLACE_SLOTS}


def case(text, expected, requested=None):
    return pytest.param(text, requested, expected, id=f"{requested or '-'}:{text}"[:70])


SITUATION = [
    case("je suis au chômage", {"situation": "demandeur_emploi"}),
    case("chomage depuis 1 an", {"situation": "demandeur_emploi"}),
    case("je suis chomeuse", {"situation": "demandeur_emploi"}),
    case("au chaumage", {"situation": "demandeur_emploi"}),
    case("je suis sans emploi", {"situation": "demandeur_emploi"}),
    case("inscrit à France Travail", {"situation": "demandeur_emploi"}),
    case("inscrite a pole emploi depuis mars", {"situation": "demandeur_emploi"}),
    case("Pôle Emploi m'a dit de venir", {"situation": "demandeur_emploi"}),
    case("je cherche du travail", {"situation": "demandeur_emploi"}),
    case("jcherche un taf", {"situation": "demandeur_emploi"}),
    case("je cherche un emploi dans la vente", {"situation": "demandeur_emploi", "domaine": "commerce_vente"}),
    case("demandeuse d'emploi", {"situation": "demandeur_emploi"}),
    case("je suis au RSA", {"situation": "demandeur_emploi"}),
    case("je touche le rsa", {"situation": "demandeur_emploi"}),
    case("je ne travaille pas en ce moment", {"situation": "demandeur_emploi"}),
    case("jai perdu mon boulot", {"situation": "demandeur_emploi"}),
    case("je suis sans emploi, inscrit à la mission locale", {"situation": "demandeur_emploi"}),
    case("j'ai arrêté le lycée", {"situation": "jeune_decrocheur"}),
    case("jai quitté le lycée l'an dernier", {"situation": "jeune_decrocheur"}),
    case("j'ai arreté les cours", {"situation": "jeune_decrocheur"}),
    case("j'ai décroché en première", {"situation": "jeune_decrocheur"}),
    case("je suis déscolarisée", {"situation": "jeune_decrocheur"}),
    case("je suis plus à l'école", {"situation": "jeune_decrocheur"}),
    case("chui plus au lycee", {"situation": "jeune_decrocheur"}),
    case("viré du lycée en mars", {"situation": "jeune_decrocheur"}),
    case("g arreter lécole en 3eme", {"situation": "jeune_decrocheur", "niveau": "sans_diplome"}),
    case("je travaille", {"situation": "salarie"}),
    case("je bosse en intérim", {"situation": "salarie"}),
    case("je suis en CDD", {"situation": "salarie"}),
    case("en CDI depuis 3 ans", {"situation": "salarie"}),
    case("je suis salariée", {"situation": "salarie"}),
    case("j'ai un job", {"situation": "salarie"}),
    case("jbosse", {"situation": "salarie"}),
    case("je suis étudiant", {"situation": "autre"}),
    case("mère au foyer", {"situation": "autre"}),
    case("je suis retraité", {"situation": "autre"}),
    case("je ne suis pas au chômage", {}),
    case("je suis plus au chômage", {}),
    case("je travaille en CDD dans la logistique mais je veux me reconvertir dans la data",
         {"situation": "salarie", "domaine": "data_ia"}),
]

AGE = [
    case("22 ans", {"age": 22}),
    case("j'ai vingt-deux ans", {"age": 22}),
    case("g 19 ans", {"age": 19}),
    case("19a", {"age": 19}),
    case("jai 19ans", {"age": 19}),
    case("J'AI DIX-HUIT ANS", {"age": 18}),
    case("âgée de 45 ans", {"age": 45}),
    case("née en 2004", {"age": 21}),
    case("ne en 2004", {"age": 21}),
    case("je suis de 2004", {"age": 21}),
    case("je suis née le 12 mars 1990", {"age": 35}),
    case("18", {"age": 18}, "age"),
    case("jai 18", {"age": 18}, "age"),
    case("2001", {"age": 24}, "age"),
    case("trente", {"age": 30}, "age"),
    case("18", {}),
    case("depuis 6 mois", {}),
    case("au chômage depuis 2 ans", {"situation": "demandeur_emploi"}),
    case("j'ai arrêté l'école à 16 ans", {"situation": "jeune_decrocheur"}),
    case("j'ai 5 ans d'expérience dans la vente", {}),  # past experience is not a wish
    case("la formation est pour les moins de 26 ans ?", {}),
    case("il y a 3 ans", {}),
    case("10h", {"heures_semaine": 10}),
    case("j'habite dans le 93", {}),
    case("j'ai un bac+2", {"niveau": "bac+2"}),
]

NIVEAU = [
    case("pas de diplôme", {"niveau": "sans_diplome"}),
    case("aucun diplome", {"niveau": "sans_diplome"}),
    case("sans diplome", {"niveau": "sans_diplome"}),
    case("j'ai le brevet", {"niveau": "sans_diplome"}),
    case("brevet des collèges", {"niveau": "sans_diplome"}),
    case("niveau 3e", {"niveau": "sans_diplome"}),
    case("rien", {"niveau": "sans_diplome"}, "niveau"),
    case("j'ai rien", {"niveau": "sans_diplome"}, "niveau"),
    case("aucun", {"niveau": "sans_diplome"}, "niveau"),
    case("j'ai arrêté en seconde, pas de diplôme", {"niveau": "sans_diplome"}),
    case("CAP cuisine", {"niveau": "cap_bep"}),
    case("j'ai un BEP", {"niveau": "cap_bep"}),
    case("cap petite enfance", {"niveau": "cap_bep"}),
    case("j'ai le CAP AEPE", {"niveau": "cap_bep"}),
    case("bac pro", {"niveau": "bac"}),
    case("j'ai le bac", {"niveau": "bac"}),
    case("bac ES", {"niveau": "bac"}),
    case("baccalauréat", {"niveau": "bac"}),
    case("un bac technologique", {"niveau": "bac"}),
    case("j'ai eu mon bac en 2019", {"niveau": "bac"}),
    case("BTS", {"niveau": "bac+2"}),
    case("un DUT GEA", {"niveau": "bac+2"}),
    case("DEUG de psycho", {"niveau": "bac+2"}),
    case("bac+2", {"niveau": "bac+2"}),
    case("bac +2", {"niveau": "bac+2"}),
    case("bac 2", {"niveau": "bac+2"}),
    case("licence", {"niveau": "bac+3"}),
    case("une licence pro", {"niveau": "bac+3"}),
    case("bachelor", {"niveau": "bac+3"}),
    case("bac+3", {"niveau": "bac+3"}),
    case("master", {"niveau": "bac+5"}),
    case("diplôme d'ingénieur", {"niveau": "bac+5"}),
    case("bac+5", {"niveau": "bac+5"}),
    case("un MBA", {"niveau": "bac+5"}),
    case("doctorat", {"niveau": "bac+5"}),
    case("j'ai un bac pro et un BTS", {"niveau": "bac+2"}),
    case("j'ai raté le bac", {"niveau": "sans_diplome"}),
    case("niveau bac sans l'avoir", {"niveau": "sans_diplome"}),
    case("j'ai pas le bac mais j'ai un CAP", {"niveau": "cap_bep"}),
    case("je suis en BTS", {"situation": "autre"}),  # a student: the level is asked (bac at least)
    case("je suis en BTS", {"niveau": "bac", "situation": "autre"}, "niveau"),
    case("je veux passer un BTS", {}),
    case("c'est quoi Cap Numérique ?", {}),
]

DOMAINE = [
    case("coder des sites", {"domaine": "developpement_web"}),
    case("créer des sites internet", {"domaine": "developpement_web"}),
    case("devenir développeur", {"domaine": "developpement_web"}),
    case("dev web", {"domaine": "developpement_web"}),
    case("la programmation", {"domaine": "developpement_web"}),
    case("developpeuse web", {"domaine": "developpement_web"}),
    case("la data", {"domaine": "data_ia"}),
    case("l'intelligence artificielle", {"domaine": "data_ia"}),
    case("data analyst", {"domaine": "data_ia"}),
    case("cybersécurité", {"domaine": "cybersecurite"}),
    case("la cybersecuriter", {"domaine": "cybersecurite"}),
    case("les réseaux", {"domaine": "systemes_reseaux"}),
    case("admin sys", {"domaine": "systemes_reseaux"}),
    case("le cloud", {"domaine": "systemes_reseaux"}),
    case("réparer des ordis", {"domaine": "support_informatique"}),
    case("technicien informatique", {"domaine": "support_informatique"}),
    case("l'informatique", {"domaine": "support_informatique"}),
    case("graphisme", {"domaine": "design_graphique"}),
    case("infographie", {"domaine": "design_graphique"}),
    case("UX design", {"domaine": "design_graphique"}),
    case("community manager", {"domaine": "marketing_digital"}),
    case("les réseaux sociaux", {"domaine": "marketing_digital"}),
    case("marketing", {"domaine": "marketing_digital"}),
    case("la vente", {"domaine": "commerce_vente"}),
    case("vendeuse", {"domaine": "commerce_vente"}),
    case("caissière", {"domaine": "commerce_vente"}),
    case("conseiller clientèle", {"domaine": "commerce_vente"}),
    case("secrétariat, comptabilité, ce genre de choses", {"domaine": "gestion_administration"}),
    case("la compta", {"domaine": "gestion_administration"}),
    case("assistante administrative", {"domaine": "gestion_administration"}),
    case("les RH", {"domaine": "gestion_administration"}),
    case("cariste", {"domaine": "logistique"}),
    case("magasinier", {"domaine": "logistique"}),
    case("préparateur de commandes", {"domaine": "logistique"}),
    case("livreur", {"domaine": "logistique"}),
    case("aide-soignante", {"domaine": "sante_social"}),
    case("aide soignante", {"domaine": "sante_social"}),
    case("auxiliaire de vie", {"domaine": "sante_social"}),
    case("la petite enfance", {"domaine": "sante_social"}),
    case("travailler en ehpad", {"domaine": "sante_social"}),
    case("le BTP", {"domaine": "batiment"}),
    case("électricien", {"domaine": "batiment"}),
    case("plombier", {"domaine": "batiment"}),
    case("la cuisine", {"domaine": "hotellerie_restauration"}),
    case("serveur", {"domaine": "hotellerie_restauration"}),
    case("hôtellerie", {"domaine": "hotellerie_restauration"}),
    case("l'anglais", {"domaine": "langues"}),
    case("apprendre le français", {"domaine": "langues"}),
    case("FLE", {"domaine": "langues"}),
    case("apprendre à lire et écrire", {"domaine": "competences_de_base"}),
    case("une remise à niveau", {"domaine": "competences_de_base"}),
    case("apprendre à utiliser un ordinateur", {"domaine": "competences_de_base"}),
    case("les bases de l'informatique", {"domaine": "competences_de_base"}),
    case("télépilote de drone", {"domaine": "drones"}),
    case("créer mon entreprise", {"domaine": "creation_entreprise"}),
    case("auto-entrepreneur", {"domaine": "creation_entreprise"}),
    case("me mettre à mon compte", {"domaine": "creation_entreprise"}),
    case("je sais pas trop", {"domaine": "indecis"}, "domaine"),
    case("je sais pas", {"domaine": "indecis"}, "domaine"),
    case("aucune idée", {"domaine": "indecis"}, "domaine"),
    case("n'importe", {"domaine": "indecis"}, "domaine"),
    case("je veux découvrir des métiers", {"domaine": "indecis"}),
    case("je sais pas quoi faire", {"domaine": "indecis"}),
    case("je travaille dans la logistique", {"situation": "salarie"}),
    case("je travaille dans la logistique", {"situation": "salarie", "domaine": "logistique"}, "domaine"),
    case("je suis vendeuse mais je veux devenir développeuse", {"domaine": "developpement_web", "situation": "salarie"}),
    case("pas la vente, plutôt la cuisine", {"domaine": "hotellerie_restauration"}),
    case("je veux pas faire de la vente", {}),
    case("CAP cuisine mais je veux travailler dans la vente", {"niveau": "cap_bep", "domaine": "commerce_vente"}),
    case("supprime mes données", {}),
    case("je voudrais faire du web design", {"domaine": "design_graphique"}),
    case("je veux travailler avec les enfants", {"domaine": "sante_social"}),
    case("je veux conduire des camions", {"domaine": "logistique"}),
    case("j'ai un bac+2 en compta mais je veux faire de la cybersécu", {"niveau": "bac+2", "domaine": "cybersecurite"}),
    case("je suis intéressée par le marketing digital", {"domaine": "marketing_digital"}),
    case("la sécurité sociale", {}),
    case("code postal 95100", {}),
]

HEURES = [
    case("10h par semaine", {"heures_semaine": 10}),
    case("10 heures", {"heures_semaine": 10}),
    case("8h max", {"heures_semaine": 8}),
    case("pas plus de 15h", {"heures_semaine": 15}),
    case("à plein temps", {"heures_semaine": 35}),
    case("dispo à temps plein", {"heures_semaine": 35}),
    case("mi-temps", {"heures_semaine": 20}),
    case("temps partiel", {"heures_semaine": 20}),
    case("2h par jour", {"heures_semaine": 10}),
    case("une heure par jour", {"heures_semaine": 5}),
    case("le week-end 6h", {"heures_semaine": 6, "creneau": "soir_weekend"}),
    case("30", {"heures_semaine": 30}, "heures_semaine"),
    case("vingt heures par semaine", {"heures_semaine": 20}),
    case("1h30 par jour", {"heures_semaine": 7.5}),
    case("bcp", {}, "heures_semaine"),
    case("pas bcp", {}, "heures_semaine"),
    case("à partir de 18h", {"creneau": "soir_weekend"}),
    case("de 9h à 17h", {"creneau": "journee"}),
    case("je travaille à temps partiel", {"situation": "salarie"}),
    case("3h par jour le soir", {"heures_semaine": 15, "creneau": "soir_weekend"}),
    case("dispo tous les jours 3h", {"heures_semaine": 15}),
    case("j'ai 2 enfants de 5 et 8 ans", {}),
]

CRENEAU = [
    case("le soir", {"creneau": "soir_weekend"}),
    case("le soir après le travail", {"creneau": "soir_weekend"}),
    case("le week-end", {"creneau": "soir_weekend"}),
    case("le we", {"creneau": "soir_weekend"}),
    case("le soir quand les enfants dorment", {"creneau": "soir_weekend"}),
    case("en soirée", {"creneau": "soir_weekend"}),
    case("la journée", {"creneau": "journee"}),
    case("en journée", {"creneau": "journee"}),
    case("le matin", {"creneau": "journee"}),
    case("l'aprem", {"creneau": "journee"}),
    case("je travaille la journée donc le soir", {"situation": "salarie", "creneau": "soir_weekend"}),
    case("le matin ou le soir", {"creneau": "indifferent"}),
    case("n'importe quand", {"creneau": "indifferent"}),
    case("peu importe", {"creneau": "indifferent"}, "creneau"),
    case("pas de préférence", {"creneau": "indifferent"}, "creneau"),
    case("je sais pas", {"creneau": "indifferent"}, "creneau"),
    case("bonsoir", {}),
]

EQUIPEMENT = [
    case("un ordi", {"equipement": "ordinateur"}),
    case("ordinateur portable", {"equipement": "ordinateur"}),
    case("j'ai un pc", {"equipement": "ordinateur"}),
    case("un laptop", {"equipement": "ordinateur"}),
    case("j'ai un mac", {"equipement": "ordinateur"}),
    case("j'ai qu'un téléphone", {"equipement": "smartphone"}),
    case("juste mon tel", {"equipement": "smartphone"}),
    case("que mon tel", {"equipement": "smartphone"}),
    case("mon portable", {"equipement": "smartphone"}),
    case("smartphone", {"equipement": "smartphone"}),
    case("j'ai juste mon téléphone, pas d'ordinateur", {"equipement": "smartphone"}),
    case("pas d'ordi ni internet", {"equipement": "aucun"}),
    case("rien", {"equipement": "aucun"}, "equipement"),
    case("aucun", {"equipement": "aucun"}, "equipement"),
    case("pas de téléphone", {"equipement": "aucun"}),
    case("un ordi et un tel", {"equipement": "ordinateur"}),
    case("j'ai un ordinateur portable et internet", {"equipement": "ordinateur"}),
    case("j'ai un ordi mais pas de tel", {"equipement": "ordinateur"}),
]

MODALITE = [
    case("100% en ligne", {"modalite": "distance"}),
    case("à distance", {"modalite": "distance"}),
    case("en ligne", {"modalite": "distance"}),
    case("de chez moi", {"modalite": "distance"}),
    case("full distanciel", {"modalite": "distance"}),
    case("pas de présentiel", {"modalite": "distance"}),
    case("un peu en présentiel ça me va", {"modalite": "hybride"}),
    case("hybride", {"modalite": "hybride"}),
    case("mixte", {"modalite": "hybride"}),
    case("quelques jours sur place", {"modalite": "hybride"}),
    case("peu importe", {"modalite": "indifferent"}, "modalite"),
    case("jsp", {"modalite": "indifferent"}, "modalite"),
    case("aide à domicile", {"domaine": "sante_social"}),
    case("un peu des deux", {"modalite": "hybride"}, "modalite"),
    case("les deux", {"modalite": "indifferent"}, "modalite"),
]

CERTIFICATION = [
    case("je veux un diplôme reconnu", {"certification": "oui"}),
    case("je veux un diplome reconnu par l'etat", {"certification": "oui"}),
    case("une formation certifiante", {"certification": "oui"}),
    case("une certification", {"certification": "oui"}),
    case("un titre pro", {"certification": "oui"}),
    case("RNCP", {"certification": "oui"}),
    case("oui si possible", {"certification": "oui"}, "certification"),
    case("oui", {"certification": "oui"}, "certification"),
    case("peu importe", {"certification": "indifferent"}, "certification"),
    case("pas besoin", {"certification": "indifferent"}, "certification"),
    case("bof", {"certification": "indifferent"}, "certification"),
    case("non", {"certification": "indifferent"}, "certification"),
    case("pas besoin de diplôme", {"certification": "indifferent"}),
]

HANDICAP = [
    case("j'ai une RQTH", {"handicap": True}),
    case("reconnaissance travailleur handicapé", {"handicap": True}),
    case("je suis handicapé", {"handicap": True}),
    case("j'ai un handicap", {"handicap": True}),
    case("dossier MDPH en cours", {"handicap": True}),
    case("je touche l'AAH", {"handicap": True}),
    case("non", {"handicap": False}, "handicap"),
    case("nan", {"handicap": False}, "handicap"),
    case("oui", {"handicap": True}, "handicap"),
    case("pas de handicap", {"handicap": False}),
    case("aucun handicap", {"handicap": False}),
    case("je ne suis pas handicapée", {"handicap": False}),
    case("non", {}),
]

MANY = [
    case("j'ai un BTS et je suis dispo à temps plein", {"niveau": "bac+2", "heures_semaine": 35}),
    case("je peux y consacrer 10 heures par semaine le soir", {"heures_semaine": 10, "creneau": "soir_weekend"}),
    case("je cherche une formation 100% en ligne dans la cybersécurité",
         {"modalite": "distance", "domaine": "cybersecurite"}),
    case("jsui au chomage g 24 ans jvoudrais faire de la compta",
         {"situation": "demandeur_emploi", "age": 24, "domaine": "gestion_administration"}),
    case("Bonjour, j'ai 30 ans, un CAP petite enfance et je veux devenir aide-soignante",
         {"age": 30, "niveau": "cap_bep", "domaine": "sante_social"}),
    case("je bosse la journée donc 5h max le soir sur mon ordi",
         {"situation": "salarie", "heures_semaine": 5, "creneau": "soir_weekend", "equipement": "ordinateur"}),
    case("en fait j'ai 24 ans", {"age": 24}),
    case("salut je suis maman solo et je voudrais me former le soir", {"creneau": "soir_weekend"}),
]

# General rules: activities and objects name a field without a job title; time and format said
# through constraints; an age "fêté" (tested with wordings that are not in the persona banks).
GENERAL = [
    case("sécuriser le site d'une mairie face aux piratages", {"domaine": "cybersecurite"}),
    case("la défense des PME contre les virus", {"domaine": "cybersecurite"}),
    case("je veux stopper les cyber-attaques", {"domaine": "cybersecurite"}),
    case("s'occuper des réseaux et des serveurs d'une école", {"domaine": "systemes_reseaux"}),
    case("entretenir le parc de PC d'une mairie", {"domaine": "support_informatique"}),
    case("les postes informatiques dans une administration", {"domaine": "support_informatique"}),
    case("quand les pc plantent c'est moi qu'on appelle, j'aimerais en faire mon métier",
         {"domaine": "support_informatique"}),
    case("je voudrais tenir une caisse", {"domaine": "commerce_vente"}),
    case("bosser au bureau", {"domaine": "gestion_administration"}),
    case("trier des colis la nuit", {"domaine": "logistique", "creneau": "soir_weekend"}),
    case("décharger des marchandises", {"domaine": "logistique"}),
    case("travailler auprès des personnes âgées", {"domaine": "sante_social"}),
    case("bosser avec des ados", {"domaine": "sante_social"}),
    case("dans une clinique", {"domaine": "sante_social"}, "domaine"),
    case("rénover des appartements", {"domaine": "batiment"}),
    case("faire le service en salle", {"domaine": "hotellerie_restauration"}),
    case("préparer des plats", {"domaine": "hotellerie_restauration"}),
    case("je sais vraiment pas vers quel secteur aller", {"domaine": "indecis"}),
    case("je sais pas quel jour", {}),
    case("libre les matinées", {"creneau": "journee"}),
    case("n'importe quel jour me convient", {"creneau": "indifferent"}),
    case("les heures m'en sont égales", {"creneau": "indifferent"}),
    case("je suis dispo le weekend", {"creneau": "soir_weekend"}),
    case("cours par internet à la maison", {"modalite": "distance"}),
    case("surtout en ligne et un peu au centre", {"modalite": "hybride"}),
    case("sur place deux jours par mois", {"modalite": "hybride"}),
    case("2 jours au centre et tout le reste en ligne", {"modalite": "hybride"}),
    case("la forme du cours m'est égal", {"modalite": "indifferent"}),
    case("peu importe la modalité", {"modalite": "indifferent"}),
    case("hier j'ai fêté mes 27 ans", {"age": 27}),
    case("bientôt mes 27 ans", {}),
    case("depuis mes 18 ans je cherche", {}),
    case("31 asn", {"age": 31}, "age"),
    case("je suis née en 99", {"age": 26}),
    case("étudiante de 21 ans", {"age": 21, "situation": "autre"}),
    case("garder des bébés", {"domaine": "sante_social"}),
    case("un poste à la crèche du quartier", {"domaine": "sante_social"}),
    case("ma fille est à la crèche le matin", {"creneau": "journee"}),
    case("bosser en école maternelle", {"domaine": "sante_social"}),
    case("les personnes dépendantes", {"domaine": "sante_social"}, "domaine"),
    case("chez kfc", {"domaine": "hotellerie_restauration"}, "domaine"),
    case("repeindre des façades", {"domaine": "batiment"}),
    case("le secteur des transports", {"domaine": "logistique"}),
    case("je prends les transports en commun", {}),
    case("écrire au clavier", {"domaine": "competences_de_base"}),
    case("savoir envoyer un e-mail", {"domaine": "competences_de_base"}),
    case("tourner des vidéos", {"domaine": "design_graphique"}),
    case("le montage de vidéos", {"domaine": "design_graphique"}),
    case("retoucher des photos", {"domaine": "design_graphique"}),
    case("depuis chez moi ;)", {"modalite": "distance"}),
    case("à la maison", {"modalite": "distance"}, "modalite"),
    case("via internet", {"modalite": "distance"}, "modalite"),
    case("je cherche sur internet", {}),
    case("des cours sur Zoom", {"modalite": "distance"}),
    case("je veux bien passer au centre", {"modalite": "hybride"}),
    case("oui je peux bouger", {"modalite": "hybride"}, "modalite"),
    case("je peux venir mardi", {"creneau": "journee"}),
    case("50/50", {"modalite": "hybride"}, "modalite"),
    case("moi, un gars de 33 ans", {"age": 33}),
    case("j'ai un garçon de 4 ans", {}),
    case("une formation de 3 ans", {}),
    case("née en 10 minutes chrono", {}),
    case("les jours ouvrés de la semaine", {"creneau": "journee"}, "creneau"),
    case("sur ma pause de midi", {"creneau": "journee"}),
    case("je bosse de 8h à 17h", {"situation": "salarie", "creneau": "soir_weekend"}, "creneau"),
    case("je bosse de 8h à 17h", {"situation": "salarie"}),
    case("libre de 10h à 16h", {"creneau": "journee"}),
    case("de 19h à 22h", {"creneau": "soir_weekend"}, "creneau"),
    case("quand ça t'arrange", {"creneau": "indifferent"}, "creneau"),
]

NOTHING = [
    case("bonjour", {}), case("merci", {}), case("ok", {}), case("c'est quoi le CPF ?", {}),
    case("quel temps fait-il", {}), case("quel temps fait-il demain ?", {}), case("salut", {}),
    case("Bonjour je cherche une formation", {}), case("bjr g besoin d'une formation", {}),
    case("je veux parler à un conseiller", {}), case("c'est gratuit ?", {}), case("d'accord", {}),
    case("plus d'infos svp", {}), case("c'est combien de temps la formation ?", {}),
]


@pytest.mark.parametrize(
    "text, requested, expected",
    SITUATION + AGE + NIVEAU + DOMAINE + HEURES + CRENEAU + EQUIPEMENT + MODALITE
    + CERTIFICATION + HANDICAP + MANY + GENERAL + NOTHING,
)
def test_extracts_exactly_the_given_values(text, requested, expected):
    assert values(text, requested) == expected


@pytest.mark.parametrize("text, requested", [
    ("150 ans", None), ("j'ai 12 ans", None), ("5 ans", None), ("5", "age"), ("150", "age"),
    ("j'ai cent ans", None),
])
def test_age_out_of_range_is_invalid_without_value(text, requested):
    result = extract_profile(text, requested_slot=requested, today=TODAY)
    assert "age" not in result.values
    assert result.invalid["age"] == f"L'âge doit être compris entre {AGE_RANGE[0]} et {AGE_RANGE[1]} ans."


@pytest.mark.parametrize("text, requested", [
    ("60h par semaine", None), ("10h par jour", None), ("80", "heures_semaine"),
])
def test_weekly_hours_out_of_range_is_invalid(text, requested):
    result = extract_profile(text, requested_slot=requested, today=TODAY)
    assert "heures_semaine" not in result.values
    assert "entre 1 et 45" in result.invalid["heures_semaine"]


def test_values_are_canonical_and_typed():
    result = extract_profile("j'ai 22 ans, 10h par semaine", today=TODAY)
    assert isinstance(result, Extraction)
    assert isinstance(result.values["age"], float) and isinstance(result.values["heures_semaine"], float)
    assert set(result.values) <= set(PROFILE_SLOTS)
    assert result.invalid == {}


@pytest.mark.parametrize("text", ["", "   ", "?", "!!!"])
def test_empty_messages(text):
    assert extract_profile(text) == Extraction()


@pytest.mark.parametrize("text", [
    "je ne sais pas", "jsp", "j'sais pas", "jsais pas", "aucune idée", "peu importe", "n'importe",
    "bof", "je sais pas trop", "chai pas", "ché pas", "Je Sais Pas", "pas d'idée", "j'en sais rien",
])
def test_is_dont_know(text):
    assert is_dont_know(text)


@pytest.mark.parametrize("text", [
    "oui", "non", "22 ans", "la cuisine", "je sais pas si j'ai droit au CPF", "je sais lire", "bonjour",
])
def test_is_not_dont_know(text):
    assert not is_dont_know(text)


@pytest.mark.parametrize("slot, raw, expected", [
    ("niveau", "bac+2", "bac+2"), ("niveau", "Bac +2", "bac+2"), ("niveau", "sans_diplome", "sans_diplome"),
    ("niveau", "BTS", "bac+2"), ("situation", "demandeur_emploi", "demandeur_emploi"),
    ("situation", "au chômage", "demandeur_emploi"), ("domaine", "data_ia", "data_ia"),
    ("domaine", "développement web", "developpement_web"), ("domaine", "je sais pas", "indecis"),
    ("age", 22, 22.0), ("age", "22", 22.0), ("age", "vingt-deux ans", 22.0), ("age", 150, None),
    ("age", "150", None), ("heures_semaine", "10h", 10.0), ("heures_semaine", 10, 10.0),
    ("handicap", True, True), ("handicap", "non", False), ("handicap", "true", True),
    ("creneau", "soir_weekend", "soir_weekend"), ("equipement", "un ordi", "ordinateur"),
    ("modalite", "peu importe", "indifferent"), ("certification", "oui", "oui"),
    ("departement", "93", "93"), ("departement", "hors_idf", "hors_idf"),
    ("niveau", "n'importe quoi", None), ("domaine", None, None), ("not_a_slot", "x", None),
])
def test_normalise_slot(slot, raw, expected):
    assert normalise_slot(slot, raw, today=TODAY) == expected


def test_every_domain_value_is_reachable_from_its_name():
    for domain in DOMAIN_SLOT_VALUES:
        assert normalise_slot("domaine", domain) == domain


# Places come from bot.core.geo.find_place.
from bot.core import geo  # noqa: E402


@pytest.mark.parametrize("text, requested, expected", [
    ("j'ai 22 ans et j'habite à Créteil", None, {"age": 22, "departement": "94", "commune": "Créteil"}),
    ("jsui a evry g 19 ans", None, {"age": 19, "departement": "91"}),
    ("j'habite à Bobigny", "departement", {"departement": "93", "commune": "Bobigny"}),
    ("Sarcelles", "commune", {"departement": "95", "commune": "Sarcelles"}),
    ("j'habite à Lyon", None, {"departement": "hors_idf"}),
])
def test_places_come_from_geo(text, requested, expected):
    found = extract_profile(text, requested_slot=requested, today=TODAY).values
    assert {k: found.get(k) for k in expected} == expected


@pytest.mark.parametrize("text, requested", [("93", "age"), ("22 ans", None), ("30", "heures_semaine"),
                                             ("10h par semaine", None)])
def test_numbers_answering_other_questions_are_not_places(text, requested):
    found = extract_profile(text, requested_slot=requested, today=TODAY).values
    assert "departement" not in found


# ---------------------------------------------------------------------------------------
# Issue 12: extraction runs on every message. Job titles (ROME), quantities with their unit,
# the words of the unseen cases, and messages that must give nothing.
# ---------------------------------------------------------------------------------------

JOB_TITLES = [
    case("auxiliaire de vie", {"domaine": "sante_social"}),
    case("je veux devenir auxiliaire de vie", {"domaine": "sante_social"}),
    case("auxilliaire de vie", {"domaine": "sante_social"}),
    case("hôte de caisse", {"domaine": "commerce_vente"}),
    case("hôtesse de caisse", {"domaine": "commerce_vente"}),
    case("je voudrais etre hotesse de caisse", {"domaine": "commerce_vente"}),
    case("caissière", {"domaine": "commerce_vente"}),
    case("pentesteur", {"domaine": "cybersecurite"}),
    case("je voudrais devenir pentesteuse", {"domaine": "cybersecurite"}),
    case("magasinier", {"domaine": "logistique"}),
    case("magasinière", {"domaine": "logistique"}),
    case("magazinier", {"domaine": "logistique"}),
    case("cariste", {"domaine": "logistique"}),
    case("je veux passer cariste", {"domaine": "logistique"}),
    case("aide-soignante", {"domaine": "sante_social"}),
    case("aide soignantes", {"domaine": "sante_social"}),
    case("développeur", {"domaine": "developpement_web"}),
    case("développeuse web", {"domaine": "developpement_web"}),
    case("boulanger", {"domaine": "hotellerie_restauration"}),  # ROME D1102: a food craft (DOMAIN_BY_ROME)
    case("comptable", {"domaine": "gestion_administration"}),
    case("graphiste", {"domaine": "design_graphique"}),
    case("serveuse", {"domaine": "hotellerie_restauration"}),
    case("cuisinière", {"domaine": "hotellerie_restauration"}),
    case("plombier", {"domaine": "batiment"}),
    case("carreleuse", {"domaine": "batiment"}),
    case("préparatrice de commandes", {"domaine": "logistique"}),
    case("infirmière", {"domaine": "sante_social"}),
    case("secrétaire médicale", {"domaine": "gestion_administration"}),
    case("télépilote de drone", {"domaine": "drones"}),
    case("data analyst", {"domaine": "data_ia"}),
    case("analyste en cybersécurité", {"domaine": "cybersecurite"}),
    case("technicienne réseaux informatiques", {"domaine": "systemes_reseaux"}),
    # ROME codes with no contract domain give nothing rather than a wrong domain
    case("météorologue", {}), case("imam", {}), case("professeur de piano", {}),
    case("je suis jardinier", {"situation": "salarie"}),  # a job held: no domain, but works
    # a current job counts only when the domain was asked
    case("je suis caissière", {"situation": "salarie"}),
    case("je suis caissière", {"domaine": "commerce_vente", "situation": "salarie"}, "domaine"),
    case("je suis magasinier et je veux devenir développeur", {"domaine": "developpement_web", "situation": "salarie"}),
]

QUANTITIES = [
    case("une dizaine d'heures", {"heures_semaine": 10.0}),
    case("une dizaine d heures par semaine", {"heures_semaine": 10.0}),
    case("une quinzaine", {"heures_semaine": 15.0}, "heures_semaine"),
    case("une quinzaine d'heures", {"heures_semaine": 15.0}),
    case("une vingtaine d'heures", {"heures_semaine": 20.0}),
    case("environ une trentaine d'heures", {"heures_semaine": 30.0}),
    case("une quinzaine de jours", {}),
    case("3 h par jour", {"heures_semaine": 15.0}),
    case("2 heures par jour", {"heures_semaine": 10.0}),
    case("deux heures par jour", {"heures_semaine": 10.0}),
    case("40 h par mois", {"heures_semaine": 9.2}),
    case("mi-temps", {"heures_semaine": 20.0}),
    case("temps plein", {"heures_semaine": 35.0}),
    case("à plein temps", {"heures_semaine": 35.0}),
    case("quelques heures", {}),
    case("quelques heures", {}, "heures_semaine"),
    case("entre 5 et 10 h", {"heures_semaine": 5.0}),
    case("entre 5h et 10h par semaine", {"heures_semaine": 5.0}),
    case("5 à 10 heures par semaine", {"heures_semaine": 5.0}),
    case("6 ou 8 h", {"heures_semaine": 6.0}),
    case("de 9h à 17h", {"creneau": "journee"}),
    case("entre 18h et 20h", {"creneau": "soir_weekend"}),
    case("finalement plutôt 30 h par semaine", {"heures_semaine": 30.0}),
    case("3 enfants et 41 ans", {"age": 41.0}),
    case("j'ai 3 enfants et 41 ans", {"age": 41.0}),
    case("j'ai 2 enfants", {}),
    case("j'ai 2 enfants", {}, "age"),
    case("bac+2", {"niveau": "bac+2"}),
    case("bac+2", {"niveau": "bac+2"}, "age"),
    case("en 2004", {"age": 21.0}, "age"),
    case("j'ai eu mon bac en 2004", {"niveau": "bac"}),
    case("entre 5 et 8 ans d'expérience", {}),
    case("la 2", {}, "age"), case("la 2", {}, "heures_semaine"),
]

ISSUE_WORDS = [
    case("je voudrais apprendre le français", {"domaine": "langues"}),
    case("FLE", {"domaine": "langues"}),
    case("je parle pas bien français", {"domaine": "langues"}),
    case("cours de français pour étrangers", {"domaine": "langues"}),
    case("savoir mieux lire et écrire", {"domaine": "competences_de_base"}),
    case("remise à niveau", {"domaine": "competences_de_base"}),
    case("les bases en calcul", {"domaine": "competences_de_base"}),
    case("que mon android", {"equipement": "smartphone"}),
    case("juste mon iphone", {"equipement": "smartphone"}),
    case("g que mon portable", {"equipement": "smartphone"}),
    case("j'ai un ordinateur portable", {"equipement": "ordinateur"}),
    case("100 % en ligne svp", {"modalite": "distance"}),
    case("full distanciel", {"modalite": "distance"}),
    case("il me faut un vrai diplôme", {"certification": "oui"}),
    case("un truc reconnu", {"certification": "oui"}),
    case("je sais pas du tout quoi faire", {"domaine": "indecis"}),
    case("aucune idée", {"domaine": "indecis"}, "domaine"),
    case("aucune idée", {}),
    case("inscrit à France Travail", {"situation": "demandeur_emploi"}),
    case("je suis inscrite à pôle emploi", {"situation": "demandeur_emploi"}),
    case("je suis en intérim", {"situation": "salarie"}),
    case("je suis accompagné par la mission locale", {}),
    case("je suis accompagné par la mission locale", {"situation": "jeune_decrocheur"}, "situation"),
    case("j'ai 19 ans, suivi par la mission locale", {"age": 19.0, "situation": "jeune_decrocheur"}),
]

NOTHING_ON_EVERY_MESSAGE = [
    case(text, {}, requested)
    for text in ["la 2", "compare la 1 et la 3", "tu peux comparer la 1 et la 2",
                 "des détails sur la seconde", "c'est quoi le CPF ?", "voir d'autres",
                 "Auriez-vous d'autres formations ?", "oui", "merci", "merci beaucoup !", "ok",
                 "supprimer mes données", "je veux parler à un conseiller",
                 "je souhaiterais m'entretenir avec un conseiller",
                 "c'est ma conseillère qui m'envoie", "👍", "😀😀🙏", "bonjour", "salut ça va",
                 "c'est gratuit ?", "comment je m'inscris ?", "la dernière", "la première",
                 "c'est quoi une formation certifiante ?", "je peux avoir mon code ?"]
    for requested in (None, "creneau")
]

AFTER_THE_LIST = [
    case("et en graphisme, il y a quoi ?", {"domaine": "design_graphique"}),
    case("je préfère m'orienter vers l'analyse de données", {"domaine": "data_ia"}),
    case("et dans la logistique ?", {"domaine": "logistique"}),
    case("plutôt en cybersécurité", {"domaine": "cybersecurite"}),
    case("finalement plutôt 30 h par semaine", {"heures_semaine": 30.0}),
    case("Je voudrais une formation diplômante en comptabilité, en ligne, le week-end",
         {"domaine": "gestion_administration", "modalite": "distance", "creneau": "soir_weekend",
          "certification": "oui"}),
]

REGISTERS = [
    # SMS
    case("jsui o chomage g 22 an", {"situation": "demandeur_emploi", "age": 22.0}),
    case("chui cariste ds un entrepot mé jveux devenir dev web", {"domaine": "developpement_web", "situation": "salarie"}),
    case("g pa d ordi jai ke mon tel", {"equipement": "smartphone"}),
    case("stp un truc le soir 10h par sem", {"creneau": "soir_weekend", "heures_semaine": 10.0}),
    # no accents, typos
    case("je voudrai devenir aide soignant a domicile", {"domaine": "sante_social"}),
    case("je veu une formation en comptabiliter a distence", {"domaine": "gestion_administration",
                                                               "modalite": "distance"}),
    # dictated, no punctuation
    case("bonjour je m appelle Sarah j ai 34 ans je suis demandeuse d emploi je voudrais travailler "
         "comme secretaire j ai un bac pro", {"age": 34.0, "situation": "demandeur_emploi",
                                               "domaine": "gestion_administration", "niveau": "bac"}),
    # formal
    case("Madame, Monsieur, je suis demandeuse d'emploi, âgée de 45 ans, titulaire d'un BTS.",
         {"situation": "demandeur_emploi", "age": 45.0, "niveau": "bac+2"}),
    case("Je souhaiterais me reconvertir dans le métier d'auxiliaire de vie, de préférence à distance.",
         {"domaine": "sante_social", "modalite": "distance"}),
    # non-native French
    case("moi vouloir apprendre français pour travail", {"domaine": "langues"}),
    case("je suis 30 ans, je cherche travail magasinier", {"age": 30.0, "situation": "demandeur_emploi",
                                                           "domaine": "logistique"}),
]


@pytest.mark.parametrize("text, requested, expected",
                         JOB_TITLES + QUANTITIES + ISSUE_WORDS + NOTHING_ON_EVERY_MESSAGE
                         + AFTER_THE_LIST + REGISTERS)
def test_issue_12_cases(text, requested, expected):
    assert values(text, requested) == expected


@pytest.mark.parametrize("text, expected", [
    ("bonjour j'ai 23 ans j'habite à Nanterre je suis au chômage avec un CAP et je voudrais bosser "
     "dans la logistique",
     {"age": 23.0, "departement": "92", "commune": "Nanterre", "situation": "demandeur_emploi",
      "niveau": "cap_bep", "domaine": "logistique"}),
    ("Bonjour, 41 ans, 3 enfants, je vis à Créteil, j'ai juste mon iphone, je voudrais une formation "
     "d'aide-soignante le soir, c'est possible ?",
     {"age": 41.0, "departement": "94", "commune": "Créteil", "equipement": "smartphone",
      "domaine": "sante_social", "creneau": "soir_weekend"}),
    ("slt jsui ds le 93 g 19 an jai arreter le lycee je veu etre cariste c koi les formations",
     {"departement": "93", "age": 19.0, "situation": "jeune_decrocheur", "domaine": "logistique"}),
    ("je suis en intérim à Argenteuil 95100, je cherche une formation certifiante en ligne, "
     "une dizaine d'heures par semaine",
     {"situation": "salarie", "departement": "95", "commune": "Argenteuil", "certification": "oui",
      "modalite": "distance", "heures_semaine": 10.0}),
])
def test_openings_with_many_facts_give_all_of_them(text, expected):
    assert extract_profile(text, today=TODAY).values == expected


# -- general rules of the offline slot bench (tests/personas/slots.py), in our own words ------

GENERAL_RULES = [
    # slang units of age
    case("on m'donne 52 balais", {"age": 52.0}),
    case("j'ai 27 piges et toutes mes dents", {"age": 27.0}),
    case("60 berges au compteur", {"age": 60.0}),  # ("bientôt 60" is an approximation: no age)
    case("39 piges", {"age": 39.0}, "age"),
    # one typing slip in a short word: a letter doubled, dropped or two letters swapped
    case("j'ai 44 anss", {"age": 44.0}),
    case("au chomaeg depuis l'hiver", {"situation": "demandeur_emploi"}),
    case("j'ai quitté l'ecloe en 4e", {"situation": "jeune_decrocheur", "niveau": "sans_diplome"}),
    case("j'ai un mastre en biologie", {"niveau": "bac+5"}),
    case("un ordinatuer fixe", {"equipement": "ordinateur"}),
    case("7 heurs par semiane", {"heures_semaine": 7.0}),
    case("plutot le soire", {"creneau": "soir_weekend"}),
    case("pas forcémnet", {"certification": "indifferent"}, "certification"),
    case("je suis etudinate en droit", {"situation": "autre"}),
    case("réparer des ordiis en boutique", {"domaine": "support_informatique"}),
    case("j'aimerais dépanner des ords", {"domaine": "support_informatique"}),
    # the same slip rule leaves real words alone
    case("depuis 3 mois", {}),
    case("c'est moi qui paie", {}),
    # a number word glued to its hour unit (dictation of "8h")
    case("huith par semaine", {"heures_semaine": 8.0}),
    # m before p and b: "inporte" is "importe"
    case("peu inporte", {"modalite": "indifferent"}, "modalite"),
    # learners' French: "moi" + infinitive
    case("moi avoir bac de mon pays", {"niveau": "bac"}),
    case("moi travailler dans un restaurant", {"situation": "salarie"}),  # a current job is no wish
    case("moi pas avoir diplôme", {"niveau": "sans_diplome"}),
    case("moi ouvrir ma boutique", {"domaine": "creation_entreprise"}),
    # "j'" before a consonant is "je"
    case("j'veux des cours le samedi", {"creneau": "soir_weekend"}),
    # no work and no job search: not a jobseeker
    case("je travaille pas et je cherche pas d'emploi", {"situation": "autre"}),
    case("sans emploi mais je ne recherche pas de travail pour l'instant", {"situation": "autre"}),
    case("je travaille pas, je cherche une formation", {"situation": "demandeur_emploi"}),
    case("je reste à la maison pour m'occuper des enfants", {"situation": "autre"}),
    case("j'ai interrompu mes études en terminale", {"situation": "jeune_decrocheur", "niveau": "sans_diplome"}),
    # formal: no equipment at all, and no IT domain
    case("Je ne possède aucun équipement informatique.", {"equipement": "aucun"}),
    # levels
    case("bac 5 en finance", {"niveau": "bac+5"}),
    case("bac 3", {"niveau": "bac+3"}, "niveau"),
    case("j'ai le bac depuis 5 ans", {"niveau": "bac"}),
    case("une license de droit", {"niveau": "bac+3"}),
    case("le bak pro", {"niveau": "bac"}),
    case("je sait pas", {"domaine": "indecis"}, "domaine"),
    # both times or both places named with "ou": indifferent; "un peu ... un peu": hybride
    case("le matin ou le soir, c'est pareil", {"creneau": "indifferent"}),
    case("les horaires ? ça m'est égal", {"creneau": "indifferent"}),
    case("osef", {"creneau": "indifferent"}, "creneau"),
    case("en ligne ou en présentiel", {"modalite": "indifferent"}),
    case("les 2 me vont", {"modalite": "indifferent"}, "modalite"),
    case("un peu en ligne, un peu en présentiel", {"modalite": "hybride"}),
    case("tout est possible", {"modalite": "indifferent"}, "modalite"),
    case("ce n'est pas indispensable", {"certification": "indifferent"}, "certification"),
]


@pytest.mark.parametrize("text, requested, expected", GENERAL_RULES)
def test_general_rules(text, requested, expected):
    assert values(text, requested) == expected


# Generalisation rules (words of their own, not the phrase banks').
GENERALISATION = [
    # situation: work verbs and nouns of every register, "no work" with its own negation
    case("je taff plus depuis avril", {"situation": "demandeur_emploi"}),
    case("je n'ai plus de boulot", {"situation": "demandeur_emploi"}),
    case("zéro boulot là", {"situation": "demandeur_emploi"}),
    case("je touche le revenu de solidarité active", {"situation": "demandeur_emploi"}),
    case("ma mission d'intérim est terminée", {"situation": "demandeur_emploi"}),
    case("fin de contrat le mois dernier", {"situation": "demandeur_emploi"}),
    case("demandeur d'emploie", {"situation": "demandeur_emploi"}),
    case("je charbonne sur les marchés", {"situation": "salarie"}),
    case("je taff chez mon oncle", {"situation": "salarie"}),
    case("j'ai 1 poste à la mairie", {"situation": "salarie"}),
    case("je suis employée à la mairie", {"situation": "salarie"}),
    case("J'exerce actuellement dans une PME.", {"situation": "salarie"}),
    case("un contrat à durée déterminée", {"situation": "salarie"}),
    case("intérimère depuis un an", {"situation": "salarie"}),
    # learners: "je suis" + infinitive, the noun for the verb
    case("je suis travailler dans une boulangerie", {"situation": "salarie"}),
    case("moi travail la nuit", {"situation": "salarie", "creneau": "journee"}),  # busy at night: free by day
    case("je travail au marché", {"situation": "salarie"}),
    # leaving school, in more words
    case("j'ai laissé tomber le collège", {"situation": "jeune_decrocheur"}),
    case("les cours c'est fini pour moi", {"situation": "jeune_decrocheur"}),
    case("je me suis fait renvoyer du collège", {"situation": "jeune_decrocheur"}),
    case("je vais plus au bahut", {"situation": "jeune_decrocheur"}),
    case("j'ai mis fin à mes études", {"situation": "jeune_decrocheur"}),
    case("je suis sortie du collège sans diplôme", {"situation": "jeune_decrocheur", "niveau": "sans_diplome"}),
    # inactive: civic service, self-employed, at home with one's children, studying
    case("je fais mon service civique", {"situation": "autre"}),
    case("je suis micro entrepreneuse", {"situation": "autre"}),
    case("je m'occupe de mon bébé", {"situation": "autre"}),
    case("j'étudie la psychologie", {"situation": "autre"}),
    case("papa au foyer", {"situation": "autre"}),
    # "no work" beside an inactive situation is that situation
    case("je suis retraité, je travaille plus", {"situation": "autre"}),
    case("étudiante, pas de job", {"situation": "autre"}),
    # creneau: more children, school hours, ruled-out times, weekdays, outside office hours
    case("quand les loulous sont à la crèche", {"creneau": "journee"}),
    case("pendant les heures d'école", {"creneau": "journee"}),
    case("l'après-midi ok, le soir impossible", {"creneau": "journee"}),
    case("le jeudi", {"creneau": "journee"}, "creneau"),
    case("le mardi soir", {"creneau": "soir_weekend"}, "creneau"),
    case("je bosse en semaine", {"situation": "salarie", "creneau": "soir_weekend"}, "creneau"),
    case("hors des heures de travail", {"creneau": "soir_weekend"}, "creneau"),
    case("plutôt en fin de journée", {"creneau": "soir_weekend"}),
    case("matin ; soir", {"creneau": "indifferent"}, "creneau"),
    case("aucune contrainte d'horaire", {"creneau": "indifferent"}),
    case("mes horaires sont souples", {"creneau": "indifferent"}),
    case("dispo 24h/24", {"creneau": "indifferent"}, "creneau"),
    case("à n'importe quelle heure", {"creneau": "indifferent"}),
    # modalite: visio, no travel, occasional travel, near home
    case("par visio", {"modalite": "distance"}, "modalite"),
    case("sans déplacements", {"modalite": "distance"}, "modalite"),
    case("je peux pas venir au centre", {"modalite": "distance"}, "modalite"),
    case("apprendre par internet", {"modalite": "distance"}, "modalite"),
    case("avec des regroupements c'est bien", {"modalite": "hybride"}, "modalite"),
    case("aller au centre une fois par mois ça va", {"modalite": "hybride"}, "modalite"),
    case("deux jours par semaine en centre", {"modalite": "hybride"}, "modalite"),
    case("près de chez moi", {"modalite": "hybride"}, "modalite"),
    case("distance ou sur place", {"modalite": "indifferent"}, "modalite"),
    case("comme tu préfères", {"modalite": "indifferent"}, "modalite"),
    # certification: a diploma at the end, "the diploma, I don't care"
    case("un cursus qui mène à un titre", {"certification": "oui"}),
    case("il faut une certification au bout", {"certification": "oui"}),
    case("la certif c'est pas très important", {"certification": "indifferent"}, "certification"),
    case("le titre je m'en balance", {"certification": "indifferent"}, "certification"),
    case("juste apprendre", {"certification": "indifferent"}, "certification"),
    case("l'attestation ça me suffit", {"certification": "indifferent"}, "certification"),
    # handicap: conditions named, elided negators, other people's disability
    case("je me déplace en fauteuil roulant", {"handicap": True}),
    case("je suis dyspraxique", {"handicap": True}),
    case("on m'a diagnostiqué un TDAH", {"handicap": True}),
    case("j'ai la carte d'invalidité", {"handicap": True}),
    case("une déficience auditive", {"handicap": True}),
    case("je n'ai droit à aucune aide, je n'ai pas d'aucun handicap", {"handicap": False}),
    case("il n'y a d'aucune reconnaissance", {"handicap": False}),
    case("non concerné", {"handicap": False}, "handicap"),
    case("travailler avec des personnes handicapées", {"domaine": "sante_social"}),
    case("je voudrais accompagner les enfants autistes", {"domaine": "sante_social"}),
    # domaine: activities without a job title
    case("je voudrais configurer des serveurs", {"domaine": "systemes_reseaux"}),
    case("défendre les PME contre les cyberattaques", {"domaine": "cybersecurite"}, "domaine"),
    case("réparer les PC en panne", {"domaine": "support_informatique"}, "domaine"),
    case("faire de la pub", {"domaine": "marketing_digital"}, "domaine"),
    case("un poste de bureau", {"domaine": "gestion_administration"}, "domaine"),
    case("le suivi des stocks", {"domaine": "logistique"}, "domaine"),
    case("soigner les patients", {"domaine": "sante_social"}, "domaine"),
    case("l'identité graphique des marques", {"domaine": "design_graphique"}, "domaine"),
    # typos: a swap beats a dropped letter; a slip in an SMS form
    case("les rseaux sociaux", {"domaine": "marketing_digital"}, "domaine"),
    case("les résaeux sociaux", {"domaine": "marketing_digital"}, "domaine"),
    case("nimporrte qd", {"creneau": "indifferent"}, "creneau"),
    # age: half a year; an approximation is no age (never guess)
    case("j'ai 19 ans et demi", {"age": 19.5}),
    case("bientôt 40", {}, "age"),
    case("j'ai presque 50 ans", {}),
    case("je vais sur mes 20 ans", {}),
    case("j'ai 35 ans environ", {}, "age"),
    case("la quarantaine", {}, "age"),
    case("j'ai 24 ans, bientôt 25 ans", {"age": 24.0}),
    case("j'ai 33 nas", {"age": 33.0}),
    # second round: more registers
    case("g pu de job", {"situation": "demandeur_emploi"}),
    case("je galère pour trouver un emploi", {"situation": "demandeur_emploi"}),
    case("sans un boulot depuis mars", {"situation": "demandeur_emploi"}),
    case("privé d'emploi", {"situation": "demandeur_emploi"}),
    case("stop le lycée pour moi", {"situation": "jeune_decrocheur"}),
    case("le bahut c'est pas pour moi", {"situation": "jeune_decrocheur"}),
    case("jvai plus o collège", {"situation": "jeune_decrocheur"}),
    case("j'occupe le poste depuis 2019", {"situation": "salarie"}),
    case("j'élève mes trois enfants", {"situation": "autre"}),
    case("j'ai quitté le lyccceee", {"situation": "jeune_decrocheur"}),
    case("la journée, le soir je suis crevée", {"creneau": "journee"}, "creneau"),
    case("le week-end, en semaine je suis au boulot", {"creneau": "soir_weekend"}, "creneau"),
    case("plutôt de jour", {"creneau": "journee"}, "creneau"),
    case("comme ça t'arrange", {"creneau": "indifferent"}, "creneau"),
    case("je m'adapterai aux horaires", {"creneau": "indifferent"}),
    case("seulement de la maison", {"modalite": "distance"}, "modalite"),
    case("un peu au centre ça va", {"modalite": "hybride"}, "modalite"),
    case("une partie en présentiel", {"modalite": "hybride"}, "modalite"),
    case("venir deux ou trois fois par mois", {"modalite": "hybride"}, "modalite"),
    case("ça ne me dérange pas", {"modalite": "indifferent"}, "modalite"),
    case("aucune préférence", {"modalite": "indifferent"}, "modalite"),
    case("pas la peine", {"certification": "indifferent"}, "certification"),
    # silence: a weekday that is no availability, a question about a shown course, someone else
    case("bon week-end et à mardi", {}),
    case("les cours démarrent le jeudi 4 ?", {}),
    case("je suis libre le vendredi", {"creneau": "journee"}),
    case("elle est en ligne ?", {}),
    case("la 1 est certifiante ?", {}),
    case("est-ce que c'est le samedi ?", {}),
    case("je cherche du travail, c'est en distanciel ?", {"situation": "demandeur_emploi"}),
    case("ma copine est au chômage", {}),
    case("mon frère a une RQTH", {}),
    case("mon fils veut devenir cuisinier", {"domaine": "hotellerie_restauration"}),
    # domaine, round 3: activities
    case("régler les pannes d'ordinateurs des collègues", {"domaine": "support_informatique"}, "domaine"),
    case("concevoir des flyers", {"domaine": "design_graphique"}, "domaine"),
    case("la préparation de commandes", {"domaine": "logistique"}, "domaine"),
    case("la pâtisserie", {"domaine": "hotellerie_restauration"}, "domaine"),
    case("toujours hésitant", {"domaine": "indecis"}, "domaine"),
    case("je reste indécis", {"domaine": "indecis"}),
    # creneau: a ruled-out or busy time means the other part of the week, said as the answer
    case("pas en journée", {"creneau": "soir_weekend"}, "creneau"),
    case("en journée je peux pas", {"creneau": "soir_weekend"}, "creneau"),
    case("je bosse le soir et le week-end", {"situation": "salarie", "creneau": "journee"}, "creneau"),
    case("ni le matin ni l'après-midi", {"creneau": "soir_weekend"}, "creneau"),
    case("je bosse de 9h à 17h donc après", {"situation": "salarie", "creneau": "soir_weekend"}, "creneau"),
    case("je travaille du lundi au vendredi", {"situation": "salarie", "creneau": "soir_weekend"}, "creneau"),
    case("à partir de 19 heures", {"creneau": "soir_weekend"}, "creneau"),
    case("pas avant 18h", {"creneau": "soir_weekend"}, "creneau"),
    case("avant 16h", {"creneau": "journee"}, "creneau"),
    case("tous les jours sauf le mercredi", {}, "creneau"),
    case("je travaille la journée et le soir je suis libre", {"situation": "salarie", "creneau": "soir_weekend"},
         "creneau"),
    case("en fin d'après-midi et le soir", {"creneau": "soir_weekend"}, "creneau"),
    case("pas le soir plutôt la journée", {"creneau": "journee"}, "creneau"),  # a negation ends at its time
    case("pas après 17h", {"creneau": "journee"}, "creneau"),
    case("le soir n'importe quel jour", {"creneau": "soir_weekend"}, "creneau"),
    case("la journée c'est le travail, le soir c'est libre", {"creneau": "soir_weekend"}, "creneau"),
    case("je bosse du lundi au vendredi de 9h à 18h", {"situation": "salarie", "creneau": "soir_weekend"},
         "creneau"),
    # answering another question, "les deux me vont" and busy times are about that question
    case("les deux me vont", {"modalite": "indifferent"}, "modalite"),
    case("les deux me vont", {"creneau": "indifferent"}, "creneau"),
    case("tout le temps, plein temps", {"heures_semaine": 35.0}, "heures_semaine"),
    case("je travaille de nuit", {"situation": "salarie"}, "situation"),
    # modalite: a remote word in a field answer names the work; a ruled-out presence is remote
    case("faire de la pub en ligne", {"domaine": "marketing_digital"}, "domaine"),
    case("faire mes démarches en ligne", {"domaine": "competences_de_base"}, "domaine"),
    case("pas sur place", {"modalite": "distance"}, "modalite"),
    case("je peux me déplacer ou faire à distance", {"modalite": "indifferent"}, "modalite"),
    # the conversation itself is not the course
    case("bonjour je vous écris de chez moi", {}),
    case("salut j'ai vu votre site en ligne", {}),
    case("bonjour vous êtes en ligne", {}),
    case("bonjour je vous écris pour une formation à distance", {"modalite": "distance"}),
    case("bonjour je cherche une formation à distance", {}),  # looking for what the product offers
    case("bonjour je vous écris pour une formation uniquement à distance", {"modalite": "distance"}),
    case("je suis en ligne", {"modalite": "distance"}, "modalite"),
]


@pytest.mark.parametrize("text, requested, expected", GENERALISATION)
def test_generalisation_rules(text, requested, expected):
    assert values(text, requested) == expected


# Misreadings found in the build personas' conversations, each as a general rule of French.
MISREADINGS = [
    # a diploma missed (left before it, failed, never had) is no diploma, unless another is named
    case("j'ai arrêté les cours avant le bac", {"situation": "jeune_decrocheur", "niveau": "sans_diplome"}),
    case("moi partir du lycée avant le bac", {"niveau": "sans_diplome"}),
    case("je suis sortie de l'école sans le bac", {"niveau": "sans_diplome"}),
    case("j'ai jamais eu le bac", {"niveau": "sans_diplome"}),
    case("j'ai loupé mon bac", {"niveau": "sans_diplome"}),
    case("pas le bac", {"niveau": "sans_diplome"}, "niveau"),
    case("je l'ai raté le bac mais j'ai un BEP", {"niveau": "cap_bep"}),
    case("je suis pas allée jusqu'au bac", {"niveau": "sans_diplome"}),  # "aller jusqu'au": no place
    case("pas besoin du bac pour ça ?", {}),
    case("je veux passer le bac", {}),
    case("je n'ai pas de master", {}),
    # a device named as a kind after "sur"/"pour" is the work's tool or target, not owned
    case("j'aimerais dessiner des plans sur ordinateur, moi pas ordi, pas portable",
         {"domaine": "design_graphique", "equipement": "aucun"}),
    case("développer des applis pour téléphone", {"domaine": "developpement_web"}),
    case("je suis les cours sur téléphone", {"equipement": "smartphone"}),
    case("sur mon pc", {"equipement": "ordinateur"}, "equipement"),
    case("sur ordi", {"equipement": "ordinateur"}, "equipement"),
    # the hours of the job held are not the hours free for the course
    case("j'ai un taf à mi-temps", {"situation": "salarie"}),
    case("un boulot à temps plein", {}, "situation"),
    case("à temps partiel", {"heures_semaine": 20}, "heures_semaine"),
    # "j'ai un (petit) job de X" is the job held, not the domain wished
    case("j'ai un petit boulot de serveuse", {"situation": "salarie"}, "situation"),
    case("j'ai un job de caissier", {"situation": "salarie"}),
    case("j'ai un job de caissier mais je voudrais devenir aide-soignant",
         {"situation": "salarie", "domaine": "sante_social"}),
    # "bases" misspelt "basses" (a doubled s), in "les bases en informatique"
    case("les basses de l'informatique", {"domaine": "competences_de_base"}, "domaine"),
    case("apprendre les basses du numérique", {"domaine": "competences_de_base"}),
]


@pytest.mark.parametrize("text, requested, expected", MISREADINGS)
def test_misreadings_found_in_conversations(text, requested, expected):
    assert values(text, requested) == expected
