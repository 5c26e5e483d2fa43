"""Names of places as people write them: the place types, hand-written name data (aliases,
areas, well-known places outside the region, names that are also everyday words), and the
constructors of the places every other module of bot.core.geo returns."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core import lexicons
from bot.core.labels import DEPARTMENT_TITLES
from bot.core.text import fold
from bot.core.vocab import DEPARTMENT_NAMES, IDF_DEPARTMENTS, OUTSIDE_REGION

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
    if code not in DEPARTMENT_NAMES:
        raise ValueError(f"not a department of Île-de-France: {code!r}")
    return DEPARTMENT_TITLES[code]


# --------------------------------------------------------------------------------------------
# Data written for this module (not reference data). Names are written as users would read them;
# a leading "*" marks a name that is also an everyday word or a first name: it then needs a
# place cue (see GUARDED_NAMES).

# Short or old names of communes -> official name in the CSV. Forms that the generic short-form
# rule already finds are not repeated here; these settle ambiguities in favour of the big commune.
COMMUNE_ALIASES = {
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
}

# Areas that are not communes: label -> department (data/lexicons/zones.csv).
AREAS = lexicons.areas()

# Department names and nicknames of the region (besides the official names in vocab).
DEPARTMENT_ALIASES = {
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
OUTSIDE_PLACES = """
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
OUTSIDE_DEPARTMENT_NUMBERS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if f"{n:02d}" not in IDF_DEPARTMENTS and n != 20]
    + ["2a", "2b", "971", "972", "973", "974", "976"]
)

# Names of communes of the CSV that are also everyday French words, first names or frequent
# in other senses: found by folding the CSV names and checking them against a French word
# frequency list and a sample of everyday messages (see tests). Folded forms.
GUARDED_NAMES = frozenset("""
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

# Everyday words that are never taken as a place by the typo matcher (folded): the bot's own
# domain, and frequent French words one edit away from a commune name (data/lexicons/pas_des_lieux.csv).
NOT_PLACE_WORDS = lexicons.not_place_words()

ARTICLES = frozenset(("le", "la", "les", "l"))
LINKING_WORDS = frozenset("sur sous en les le la l aux au de des du d lez et".split())
TOKEN_MAP = {"st": "saint", "ste": "sainte", "s": "sur", "ss": "sous", "lez": "les"}


def tokens_of(text: str) -> list[str]:
    """Folded words, apostrophes split, usual abbreviations expanded."""
    return [TOKEN_MAP.get(t, t) for t in fold(text).replace("'", " ").split()]


def commune_label(name: str, departement: str) -> str:
    return f"{name} ({departement})"


def outside_place(label: str) -> Place:
    return Place(OUTSIDE_REGION, None, f"{label} ({OUTSIDE_LABEL})")


PARIS = Place("75", "Paris", department_label("75"))


def paris_arrondissement(number: int) -> Place:
    suffix = "er" if number == 1 else "e"
    return Place("75", "Paris", f"Paris {number}{suffix} (75)")


def department_place(number: str) -> Place | None:
    if number in IDF_DEPARTMENTS:
        return Place(number, "Paris" if number == "75" else None,
                     department_label(number))
    if number in OUTSIDE_DEPARTMENT_NUMBERS:
        return outside_place(f"département {number.upper()}")
    return None
