"""Profile extraction: what users write -> the contract's canonical slot values (CONTRACT.md §1).

Users write on phones: no accents, SMS spelling ("jsui", "g 19 ans", "jsp"), typos,
numbers in words. Every message goes through one preparation step (`_prepare`):
clauses are split on punctuation and "mais", each clause is folded with `bot.text.fold`,
numbers in words become digits (`bot.text.words_to_numbers`), SMS tokens are expanded and
long typos are corrected against the lexicons below. Clauses are then joined with " ; "
so that negation and context windows never cross a clause.

One small function per slot reads the prepared text. The rules they share:
- a value is set only when the user gave it; nothing is guessed (unknown stays absent);
- negations count: "pas d'ordinateur", "je ne suis pas au chômage";
- a bare answer ("18", "non", "rien", "je sais pas") counts only for the question the bot
  just asked (`requested_slot`);
- out-of-range numbers ("150 ans", "60 h par semaine") give a French reason in
  `Extraction.invalid` and no value.

Design decisions (documented because they are choices):
- niveau is the highest diploma *obtained*. A failed, wished or negated diploma
  ("j'ai raté le bac", "niveau bac sans l'avoir", "je veux passer un BTS", "pas le bac")
  gives nothing by itself; a diploma being prepared ("je suis en BTS") gives the level it
  requires (bac). "niveau bac" alone reads as bac (catalogues use "niveau" that way).
  Leaving school in 3e/seconde/première/terminale with no diploma named -> sans_diplome.
  The brevet, CFG and "niveau 3e" -> sans_diplome. A diploma's speciality ("CAP cuisine")
  is not a wished domain.
- domaine is the domain the person *wants*. Mentions after a wish marker ("apprendre",
  "devenir", "me reconvertir", "formation", "je veux") win over the current job
  ("je travaille dans la logistique"); a current-job-only mention counts only when the bot
  asked for the domain. "informatique" alone -> support_informatique (the entry-level
  IT trade); "bureautique", Word, Excel -> gestion_administration.
- equipement: a computer owned wins; then a phone; "pas d'ordi" with no phone named ->
  aucun. "utiliser/réparer un ordinateur" is a domain, not equipment.
- heures_semaine: "N h par jour" counts 5 days; "temps plein" = 35, "mi-temps" and
  "temps partiel" = 20; times of day ("à 18h", "de 9h à 17h") are creneau hints only.
- situation precedence: unemployment said explicitly > left school > employed > other
  (student, retired, at home) > "je cherche du travail".
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from bot.text import fold, words_to_numbers
from bot.vocab import (
    AGE_RANGE,
    CERTIFICATIONS,
    CRENEAUX,
    DEPARTEMENTS,
    DOMAINES,
    EQUIPEMENTS,
    LEVEL_RANK,
    LEVELS,
    MODALITES,
    PROFILE_SLOTS,
    SITUATIONS,
    UNDECIDED_DOMAIN,
    WEEKLY_HOURS_RANGE,
)

# ---------------------------------------------------------------------------------------
# Lexicons (folded text: lowercase, no accents, apostrophes kept, hyphens -> spaces).
# Each entry is a regular-expression fragment matched on word boundaries.
# ---------------------------------------------------------------------------------------

# SMS spellings and contractions -> plain words (applied token by token after folding).
SMS_TOKENS = {
    "jsui": "je suis", "jsuis": "je suis", "j'suis": "je suis", "jsuit": "je suis",
    "chui": "je suis", "chuis": "je suis", "jui": "je suis", "jss": "je suis",
    "g": "j'ai", "jai": "j'ai", "j'ai": "j'ai", "jé": "j'ai", "jaime": "j'aime",
    "jsp": "je sais pas", "jsais": "je sais", "j'sais": "je sais", "chai": "je sais",
    "chais": "je sais", "che": "je sais", "sais": "sais", "jpense": "je pense",
    "jveux": "je veux", "jvoudrais": "je voudrais", "jvx": "je veux", "vx": "veux",
    "jtravaille": "je travaille", "jbosse": "je bosse", "jcherche": "je cherche",
    "jhabite": "j'habite", "jpeux": "je peux", "jpe": "je peux", "jfais": "je fais",
    "jten": "je", "jme": "je me", "bcp": "beaucoup", "bcq": "beaucoup", "tjr": "toujours",
    "tjrs": "toujours", "pr": "pour", "ds": "dans", "ke": "que", "k": "que", "pa": "pas",
    "tt": "tout", "qd": "quand", "kan": "quand", "koi": "quoi", "kel": "quel",
    "kelle": "quelle", "ya": "il y a", "y'a": "il y a", "mtn": "maintenant",
    "wk": "week end", "we": "week end", "wknd": "week end", "weekend": "week end",
    "wkend": "week end", "aprem": "apres midi", "aprm": "apres midi", "exp": "experience",
    "nn": "non", "ouai": "ouais", "wi": "oui", "dispo": "disponible",
    "dispos": "disponible", "max": "maximum", "sem": "semaine", "hebdo": "par semaine",
    "ptet": "peut etre", "pk": "pourquoi", "info": "informatique",
    "telephone": "telephone", "tph": "telephone", "tel": "tel",
}
# "info" means "informatique" only as a subject; "plus d'info(s)" is information.
_INFORMATION = re.compile(r"\b(?:d'|des |les |l'|une |plus d')infos?\b(?! (?:et|ou)\b)")

# Fuzzy correction (edit distance) only for long words: short ones collide too easily.
FUZZY_MIN_LENGTH = 8
FUZZY_EXTRA_WORDS = (
    "ordinateur", "telephone", "smartphone", "distanciel", "presentiel", "baccalaureat",
    "certifiante", "certification", "reconnaissance", "handicape", "demandeur", "demandeuse",
    "chomage", "descolarise", "decroche", "interimaire", "cybersecurite", "comptabilite",
    "developpeur", "developpeuse", "informatique", "logistique", "restauration", "hotellerie",
    "secretariat", "secretaire", "marketing", "graphisme", "graphiste", "infographie",
    "infographiste", "programmation", "programmeur", "electricien", "plombier", "batiment",
    "boulangerie", "patisserie", "cuisinier", "cuisiniere", "vendeuse", "magasinier",
    "preparateur", "entrepreneur", "auxiliaire", "puericulture", "infirmier", "infirmiere",
    "educateur", "educatrice", "telepilote", "intelligence", "artificielle", "administrative",
    "assistante", "receptionniste", "menuisier", "carreleur", "chauffeur", "manutention",
    "conseillere", "conseiller", "clientele", "commerciale", "soignante",
)
# Real words one typo away from a keyword: never "corrected".
FUZZY_PROTECTED = {
    "commence", "commencer", "commences", "information", "informations", "formations",
    "formation", "formateur", "formatrice", "personnel", "personne", "personnes",
    "transports", "telephoner", "travaille", "travailler", "travailleur", "demandeurs",
    "demande", "demander", "comptabiliser", "secretaires", "sociales", "securite",
    "anglaise", "francaise", "francaises", "interesse", "interessee", "cuisines",
    "certifie", "certifiee", "maintenant", "mecanique", "mecanicien", "electronique",
    "domicile", "dessinateur", "commercer", "batiments",
}

NEGATORS = {"pas", "jamais", "sans", "aucun", "aucune", "ni", "plus", "non"}
CLAUSE_STOPS = {";", "et", "mais", "ou", "donc", "car", "puis", "alors", "sinon"}

SITUATION_PATTERNS: list[tuple[str, list[str]]] = [  # precedence order, first group wins
    ("demandeur_emploi", [
        r"ch(?:o|au|oo)m+age", r"chomeu(?:r|se)s?", r"chomdu", r"au chom",
        r"demandeu(?:r|se)s? (?:d')?emploi", r"france travail", r"francetravail",
        r"p(?:o|oo)le emploi", r"polemploi", r"au rsa", r"\brsa\b", r"beneficiaire du rsa",
        r"sans (?:emploi|travail|boulot|job|taf|activite)",
        r"(?:travaille|bosse|taffe) (?:pas|plus)", r"pas (?:de |d')(?:travail|boulot|job|taf|emploi)",
        r"(?:en )?recherche (?:d'emploi|de travail|d'un emploi|active)",
        r"perdu mon (?:emploi|travail|boulot|job|taf)", r"licencie(?:e)?",
        r"allocations? chomage", r"\bare\b(?= de france travail)",
    ]),
    ("jeune_decrocheur", [
        r"(?:arret(?:e|er|ee)|quitt(?:e|er|ee)|lach(?:e|er|ee)|abandonn(?:e|er|ee)|stopp(?:e|er|ee)|fini|termine) (?:le |l'|l|les |la |mes |mon |ma )?"
        r"(?:lycee|ecole|cours|college|etudes|fac|cfa|scolarite|bahut|seconde|premiere|terminale)",
        r"decroch(?:e|ee|eur|euse|age)", r"descolaris(?:e|ee|es|ation)",
        r"plus (?:a l'ecole|au lycee|au college|scolarise(?:e)?|en cours|a la fac|en formation)",
        r"(?:vire|viree|renvoye|renvoyee|exclu|exclue) (?:du|de l') ?(?:lycee|college|ecole|cfa)",
        r"sorti(?:e)? du systeme scolaire", r"je (?:ne )?fais (?:plus )?rien",
    ]),
    ("salarie", [
        r"je travaille", r"je bosse", r"je taffe", r"salarie(?:e)?s?", r"en cdi", r"en cdd",
        r"un cdi", r"un cdd", r"en interim", r"interimaire", r"\binterim\b",
        r"j'ai un (?:travail|job|boulot|emploi|taf|poste|cdi|cdd)", r"en poste",
        r"(?:je suis |en )(?:en )?alternance", r"apprenti(?:e)?", r"petits? boulots?",
        r"employe(?:e)? (?:dans|chez|de|en|comme)", r"je suis ouvri(?:er|ere)",
    ]),
    ("autre", [
        r"etudiant(?:e)?s?", r"a la fac", r"lyceen(?:ne)?", r"au foyer", r"retraite(?:e)?",
        r"en retraite", r"conge parental", r"conge maternite",
        r"je suis (?:auto ?entrepreneu(?:r|se)|freelance|independant(?:e)?|a mon compte)",
    ]),
    ("demandeur_emploi", [
        r"(?:je )?(?:cherche|recherche) (?:du|un|une|d'un|d'une) ?(?:travail|emploi|taf|boulot|job)",
    ]),
]

# Diplomas -> level. Order does not matter: overlapping matches keep the longest.
LEVEL_PATTERNS: list[tuple[str, str]] = [
    (r"bac ?(?:\+|plus) ?[5-8]", "bac+5"), (r"master(?:e)? ?[12]?", "bac+5"), (r"mba", "bac+5"),
    (r"m2", "bac+5"), (r"doctorat", "bac+5"), (r"phd", "bac+5"), (r"dea", "bac+5"),
    (r"dess", "bac+5"), (r"(?:diplome|ecole) d'ingenieur", "bac+5"),
    (r"(?:je suis|suis) ingenieure?", "bac+5"), (r"ingenieure? de formation", "bac+5"),
    (r"bac ?(?:\+|plus) ?[34]", "bac+3"), (r"licence(?: pro(?:fessionnelle)?)?(?! (?:iv|4|d'exploitation|de drone))", "bac+3"),
    (r"bachelor", "bac+3"), (r"l3", "bac+3"), (r"maitrise", "bac+3"), (r"m1", "bac+3"),
    (r"but (?:info|informatique|gea|tc|mmi|rt|gmp|geii|qlio|carrieres|techniques?)", "bac+3"),
    (r"bac ?(?:\+|plus) ?2", "bac+2"), (r"bac 2", "bac+2"), (r"bts", "bac+2"), (r"dut", "bac+2"),
    (r"deug", "bac+2"), (r"deust", "bac+2"), (r"brevet de technicien superieur", "bac+2"),
    (r"bac ?(?:\+|plus) ?1", "bac"), (r"bac(?!\w)", "bac"), (r"bacc?alaur(?:e|ea)at", "bac"),
    (r"bac (?:pro(?:fessionnel)?|techno(?:logique)?|general|s|es|l|stmg|st2s|sti2d|stl|std2a)", "bac"),
    (r"brevet professionnel", "bac"), (r"brevet de technicien", "bac"), (r"daeu", "bac"),
    (r"cap(?! numerique)(?! sur)", "cap_bep"), (r"bep", "cap_bep"), (r"capa", "cap_bep"),
    (r"mention complementaire", "cap_bep"),
    (r"brevet(?: des colleges)?", "sans_diplome"), (r"bepc", "sans_diplome"), (r"cfg", "sans_diplome"),
    (r"certificat de formation generale", "sans_diplome"), (r"dnb", "sans_diplome"),
    (r"(?:pas|aucun|sans|zero|0) (?:de |d')?diplomes?", "sans_diplome"),
    (r"(?:pas|jamais) (?:eu|obtenu) (?:de |d'|aucun )?diplomes?", "sans_diplome"),
    (r"(?:pas|aucun|sans) diplome", "sans_diplome"), (r"non diplome(?:e)?", "sans_diplome"),
    (r"niveau (?:3e|3eme|3|troisieme|college|4e|4eme|brevet)", "sans_diplome"),
    (r"(?:arret(?:e|er|ee)|quitt(?:e|er|ee)|lach(?:e|er|ee)|abandonn(?:e|er|ee)|stopp(?:e|er|ee)) (?:l'ecole |lecole |les cours |les etudes |le lycee |le college )?"
     r"(?:en|au|a la fin de la) (?:3e|3eme|troisieme|4e|4eme|seconde|2nde|premiere|1ere|terminale|college)",
     "sans_diplome"),
]
# A named level the brief calls sans_diplome even though it is phrased as a diploma.
LEVEL_NEEDS_NO_CHECK = {"sans_diplome"}
# "je suis en BTS": being in a course proves the level it requires.
LEVEL_REQUIRED_FOR = {"bac+5": "bac+3", "bac+3": "bac", "bac+2": "bac", "bac": "sans_diplome",
                      "cap_bep": "sans_diplome"}
LEVEL_WISHED = re.compile(
    r"\b(?:veux|veut|voudrais|aimerais|souhaite|souhaiterais|devenir|obtenir|viser|vise|"
    r"envie|preparer|passer|avoir|reprendre|objectif|faire|rate|rater|loupe|echoue|"
    r"pas|sans|ni|jamais)\b"
)
LEVEL_FAILED_AFTER = re.compile(
    r"^ ?(?:\w+ ){0,2}?(?:rate|loupe|echoue|pas eu|pas obtenu|non obtenu|sans l'avoir|"
    r"sans l'obtenir|pas valide|non valide|pas reussi|en cours)\b"
)
LEVEL_IN_PROGRESS = re.compile(
    r"\b(?:en|annee de|annee d'|annee|prepare|fais|actuellement en)(?: (?:un|une|le|la|mon|ma|l'))?\s*$"
)
# Tokens after an obtained diploma that end its speciality ("CAP cuisine | et je veux ...").
SPECIALITY_STOPS = CLAUSE_STOPS | {"je", "j'ai", "pour", "depuis", "veux", "voudrais",
                                   "aimerais", "mon", "ma", "il", "en", "a", "maintenant"}

DOMAIN_LEXICON: dict[str, list[str]] = {
    "developpement_web": [
        r"dev(?:eloppement)? web", r"developpement(?! (?:personnel|durable|commercial|de l'enfant))",
        r"developpeu(?:r|se)s?(?: web| informatique| full ?stack| front| back)?",
        r"developper (?:des |un |une |mon |de )?(?:sites?|applis?|applications?|logiciels?|jeux)",
        r"dev", r"devs", r"coder", r"codeu(?:r|se)s?", r"coding", r"codage",
        r"(?:ecrire|faire|apprendre|apprendre a|du) (?:du )?code(?! postal| de la route)", r"programm(?:ation|er|eur|euse)s?",
        r"(?:creer|faire|fabriquer|monter) (?:des |un |une |mon |son |les )?(?:sites?|applis?|applications?)(?: web| internet| mobiles?)?",
        r"(?:creation|conception) (?:de |des )?(?:sites?|applications?)", r"sites? (?:internet|web)",
        r"web", r"webmaster", r"integrat(?:eur|rice) web", r"front ?end", r"back ?end",
        r"full ?stack", r"html", r"css", r"javascript", r"python", r"php", r"java",
        r"applis? (?:mobiles?|web)", r"applications? (?:mobiles?|web)", r"wordpress",
        r"jeux? video", r"informatique de developpement", r"developpement informatique",
    ],
    "data_ia": [
        r"data(?: analyst| scien(?:ce|tist)| engineer)?", r"big data",
        r"(?<!mes )(?<!vos )(?<!tes )(?<!ses )(?<!nos )donnees(?! personnelles)",
        r"analy(?:ste|se|ser) (?:de |des )?donnees", r"intelligence artificielle", r"ia",
        r"machine learning", r"deep learning", r"statistiques?", r"sql", r"power bi",
        r"chat ?gpt", r"prompt", r"bases? de donnees",
    ],
    "cybersecurite": [
        r"cyber ?securite", r"cyber ?secu", r"cyber", r"securite informatique",
        r"securite (?:des systemes|numerique|des reseaux|reseaux?)", r"pentest(?:eur|er)?",
        r"hack(?:er|ing|eur|euse)s?", r"ethical hacking", r"analyste soc", r"soc", r"rssi",
    ],
    "systemes_reseaux": [
        r"reseaux?(?! sociaux)", r"reseau informatique", r"systemes? et reseaux?",
        r"admin(?:istrat(?:eur|rice|ion))? (?:sys(?:temes?)?|reseaux?|systemes? et reseaux?)",
        r"adminsys", r"sysadmin", r"cloud", r"devops", r"linux",
        r"serveurs? (?:web|linux|windows|informatiques?)", r"technicien(?:ne)? reseaux?",
        r"telecoms?", r"telecommunications?", r"fibre optique", r"cablage", r"tssr",
        r"infrastructures? informatiques?",
    ],
    "support_informatique": [
        r"repar(?:er|ation|ateur|atrice)s? (?:des |d'|les |mon |de |un )?(?:ordis?|ordinateurs?|pc|telephones?|smartphones?|materiel informatique)",
        r"depann(?:age|er|eur|euse) (?:informatique|des ordis?|des ordinateurs|des pc)",
        r"maintenance informatique", r"technicien(?:ne)? (?:informatique|support|helpdesk|de maintenance informatique|de proximite)",
        r"support (?:informatique|technique|utilisateurs?)", r"help ?desk", r"hotline",
        r"assistance (?:informatique|technique|utilisateurs?)", r"informatique",
        r"informaticien(?:ne)?s?", r"monter des (?:pc|ordis?|ordinateurs)", r"hardware",
    ],
    "design_graphique": [
        r"graphis(?:me|te)s?", r"grafis(?:me|te)s?", r"infograph(?:ie|iste)s?",
        r"design(?:er|eur|euse)?s?(?: graphique| web| ux| ui)?", r"ux", r"ux ui", r"ui ux",
        r"web ?design(?:er|eur|euse)?s?", r"photoshop", r"illustrator", r"indesign", r"figma", r"canva",
        r"dessin", r"dessiner", r"illustrat(?:ion|eur|rice)s?", r"pao", r"mise en page",
        r"montage video", r"monteu(?:r|se) video", r"motion design", r"photographe?s?",
        r"photographie", r"modelisation 3d", r"animation (?:2d|3d)", r"3d",
    ],
    "marketing_digital": [
        r"marketing(?: digital| numerique| web)?", r"webmarketing", r"web marketing",
        r"community manag(?:er|ement|euse)", r"community", r"cm", r"reseaux sociaux",
        r"instagram", r"tiktok", r"seo", r"referencement", r"e ?commerce",
        r"communication(?: digitale| numerique)?", r"charge(?:e)? de communication",
        r"publicite", r"influence(?:ur|use)?s?", r"growth hacking",
    ],
    "commerce_vente": [
        r"vente", r"ventes", r"vendeu(?:r|se)s?", r"vendre", r"commerce", r"commercia(?:l|le|ux|les)",
        r"caissi(?:er|ere)s?", r"hote(?:sse)? de caisse", r"a la caisse",
        r"conseill(?:er|ere)s? (?:de |en )?(?:vente|clientele|client|commercial|commerciale)",
        r"relation client(?:ele)?", r"service client(?:ele)?", r"teleconseill(?:er|ere)s?",
        r"teleconseil", r"centre d'appels?", r"call cent(?:er|re)", r"mise en rayon",
        r"employe(?:e)? (?:libre service|de commerce|de rayon)", r"grande distribution",
        r"magasin", r"boutique", r"negociat(?:ion|eur|rice)", r"immobilier",
    ],
    "gestion_administration": [
        r"secretari(?:at|e)", r"secretaires?(?: medicale)?", r"compta(?:bilite|ble|bles)?",
        r"contabilite", r"comptabilite", r"gestion(?: administrative| de paie| comptable| d'entreprise)?",
        r"gestionnaire(?: de paie| administratif| administrative| rh)?",
        r"assistant(?:e)? (?:administrati(?:f|ve)|de direction|de gestion|comptable|rh|ressources humaines)",
        r"administrati(?:f|ve|on)", r"rh", r"ressources humaines", r"(?:la|de|de la) pai[e]",
        r"bureautique", r"excel", r"word", r"agent(?:e)? d'accueil",
        r"hote(?:sse)? d'accueil", r"recruteu(?:r|se)s?",
    ],
    "logistique": [
        r"logisti(?:que|cien|cienne)s?", r"cariste", r"caces", r"chariot elevateur",
        r"magasini(?:er|ere)s?", r"preparat(?:eur|rice)s? (?:de )?commandes?",
        r"preparation de commandes?", r"entrepots?", r"livr(?:eur|euse|aison)s?",
        r"chauffeu(?:r|se)s?(?: livreur| poids lourds?| routier| de bus| vtc)?",
        r"(?:le|du|les metiers du) transport(?! en commun)", r"transport (?:routier|de marchandises|logistique)",
        r"conduct(?:eur|rice) (?:de bus|routier|poids lourds?)", r"poids lourds?",
        r"supply chain", r"conduire (?:des |un )?(?:camions?|poids lourds?|bus)", r"camion(?:s|neur|neuse)?", r"manutention(?:naire)?", r"stockage", r"gestion des stocks",
    ],
    "sante_social": [
        r"aide ?soignant(?:e)?s?", r"ash", r"agent(?:e)? de service hospitalier",
        r"auxiliaire de vie(?: sociale)?", r"assistant(?:e)? de vie", r"avs", r"aide a domicile",
        r"aide a la personne", r"services? a la personne", r"aide menag(?:ere|er)",
        r"petite enfance", r"auxiliaire de puericulture", r"puericult(?:ure|rice)",
        r"(?:travailler|bosser|travaille) (?:en|dans une|dans les) creches?",
        r"assistant(?:e)? maternel(?:le)?", r"nounou", r"garde d'enfants", r"atsem",
        r"accompagnant(?:e)? educati(?:f|ve)", r"social", r"(?<!securite )sociale", r"medico social",
        r"travailleu(?:r|se) social(?:e)?", r"educat(?:eur|rice)s?(?: specialise(?:e)?)?",
        r"animat(?:eur|rice)s?", r"bafa", r"infirmi(?:er|ere)s?", r"sante", r"soins?",
        r"soignant(?:e)?s?", r"ehpad",
        r"(?:avec|aupres) (?:les|des|de) (?:enfants|personnes agees|personnes handicapees|malades|personnes en difficulte)", r"hopital", r"medical(?:e)?", r"personnes? agees?",
        r"ambulanci(?:er|ere)s?", r"pharmacie", r"brancardier",
    ],
    "batiment": [
        r"batiment", r"btp", r"chantiers?", r"electrici(?:en|enne|te)s?", r"plomb(?:ier|erie)s?",
        r"macon(?:nerie)?s?", r"peintre(?: en batiment)?s?", r"peinture(?: en batiment)?",
        r"carrel(?:eur|age)", r"menuis(?:ier|erie)s?", r"charpent(?:ier|e)s?", r"couvreurs?",
        r"plaquistes?", r"platriers?", r"chauffagistes?", r"climatisation", r"genie (?:civil|climatique)",
        r"travaux publics", r"renovation", r"second oeuvre", r"gros oeuvre", r"construction",
        r"serruri(?:er|erie)", r"soudeu(?:r|se)s?", r"soudure", r"conducteur de travaux",
        r"chef de chantier",
    ],
    "hotellerie_restauration": [
        r"cuisine", r"cuisini(?:er|ere)s?", r"commis(?: de cuisine)?", r"patisser(?:ie|ier|iere)s?",
        r"boulang(?:erie|er|ere)s?", r"serveu(?:r|se)s?", r"restauration(?: rapide)?",
        r"restaurants?", r"resto", r"hotellerie", r"hotel(?:ier|iere)?s?", r"barista",
        r"barman", r"barmaid", r"plonge(?:ur|use)?", r"receptionniste", r"chef (?:cuisinier|de cuisine|de partie)",
        r"traiteur", r"fast food", r"femme de chambre", r"tourisme",
    ],
    "langues": [
        r"anglais", r"english", r"francais langue etrangere", r"fle",
        r"(?:apprendre|parler|parle|ameliorer|cours de|perfectionner) (?:le |mon |en |mieux |mieux le )?francais",
        r"langues?(?: etrangeres?| des signes)?", r"espagnol", r"allemand", r"italien",
        r"arabe", r"chinois", r"portugais", r"toeic", r"toefl",
    ],
    "competences_de_base": [
        r"lire et (?:a )?ecrire", r"lire ecrire", r"savoir lire", r"apprendre a (?:lire|ecrire|compter)",
        r"lecture", r"ecriture", r"orthographe", r"calcul", r"compter(?! sur)", r"maths",
        r"mathematiques", r"remise a niveau", r"savoirs? de base", r"competences? de base",
        r"bases? (?:de l'|en |d')informatique", r"informatique de base", r"initiation (?:a l')?informatique",
        r"(?:utiliser|me servir d'|se servir d') ?(?:un |l'|d'un |internet|le )?(?:ordinateur|ordi|internet|pc|smartphone|telephone|numerique)",
        r"bases? du numerique", r"numerique de base", r"pix", r"clea", r"alphabetisation",
        r"illettrisme", r"debutant(?:e)? en informatique", r"demarches en ligne",
    ],
    "drones": [
        r"drones?", r"tele ?pilote(?: de drones?)?", r"pilote de drones?", r"pilotage de drones?",
    ],
    "creation_entreprise": [
        r"creer (?:mon|ma|une|son|sa|un) (?:propre )?(?:entreprise|boite|societe|business|activite|commerce|restaurant|salon|marque)",
        r"creation (?:d'|de mon |de ma |de son |d'une )?(?:entreprise|activite|societe)",
        r"auto ?entrepreneu(?:r|se|riat)", r"micro ?entrep(?:rise|reneur|reneuse)",
        r"entrepreneu(?:r|se|riat)", r"(?:me mettre|me lancer|m'installer|etre|travailler) a mon compte",
        r"a mon compte", r"(?:monter|lancer|ouvrir) (?:ma|mon|une|un) (?:propre )?(?:boite|entreprise|societe|business|activite|commerce|boutique|restaurant|salon)",
        r"independant(?:e)?", r"freelance", r"chef d'entreprise", r"mon propre patron",
        r"start ?up",
    ],
}
UNDECIDED_PHRASES = [
    r"(?:je )?(?:ne )?sais pas (?:trop |encore |vraiment )?(?:quoi faire|quel (?:metier|domaine)|dans quel domaine|vers quoi|quoi choisir)",
    r"decouvrir (?:des|les|de nouveaux|differents) metiers", r"decouverte des metiers",
    r"je suis perdu(?:e)?", r"pas encore (?:choisi|decide)", r"n'importe quel (?:domaine|metier)",
    r"tout m'interesse", r"un peu de tout", r"(?:je cherche|trouver) ma voie", r"m'orienter",
    r"orientation", r"ouvert(?:e)? a tout", r"pas d'idee de metier", r"aucune idee de metier",
]
# Only when the bot asked for the domain.
UNDECIDED_WHEN_ASKED = [r"aucune idee", r"pas d'idee", r"n'importe", r"peu importe", r"tout",
                        r"je sais pas", r"je ne sais pas", r"sais pas", r"jsp", r"rien", r"bof",
                        r"pas encore", r"je verrai", r"je vois pas", r"hesite", r"hesitation"]
WISH_MARKERS = re.compile(
    r"\b(?:reconvertir|reconversion|apprendre|devenir|formation|formations|former|travailler|pour|"
    r"motive|motivee|"
    r"bosser|faire|interesse|interessee|interesse par|passion|passionne|passionnee|aime|aimerais|"
    r"voudrais|veux|veut|souhaite|souhaiterais|envie|attire|plait|vers|domaine|metier|metiers|"
    r"cherche|recherche|orienter|projet|objectif|specialiser|evoluer|tenter|essayer)\b"
)
CURRENT_MARKERS = re.compile(
    r"\b(?:je travaille|je bosse|je taffe|j'ai travaille|j'ai bosse|je travaillais|je bossais|"
    r"j'etais|je suis|actuellement|ancien|ancienne|experience|mon (?:travail|"
    r"boulot|job|poste|metier|cdd|cdi|taf)|j'ai fait|j'ai ete)\b"
)
DOMAIN_NEGATORS = {"pas", "jamais", "sauf", "ni", "plus", "marre", "quitter", "deteste", "eviter"}

AGE_DURATION_BEFORE = {"a", "depuis", "pendant", "durant", "fait", "en", "dans", "de", "et",
                       "apres", "avant", "vers", "pour", "moins", "plus", "entre", "sur", "des",
                       "jusqu'a", "il", "y", "les", "tous", "chaque", "ou", "d'ici"}
AGE_PATTERNS = [
    r"\b(\d{1,3}) ?ans?\b", r"\b(\d{1,3})a\b",
]
AGE_EXPLICIT = re.compile(r"\bage(?:e|es|s)?(?: de)? (\d{1,3})(?: ?ans?)?\b(?! ?(?:d'|de ))")
BIRTH_YEAR = re.compile(
    r"\b(?:nee?s?|je suis de|de l'annee|annee de naissance|naissance)\b"
    r"(?: (?:en|le|l'an|l'annee|:))?(?: \d{1,2}(?:er)?)?(?: [a-z]+| \d{1,2})?(?: en)? ((?:19|20)\d\d)\b"
)

HOURS_NUMBER = re.compile(
    r"(?<![\d+])(\d+(?:[.,]\d+)?) ?(?:h|heures?|hrs?|hres?)(?: ?(\d\d)\b| et demie?)?(?![a-z0-9])"
    r"|\b(une?) (?:demi )?heures?( et demie?)?\b"
)
HOURS_TIME_OF_DAY_BEFORE = {"a", "vers", "apres", "avant", "des", "jusqu'a", "jusqu", "partir",
                            "de", "entre", "midi", "et"}
# "je travaille à temps partiel" describes the job, not the time free for a course.
HOURS_CURRENT_JOB = re.compile(r"\b(?:travaille|bosse|taffe|salarie|salariee|cdi|cdd|contrat|emploi|job|poste)\b")
PER_WEEK = re.compile(r"\b(?:par semaine|semaine|semaines|hebdomadaires?|a la semaine|chaque semaine|par sem)\b")
PER_DAY = re.compile(
    r"\b(?:par jour|jour|jours|par j|chaque jour|tous les jours|quotidien(?:nement)?|par soir|"
    r"chaque soir|tous les soirs|par matin|chaque matin|tous les matins)\b"
)
PER_MONTH = re.compile(r"\b(?:par mois|mois)\b")
HOURS_WORDS = [
    (r"(?:a )?(?:plein temps|temps plein|temps complet|full time)", 35.0),
    (r"(?:a )?(?:mi temps|temps partiel|mi tps|demi temps|part time)", 20.0),
]

CRENEAU_PATTERNS: dict[str, list[str]] = {
    "soir_weekend": [
        r"(?:le|les|en|du|chaque|tous les|par) soirs?", r"en soiree", r"soirees?", r"soir",
        r"apres (?:le|mon|ma) (?:travail|taf|boulot|job|journee|service)", r"apres le taf",
        r"week end", r"samedis?(?: (?:matin|apres midi|journee))?", r"dimanches?(?: (?:matin|apres midi))?",
        r"quand (?:les|mes) (?:enfants|petits|gosses) (?:dorment|sont couches)", r"la nuit",
        r"apres (?:18|19|20|21|22) ?h", r"tard le soir",
    ],
    "journee": [
        r"(?:la|en|pendant la|dans la|toute la) journee", r"(?:le|les|en|du) matins?", r"matinee",
        r"(?:l'|les |en |dans l')?apres midi", r"heures de bureau",
        r"quand (?:les|mes) (?:enfants|petits) sont a (?:l'ecole|la creche)",
        r"pendant (?:que )?(?:les|mes) enfants (?:sont a l'ecole|a l'ecole)",
    ],
    "indifferent": [
        r"n'importe quand", r"a tout moment", r"tout le temps", r"quand (?:vous voulez|tu veux)",
        r"pas de preference (?:d'horaire|pour les horaires)", r"horaires? flexibles?",
        r"(?:le soir|la journee) ou (?:le soir|la journee)",
    ],
}
CRENEAU_BUSY_BEFORE = re.compile(r"\b(?:travaille|bosse|taffe|boulot|travail|occupe|occupee)\b")

COMPUTER = [r"ordinateurs?(?: portables?| fixes?)?", r"ordis?(?: portables?| fixes?)?",
            r"pc(?: portable| fixe)?", r"laptops?", r"mac(?:book)?", r"chromebook", r"computer"]
PHONE = [r"telephones?(?: portables?| mobiles?)?", r"smartphones?", r"portables?", r"iphone",
         r"android", r"samsung", r"mobile", r"tablettes?", r"ipad", r"phone",
         r"(?<=mon )tel", r"(?<=un )tel", r"(?<=le )tel", r"(?<=que )tel", r"(?<=juste )tel",
         r"(?<=seulement )tel", r"(?<=du )tel", r"(?<=ton )tel", r"tel(?= portable)",
         r"^tel$", r"(?<=mon )tph"]
NO_EQUIPMENT = [r"(?:aucun|pas d'|pas de|sans|zero) ?(?:equipement|materiel)",
                r"pas d'ordi(?:nateur)? ni (?:de )?(?:tel|telephone|smartphone|portable)"]
EQUIPMENT_NOT_OWNED_BEFORE = re.compile(
    r"\b(?:utiliser|reparer|depanner|monter|acheter|besoin|prete|preter|pret|fournir|fourni|"
    r"fournit|cherche|veux|voudrais|emprunter|louer)\b[^;]{0,20}$"
)

MODALITE_PATTERNS: dict[str, list[str]] = {
    "distance": [
        r"en ligne", r"online", r"a distance", r"distanciel", r"de chez moi", r"depuis chez moi",
        r"(?:formation|travailler|etudier|apprendre|suivre|faire|former|cours|bosser)(?: \w+){0,2} a la maison", r"de la maison", r"depuis la maison", r"en visio", r"e ?learning", r"foad",
        r"sans (?:me )?deplacer", r"pas (?:de|me) deplacer", r"pas de presentiel",
        r"100 ?%? ?(?:en ligne|distance|distanciel)", r"full (?:distanciel|distance|remote)", r"remote",
    ],
    "hybride": [
        r"hybride", r"mixte", r"un peu (?:de|en) presentiel", r"(?:quelques|des) (?:jours|journees|fois) sur place",
        r"presentiel", r"je peux me deplacer", r"(?:en partie|moitie|partiellement) (?:a distance|en ligne|presentiel)",
        r"blended", r"sur place (?:de temps en temps|parfois|ca me va|c'est bien|ok)", r"me deplacer (?:de temps en temps|parfois)",
    ],
    "indifferent": [r"(?:a distance|en ligne) ou (?:en )?presentiel", r"presentiel ou (?:a distance|en ligne)",
                    r"les deux (?:me vont|ca me va|m'iront)"],
}

CERTIFICATION_YES = [
    r"diplome reconnu", r"diplome(?: d'etat| officiel)", r"reconnue? (?:par l'etat|par l'etat|officiellement)",
    r"diplomant(?:e)?s?", r"certifiant(?:e)?s?", r"certification", r"(?<!formation generale )certificat(?! de formation)",
    r"titre (?:pro(?:fessionnel)?|reconnu|rncp)", r"un titre", r"rncp",
    r"(?:veux|voudrais|aimerais|souhaite|obtenir|avoir|decrocher|passer|besoin d') (?:un |une )?(?:vrai )?diplome",
    r"avec (?:un |une )?diplome", r"qui (?:donne|delivre) (?:un|une) (?:diplome|certification|titre)",
]
CERTIFICATION_INDIFFERENT = [
    r"pas (?:besoin|forcement|oblige(?:e)?|necessaire|important|obligatoire|indispensable)(?: (?:de|d'|d'avoir))? ?(?:un |une )?(?:diplome|certification|titre|certifiant(?:e)?|diplomant(?:e)?)",
    r"(?:diplome|certification|titre) (?:pas (?:besoin|necessaire|important|obligatoire)|on s'en fiche|m'importe peu)",
    r"peu importe (?:le|la) (?:diplome|certification|titre)",
]
CERTIFICATION_INDIFFERENT_WHEN_ASKED = [
    r"pas besoin", r"pas forcement", r"pas oblige(?:e)?", r"pas necessaire", r"pas important",
    r"pas obligatoire", r"bof", r"peu importe", r"ca m'est egal", r"egal", r"indifferent",
    r"je m'en fiche", r"pas specialement", r"pas vraiment",
]
CERTIFICATION_YES_WHEN_ASKED = [r"si possible", r"de preference", r"important", r"obligatoire",
                                r"absolument", r"carrement", r"je (?:veux|voudrais) bien", r"ce serait bien",
                                r"ca serait bien", r"idealement", r"volontiers"]

HANDICAP_TRUE = [
    r"rqth", r"reconnaissance (?:de la qualite de |de |du statut de )?travailleur handicape(?:e)?",
    r"travailleur handicape(?:e)?", r"travailleuse handicapee", r"situation de handicap",
    r"handicape(?:e)?s?", r"handicap", r"mdph", r"(?<=l')aah", r"invalidite", r"malvoyant(?:e)?",
    r"malentendant(?:e)?", r"sourde?", r"aveugle", r"fauteuil roulant", r"pension d'invalidite",
]
HANDICAP_FALSE = [r"(?:pas|aucun|sans|ni) (?:de |d'|en )?(?:handicap|rqth|situation de handicap)",
                  r"pas handicape(?:e)?", r"(?:pas|aucune) (?:de )?reconnaissance"]

YES = re.compile(r"^(?:oui|ouais|ouaip|oue|yes|yep|ok oui|bien sur|tout a fait|exactement|affirmatif|"
                 r"voui|absolument|carrement|evidemment|effectivement)\b")
NO = re.compile(r"^(?:non|nan|no|nope|pas du tout|absolument pas|du tout|jamais|aucun|aucune|"
                r"negatif|pas vraiment|nop)\b")

DONT_KNOW = re.compile(
    r"\b(?:(?:je )?(?:ne )?sais (?:pas|plus)|jsp|j'en sais rien|j'en ai aucune idee|en sais rien|"
    r"aucune idee|pas d'idee|peu importe|n'importe|bof|je vois pas|no idea|idk|"
    r"j'hesite|hesite|je verrai|on verra|aucun avis|pas de preference|"
    r"ca m'est egal|m'en fiche|indifferent)\b"
)
# "je sais pas si / comment ..." is an embedded question, not a "don't know" answer.
DONT_KNOW_EMBEDDED = re.compile(r"\bsais pas (?:si|comment|pourquoi|combien|ou|qui|quand|a qui)\b")

AGE_REASON = f"L'âge doit être compris entre {AGE_RANGE[0]} et {AGE_RANGE[1]} ans."
HOURS_REASON = (f"Le nombre d'heures par semaine doit être compris entre "
                f"{WEEKLY_HOURS_RANGE[0]} et {WEEKLY_HOURS_RANGE[1]}.")
DAYS_PER_WEEK = 5
WEEKS_PER_MONTH = 4.33


# ---------------------------------------------------------------------------------------
# Public interface
# ---------------------------------------------------------------------------------------

@dataclass
class Extraction:
    values: dict[str, Any] = field(default_factory=dict)   # slot -> canonical value
    invalid: dict[str, str] = field(default_factory=dict)  # slot -> French reason


def extract_profile(text: str, requested_slot: str | None = None,
                    today: datetime.date | None = None) -> Extraction:
    """Every profile value this message gives, normalised to CONTRACT.md §1."""
    result = Extraction()
    if not text or not text.strip():
        return result
    today = today or datetime.date.today()
    msg = _Message(text, requested_slot, today)
    for extractor in _EXTRACTORS:
        extractor(msg, result)
    return result


def normalise_slot(slot: str, raw: Any, today: datetime.date | None = None) -> Any | None:
    """One value (button payload, NLU entity) -> the slot's canonical value, or None."""
    if raw is None or slot not in PROFILE_SLOTS:
        return None
    if slot == "handicap" and isinstance(raw, bool):
        return raw
    if slot in ("age", "heures_semaine") and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        low, high = AGE_RANGE if slot == "age" else WEEKLY_HOURS_RANGE
        return float(raw) if low <= raw <= high else None
    text = str(raw).strip()
    if not text:
        return None
    canonical = _canonical_value(slot, text)
    if canonical is not None:
        return canonical
    if slot in ("departement", "commune"):
        place = _find_place(text, expecting_place=True)
        if place is None:
            return None
        return place.departement if slot == "departement" else place.commune
    return extract_profile(text, requested_slot=slot, today=today).values.get(slot)


def is_dont_know(text: str) -> bool:
    """True when the message says "I don't know / whatever" ("jsp", "aucune idée", "bof")."""
    prepared = _prepare(text or "")
    return bool(DONT_KNOW.search(prepared)) and not DONT_KNOW_EMBEDDED.search(prepared)


# ---------------------------------------------------------------------------------------
# Preparation
# ---------------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r"[.!?;\n()]+|,(?!\d)|\s+mais\s+|\s+-\s+", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")


def _compile(fragments: list[str]) -> list[re.Pattern]:
    return [re.compile(r"(?<![\w+])" + f + r"(?![\w+])") for f in fragments]


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _fuzzy_vocabulary() -> set[str]:
    words = set(FUZZY_EXTRA_WORDS)
    for fragments in DOMAIN_LEXICON.values():
        for fragment in fragments:
            for word in re.findall(r"[a-z]+", fragment):
                # plain words only: a fragment like "developpeu" is not a word
                if len(word) >= FUZZY_MIN_LENGTH and re.search(r"(?<![a-z(?:|])" + word + r"(?![a-z(])", fragment):
                    words.add(word)
    return words


_FUZZY_VOCABULARY = _fuzzy_vocabulary()


_SINGLE_WORD_FRAGMENTS = [re.compile(f) for fragments in DOMAIN_LEXICON.values() for f in fragments
                          if " " not in f and "'" not in f]


@lru_cache(maxsize=4096)
def _correct_typo(token: str) -> str:
    """A long unknown word one or two edits away from exactly one keyword -> that keyword."""
    prefix = ""
    if len(token) > 2 and token[1] == "'":
        prefix, token = token[:2], token[2:]
    if len(token) < FUZZY_MIN_LENGTH or token in _FUZZY_VOCABULARY or token in FUZZY_PROTECTED \
            or not token.isalpha() or any(f.fullmatch(token) for f in _SINGLE_WORD_FRAGMENTS):
        return prefix + token
    limit = 2 if len(token) >= 11 else 1
    best, best_distance, ties = None, limit + 1, 0
    for word in _FUZZY_VOCABULARY:
        if word[0] != token[0]:
            continue
        distance = _edit_distance(token, word, limit)
        if distance < best_distance:
            best, best_distance, ties = word, distance, 0
        elif distance == best_distance:
            ties += 1
    if best is not None and best_distance <= limit and ties == 0:
        return prefix + best
    return prefix + token


def _prepare_clause(clause: str) -> str:
    folded = words_to_numbers(fold(clause))
    folded = re.sub(r"\bj ai\b", "j'ai", folded)
    folded = _INFORMATION.sub(lambda m: m.group(0).replace("info", "information"), folded)
    tokens = []
    for token in folded.split():
        if token in SMS_TOKENS:
            token = SMS_TOKENS[token]
        elif len(token) > 2 and token[1] == "'" and token[2:] in SMS_TOKENS:  # "l'aprem"
            token = token[:2] + SMS_TOKENS[token[2:]]
        tokens.append(_correct_typo(token))
    return " ".join(tokens)


def _prepare(text: str) -> str:
    clauses = [_prepare_clause(c) for c in _CLAUSE_SPLIT.split(text)]
    return " ; ".join(c for c in clauses if c)


class _Message:
    """A prepared message plus what the slot extractors share."""

    def __init__(self, raw: str, requested_slot: str | None, today: datetime.date):
        self.raw = raw
        self.requested = requested_slot
        self.today = today
        self.text = _prepare(raw)
        self.core = re.sub(r"[; ]+", " ", self.text).strip()  # the message without clause marks
        self.domain_text = self.text  # the text domaine reads (obtained diplomas masked)
        self.equipment_text = self.text  # the text equipement reads (domain phrases masked)
        self.dont_know = is_dont_know(raw)


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------

def _clause_before(text: str, start: int, max_tokens: int = 4) -> list[str]:
    """The tokens just before `start`, within its clause, at most `max_tokens`."""
    tokens = text[:start].split()
    window: list[str] = []
    for token in reversed(tokens):
        if token in CLAUSE_STOPS or len(window) >= max_tokens:
            break
        window.append(token)
    return list(reversed(window))


def _is_negated(text: str, start: int, negators: set[str] = NEGATORS, max_tokens: int = 3) -> bool:
    window = _clause_before(text, start, max_tokens)
    return any(t in negators or (t.startswith("n'") and t != "n'importe") for t in window)


def _matches(patterns: list[re.Pattern], text: str) -> list[re.Match]:
    """All matches, overlapping ones reduced to the longest (then the earliest)."""
    found = [m for p in patterns for m in p.finditer(text)]
    found.sort(key=lambda m: (-(m.end() - m.start()), m.start()))
    kept: list[re.Match] = []
    for m in found:
        if all(m.end() <= k.start() or m.start() >= k.end() for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start())


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != " ":
                chars[i] = "#"
    return "".join(chars)


def _any(patterns: list[re.Pattern], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _to_float(number: str) -> float:
    return float(number.replace(",", "."))


# ---------------------------------------------------------------------------------------
# One function per slot
# ---------------------------------------------------------------------------------------

_SITUATION = [(value, _compile(fragments)) for value, fragments in SITUATION_PATTERNS]


def _situation(msg: _Message, out: Extraction) -> None:
    for value, patterns in _SITUATION:
        for m in _matches(patterns, msg.text):
            if value == "demandeur_emploi" and m.group(0).startswith(("sans", "pas", "travaille", "bosse", "taffe")):
                negated = _is_negated(msg.text, m.start(), NEGATORS - {"sans", "pas", "plus"})
            elif value == "jeune_decrocheur" and m.group(0).startswith("plus"):
                negated = False
            else:
                negated = _is_negated(msg.text, m.start())
            if not negated:
                out.values["situation"] = value
                return


def _age(msg: _Message, out: Extraction) -> None:
    text = msg.text
    ages: list[float] = []
    year = BIRTH_YEAR.search(text)
    if year:
        ages.append(float(msg.today.year - int(year.group(1))))
    ages += [float(m.group(1)) for m in AGE_EXPLICIT.finditer(text)]
    if not ages:
        for pattern in AGE_PATTERNS:
            for m in re.finditer(pattern, text):
                before = text[:m.start()].split()[-2:]  # "et" counts here: "de 5 et 8 ans"
                after = text[m.end():m.end() + 4]
                if before and (before[-1] in AGE_DURATION_BEFORE or before[-1].isdigit()):
                    if not (len(before) == 2 and before[-2] in ("age", "agee") and before[-1] == "de"):
                        continue
                if after.startswith((" d'", " de ")):
                    continue
                ages.append(float(m.group(1)))
    if not ages and msg.requested == "age":
        bare = re.search(r"(?<![\w+])((?:19|20)\d\d)(?![\w+])", text)
        if bare and int(bare.group(1)) <= msg.today.year:
            ages.append(float(msg.today.year - int(bare.group(1))))
        else:
            bare = re.search(r"(?<![\w+,.])(\d{1,3})(?![\w+%])", text)
            if bare:
                ages.append(float(bare.group(1)))
    if ages:
        _set_number(out, "age", ages[0], AGE_RANGE, AGE_REASON)


def _set_number(out: Extraction, slot: str, value: float, bounds: tuple, reason: str) -> None:
    if bounds[0] <= value <= bounds[1]:
        out.values[slot] = float(round(value, 1))
    else:
        out.invalid[slot] = reason


_LEVELS = [(re.compile(r"(?<![\w+])" + p + r"(?![\w+])"), level) for p, level in LEVEL_PATTERNS]


def _niveau(msg: _Message, out: Extraction) -> None:
    text = msg.text
    found = [(m, level) for pattern, level in _LEVELS for m in pattern.finditer(text)]
    found.sort(key=lambda f: (-(f[0].end() - f[0].start()), f[0].start()))
    kept: list[tuple[re.Match, str]] = []
    for m, level in found:
        if all(m.end() <= k.start() or m.start() >= k.end() for k, _ in kept):
            kept.append((m, level))
    obtained: list[str] = []
    masks: list[tuple[int, int]] = []
    for m, level in kept:
        before = " ".join(_clause_before(text, m.start(), 3))
        after = text[m.end():]
        if msg.requested == "domaine" and level not in LEVEL_NEEDS_NO_CHECK:
            continue  # "un CAP cuisine" answering the domain question is a wish
        if level in LEVEL_NEEDS_NO_CHECK:  # even "pas le brevet" means no diploma
            obtained.append(level)
            masks.append(_speciality_span(text, m))
            continue
        if LEVEL_IN_PROGRESS.search(before):
            obtained.append(LEVEL_REQUIRED_FOR[level])
            masks.append(_speciality_span(text, m))
            continue
        if LEVEL_WISHED.search(before) or LEVEL_FAILED_AFTER.search(after.split(";")[0]):
            continue  # wished, failed or negated: its speciality stays a possible wish
        obtained.append(level)
        masks.append(_speciality_span(text, m))
    msg.domain_text = _mask(text, masks)
    if not obtained and msg.requested == "niveau":
        if re.search(r"^(?:rien|aucun|nada|que dalle|zero|0|non|pas|aucun diplome)\b", msg.core) \
                or re.search(r"\b(?:j'ai |je n'ai |n'ai )?rien\b", msg.core):
            obtained.append("sans_diplome")
    if obtained:
        out.values["niveau"] = max(obtained, key=LEVEL_RANK.__getitem__)


def _speciality_span(text: str, m: re.Match) -> tuple[int, int]:
    """The diploma plus up to 4 following words naming its speciality."""
    end = m.end()
    for count, token in enumerate(_TOKEN.finditer(text[m.end():])):
        if count >= 4 or token.group(0) in SPECIALITY_STOPS or token.group(0).startswith("j'"):
            break
        end = m.end() + token.end()
    return m.start(), end


_DOMAINS = [(domain, _compile(fragments)) for domain, fragments in DOMAIN_LEXICON.items()]
_UNDECIDED = _compile(UNDECIDED_PHRASES)
_UNDECIDED_ASKED = _compile(UNDECIDED_WHEN_ASKED)


def _domaine(msg: _Message, out: Extraction) -> None:
    text = msg.domain_text
    found = [(m, domain) for domain, patterns in _DOMAINS for p in patterns for m in p.finditer(text)]
    found.sort(key=lambda f: (-(f[0].end() - f[0].start()), f[0].start()))
    kept: list[tuple[re.Match, str]] = []
    for m, domain in found:
        if all(m.end() <= k.start() or m.start() >= k.end() for k, _ in kept):
            kept.append((m, domain))
    kept.sort(key=lambda f: f[0].start())
    msg.equipment_text = _mask(msg.text, [(m.start(), m.end()) for m, _ in kept])
    wished, neutral, current = [], [], []
    for m, domain in kept:
        if _is_negated(text, m.start(), DOMAIN_NEGATORS, 4):
            continue
        clause = text[:m.start()].rsplit(";", 1)[-1]
        wish = [w.end() for w in WISH_MARKERS.finditer(clause)]
        now = [c.end() for c in CURRENT_MARKERS.finditer(clause)]
        if wish and (not now or max(wish) > max(now)):
            wished.append(domain)
        elif now:
            current.append(domain)
        else:
            neutral.append(domain)
    chosen = (wished or neutral or (current if msg.requested == "domaine" else []))
    if chosen:
        out.values["domaine"] = chosen[0]
    elif _any(_UNDECIDED, text) or (msg.requested == "domaine"
                                   and (msg.dont_know or _any(_UNDECIDED_ASKED, msg.core))):
        out.values["domaine"] = UNDECIDED_DOMAIN


def _heures_semaine(msg: _Message, out: Extraction) -> None:
    text = msg.text
    for m in HOURS_NUMBER.finditer(text):
        if m.group(1) is not None:
            hours = _to_float(m.group(1))
            if m.group(2):
                hours += int(m.group(2)) / 60
            if "demi" in m.group(0):
                hours += 0.5
        elif "demi heure" in m.group(0):
            hours = 0.5
        else:
            hours = 1.0 + (0.5 if m.group(4) else 0.0)
        clause_start = text.rfind(";", 0, m.start()) + 1
        clause_end = text.find(";", m.end())
        clause_after = text[m.end(): clause_end if clause_end >= 0 else len(text)]
        clause_all = text[clause_start: clause_end if clause_end >= 0 else len(text)]
        before = _clause_before(text, m.start(), 2)
        weekly = PER_WEEK.search(clause_after[:25])
        if not weekly:
            if before and (before[-1] in HOURS_TIME_OF_DAY_BEFORE and before[-1] != "de"
                           or "partir" in before):
                continue  # "à 18h", "vers 20h", "à partir de 19h": a time of day
            if before and before[-1] == "de" and re.match(r" ?(?:a|et) \d", clause_after):
                continue  # "de 9h à 17h"
            if re.match(r" ?(?:a|et|jusqu'a) \d+ ?h", clause_after):
                continue
            if minutes_is_clock(m, before):
                continue
        if weekly:
            pass
        elif PER_DAY.search(clause_all):
            hours *= DAYS_PER_WEEK
        elif PER_MONTH.search(clause_after[:20]):
            hours /= WEEKS_PER_MONTH
        _set_number(out, "heures_semaine", hours, WEEKLY_HOURS_RANGE, HOURS_REASON)
        return
    for pattern, hours in _HOURS_WORDS:
        m = pattern.search(text)
        if m and not _is_negated(text, m.start()) \
                and not HOURS_CURRENT_JOB.search(" ".join(_clause_before(text, m.start(), 6))):
            out.values["heures_semaine"] = hours
            return
    if msg.requested == "heures_semaine":
        bare = re.search(r"(?<![\w+,.])(\d{1,3}(?:[.,]\d+)?)(?![\w+%])", text)
        if bare and not re.search(r"\b(?:ans?|mois|jours?|euros?)\b", text):
            _set_number(out, "heures_semaine", _to_float(bare.group(1)), WEEKLY_HOURS_RANGE, HOURS_REASON)


def minutes_is_clock(m: re.Match, before: list[str]) -> bool:
    """"18h30" with no duration word is a clock time; "1h30" alone is a duration."""
    return bool(m.group(1) and m.group(2) and _to_float(m.group(1)) >= 7)


_HOURS_WORDS = [(re.compile(r"(?<![\w+])" + p + r"(?![\w+])"), hours) for p, hours in HOURS_WORDS]
_CRENEAUX = {value: _compile(fragments) for value, fragments in CRENEAU_PATTERNS.items()}
_CLOCK = re.compile(r"\b(?:a|vers|apres|des|partir de|avant|de) (\d{1,2}) ?h(?:\d\d)?\b")


def _creneau(msg: _Message, out: Extraction) -> None:
    text = msg.text
    if _any(_CRENEAUX["indifferent"], text):
        out.values["creneau"] = "indifferent"
        return
    seen: set[str] = set()
    for value in ("soir_weekend", "journee"):
        for m in _matches(_CRENEAUX[value], text):
            if _is_negated(text, m.start()):
                continue
            before = " ".join(_clause_before(text, m.start(), 3))
            if value == "journee" and CRENEAU_BUSY_BEFORE.search(before):
                continue  # "je travaille la journée": when the person is busy
            seen.add(value)
    if not seen:
        for m in _CLOCK.finditer(text):
            if _is_negated(text, m.start()):
                continue
            hour = int(m.group(1))
            seen.add("soir_weekend" if hour >= 18 or hour <= 4 else "journee")
    if len(seen) == 1:
        out.values["creneau"] = seen.pop()
    elif len(seen) > 1:
        out.values["creneau"] = "indifferent"
    elif msg.requested == "creneau" and (msg.dont_know or re.search(
            r"\b(?:les (?:deux|2)|tout|egal|flexible|comme vous voulez|quand je veux|tout le temps)\b", msg.core)):
        out.values["creneau"] = "indifferent"


_COMPUTER = _compile(COMPUTER)
_PHONE = _compile(PHONE)
_NO_EQUIPMENT = _compile(NO_EQUIPMENT)


def _owned(patterns: list[re.Pattern], text: str) -> tuple[bool, bool]:
    """(owned, said not owned) for one kind of device."""
    owned = negated = False
    for m in _matches(patterns, text):
        before = text[max(0, text.rfind(";", 0, m.start()) + 1):m.start()]
        if _is_negated(text, m.start(), NEGATORS | {"manque"}):
            negated = True
        elif EQUIPMENT_NOT_OWNED_BEFORE.search(before):
            continue
        else:
            owned = True
    return owned, negated


def _equipement(msg: _Message, out: Extraction) -> None:
    text = msg.equipment_text
    computer, no_computer = _owned(_COMPUTER, text)
    # "ordinateur portable" is a computer: do not read its "portable" as a phone
    phone_text = _mask(text, [(m.start(), m.end()) for m in _matches(_COMPUTER, text)])
    phone, no_phone = _owned(_PHONE, phone_text)
    if computer:
        out.values["equipement"] = "ordinateur"
    elif phone:
        out.values["equipement"] = "smartphone"
    elif no_computer or no_phone or _any(_NO_EQUIPMENT, text):
        out.values["equipement"] = "aucun"
    elif msg.requested == "equipement" and re.search(
            r"^(?:rien|aucun|nada|que dalle|non|zero|0)\b|\b(?:j'ai|n'ai) rien\b|\brien du tout\b", msg.core):
        out.values["equipement"] = "aucun"


_MODALITES = {value: _compile(fragments) for value, fragments in MODALITE_PATTERNS.items()}


def _modalite(msg: _Message, out: Extraction) -> None:
    text = msg.text
    if _any(_MODALITES["indifferent"], text):
        out.values["modalite"] = "indifferent"
        return
    for value in ("hybride", "distance"):
        for m in _matches(_MODALITES[value], text):
            if value == "hybride" and m.group(0) == "presentiel" and _is_negated(text, m.start()):
                out.values["modalite"] = "distance"  # "pas de présentiel"
                return
            if not _is_negated(text, m.start()) or m.group(0).startswith(("sans", "pas")):
                out.values["modalite"] = value
                return
    if msg.requested == "modalite" and (msg.dont_know or re.search(
            r"\b(?:les (?:deux|2)|egal|comme vous voulez|tout me va)\b", msg.core)):
        out.values["modalite"] = "indifferent"
    elif msg.requested == "modalite" and re.search(r"\b(?:un peu des|des) (?:deux|2)\b", msg.core):
        out.values["modalite"] = "hybride"


_CERT_YES = _compile(CERTIFICATION_YES)
_CERT_INDIFFERENT = _compile(CERTIFICATION_INDIFFERENT)
_CERT_INDIFFERENT_ASKED = _compile(CERTIFICATION_INDIFFERENT_WHEN_ASKED)
_CERT_YES_ASKED = _compile(CERTIFICATION_YES_WHEN_ASKED)


def _certification(msg: _Message, out: Extraction) -> None:
    text = msg.text
    asked = msg.requested == "certification"
    if _any(_CERT_INDIFFERENT, text) or (asked and (_any(_CERT_INDIFFERENT_ASKED, msg.core)
                                                    or NO.search(msg.core) or msg.dont_know)):
        out.values["certification"] = "indifferent"
        return
    for m in _matches(_CERT_YES, text):
        if not _is_negated(text, m.start()):
            out.values["certification"] = "oui"
            return
    if asked and (YES.search(msg.core) or _any(_CERT_YES_ASKED, msg.core)):
        out.values["certification"] = "oui"


_HANDICAP_TRUE = _compile(HANDICAP_TRUE)
_HANDICAP_FALSE = _compile(HANDICAP_FALSE)


def _handicap(msg: _Message, out: Extraction) -> None:
    text = msg.text
    said_no = _any(_HANDICAP_FALSE, text)
    for m in _matches(_HANDICAP_TRUE, text):
        if not _is_negated(text, m.start()):
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


def _place(msg: _Message, out: Extraction) -> None:
    expecting = msg.requested in ("departement", "commune")
    if msg.requested in ("age", "heures_semaine") and re.fullmatch(r"[\d ,.]+(?: ?(?:ans?|h|heures?))?", msg.core):
        return  # a bare number answering another question is not a department
    place = _find_place(_without_quantities(msg.raw), expecting_place=expecting)
    if place is None:
        return
    if place.departement:
        out.values["departement"] = place.departement
    if place.commune:
        out.values["commune"] = place.commune


_QUANTITY = re.compile(
    r"\b\d{1,3}(?:[.,]\d+)?(?:\s*(?:ans?|h(?:\d\d)?|heures?|hrs?|mois|semaines?|jours?|%|€|euros?)|a)(?!\w)"
    r"|\bbac\s*\+?\s*\d\b|\b(?:19|20)\d\d\b(?!\d)",
    re.IGNORECASE,
)


def _without_quantities(raw: str) -> str:
    """Ages, hours, durations and years are not postal codes or department numbers."""
    return _QUANTITY.sub(" ", raw)


def _find_place(text: str, expecting_place: bool = False):
    try:
        from bot.geo import find_place
    except ModuleNotFoundError as error:  # bot/geo.py not there yet: places are skipped
        if error.name == "bot.geo":
            return None
        raise
    return find_place(text, expecting_place=expecting_place)


# niveau runs before domaine (it masks diplomas' specialities); domaine before equipement.
_EXTRACTORS: list[Callable[[_Message, Extraction], None]] = [
    _situation, _age, _place, _niveau, _domaine, _heures_semaine, _creneau, _equipement,
    _modalite, _certification, _handicap,
]


# ---------------------------------------------------------------------------------------
# Canonical values given as such (button payloads)
# ---------------------------------------------------------------------------------------

_CANONICAL = {
    "situation": SITUATIONS, "niveau": LEVELS, "domaine": DOMAINES, "creneau": CRENEAUX,
    "equipement": EQUIPEMENTS, "modalite": MODALITES, "certification": CERTIFICATIONS,
    "departement": DEPARTEMENTS,
}


def _key(value: str) -> str:
    return re.sub(r"[ _]", "", fold(value))


def _canonical_value(slot: str, text: str) -> Any | None:
    if slot in _CANONICAL:
        wanted = _key(text)
        for value in _CANONICAL[slot]:
            if _key(value) == wanted:
                return value
        return None
    if slot == "handicap" and _key(text) in ("true", "false"):
        return _key(text) == "true"
    if slot in ("age", "heures_semaine"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
        low, high = AGE_RANGE if slot == "age" else WEEKLY_HOURS_RANGE
        return number if low <= number <= high else None
    return None
