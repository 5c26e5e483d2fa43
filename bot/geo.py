"""Where the user lives: communes of Île-de-France, postal codes, Paris arrondissements,
department names, numbers and nicknames, and well-known places outside the region.

Public interface:

- ``find_place(text, expecting_place=False) -> Place | None``
- ``commune_index() -> CommuneIndex`` (built once from ``bot.config.COMMUNES_CSV``, cached)
- ``department_label(code) -> str``

Behaviour choices (see also the tests in ``tests/test_geo.py``):

- Every comparison is made on ``bot.text.fold`` output, split into tokens (apostrophes split too),
  with "st"/"ste" read as "saint"/"sainte", "s/" as "sur" and "ss" as "sous".
- A commune is known by its official name, the name without its leading article ("Courneuve"),
  the name glued together ("saintdenis"), a few usual short or old forms (``_COMMUNE_ALIASES``)
  and the generic short forms obtained by cutting the name before a linking word
  ("Champigny-sur-Marne" -> "Champigny", "Issy-les-Moulineaux" -> "Issy") or after its first word
  ("Boulogne-Billancourt" -> "Boulogne"). A short form shared by several communes is ambiguous:
  it gives nothing ("Villeneuve", "Noisy"), or the department when all of them are in the same one
  or when the user also names one department ("Noisy-le-Grand" and "Noisy-le-Sec": "Noisy 93" -> 93).
- The longest name wins ("Seine-Saint-Denis" over "Saint-Denis", "Noisy-le-Sec" over "Noisy").
- Names that are also everyday French words or first names (``_GUARDED_NAMES``: "Us", "Marines",
  "Moisson", "Lilas", "Tours", "Orange"...) count only right after a place cue ("à", "habite",
  "vis", "près de", "en"...), before a department number, or when the bot asked for the place.
- Typos: one edit (insertion, deletion, substitution or swap of two letters, after a light phonetic
  folding: y=i, doubled letters, final e/s/x) on names of at least 6 letters, only right after a
  place cue or when the bot asked for the place, never on a common French word, and never when two
  places are equally close.
- La Défense -> Hauts-de-Seine, commune None (it spans Puteaux, Courbevoie and Nanterre); the same
  for a few other areas that are not communes (Marne-la-Vallée, Cergy-Pontoise, Saint-Quentin-en-Yvelines).
- A commune wins over a department given in the same message ("dans le 93, à Saint-Denis"); the
  department of the commune is the one of the CSV even when the user gave another.
- Postal codes: a known IDF postal code always counts (one commune -> that commune, several -> the
  department); any other 5-digit code counts only in a place answer (bot asked, "code postal", "cp",
  "habite"..., or the message is just the code): an unknown code of an IDF department gives that
  department, a code of another department gives ``hors_idf``.
- Paris arrondissements: "Paris 18e", "paris 18", "18ème arrondissement", "dans le 18eme",
  "dans le 18" (a number 1..20 after "dans le" is read as an arrondissement, not as a department
  of the provinces), "75018" -> Place("75", "Paris", "Paris 18e (75)").
- Department numbers count after "dans le", "du", "département"..., IDF numbers also after "le"
  and "en", and a bare number only when the bot asked for the place. Numbers followed by a unit
  ("ans", "heures", "euros"...) or a month are never places.
- Places outside the region (``_OUTSIDE_PLACES``: large cities, other departments, regions,
  countries, "à l'étranger", "en province") give Place("hors_idf", None, "<name> (hors Île-de-France)").
- A place right after "né(e) à", "originaire de" or a negation ("ne ... pas") is not where the
  user lives: it is ignored.
"""
from __future__ import annotations

import csv
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from bot import config
from bot.text import fold, words_to_numbers
from bot.vocab import DEPARTMENT_NAMES, IDF_DEPARTMENTS, OUTSIDE_REGION

__all__ = [
    "Place", "Commune", "CommuneIndex", "CommunesFileError", "find_place", "commune_index",
    "department_label", "clear_cache", "CSV_ENV_VAR",
]

CSV_ENV_VAR = "CAPNUM_COMMUNES_CSV"
OUTSIDE_LABEL = "hors Île-de-France"


@dataclass(frozen=True)
class Place:
    departement: str          # one of IDF_DEPARTMENTS or "hors_idf"
    commune: str | None       # official name from the CSV, "Paris" for an arrondissement, or None
    label: str                # what to say back to the user


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]


class CommunesFileError(RuntimeError):
    """The communes CSV cannot be read."""


def department_label(code: str) -> str:
    """'93' -> 'Seine-Saint-Denis (93)'; 'hors_idf' -> 'hors Île-de-France'."""
    if code == OUTSIDE_REGION:
        return OUTSIDE_LABEL
    try:
        return f"{DEPARTMENT_NAMES[code]} ({code})"
    except KeyError:
        raise ValueError(f"not a department of Île-de-France: {code!r}") from None


# --------------------------------------------------------------------------------------------
# Data written for this module (not reference data). Names are written as users would read them;
# a leading "*" marks a name that is also an everyday word or a first name: it then needs a
# place cue (see _GUARDED_NAMES).

# Short or old names of communes -> official name in the CSV. Forms that the generic short-form
# rule already finds are not repeated here; these settle ambiguities in favour of the big commune.
_COMMUNE_ALIASES = {
    "Évry": "Évry-Courcouronnes",
    "Courcouronnes": "Évry-Courcouronnes",
    "Saint-Ouen": "Saint-Ouen-sur-Seine",
    "Saint-Maur": "Saint-Maur-des-Fossés",
    "Rosny": "Rosny-sous-Bois",
    "Neuilly": "Neuilly-sur-Seine",
    "Billancourt": "Boulogne-Billancourt",
    "Saint-Germain": "Saint-Germain-en-Laye",
    "Saint-Cloud": "Saint-Cloud",
    "Champs-sur-Marne": "Champs-sur-Marne",
    "Le Kremlin-Bicêtre": "Le Kremlin-Bicêtre",
    "Kremlin": "Le Kremlin-Bicêtre",
    "Bicêtre": "Le Kremlin-Bicêtre",
    "Villiers-le-Bel": "Villiers-le-Bel",
    "Aulnay": "Aulnay-sous-Bois",
    "Tremblay": "Tremblay-en-France",
    "Épinay": "Épinay-sur-Seine",
    "Choisy": "Choisy-le-Roi",
    "Vitry": "Vitry-sur-Seine",
    "Ivry": "Ivry-sur-Seine",
    "Nogent": "Nogent-sur-Marne",
    "Le Blanc-Mesnil": "Le Blanc-Mesnil",
    "Blanc-Mesnil": "Le Blanc-Mesnil",
    "Mantes": "Mantes-la-Jolie",
    "Conflans": "Conflans-Sainte-Honorine",
    "Sainte-Geneviève": "Sainte-Geneviève-des-Bois",
    "Savigny": "Savigny-sur-Orge",
    "Juvisy": "Juvisy-sur-Orge",
    "Athis": "Athis-Mons",
    "Villeneuve-Saint-Georges": "Villeneuve-Saint-Georges",
    "Bussy": "Bussy-Saint-Georges",
    "Chelles": "Chelles",
    "Lagny": "Lagny-sur-Marne",
    "Montereau": "Montereau-Fault-Yonne",
    "Saint-Quentin-Fallavier": "",  # placeholder removed below (kept out of the region list)
}
_COMMUNE_ALIASES.pop("Saint-Quentin-Fallavier")

# Areas that are not communes: label -> department.
_AREAS = {
    "La Défense": "92",
    "Paris-La Défense": "92",
    "Marne-la-Vallée": "77",
    "Val d'Europe": "77",
    "Sénart": "77",
    "Cergy-Pontoise": "95",
    "Saint-Quentin-en-Yvelines": "78",
    "SQY": "78",
    "Plateau de Saclay": "91",
    "Paris-Saclay": "91",
}

# Department names and nicknames of the region (besides the official names in vocab).
_DEPARTMENT_ALIASES = {
    "75": ("Paris intra-muros", "Paname", "département de Paris"),
    "77": ("Seine et Marne", "S&M"),
    "78": ("Yvelines",),
    "91": ("Essonne",),
    "92": ("Hauts de Seine", "Haut de Seine", "Hauts-de-Seine"),
    "93": ("Seine Saint Denis", "Neuf-Trois", "Neuf Cube"),
    "94": ("Val de Marne",),
    "95": ("Val d'Oise", "Val Doise"),
}

# Places outside the region: large cities, then (after "---") the other departments, regions,
# countries and foreign cities.
_OUTSIDE_PLACES = """
Marseille; Lyon; Toulouse; *Nice; Nantes; Montpellier; Strasbourg; Bordeaux; Lille; Rennes; Reims;
Toulon; Saint-Étienne; Le Havre; Grenoble; Dijon; Angers; Nîmes; Villeurbanne; Clermont-Ferrand;
Le Mans; Aix-en-Provence; Brest; *Tours; Amiens; Limoges; Annecy; Perpignan; Metz; Besançon;
Orléans; Rouen; Mulhouse; Caen; *Nancy; Roubaix; Tourcoing; Avignon; Poitiers; Pau; La Rochelle;
Calais; *Cannes; Antibes; Béziers; Saint-Nazaire; Colmar; Bourges; Mérignac; Ajaccio; *Valence;
Quimper; Pessac; Vénissieux; Troyes; Lorient; Niort; Chambéry; Villeneuve-d'Ascq; Cherbourg;
Cherbourg-en-Cotentin; Beauvais; Cholet; Hyères; *Vannes; Fréjus; La Seyne-sur-Mer; Arles; *Grasse;
Saint-Quentin; Bastia; Laval; Belfort; Évreux; Chartres; Charleville-Mézières; Annemasse; Blois;
Châteauroux; Brive-la-Gaillarde; Brive; Albi; Carcassonne; Bayonne; Angoulême; Saint-Malo;
Châlons-en-Champagne; Tarbes; Castres; Arras; Compiègne; Douai; Valenciennes; Dunkerque;
Boulogne-sur-Mer; *Lens; Saint-Brieuc; Le Cannet; Wattrelos; Bourg-en-Bresse; Sète; Agen; Mâcon;
Montauban; Nevers; Auxerre; Périgueux; Saint-Priest; Vaulx-en-Velin; Caluire-et-Cuire; Bron; Rezé;
Saint-Herblain; Talence; Villenave-d'Ornon; Alès; Narbonne; Draguignan; Montélimar;
Romans-sur-Isère; *Vienne; Thonon-les-Bains; Épinal; Thionville; Forbach; Haguenau;
Chalon-sur-Saône; Le Creusot; Vichy; Montluçon; *Moulins; Roanne; Saint-Chamond; Aurillac;
Le Puy-en-Velay; Rodez; Cahors; Auch; Mont-de-Marsan; *Dax; Biarritz; Anglet; Bergerac; Libourne;
Arcachon; Royan; Rochefort; *Saintes; *Cognac; Châtellerault; Saumur; La Roche-sur-Yon;
Les Sables-d'Olonne; Alençon; Lisieux; Saint-Lô; Dieppe; Fécamp; Elbeuf; Louviers; Dreux;
Châteaudun; Montargis; *Gien; Vierzon; Vendôme; Amboise; Creil; Senlis; Chantilly; Soissons; Laon;
Château-Thierry; Abbeville; Épernay; Sedan; Verdun; Bar-le-Duc; Lunéville; *Toul; Montbéliard;
*Dole; Lons-le-Saunier; Pontarlier; *Beaune; *Sens; Chaumont; Langres; Saint-Dizier; *Gap; *Digne;
Manosque; Briançon; *Menton; Saint-Raphaël; Aubagne; Martigues; Istres; Salon-de-Provence;
Carpentras; *Orange; Cavaillon; Agde; Castelnaudary; *Foix; Pamiers; *Lourdes; Porto-Vecchio;
Noyon; Nogent-le-Rotrou; Vernon; Évian; Aix-les-Bains; Villefranche-sur-Saône; Bourgoin-Jallieu;
Échirolles; Saint-Martin-d'Hères; Vitrolles; La Ciotat; Cagnes-sur-Mer; Saint-Laurent-du-Var;
Lanester; Saint-Sébastien-sur-Loire; Hénin-Beaumont; Liévin; Maubeuge; Cambrai; Béthune; Armentières;
Marcq-en-Barœul; Villefontaine; *Le Tampon; Saint-Paul; Fort-de-France; Pointe-à-Pitre;
Les Abymes; Cayenne; Mamoudzou; Nouméa; Papeete; *Le Lamentin; Saint-Laurent-du-Maroni;
---
Ain; *Aisne; *Allier; Alpes-de-Haute-Provence; Hautes-Alpes; Alpes-Maritimes; Ardèche; Ardennes;
Ariège; *Aube; *Aude; Aveyron; Bouches-du-Rhône; *Calvados; Cantal; Charente; Charente-Maritime;
*Cher; Corrèze; *Corse; Corse-du-Sud; Haute-Corse; Côte-d'Or; Côtes-d'Armor; *Creuse; Dordogne;
Doubs; Drôme; *Eure; Eure-et-Loir; Finistère; *Gard; Haute-Garonne; Gers; Gironde; Hérault;
Ille-et-Vilaine; *Indre; Indre-et-Loire; Isère; *Jura; *Landes; Loir-et-Cher; *Loire;
Haute-Loire; Loire-Atlantique; Loiret; *Lot; Lot-et-Garonne; Lozère; Maine-et-Loire; *Manche;
*Marne; Haute-Marne; Mayenne; Meurthe-et-Moselle; *Meuse; Morbihan; Moselle; Nièvre; *Nord;
*Oise; *Orne; Pas-de-Calais; Puy-de-Dôme; Pyrénées-Atlantiques; Hautes-Pyrénées;
Pyrénées-Orientales; Bas-Rhin; Haut-Rhin; Rhône; Haute-Saône; Saône-et-Loire; Sarthe; Savoie;
Haute-Savoie; Seine-Maritime; Deux-Sèvres; *Somme; Tarn; Tarn-et-Garonne; *Var; Vaucluse; Vendée;
Haute-Vienne; *Vosges; Yonne; Territoire de Belfort; Guadeloupe; Martinique; Guyane; *La Réunion;
*Réunion; Mayotte;
Bretagne; Normandie; Hauts-de-France; Picardie; Grand Est; Alsace; *Lorraine; *Champagne;
Bourgogne; Franche-Comté; Centre-Val de Loire; Pays de la Loire; Nouvelle-Aquitaine; Aquitaine;
Occitanie; Auvergne; Rhône-Alpes; Auvergne-Rhône-Alpes; Provence; PACA; Côte d'Azur; Outre-mer;
DOM-TOM; *Province; *Étranger;
*Belgique; *Suisse; *Luxembourg; *Allemagne; *Espagne; *Italie; *Portugal; *Angleterre;
*Royaume-Uni; *Irlande; *Pays-Bas; *Pologne; *Roumanie; *Algérie; *Maroc; *Tunisie; *Sénégal;
*Mali; *Côte d'Ivoire; *Cameroun; *Congo; *Guinée; *Madagascar; *Canada; *Québec; *États-Unis;
*Turquie; *Chine; *Afrique; *Europe; *Bruxelles; *Genève; *Londres; *Alger; *Casablanca; *Tunis;
*Dakar; *Abidjan; *Montréal
"""

# Outside department numbers (two digits, plus Corsica and overseas).
_OUTSIDE_DEPARTMENT_NUMBERS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if f"{n:02d}" not in IDF_DEPARTMENTS and n != 20]
    + ["2a", "2b", "971", "972", "973", "974", "976"]
)

# Names of communes of the CSV that are also everyday French words, first names or frequent
# in other senses: found by folding the CSV names and checking them against a French word
# frequency list and a sample of everyday messages (see tests). Folded forms.
_GUARDED_NAMES = frozenset("""
us baby vert doue chars mours maule ury bray cerny vigny marines moisson mons lilas avon sagy
pecy buc ichy igny sigy herme issou blaru tilly messy lassy lissy paley paroy cely reau breau
dagny citry cuisy diant flagy fouju marcq medan mere nezel osmoy rosay vicq brouy egly linas
nozay ormoy othis sancy seugy buhy burcy barcy esbly nandy voulx limay ablis
plaisir fosses lisses forges persan collegien mary brie levis salins tertre tartre garenne
chaumes marnes gouvernes notre grande grand maison maisons blanc haute pierre vieux vieille sept
croix queue voisins beton clos roche deuil etang brosse champagne pin tombe falaise carrieres
seine pavillons loges granges madeleine verrieres verriere chapelles chapelle ville celle bois
chateau port foret bourg fontaine vaux ferte mesnil plessis villiers montigny boissy mont val
pont riviere roi orme ormes marolles isle
""""".split())

# Everyday words that are never taken as a place by the typo matcher (folded): a hand-written
# list of the bot's own domain, plus the frequent French words (from a word frequency list) that
# are one edit away from a name of the CSV after phonetic folding ("fauteuil" / Auteuil,
# "voudrais" / Coudray, "choisir" / Choisy).
_NOT_PLACE_WORDS = frozenset("""
formation formations semaine semaines travail travaille travailler merci bonjour bonsoir
vendeuse vendeur vente ventes cuisine cuisinier maison maisons mairie centre centres
chomage emploi emplois diplome diplomes heures journee soiree weekend ordinateur telephone
internet portable comptable compta secretaire secretariat commerce marketing personne
parents enfants enfant famille seule seulement maintenant actuellement toujours depuis
pendant beaucoup surtout vraiment possible certifiante distance presentiel hybride
handicap reconnaissance travailleur interim contrat stage stages alternance apprentissage
demandeur demandeuse inscrit inscrite mission locale conseiller conseillere france travail
region regions ville villes commune communes banlieue quartier campagne montagne plage
""".split() + """
abeille abeilles accueil accueille achete achetee achetees achetes acheve achevee adhere affilie
affiliee affilies agneau amants amitie amities angeles arbore ardent argile arriere arrieres
attrape aubaine aviron ballet ballon ballons banniere bannieres barons barriere barrieres batons
billet billets bisous boisson boissons boitier bonbon bonbons bonnet bonnets bougie bougies
bouquin bouquins bourse bourses bouton boutons branle briller briser bruler bureau bureaux cacher
cadets cadette cannelle cantine carbone carnet carnets casser cassette caverne cerner cession
chaire chalet chalets chambre chambres change changee changes chapeau chapeaux chapelle chapelles
charmant charmante charmants charpente charte chartes charts chassis chaton chatons chauffeur
chauffeurs chaussee cherie cheval chevaux cheveu cheveux cheville chevilles chevre chevres chienne
chiens chimie chinoise chinoises choisi choisie choisies choisir choisis choisit chouette
chouettes claire claires clairs cliche cliches coachs coherence colere coller collier colliers
comedie comedies commence commencee comment commente commentee compagne compare comparee concue
concues concus confie confiee confiees confies congres connais corbeille coreen coreenne couche
couches couilles couleur couleurs country courant courante courantes courants courent courgettes
couronne couronnee couronnes courriel courriels courtois couvert couverte couvertes couverts
couvre crochet crochets croise croisee croisees croises croyais danger dangers danois delais
demarre derriere dissous dormant douille douleur douleurs ecarte ecarts echelle echelles ecrans
energie energies enerve ennemi ennemie ennemies ennemis envers epingle estampes etions etoile
etoiles failli fauteuil fauteuils ferais fermer fermier fermiers feroce ferons fevrier fidele
fideles fievre filets fillette fleuri fleurie fleuris fleurs fontaine fontaines forets formant
formel formelle fouille fouilles freins gacher gallois garage garages gauche genese gentil
gentille gentils hisser hivers isoler joindre lacher lamour langue langues lecher lisiere longue
longues loyers maillot maillots maintes manette manger manteau manteaux marchant marche marches
martiaux meandres mefier metier metiers millier milliers ministere ministeres modele modeles
moindre moindres moitie montage montages montra montre montree montres mouille moyenne moyennes
moyens museau noisette noisettes nomment normand normande occitan oiseau oiseaux onglet orient
oriente orientee orientees orientes paiens paillettes palais palette palettes palier paliers
pallier palmier palmiers panier paniers papier papiers parcelle parcelles pareil pareille parier
parrain perche percue percues percus perdue perdues perdus perenne permis pochette pochettes
poesie poesies poignee poignees poison poisson poissons portier poteau poteaux pourrai pourrais
pourrons prenais priere prieres provinces puiser puisque puissiez quitter rabais rachete rachetee
ranger rarete rayons rebelle rebelles relais remonte remontee remontees resonne revers rocher
rochers rocheux roller romane romans rouille saisie saisies saisis saison saisons sapins sauver
savais savoir savoirs savons sentie sentis serais serions serons servie servis severe severes
sevrage soccer sonner souple souples soyons suggere talent talents taverne tourna tournage
tournant tournante trottoir trottoirs valent vanille vanter veiller venant vendre vendue vendues
vendus venons verdure vernis verrons verrou videos vignette vilain village villages violer violet
violette visant vivant vivante vivantes vivants volets voudrai voudrais voulais voulions voulons
""".split())

# Tokens that announce a place just after them (folded, apostrophes split).
_PLACE_CUES = frozenset("""
a au aux sur vers en habite habites habitons habitez habitent habiter vis vit vivons vivez vivre
reside resides residons residez demeure demeurons ville commune secteur cote pres proche banlieue
region quartier loge heberge hebergee installe installee demenage demenagee situe situee
""".split())
_CUES_BEFORE_DE = frozenset("""
habite habites habitons habitez vis vit vivons reside pres cote proche loin region ville commune
secteur banlieue environs alentours coin quartier
""".split())
_ARTICLES = frozenset(("le", "la", "les", "l"))
# A residence verb: the typo matcher reads the words just after it (and its preposition).
_RESIDENCE_VERBS = frozenset("""
habite habites habitons habitez habitent vis vit vivons vivez suis sui jsui reside resides
residons demeure demeurons domicilie domiciliee ville commune cp
""".split())
_AFTER_VERB = frozenset("a au aux en sur dans le la les l de d du pres cote".split())
# Words that may surround a bare place name in an answer to "where do you live".
_FILLER = frozenset("""
a au aux en sur le la les l j je moi habite vis suis sui jsui euh bah ben ben c est ville de d du
dans ok oui alors bonjour bjr slt salut merci
""".split())
# "near", "north of"...: the place named is a landmark, not the commune where the user lives.
_PROXIMITY = frozenset("""
pres cote proche loin banlieue nord sud est ouest environs alentours region peripherie
""".split())
# "une formation à Créteil", "je bosse à Nanterre": a place that is probably not the home.
_NOT_HOME = frozenset("formation formations cours stage ecole travaille bosse boulot taf travail".split())
_FIRST_PERSON = frozenset("je j moi jsui jhabite jvis perso".split())
_THIRD_PERSON = frozenset("""
ma mon mes sa son ses il elle ils elles soeur frere mere pere parents cousin cousine copain
copine ami amie mari femme famille tante oncle
""".split())
# After these, the place is not where the user lives (birthplace, origin, negation).
_NOT_RESIDENCE = frozenset("ne nee nes nees n naissance originaire origine natif native".split())
_LINKING_WORDS = frozenset("sur sous en les le la l aux au de des du d lez et".split())
_UNITS = frozenset("""
an ans h heure heures hr hrs min mn minute minutes euro euros eur e % pourcent pour fois jour
jours mois semaine semaines sem km kg kilo kilos enfant enfants personnes eme ieme ans' annee
annees mn
""".split())
_MONTHS = frozenset("""
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre janv fev
avr juil sept oct nov dec
""".split())
_RESIDENCE_WORDS = frozenset("""
habite habites habitons habitez habiter vis vit vivons reside domicile adresse ville commune
cp postal code
""".split())
_TOKEN_MAP = {"st": "saint", "ste": "sainte", "s": "sur", "ss": "sous", "lez": "les"}

_RANK_NAME = 0       # official name, manual alias, department, area, outside place
_RANK_NO_ARTICLE = 1  # official name without its leading article
_RANK_SHORT = 2      # generic short form


def _tokens(text: str) -> list[str]:
    """Folded words, apostrophes split, usual abbreviations expanded."""
    return [_TOKEN_MAP.get(t, t) for t in fold(text).replace("'", " ").split()]


def _phonetic(word: str) -> str:
    """Light phonetic key for the typo matcher: y=i, no doubled letters, no mute ending."""
    word = word.replace(" ", "").replace("y", "i").replace("ph", "f")
    word = re.sub(r"(.)\1+", r"\1", word)
    return re.sub(r"(?:e|es|s|x)$", "", word) or word


def _osa_distance_le1(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    return a[i:] == b[i + 1:]


@dataclass(frozen=True)
class _Entry:
    place: Place
    rank: int
    guarded: bool


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    places: tuple[Place, ...]   # more than one: ambiguous
    specific: bool              # a commune or a city, not only a department or a region
    others: tuple[Place, ...] = ()   # less likely readings ("saint ouen" 95 -> l'Aumône)


def _commune_label(name: str, departement: str) -> str:
    return f"{name} ({departement})"


def _outside(label: str) -> Place:
    return Place(OUTSIDE_REGION, None, f"{label} ({OUTSIDE_LABEL})")


_PARIS = Place("75", "Paris", "Paris (75)")


def _paris_arrondissement(number: int) -> Place:
    suffix = "er" if number == 1 else "e"
    return Place("75", "Paris", f"Paris {number}{suffix} (75)")


class CommuneIndex:
    """Every name, short form and postal code of the communes of the region, folded."""

    def __init__(self, csv_path: Path):
        self.csv_path = csv_path
        self.communes: dict[str, Commune] = {}
        self.by_postal_code: dict[str, tuple[Commune, ...]] = {}
        self._phrases: dict[str, list[_Entry]] = {}
        self._first_tokens: set[str] = set()
        self._max_tokens = 1
        self._fuzzy: dict[str, set[str]] = {}   # deletion variant -> phonetic keys
        self._fuzzy_keys: dict[str, set[str]] = {}  # phonetic key -> phrases
        self._outside_cities: set[Place] = set()
        self._load(csv_path)
        self._build_lexicon()

    # -- loading --------------------------------------------------------------------------
    def _load(self, csv_path: Path) -> None:
        if not csv_path.is_file():
            raise CommunesFileError(
                f"communes file not found: {csv_path} (set {CSV_ENV_VAR} to the path of "
                f"communes_idf.csv, columns insee,nom,code_postal,departement)")
        names: dict[str, tuple[str, str]] = {}
        codes: dict[str, list[str]] = {}
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"insee", "nom", "code_postal", "departement"} - set(reader.fieldnames or ())
            if missing:
                raise CommunesFileError(
                    f"{csv_path} lacks columns {sorted(missing)} (check {CSV_ENV_VAR})")
            for row in reader:
                insee, name = row["insee"].strip(), row["nom"].strip()
                names.setdefault(insee, (name, row["departement"].strip()))
                codes.setdefault(insee, []).append(row["code_postal"].strip())
        if not names:
            raise CommunesFileError(f"{csv_path} holds no commune (check {CSV_ENV_VAR})")
        by_code: dict[str, list[Commune]] = {}
        for insee, (name, dep) in names.items():
            commune = Commune(insee, name, dep, tuple(dict.fromkeys(codes[insee])))
            self.communes[insee] = commune
            for code in commune.postal_codes:
                by_code.setdefault(code, []).append(commune)
        self.by_postal_code = {code: tuple(c) for code, c in by_code.items()}

    def _add(self, tokens: list[str], place: Place, rank: int, guarded: bool | None = None) -> None:
        if not tokens:
            return
        key = " ".join(tokens)
        if guarded is None:
            core = tokens[1:] if tokens[0] in _ARTICLES and len(tokens) == 2 else tokens
            guarded = len(core) == 1 and (core[0] in _GUARDED_NAMES or len(core[0]) <= 2)
        entries = self._phrases.setdefault(key, [])
        if any(e.place == place and e.rank <= rank for e in entries):
            return
        entries.append(_Entry(place, rank, guarded))
        self._first_tokens.add(tokens[0])
        self._max_tokens = max(self._max_tokens, len(tokens))
        if any(t in ("l", "d") for t in tokens[:-1]):   # "lhay les roses", "bois darcy"
            glued: list[str] = []
            for t in tokens:
                if glued and glued[-1] in ("l", "d"):
                    glued[-1] += t
                else:
                    glued.append(t)
            if len(glued) < len(tokens):
                self._add(glued, place, rank, guarded)
        if len(tokens) > 1:   # glued form: "saintdenis", "valdoise"
            glued = "".join(tokens)
            if len(glued) >= 8:
                self._add([glued], place, rank, guarded=False)

    def _build_lexicon(self) -> None:
        idf_keys: set[str] = set()
        for commune in self.communes.values():
            if commune.insee.startswith("751"):   # arrondissements: handled by number patterns
                continue
            place = Place(commune.departement, commune.name,
                          _commune_label(commune.name, commune.departement))
            tokens = _tokens(commune.name)
            self._add(tokens, place, _RANK_NAME)
            idf_keys.add(" ".join(tokens))
            if tokens[0] in _ARTICLES and len(tokens) > 1:
                self._add(tokens[1:], place, _RANK_NO_ARTICLE)
                tokens = tokens[1:]
            # Generic short forms: cut before a linking word, or keep the first word of a
            # two-word name ("Boulogne-Billancourt").
            for cut in range(1, len(tokens)):
                if tokens[cut] in _LINKING_WORDS and tokens[cut - 1] not in _LINKING_WORDS:
                    self._add_short(tokens[:cut], place)
            if len(tokens) >= 2 and tokens[1] not in _LINKING_WORDS:
                self._add_short(tokens[:1], place)
            if tokens[0] in ("saint", "sainte") and len(tokens) > 2 and tokens[2] not in _LINKING_WORDS:
                self._add_short(tokens[:2], place)
        by_name = {c.name: c for c in self.communes.values()}
        for alias, official in _COMMUNE_ALIASES.items():
            commune = by_name.get(official)
            if commune is not None:
                self._add(_tokens(alias), Place(commune.departement, commune.name,
                                                _commune_label(commune.name, commune.departement)),
                          _RANK_NAME, guarded=False)
        paris = by_name.get("Paris")
        if paris is not None:
            self._add(["paris"], Place("75", "Paris", "Paris (75)"), _RANK_NAME, guarded=False)
        for dep, name in DEPARTMENT_NAMES.items():
            place = Place(dep, "Paris" if dep == "75" else None,
                          "Paris (75)" if dep == "75" else department_label(dep))
            for form in (name,) + _DEPARTMENT_ALIASES.get(dep, ()):
                self._add(_tokens(form), place, _RANK_NAME, guarded=False)
        for area, dep in _AREAS.items():
            self._add(_tokens(area), Place(dep, None, f"{area} ({dep})"), _RANK_NAME, guarded=False)
        cities, areas = (
            [raw.strip() for raw in part.replace("\n", " ").split(";") if raw.strip()]
            for part in _OUTSIDE_PLACES.split("---"))
        self._outside_cities = {_outside(raw.lstrip("*")) for raw in cities}
        for raw in cities + areas:
            guarded = raw.startswith("*")
            label = raw.lstrip("*")
            tokens = _tokens(label)
            if " ".join(tokens) in idf_keys:
                continue   # a commune of the region keeps its name
            self._add(tokens, _outside(label), _RANK_NAME, guarded=guarded)
            if tokens[0] in _ARTICLES and len(tokens) > 1:
                self._add(tokens[1:], _outside(label), _RANK_NO_ARTICLE, guarded=guarded)
        self._build_fuzzy()

    def _add_short(self, tokens: list[str], place: Place) -> None:
        key = " ".join(tokens)
        if tokens[-1] in _LINKING_WORDS or key in ("saint", "sainte") or len(key) < 4:
            return
        if len(tokens) == 1 and key in _GUARDED_NAMES:
            return   # nobody calls Maison-Rouge "Maison"
        self._add(tokens, place, _RANK_SHORT, guarded=False)

    def _build_fuzzy(self) -> None:
        for key, entries in self._phrases.items():
            if len(key.replace(" ", "")) < 6 or all(e.guarded for e in entries):
                continue
            pkey = _phonetic(key)
            self._fuzzy_keys.setdefault(pkey, set()).add(key)
            for variant in (pkey, *_deletions(pkey)):
                self._fuzzy.setdefault(variant, set()).add(pkey)

    # -- look-ups -------------------------------------------------------------------------
    def is_specific(self, place: Place) -> bool:
        """A commune of the region or a city outside it (not a department, region or area)."""
        return place.commune is not None or place in self._outside_cities

    def lookup(self, phrase: str) -> tuple[_Entry, ...]:
        """Entries for one folded phrase (exact)."""
        return tuple(self._phrases.get(" ".join(_tokens(phrase)), ()))

    def fuzzy_lookup(self, phrase: str) -> set[str]:
        """Phrases of the lexicon at most one edit away from phrase (after phonetic folding)."""
        pkey = _phonetic(phrase)
        words = phrase.count(" ")
        found: set[str] = set()
        if len(pkey) < 5:
            return found
        for variant in (pkey, *_deletions(pkey)):
            for candidate in self._fuzzy.get(variant, ()):
                if _osa_distance_le1(pkey, candidate):
                    found.update(k for k in self._fuzzy_keys[candidate] if k.count(" ") == words)
        return found

    def postal_code_place(self, code: str) -> Place | None:
        """The place of a known IDF postal code: the commune, or the department when shared."""
        if code.startswith("75") and code[2:].isdigit():
            number = int(code[2:])
            if code == "75116":
                number = 16
            if 1 <= number <= 20:
                return _paris_arrondissement(number)
        communes = self.by_postal_code.get(code)
        if not communes:
            return None
        if len(communes) == 1 or all(c.name == "Paris" or c.insee.startswith("751") for c in communes):
            c = communes[0]
            return Place(c.departement, c.name, _commune_label(c.name, c.departement))
        deps = {c.departement for c in communes}
        if len(deps) == 1:
            dep = deps.pop()
            return Place(dep, None, department_label(dep))
        return None

    # -- scanning ---------------------------------------------------------------------------
    def scan(self, tokens: list[str]) -> list[tuple[int, int, list[_Entry]]]:
        """Longest non-overlapping lexicon phrases in tokens: (start, end, entries)."""
        found = []
        n = len(tokens)
        i = 0
        while i < n:
            if tokens[i] not in self._first_tokens:
                i += 1
                continue
            for length in range(min(self._max_tokens, n - i), 0, -1):
                entries = self._phrases.get(" ".join(tokens[i:i + length]))
                if entries:
                    found.append((i, i + length, entries))
                    i += length
                    break
            else:
                i += 1
        return found


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1:] for k in range(len(word))}


# --------------------------------------------------------------------------------------------
_INDEX_LOCK = threading.Lock()
_INDEX_CACHE: dict[Path, CommuneIndex] = {}


def commune_index(csv_path: Path | str | None = None) -> CommuneIndex:
    """The index of the communes CSV (bot.config.COMMUNES_CSV unless given), built once."""
    path = Path(csv_path) if csv_path is not None else Path(config.COMMUNES_CSV)
    index = _INDEX_CACHE.get(path)
    if index is None:
        with _INDEX_LOCK:
            index = _INDEX_CACHE.get(path)
            if index is None:
                index = _INDEX_CACHE[path] = CommuneIndex(path)
    return index


def clear_cache() -> None:
    """Forget the loaded indexes (tests, or after the CSV changed)."""
    with _INDEX_LOCK:
        _INDEX_CACHE.clear()


# --------------------------------------------------------------------------------------------
# Numbers: postal codes, arrondissements, department numbers and nicknames.

_NICKNAME_WORDS = re.compile(
    r"\b(neuf|sept) (un|deux|trois|quatre|cinq|sept|huit)\b")
_DIGIT_WORDS = {"un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "sept": "7",
                "huit": "8", "neuf": "9"}
_DIGIT_PAIR = re.compile(r"\b([79]) ([1-8])\b")
_ORDINAL = r"(?:e|eme|em|ieme|iem|er|ere|nd|nde)"
_ARR_WORD = r"(?:arrondissement|arrondissements|arrdt|arrt|arr|ardt)"
_POSTAL = re.compile(r"\b(\d{5})\b")
_PARIS_ARR_NEXT = re.compile(rf"\bparis (\d{{1,2}})(?: ?{_ORDINAL})?\b(?: ?{_ARR_WORD}\b)?")
_ARR_EXPLICIT = re.compile(rf"(?<!lyon )(?<!marseille )\b(\d{{1,2}}) ?(?:{_ORDINAL} ?)?{_ARR_WORD}\b")
_ARR_AFTER_DANS = re.compile(rf"\b(?:dans|habite|vis|suis) (?:le|l) (\d{{1,2}})(?: ?({_ORDINAL}))?\b")
_ARR_LE_ORDINAL = re.compile(rf"\ble (\d{{1,2}}) ?{_ORDINAL}\b")
_ARR_BARE = re.compile(rf"^(?:(?:le|l|dans le|paris) )?(\d{{1,2}}) ?{_ORDINAL}$")
_DEP_STRONG = re.compile(
    r"\b(?:dans le|ds le|dan le|du|departement|departements|dept|dpt|dep|depart|departement du|habite le|vis le|"
    r"suis le|sui le|chui le)"
    r" (\d{2,3}|2a|2b)\b")
_DEP_WEAK = re.compile(r"\b(?:le|en|l) (\d{2})\b")
_TWO_DIGITS = re.compile(r"\b(\d{2})\b")
_BARE_NUMBER = re.compile(r"^(?:(?:le|dans le|du|en|departement|dept|cp|code postal) )?(\d{2,3}|2a|2b)$")


def _number_text(folded: str) -> tuple[str, set[str]]:
    """Numbers as digits; also the departments written as nicknames ("neuf trois", "9-3", "9.3")."""
    nicknames: set[str] = set()

    def nickname(first: str, second: str, default: str) -> str:
        code = first + second
        if code in IDF_DEPARTMENTS:
            nicknames.add(code)
            return code
        return default

    text = folded.replace("'", " ")
    text = _NICKNAME_WORDS.sub(
        lambda m: nickname(_DIGIT_WORDS[m.group(1)], _DIGIT_WORDS[m.group(2)], m.group(0)), text)
    text = words_to_numbers(text)
    return _DIGIT_PAIR.sub(lambda m: nickname(m.group(1), m.group(2), m.group(0)), text), nicknames


def _next_word(text: str, end: int) -> str:
    rest = text[end:].split(None, 1)
    return rest[0] if rest else ""


def _is_quantity(text: str, end: int) -> bool:
    nxt = _next_word(text, end)
    return nxt in _UNITS or nxt in _MONTHS or nxt in ("au", "a", "h", "ou", "x") or nxt.endswith("h")


def _department_place(number: str) -> Place | None:
    if number in IDF_DEPARTMENTS:
        return Place(number, "Paris" if number == "75" else None,
                     "Paris (75)" if number == "75" else department_label(number))
    if number in _OUTSIDE_DEPARTMENT_NUMBERS:
        return _outside(f"département {number.upper()}")
    return None


@dataclass
class _NumberFindings:
    specific: Place | None = None        # arrondissement or commune from a postal code
    department: Place | None = None      # department (IDF or not)
    hints: frozenset[str] = frozenset()  # IDF department numbers written anywhere


def _find_numbers(num: str, index: CommuneIndex, expecting: bool, placey: bool) -> _NumberFindings:
    out = _NumberFindings()
    hints = set()
    for m in _TWO_DIGITS.finditer(num):
        if m.group(1) in IDF_DEPARTMENTS and not _is_quantity(num, m.end()):
            hints.add(m.group(1))
    out.hints = frozenset(hints)

    # Postal codes.
    for m in _POSTAL.finditer(num):
        code = m.group(1)
        if _is_quantity(num, m.end()):
            continue
        place = index.postal_code_place(code)
        if place is not None:
            if place.commune is not None:
                out.specific = out.specific or place
            else:
                out.department = out.department or place
            continue
        if not placey:
            continue
        dep = code[:2]
        if dep in IDF_DEPARTMENTS:
            out.department = out.department or _department_place(dep)
        elif dep in _OUTSIDE_DEPARTMENT_NUMBERS or dep == "20" or dep == "97":
            out.department = out.department or _outside(code)
    if out.specific:
        return out

    # Paris arrondissements.
    for pattern in (_PARIS_ARR_NEXT, _ARR_EXPLICIT, _ARR_AFTER_DANS, _ARR_LE_ORDINAL):
        for m in pattern.finditer(num):
            number = int(m.group(1))
            if 1 <= number <= 20 and not _is_quantity(num, m.end()):
                out.specific = _paris_arrondissement(number)
                return out
    if expecting:
        m = _ARR_BARE.match(num)
        if m and 1 <= int(m.group(1)) <= 20:
            out.specific = _paris_arrondissement(int(m.group(1)))
            return out

    # Department numbers.
    if out.department is None:
        for m in _DEP_STRONG.finditer(num):
            if not _is_quantity(num, m.end()):
                place = _department_place(m.group(1))
                if place is not None:
                    out.department = place
                    break
    if out.department is None:
        for m in _DEP_WEAK.finditer(num):
            if m.group(1) in IDF_DEPARTMENTS and not _is_quantity(num, m.end()):
                out.department = _department_place(m.group(1))
                break
    if out.department is None and expecting:
        m = _BARE_NUMBER.match(num)
        # The bot asked where: "93" is Seine-Saint-Denis, "le 69" the Rhône; a bare "34"
        # outside the region is more likely an age.
        if m and (m.group(1) in IDF_DEPARTMENTS or not num[:1].isdigit()):
            out.department = _department_place(m.group(1))
    return out


# --------------------------------------------------------------------------------------------

def _has_cue(tokens: list[str], start: int) -> bool:
    """A place cue just before tokens[start] ("à", "habite", "près de", "dans la"...)."""
    i = start - 1
    if i >= 0 and tokens[i] in _ARTICLES:
        i -= 1
    if i < 0:
        return False
    word = tokens[i]
    if word in _PLACE_CUES or word == "dans":
        return True
    if word in ("de", "d", "du", "des") and i >= 1:
        before = tokens[i - 1]
        return before in _CUES_BEFORE_DE or (before == "pas" and i >= 2 and tokens[i - 2] == "loin")
    return False


def _followed_by_department(tokens: list[str], end: int) -> bool:
    return end < len(tokens) and tokens[end] in IDF_DEPARTMENTS


def _not_residence(tokens: list[str], start: int) -> bool:
    return any(t in _NOT_RESIDENCE for t in tokens[max(0, start - 4):start])


def _near_landmark(tokens: list[str], start: int) -> bool:
    """'au nord de Paris', 'près de Meaux', 'banlieue de Lyon': the place is a landmark."""
    i = start - 1
    if i >= 0 and tokens[i] in _ARTICLES:
        i -= 1
    return i >= 1 and tokens[i] in ("de", "d", "du") and tokens[i - 1] in _PROXIMITY


def _alone(tokens: list[str], start: int, end: int) -> bool:
    """Only filler words around tokens[start:end] ('euh à Marines', 'moi c'est Us')."""
    return all(t in _FILLER for t in tokens[:start] + tokens[end:])


def _after_residence_verb(tokens: list[str], start: int) -> bool:
    """tokens[start] follows 'habite', 'vis', 'je suis'... and at most two prepositions."""
    i = start - 1
    for _ in range(3):
        if i < 0:
            return False
        if tokens[i] in _RESIDENCE_VERBS:
            return True
        if tokens[i] not in _AFTER_VERB:
            return False
        i -= 1
    return False


def _person_score(tokens: list[str], start: int) -> int:
    """+1 when the few words before a place speak of the user, -1 of someone else."""
    window = tokens[max(0, start - 5):start]
    if any(t in _NOT_HOME for t in tokens[max(0, start - 3):start]):
        return -1
    if any(t in _THIRD_PERSON for t in window):
        return -1
    return 1 if any(t in _FIRST_PERSON for t in window) else 0


def _choose(entries: list[_Entry]) -> tuple[Place, ...]:
    best = min(e.rank for e in entries)
    return tuple(dict.fromkeys(e.place for e in entries if e.rank == best))


def find_place(text: str, expecting_place: bool = False) -> Place | None:
    """The place where the user lives, read from one message, or None.

    expecting_place: the bot just asked where the user lives, so a bare name or number is a place.
    Raises CommunesFileError when the communes CSV (env CAPNUM_COMMUNES_CSV) cannot be read.
    """
    index = commune_index()
    if not text or not text.strip():
        return None
    folded = fold(text)
    tokens = [_TOKEN_MAP.get(t, t) for t in folded.replace("'", " ").split()]
    if not tokens:
        return None
    num, nicknames = _number_text(folded)
    placey = (expecting_place or len(tokens) <= 2 or "code postal" in folded
              or any(t in _RESIDENCE_WORDS for t in tokens))
    numbers = _find_numbers(num, index, expecting_place, placey)
    if numbers.department is None and nicknames:
        numbers.department = _department_place(sorted(nicknames)[0])

    mentions: list[_Mention] = []
    for start, end, entries in index.scan(tokens):
        if _not_residence(tokens, start):
            continue
        if end < len(tokens) and tokens[end] in ("de", "d", "du", "des") and tokens[end - 1] in _PROXIMITY:
            continue   # "au nord de Paris": a direction, not the Nord department
        usable = [e for e in entries if not e.guarded]
        if not usable:
            if not (_has_cue(tokens, start) or _followed_by_department(tokens, end)
                    or (expecting_place and _alone(tokens, start, end))):
                continue
            usable = entries
        places = _choose(usable)
        if _near_landmark(tokens, start):
            # "au nord de Paris" is not in Paris; "près de Meaux" is in Meaux's department.
            deps = {p.departement for p in places}
            if places[0] == _PARIS or len(deps) != 1 or OUTSIDE_REGION in deps:
                continue
            places = (_department_place(deps.pop()),)
        specific = all(index.is_specific(p) for p in places)
        others = tuple(dict.fromkeys(e.place for e in usable if e.place not in places))
        mentions.append(_Mention(start, end, places, specific, others))

    if not mentions and numbers.specific is None:
        fuzzy = _fuzzy_mention(tokens, index, expecting_place)
        if fuzzy is not None:
            mentions.append(fuzzy)

    hints = set(numbers.hints)
    if numbers.department is not None and numbers.department.departement != OUTSIDE_REGION:
        hints.add(numbers.department.departement)
    for m in mentions:
        if len(m.places) == 1 and not m.specific and m.places[0].departement in IDF_DEPARTMENTS:
            hints.add(m.places[0].departement)

    # (specificity, person, position, place): specificity 4 arrondissement, 3 commune or city,
    # 2 Paris, 1 department, region, country or area. The most specific wins, then the one said
    # of the user ("moi je suis à ..."), then the first said.
    resolved: list[tuple[int, int, int, Place]] = []
    for m in mentions:
        places = m.places
        person = _person_score(tokens, m.start)
        if hints and not any(p.departement in hints for p in places):
            # "saint ouen 95": a less likely reading fits the department the user gave.
            fitting = tuple(p for p in m.others if p.departement in hints)
            if len(fitting) == 1:
                places = fitting
        if len(places) > 1:
            narrowed = tuple(p for p in places if p.departement in hints)
            if len(narrowed) == 1:
                places = narrowed
            else:
                # Ambiguous: the department when all candidates share it, else nothing.
                deps = {p.departement for p in (narrowed or places)}
                if len(deps) == 1:
                    dep = deps.pop()
                    if dep in IDF_DEPARTMENTS:
                        resolved.append((1, person, m.start, _department_place(dep)))
                continue
        place = places[0]
        if place == _PARIS:
            specificity = 2
        elif m.specific:
            specificity = 3
        else:
            specificity = 1
        resolved.append((specificity, person, m.start, place))

    if numbers.specific is not None:
        is_arrondissement = numbers.specific.commune == "Paris"
        outside_city = any(r[0] == 3 and r[3].departement == OUTSIDE_REGION for r in resolved)
        if not (is_arrondissement and outside_city and "paris" not in tokens):
            resolved.append((4 if is_arrondissement else 3, 0, -1, numbers.specific))
    if numbers.department is not None:
        resolved.append((1, 0, -1, numbers.department))
    if not resolved:
        return None
    resolved.sort(key=lambda r: (-r[0], -r[1], r[2]))
    return resolved[0][3]


def _fuzzy_mention(tokens: list[str], index: CommuneIndex, expecting: bool) -> _Mention | None:
    """The one place at one edit (typo) from the words right after a residence verb ("j'habite à
    creteuil"), or from the whole answer when the bot asked for the place; None when nothing is
    close, when the words are everyday French, or when several places are equally close."""
    for start in range(len(tokens)):
        after_verb = _after_residence_verb(tokens, start)
        if not (after_verb or expecting):
            continue
        for length in (3, 2, 1):
            end = start + length
            if end > len(tokens) or not (after_verb or _alone(tokens, start, end)):
                continue
            words = tokens[start:end]
            phrase = " ".join(words)
            if (len(phrase.replace(" ", "")) < 6 or any(not w.isalpha() for w in words)
                    or any(w in _NOT_PLACE_WORDS or w in _FILLER for w in (words[0], words[-1]))):
                continue
            keys = index.fuzzy_lookup(phrase)
            if not keys:
                continue
            places: set[Place] = set()
            for key in keys:
                entries = index._phrases[key]
                places.update(_choose([e for e in entries if not e.guarded] or entries))
            if len(places) != 1:
                return None
            place = places.pop()
            return _Mention(start, end, (place,), index.is_specific(place))
    return None
