"""The directory of places (bot/services/directory.py) and the handoff texts (bot/core/handoff.py)."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from bot.core import handoff
from bot.core.vocab import IDF_DEPARTMENTS
from bot.services.catalogue.db import dispose_engine, ensure_schema, get_engine
from bot.services.directory import DEMO_DIRECTORY, DirectoryError, count_places, find_places, import_directory
from bot.services.people import DirectoryPlace
from bot.tools.directory import main
from tests.plain_french import problems

HEADER = "type,nom,departement,communes,adresse,telephone,url,fictif\n"


@pytest.fixture
def engine(database_url):
    yield ensure_schema(get_engine(database_url))
    dispose_engine(database_url)


def write(tmp_path, body, name="annuaire.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def stored(engine):
    """The rows without their update time."""
    with engine.connect() as connection:
        rows = connection.execute(select(DirectoryPlace).order_by(DirectoryPlace.id)).all()
    return [row._mapping for row in rows]


def test_the_demo_directory_is_complete_fictional_and_has_no_phone_number(engine):
    assert import_directory(DEMO_DIRECTORY, engine) == 24
    rows = stored(engine)
    for dep in IDF_DEPARTMENTS:
        assert sorted(r['type'] for r in rows if r['departement'] == dep) == sorted(handoff.PLACE_TYPES)
    for row in rows:
        assert row["fictif"]
        assert "(exemple fictif)" in row["nom"] and "(exemple fictif)" in row["adresse"]
        assert not row["telephone"]
        assert row["url"] in ("https://www.unml.info", "https://www.francetravail.fr", "https://www.agefiph.fr")
    # Importing again changes nothing (the file replaces the directory).
    assert import_directory(DEMO_DIRECTORY, engine) == 24
    assert [dict(r, updated_at=None) for r in stored(engine)] == [dict(r, updated_at=None) for r in rows]


def test_places_are_chosen_by_commune_then_department(engine, tmp_path):
    path = write(tmp_path,
                 "mission_locale,Mission locale de Bobigny,93,Bobigny;93027,1 rue A,01 02 03 04 05,https://a.example.fr,non\n"
                 "mission_locale,Mission locale de la Seine-Saint-Denis,93,,2 rue B,,https://b.example.fr,non\n"
                 "france_travail,Agence de Bobigny,93,,3 rue C,,https://www.francetravail.fr,non\n")
    assert import_directory(path, engine) == 3
    assert [p.nom for p in find_places(["mission_locale"], "93", "Bobigny", engine)] == ["Mission locale de Bobigny"]
    assert [p.nom for p in find_places(["mission_locale"], "93", "Montreuil", engine)] == [
        "Mission locale de la Seine-Saint-Denis"]
    assert [p.type for p in find_places(["mission_locale", "france_travail", "cap_emploi"], "93", None, engine)] == [
        "mission_locale", "france_travail"]
    assert find_places(["mission_locale"], "75", "Paris", engine) == []
    assert find_places(["mission_locale"], "hors_idf", None, engine) == []


def test_a_bad_file_is_refused_with_every_problem_and_the_directory_is_unchanged(engine, tmp_path):
    import_directory(DEMO_DIRECTORY, engine)
    before = [dict(r, updated_at=None) for r in stored(engine)]
    path = write(tmp_path,
                 "mission_locale,Mission locale A,93,,1 rue A,,https://a.example.fr,non\n"
                 "agence,Lieu B,93,,,,,non\n"
                 "france_travail,Lieu C,69,,,,,non\n"
                 "cap_emploi,Lieu D,75,,,01 00 00 00 00,,oui\n"
                 "mission_locale,Mission locale A,93,,1 rue A,,https://a.example.fr,non\n")
    with pytest.raises(DirectoryError) as refused:
        import_directory(path, engine)
    message = str(refused.value)
    assert "ligne 3 : type inconnu 'agence'" in message
    assert "ligne 4 : département '69' hors Île-de-France" in message
    assert "ligne 5 : un lieu fictif ne doit pas avoir de numéro de téléphone" in message
    assert "ligne 6 : lieu en double (déjà ligne 2)" in message
    assert [dict(r, updated_at=None) for r in stored(engine)] == before


def test_the_command_line(database_url, tmp_path, capsys):
    assert main(["seed-demo", "--if-empty", "--database-url", database_url]) == 0
    assert "24 lieux" in capsys.readouterr().out
    assert main(["seed-demo", "--if-empty", "--database-url", database_url]) == 0
    assert "inchangé" in capsys.readouterr().out
    path = write(tmp_path, "cap_emploi,Cap emploi 75,75,,1 rue A,,https://www.agefiph.fr,non\n")
    assert main(["import", str(path), "--database-url", database_url]) == 0
    assert "annuaire importé : 1 lieux" in capsys.readouterr().out
    assert count_places(get_engine(database_url)) == {"mission_locale": 0, "france_travail": 0, "cap_emploi": 1}
    bad = tmp_path / "vide.csv"
    bad.write_text("nom,adresse\nA,B\n", encoding="utf-8")
    assert main(["import", str(bad), "--database-url", database_url]) == 2
    err = capsys.readouterr().err
    assert "colonnes obligatoires absentes : type, departement" in err and "inchangé" in err
    assert main(["stats", "--database-url", database_url]) == 0
    assert "Cap emploi : 1" in capsys.readouterr().out
    dispose_engine(database_url)


def test_semicolon_files_and_insee_codes(engine, tmp_path):
    path = tmp_path / "annuaire.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["type", "nom", "departement", "communes", "adresse", "telephone", "url", "fictif"])
        writer.writerow(["mission_locale", "ML Est", "93", "93048;Noisy-le-Sec", "", "", "", ""])
    import_directory(path, engine)
    found = find_places(["mission_locale"], "93", "Montreuil", engine)
    assert [p.nom for p in found] == ["ML Est"]  # 93048 is Montreuil
    assert [p.nom for p in find_places(["mission_locale"], "93", "Noisy-le-Sec", engine)] == ["ML Est"]


@pytest.mark.parametrize("profile, expected", [
    ({"age": 19}, ("mission_locale",)),
    ({"age": 25.5}, ("mission_locale",)),
    ({"age": 26}, ("france_travail",)),
    ({}, ("mission_locale", "france_travail")),
    ({"age": 40, "handicap": True}, ("france_travail", "cap_emploi")),
    ({"age": 18, "handicap": True}, ("mission_locale", "cap_emploi")),
])
def test_who_takes_over(profile, expected):
    assert handoff.place_types_for(profile) == expected


def test_handoff_texts_are_plain_french_and_never_show_an_invented_number():
    fictional = {"nom": "Mission locale de Bobigny (exemple fictif)", "adresse": "1 rue de l'Exemple, 93000 Bobigny",
                 "telephone": "01 23 45 67 89", "url": "https://www.unml.info", "fictif": True}
    text = handoff.place_text(fictional)
    assert "01 23" not in text and "unml.info" in text and "(exemple fictif)" in text
    real = {**fictional, "nom": "Mission locale", "fictif": False}
    assert "Téléphone : 01 23 45 67 89." in handoff.place_text(real)
    texts = [text, handoff.place_text(real), handoff.recap_code_text("K7QM-4TZP"), handoff.RECAP_UNAVAILABLE,
             handoff.missing_place_text({}), handoff.RECAP_BUTTON.title]
    texts += [handoff.handoff_text(p) for p in ({"age": 20}, {"age": 40, "handicap": True}, {})]
    for line in texts:
        assert problems(line) == [], line
    assert "30 jours" in handoff.recap_code_text("K7QM-4TZP")
