"""Tests of bot.core.geo: where the user lives, read from one message."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from bot.core import config, geo
from bot.core.geo import CommunesFileError, commune_index, department_label, find_place
from bot.core.vocab import DEPARTMENT_NAMES, IDF_DEPARTMENTS, OUTSIDE_REGION


CASES = yaml.safe_load((Path(__file__).parent / "data" / "geo_cases.yml").read_text(encoding="utf-8"))


def rows(group: str) -> list:
    """The cases of one group of tests/data/geo_cases.yml: each the list of the test's parameters."""
    return CASES[group]


def expect(text, departement, commune=None, expecting=False, label=None):
    place = find_place(text, expecting_place=expecting)
    assert place is not None, f"{text!r}: no place found"
    assert (place.departement, place.commune) == (departement, commune), f"{text!r}: {place}"
    if label is not None:
        assert place.label == label
    return place


# --- communes of the CSV ------------------------------------------------------------------

@pytest.mark.parametrize("text, departement, commune, expecting", rows("commune_names"))
def test_commune_names(text, departement, commune, expecting):
    expect(text, departement, commune, expecting)


def test_commune_label_keeps_csv_accents():
    assert find_place("j'habite a creteil").label == "Créteil (94)"
    assert find_place("evry").label == "Évry-Courcouronnes (91)"


# --- short, old and abbreviated forms -------------------------------------------------------

@pytest.mark.parametrize("text, departement, commune", rows("short_forms_and_abbreviations"))
def test_short_forms_and_abbreviations(text, departement, commune):
    expect(text, departement, commune)


def test_la_defense_is_hauts_de_seine_without_commune():
    expect("La Défense", "92", None, label="La Défense (92)")
    expect("je bosse à la défense", "92", None)


def test_seine_saint_denis_wins_over_saint_denis():
    expect("Seine-Saint-Denis", "93", None)


@pytest.mark.parametrize("text", ["Villeneuve", "Noisy", "Maisons", "Fontenay"])
def test_ambiguous_partial_names(text):
    assert find_place(text) is None
    assert find_place(text, expecting_place=True) is None


def test_ambiguous_partial_name_with_department():
    # Noisy-le-Grand and Noisy-le-Sec are both in 93: the department is known, not the commune.
    expect("Noisy 93", "93", None)
    expect("j'habite à Villeneuve dans le 94", "94", None)


# --- typos -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expecting, departement, commune", rows("typos"))
def test_typos(text, expecting, departement, commune):
    expect(text, departement, commune, expecting)


def test_no_typo_match_when_two_communes_are_equally_close():
    # "chaury" is one edit from both Chauvry (95) and Chauffry (77).
    assert find_place("chaury", expecting_place=True) is None


@pytest.mark.parametrize("text", rows("no_typo_match_on_everyday_words"))
def test_no_typo_match_on_everyday_words(text):
    assert find_place(text) is None
    assert find_place(text, expecting_place=True) is None


# --- postal codes --------------------------------------------------------------------------

@pytest.mark.parametrize("text, departement, commune", rows("postal_codes"))
def test_postal_codes(text, departement, commune):
    expect(text, departement, commune)


def test_unknown_idf_postal_code_needs_a_place_context():
    expect("code postal 93999", "93", None)
    assert find_place("j'ai gagné 93999 points au jeu") is None


@pytest.mark.parametrize("text", rows("numbers_that_are_not_postal_codes"))
def test_numbers_that_are_not_postal_codes(text):
    assert find_place(text) is None


# --- Paris and its arrondissements -------------------------------------------------------

@pytest.mark.parametrize("text, label, expecting", rows("paris_arrondissements"))
def test_paris_arrondissements(text, label, expecting):
    expect(text, "75", "Paris", expecting, label)


def test_paris_alone():
    expect("Paris", "75", "Paris", label="Paris (75)")
    expect("j'habite à paris", "75", "Paris")


@pytest.mark.parametrize("text", ["le 18 mai", "je commence le 20", "j'habite près de Paris",
                                  "au nord de Paris"])
def test_not_an_arrondissement_nor_paris(text):
    assert find_place(text) is None


# --- departments -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, departement, expecting", rows("departments"))
def test_departments(text, departement, expecting):
    place = expect(text, departement, None, expecting)
    assert place.label == department_label(departement)


def test_bare_department_number_only_when_expecting_a_place():
    assert find_place("92") is None
    assert find_place("34", expecting_place=True) is None   # not an IDF department: likely an age


def test_commune_wins_over_department():
    expect("je vis dans le 93, à Saint-Denis", "93", "Saint-Denis")
    expect("Créteil, dans le 93", "94", "Créteil")   # the CSV knows Créteil's department


def test_department_label():
    assert department_label("93") == "Seine-Saint-Denis (93)"
    assert department_label("95") == "Val-d'Oise (95)"
    assert department_label(OUTSIDE_REGION) == "hors Île-de-France"
    for code in IDF_DEPARTMENTS:
        assert department_label(code).startswith(DEPARTMENT_NAMES[code])
    with pytest.raises(ValueError):
        department_label("69")


# --- outside the region ------------------------------------------------------------------------

@pytest.mark.parametrize("text", rows("outside_region"))
def test_outside_region(text):
    place = expect(text, OUTSIDE_REGION, None)
    assert place.label.endswith("(hors Île-de-France)")


def test_outside_label_names_the_place():
    assert find_place("j'habite à Lyon").label == "Lyon (hors Île-de-France)"


# --- what is not a place -------------------------------------------------------------------------

NOT_PLACES = [
    "je veux une formation en vente", "j'ai 22 ans", "10 heures par semaine", "je sais pas", "non",
    "oui", "le soir", "rien", "bof", "un ordi", "cap cuisine", "bac pro", "jsp", "peu importe",
    "avec plaisir", "je suis mère de deux enfants", "je fais du baby-sitting", "à la maison",
    "c'est trop cher", "je suis vert de rage", "la croix rouge", "la grande ville", "un château",
    "je m'appelle Nancy", "je m'appelle Pierre", "je suis étranger, j'ai un titre de séjour",
    "les marines c'est mon truc", "je veux faire la moisson", "j'ai le bac", "34", "18",
    "quatre vingt dix", "j'ai juste mon téléphone, pas d'ordinateur", "le développement web",
    "je travaille en CDD dans la logistique mais je veux me reconvertir dans la data",
    "je suis demandeur d'emploi depuis 6 mois", "je peux y consacrer 10 heures par semaine le soir",
    "c'est quoi le CPF ?", "je veux parler à un conseiller", "quel temps fait-il demain ?",
    "je suis née au Maroc", "je suis originaire de Lyon", "je parle espagnol", "",
]


@pytest.mark.parametrize("text", NOT_PLACES)
def test_not_a_place(text):
    assert find_place(text) is None


@pytest.mark.parametrize("text", rows("not_a_place_even_when_expecting_one"))
def test_not_a_place_even_when_expecting_one(text):
    assert find_place(text, expecting_place=True) is None


@pytest.mark.parametrize("text, expecting, commune", rows("common_word_communes_need_a_place_cue"))
def test_common_word_communes_need_a_place_cue(text, expecting, commune):
    place = find_place(text, expecting_place=expecting)
    assert place is not None and place.commune == commune


@pytest.mark.parametrize("text", ["marines", "Us", "plaisir", "moisson"])
def test_common_word_communes_alone_are_not_places(text):
    assert find_place(text) is None


def test_place_of_someone_else_or_of_the_course():
    expect("ma soeur habite à Lyon mais moi je suis à Créteil", "94", "Créteil")
    expect("je cherche une formation à Créteil mais j'habite à Lyon", OUTSIDE_REGION, None)
    assert find_place("je suis née à Bondy") is None


# --- every commune of the CSV is found by its own name --------------------------------------------

def test_every_commune_name_of_the_csv_is_found_after_a_cue():
    index = commune_index()
    communes = [c for c in index.communes.values() if not c.insee.startswith("751")]
    assert len(communes) == 1268
    names = [c.name for c in communes]
    missed = []
    for c in communes:
        if names.count(c.name) > 1:
            # Homonyms (Blandy 77 and 91...): ambiguous alone, settled by the department.
            place = find_place(f"j'habite à {c.name} ({c.departement})")
            if find_place(f"j'habite à {c.name}") is not None:
                missed.append(c.name)
        else:
            place = find_place(f"j'habite à {c.name}")
        if place is None or (place.commune, place.departement) != (c.name, c.departement):
            missed.append(c.name)
    assert missed == []


def test_index_is_built_once():
    assert commune_index() is commune_index()


# --- the CSV path ----------------------------------------------------------------------------

def test_missing_csv_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "COMMUNES_CSV", tmp_path / "nowhere.csv")
    with pytest.raises(CommunesFileError, match="CAPNUM_COMMUNES_CSV"):
        find_place("j'habite à Créteil")


def test_csv_path_from_environment(monkeypatch, tmp_path):
    small = tmp_path / "communes.csv"
    small.write_text("insee,nom,code_postal,departement\n94028,Créteil,94000,94\n", encoding="utf-8")
    monkeypatch.setenv("CAPNUM_COMMUNES_CSV", str(small))
    try:
        importlib.reload(config)
        assert config.COMMUNES_CSV == small.resolve()
        expect("j'habite à Créteil", "94", "Créteil")
        assert find_place("j'habite à Bobigny") is None   # not in the small file
        monkeypatch.setenv("CAPNUM_COMMUNES_CSV", str(tmp_path / "missing.csv"))
        importlib.reload(config)
        with pytest.raises(CommunesFileError, match="CAPNUM_COMMUNES_CSV"):
            find_place("Créteil")
    finally:
        monkeypatch.undo()
        importlib.reload(config)
    assert find_place("Bobigny").commune == "Bobigny"


def test_explicit_csv_path(tmp_path):
    with pytest.raises(CommunesFileError, match="CAPNUM_COMMUNES_CSV"):
        geo.commune_index(tmp_path / "absent.csv")


def test_outside_department_numbers_with_an_article_or_in_sms():
    assert find_place("jsui ds le 69").departement == "hors_idf"
    assert find_place("le 69", expecting_place=True).departement == "hors_idf"
    assert find_place("je vis ds le 93").departement == "93"


@pytest.mark.parametrize("text, commune", [
    ("je suis de la verrière", "La Verrière"), ("je viens de la Verrière", "La Verrière"),
    ("je suis de Meaux", "Meaux"), ("je viens de sarcelles", "Sarcelles"),
])
def test_coming_from_a_commune_names_it_and_an_exact_name_is_never_a_typo_of_another(text, commune):
    assert find_place(text).commune == commune


@pytest.mark.parametrize("text", ["je viens de finir le lycée", "je suis de retour", "je suis de bonne humeur"])
def test_being_of_something_else_is_not_a_place(text):
    assert find_place(text) is None
