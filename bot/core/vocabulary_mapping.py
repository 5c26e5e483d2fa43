"""The ONE place that maps LHÉO / Formacode / ROME / NSF codes onto the contract's values.

Importers call these functions at import time; the stored plain columns (modalite,
niveau_entree, domaine, departements, ...) are what matching filters on. Codes come from
the real dictionaries in ../shared/reference/lheo (dictionaries.txt, formacode.csv,
SOURCE.md) and ../shared/reference/rome/rome_v4.csv; the code -> domain tables are
data/lexicons/codes_domaines.csv.
"""
from __future__ import annotations

from typing import Iterable, Optional

from bot.core import lexicons
from bot.core.vocab import (
    ADJACENT_DEPARTMENTS, COURSE_DOMAINS, COURSE_MODES, CRENEAUX, EQUIPEMENTS, IDF_DEPARTMENTS, LEVEL_RANK, LEVELS,
    UNDECIDED_DOMAIN,
)

# --- dict-modalites-enseignement -------------------------------------------------------
MODE_BY_LHEO_CODE = {0: "presentiel", 1: "hybride", 2: "distance"}
LHEO_CODE_BY_MODE = {mode: code for code, mode in MODE_BY_LHEO_CODE.items()}
assert set(MODE_BY_LHEO_CODE.values()) == set(COURSE_MODES)


def course_mode(code: int) -> str:
    """modalites-enseignement (0 on site, 1 mixed, 2 fully remote) -> contract course mode."""
    try:
        return MODE_BY_LHEO_CODE[int(code)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"modalites-enseignement inconnue '{code}' (attendu 0, 1 ou 2)") from None


# --- dict-niveaux -> contract LEVELS ---------------------------------------------------
# Old nomenclature (VI ... I) and the 2019 European frame (Niveau 1 ... 8) both occur.
LEVEL_BY_LHEO_CODE = {
    0: None,  # information non communiquée
    1: "sans_diplome",  # sans niveau spécifique
    2: "sans_diplome",  # niveau VI
    3: "sans_diplome",  # niveau V bis
    4: "cap_bep",  # niveau V (CAP, BEP)
    5: "bac",  # niveau IV
    6: "bac+2",  # niveau III (BTS, DUT)
    7: "bac+3",  # niveau II (licence, maîtrise)
    8: "bac+5",  # niveau I
    11: "sans_diplome",  # Niveau 1
    12: "sans_diplome",  # Niveau 2
    13: "cap_bep",  # Niveau 3 (CAP)
    14: "bac",  # Niveau 4
    15: "bac+2",  # Niveau 5
    16: "bac+3",  # Niveau 6
    17: "bac+5",  # Niveau 7
    18: "bac+5",  # Niveau 8
}
# For export: the current (2019) codes; "sans niveau spécifique" for no requirement.
LHEO_CODE_BY_LEVEL = {"sans_diplome": 1, "cap_bep": 13, "bac": 14, "bac+2": 15,
                      "bac+3": 16, "bac+5": 17}
assert set(LHEO_CODE_BY_LEVEL) == set(LEVELS)


def level_from_lheo(code) -> Optional[str]:
    """dict-niveaux code -> contract level, None when unknown/not communicated."""
    try:
        code = int(code)
    except (TypeError, ValueError):
        raise ValueError(f"code niveau inconnu '{code}'") from None
    if code not in LEVEL_BY_LHEO_CODE:
        raise ValueError(f"code niveau inconnu '{code}'")
    return LEVEL_BY_LHEO_CODE[code]


def exit_level(code) -> Optional[str]:
    """Exit level: "sans niveau spécifique" (1) and "non communiqué" (0) give None."""
    level = level_from_lheo(code)
    return None if int(code) in (0, 1) else level


def entry_level(code) -> str:
    """Entry level: an unknown/not-communicated requirement means none (sans_diplome)."""
    return level_from_lheo(code) or LEVELS[0]


def level_rank(level: str) -> int:
    return LEVEL_RANK[level]


# --- code-public-vise -> public flags -------------------------------------------------
# Formacode V12 codes (reference/lheo/SOURCE.md), the default when ref is absent.
PUBLIC_V12 = {
    "80006": "demandeur_emploi",  # demandeur d'emploi
    "80009": "jeune_demandeur_emploi",  # demandeur d'emploi de moins de 26 ans
    "80005": "demandeur_emploi",  # bénéficiaire du RSA
    "81024": "jeune",  # jeune
    "81020": "handicap",  # personne handicapée
    "83056": "tous",  # tout public
}
# Older Formacode (reference/lheo/formacode.csv, field PUB), used when ref="V10" or older.
PUBLIC_LEGACY = {
    "80011": "demandeur_emploi", "80012": "demandeur_emploi", "80059": "demandeur_emploi",
    "80024": "jeune", "80025": "jeune_demandeur_emploi", "80052": "jeune",
    "80044": "salarie", "80045": "salarie", "80058": "salarie", "80015": "salarie",
    "80020": "handicap", "80056": "tous", "80050": "tous",
}
# Codes the project writes for its own publics (demo, generator): V12 where it has one.
PUBLIC_CODE_SALARIE = "80044"  # "salarié" (Formacode, PUB)


def _public_kind(code: str, ref: Optional[str]) -> Optional[str]:
    legacy = ref is not None and ref.upper() in ("V10", "V9", "V8")
    table, other = (PUBLIC_LEGACY, PUBLIC_V12) if legacy else (PUBLIC_V12, PUBLIC_LEGACY)
    return table.get(code) or other.get(code)


def public_flags(codes: Iterable[tuple[str, Optional[str]]]) -> dict:
    """[(code, ref)] -> public_* flags and default age bounds; unknown codes are ignored.

    No recognised code, or "tout public", opens the course to everyone.
    """
    kinds = {k for k in (_public_kind(c.strip(), r) for c, r in codes) if k}
    flags = {
        "public_demandeur_emploi": bool(kinds & {"demandeur_emploi", "jeune_demandeur_emploi"}),
        "public_jeune": bool(kinds & {"jeune", "jeune_demandeur_emploi"}),
        "public_salarie": "salarie" in kinds,
        "public_tous": "tous" in kinds or not (kinds - {"handicap"}),
    }
    youth_only = kinds and kinds <= {"jeune", "jeune_demandeur_emploi", "handicap"} and flags["public_jeune"]
    flags["age_min"], flags["age_max"] = (16, 25) if youth_only else (None, None)
    return flags


def public_codes(public_jeune: bool, public_demandeur_emploi: bool, public_salarie: bool,
                 public_tous: bool) -> list[str]:
    """Contract publics -> V12 code-public-vise codes (for the demo seed, export, generator)."""
    codes = []
    if public_tous:
        codes.append("83056")
    if public_jeune and public_demandeur_emploi:
        codes.append("80009")
    elif public_jeune:
        codes.append("81024")
    elif public_demandeur_emploi:
        codes.append("80006")
    if public_salarie:
        codes.append(PUBLIC_CODE_SALARIE)
    return codes or ["83056"]


# --- code-modalite-pedagogique (Formacode) -> methodes, creneau ------------------------
METHODS = ("mooc", "spoc", "classe_virtuelle", "serious_game", "tutorat")
METHODS_BY_CODE = {
    "96128": (),  # formation à distance
    "96129": (),  # FOAD
    "96130": ("classe_virtuelle", "tutorat"),  # FOAD avec tutorat synchrone
    "96133": ("tutorat",),  # FOAD avec tutorat asynchrone
    "96131": ("mooc",),  # FOAD sans tutorat
    "96124": ("mooc",),  # autoformation
    "96125": ("spoc", "tutorat"),  # autoformation avec tutorat
}
CODE_BY_METHOD = {"mooc": "96124", "spoc": "96125", "classe_virtuelle": "96130",
                  "tutorat": "96133"}  # serious_game: no Formacode, kept in the project extras
HANDICAP_METHOD_CODE = "96132"  # pédagogie adaptée aux handicapés
EVENING_WEEKEND_CODES = {"96411", "96412"}  # cours du soir / cours du week-end


def methods_from_codes(codes: Iterable[str]) -> list[str]:
    found = set()
    for code in codes:
        found.update(METHODS_BY_CODE.get(code.strip(), ()))
    return [m for m in METHODS if m in found]


def normalise_methods(words: Iterable[str]) -> list[str]:
    wanted = {w.strip().lower().replace(" ", "_").replace("-", "_") for w in words if w.strip()}
    unknown = wanted - set(METHODS)
    if unknown:
        raise ValueError(f"méthode pédagogique inconnue '{sorted(unknown)[0]}' (attendu : {', '.join(METHODS)})")
    return [m for m in METHODS if m in wanted]


def creneau_from(rythme: Optional[str], modalite_codes: Iterable[str] = ()) -> str:
    """Time slot from the LHÉO rhythm text and Formacode 96411/96412 (soir / week-end)."""
    if set(c.strip() for c in modalite_codes) & EVENING_WEEKEND_CODES:
        return "soir_weekend"
    text = (rythme or "").lower()
    if any(w in text for w in ("soir", "week-end", "weekend", "samedi", "dimanche")):
        return "soir_weekend"
    if any(w in text for w in ("temps plein", "temps partiel", "journée", "journee", "jour")):
        return "journee"
    return "indifferent"


def check_choice(value: str, allowed: Iterable[str], what: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{what} inconnu '{value}' (attendu : {', '.join(allowed)})")
    return value


def check_creneau(value: str) -> str:
    return check_choice(value, CRENEAUX, "créneau")


def check_equipement(value: str) -> str:
    return check_choice(value, EQUIPEMENTS, "équipement")


def default_equipment(modalite: str) -> str:
    """LHÉO has no device field: a remote or hybrid course needs a computer by default."""
    return "aucun" if modalite == "presentiel" else "ordinateur"


# --- dict-financeurs --------------------------------------------------------------------
FINANCEURS = {
    "0": "Autre", "1": "Code(s) obsolète(s)", "2": "Conseil régional", "3": "FSE",
    "4": "Pôle emploi", "5": "Entreprise", "6": "ACSÉ", "7": "AGEFIPH", "8": "Conseil général",
    "9": "Commune", "10": "Bénéficiaire de l'action", "11": "État - emploi",
    "12": "État - éducation nationale", "13": "État - autre", "14": "Fonds européens - autre",
    "15": "Collectivité - autre", "16": "OPCO", "17": "Transition Pro", "18": "LADOM",
    "19": "État - intérieur", "20": "OFII",
}
REGION_FUNDER = "2"
TRAINEE_FUNDER = "10"


def is_known_funder(code: str) -> bool:
    return code in FINANCEURS


def cost_text(financeurs: Iterable[str]) -> str:
    codes = list(financeurs)
    if REGION_FUNDER in codes:
        return "Gratuit : financé par la Région"
    if codes and TRAINEE_FUNDER not in codes:
        return "Gratuit : financé par " + ", ".join(FINANCEURS.get(c, c) for c in codes)
    if TRAINEE_FUNDER in codes:
        return "Reste à charge possible : renseignez-vous auprès de l'organisme"
    return "Coût : renseignez-vous auprès de l'organisme"


# --- departments -------------------------------------------------------------------------
ALL_DEPARTMENTS_MASK = (1 << len(IDF_DEPARTMENTS)) - 1


def department_of_postcode(code_postal: Optional[str]) -> Optional[str]:
    if not code_postal:
        return None
    code_postal = code_postal.strip()
    return code_postal[:2] if len(code_postal) == 5 and code_postal.isdigit() else None


def served_departments(modalite: str, departement_lieu: Optional[str]) -> list[str]:
    """Fully remote: all 8; hybrid / on site: the on-site department (+ adjacent if hybrid)."""
    if modalite == "distance":
        return list(IDF_DEPARTMENTS)
    if departement_lieu not in IDF_DEPARTMENTS:
        return []
    served = {departement_lieu}
    if modalite == "hybride":
        served.update(ADJACENT_DEPARTMENTS[departement_lieu])
    return [d for d in IDF_DEPARTMENTS if d in served]


def departments_mask(departements: Iterable[str]) -> int:
    mask = 0
    for dep in departements:
        mask |= 1 << IDF_DEPARTMENTS.index(dep)
    return mask


def department_bit(departement: str) -> int:
    """The bit to test in action.departements_mask for one department (0 if outside IDF)."""
    return 1 << IDF_DEPARTMENTS.index(departement) if departement in IDF_DEPARTMENTS else 0


# --- Formacode / ROME / NSF -> contract domain ----------------------------------------
# The tables are data/lexicons/codes_domaines.csv (checked when read: known nomenclature, a
# contract domain, no code twice). The ONE ROME -> domain rule: catalogue courses (domain_for)
# and job titles read from a message (bot/core/profile/jobs.py, rome_domain) both use it.
def domain_tables() -> lexicons.CourseDomains:
    """The code -> domain tables (formacode, formacode_field, rome, rome_without_domain,
    rome_family, nsf) of the configured lexicon folder, read once by `lexicons.course_domains`
    (`bot.core.profile.reload_lexicons` forgets them)."""
    return lexicons.course_domains()


def domain_for(formacodes: Iterable[str] = (), codes_rome: Iterable[str] = (),
               codes_nsf: Iterable[str] = ()) -> str:
    """Contract domain: exact Formacode, exact ROME, ROME family, Formacode field, NSF.

    A ROME code mapped to `aucun` (rome_without_domain) gives nothing (not even its family's default).
    Returns bot.core.vocab.UNDECIDED_DOMAIN when no code is known (the importer warns).
    """
    tables = domain_tables()
    formacodes = [c.strip() for c in formacodes if c and c.strip()]
    codes_rome = [c.strip().upper() for c in codes_rome if c and c.strip()]
    codes_nsf = [c.strip() for c in codes_nsf if c and c.strip()]
    for code in formacodes:
        if code in tables.formacode:
            return tables.formacode[code]
    for code in codes_rome:
        if code in tables.rome:
            return tables.rome[code]
    for code in codes_rome:
        if code not in tables.rome_without_domain and code[:3] in tables.rome_family:
            return tables.rome_family[code[:3]]
    for code in formacodes:
        if code[:3] in tables.formacode_field:
            return tables.formacode_field[code[:3]]
    for code in codes_nsf:
        if code[:3] in tables.nsf:
            return tables.nsf[code[:3]]
    return UNDECIDED_DOMAIN


def rome_domain(code: str) -> Optional[str]:
    """The contract domain of one ROME code (exact code, then family), None when it has none."""
    tables = domain_tables()
    code = (code or "").strip().upper()
    if code in tables.rome:
        return tables.rome[code]
    if code in tables.rome_without_domain:
        return None
    return tables.rome_family.get(code[:3])


def check_domain(value: str) -> str:
    return check_choice(value, COURSE_DOMAINS, "domaine")


def join(values: Iterable) -> str:
    return ",".join(str(v) for v in values if v is not None and str(v) != "")


def split(value: Optional[str]) -> list[str]:
    return [v for v in (value or "").split(",") if v]
