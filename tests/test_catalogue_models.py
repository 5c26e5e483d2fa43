"""Schema, migrations, mapping tables and the course payload."""
from __future__ import annotations

import csv

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from bot.core import vocabulary_mapping as vm
from bot.core.config import LHEO_REFERENCE_DIR, SHARED_DIR
from bot.core.payload import EXTRA_KEYS, PAYLOAD_KEYS, course_payload
from bot.core.vocab import IDF_DEPARTMENTS
from bot.services.catalogue.db import ensure_schema, get_engine, session_factory
from bot.services.catalogue.models import Action, Base, Formation, Organisme, Session

DESIGN_COLUMNS = {
    "organisme": "id nom siret ville code_postal telephone email url fictif",
    "formation": "id intitule objectif contenu formacodes codes_rome codes_nsf certifiante code_rncp code_rs "
                 "niveau_sortie eligible_cpf label_gen url organisme_responsable_id domaine",
    "action": "id formation_id organisme_formateur_id modalites_enseignement modalite methodes publics "
              "public_demandeur_emploi public_jeune public_salarie public_tous age_min age_max niveau_entree "
              "niveau_entree_rank niveau_entree_obligatoire heures_total heures_semaine creneau equipement_requis "
              "equipement_prete departement_lieu departements departements_mask places_sur_site accessible_handicap "
              "financeurs places_financees remuneree cout_stagiaire modalites_inscription contact url domaine",
    "session": "id action_id debut fin entrees_permanentes etat_recrutement",
}


def test_migration_creates_design_schema(database_url):
    engine = ensure_schema(get_engine(database_url))
    insp = inspect(engine)
    for table, cols in DESIGN_COLUMNS.items():
        assert set(cols.split()) <= {c["name"] for c in insp.get_columns(table)}, table
    indexed = {tuple(i["column_names"]) for t in ("action", "session") for i in insp.get_indexes(t)}
    for cols in [("domaine",), ("niveau_entree_rank",), ("age_min", "age_max"), ("modalite",),
                 ("departements_mask",), ("action_id", "etat_recrutement", "debut")]:
        assert cols in indexed
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Other modules add their own tables to the same migration chain: check ours only.
    ours = set(Base.metadata.tables)

    def table_of(d):
        obj = d[1] if d and not isinstance(d, list) else None
        if d and isinstance(d, list):  # column-level modifications come as lists
            return d[0][2]
        return getattr(obj, "name", None) if d[0].endswith("_table") else getattr(getattr(obj, "table", None), "name", None)

    assert [d for d in diff if table_of(d) in ours] == []
    ensure_schema(engine)  # idempotent


def test_payload_has_contract_keys(database_url):
    engine = ensure_schema(get_engine(database_url))
    with session_factory(engine)() as db:
        db.add(Organisme(id="O", nom="Exemple (organisme fictif)", fictif=True))
        db.add(Formation(id="F", intitule="Titre", organisme_responsable_id="O", domaine="langues",
                         certifiante=True))
        db.add(Action(id="A", formation_id="F", organisme_formateur_id="O", domaine="langues", certifiante=True,
                      modalites_enseignement=2, modalite="distance", niveau_entree="sans_diplome",
                      niveau_entree_rank=0, heures_total=120, heures_semaine=6.0, creneau="soir_weekend",
                      equipement_requis="smartphone", departements=",".join(IDF_DEPARTMENTS),
                      departements_mask=255, age_min=16, age_max=25, url="https://exemple.org/a"))
        db.add(Session(id="S", action_id="A", entrees_permanentes=True, etat_recrutement=1))
        db.commit()
        action = db.execute(select(Action)).scalar_one()
        payload = course_payload(action, action.sessions[0])
    assert tuple(payload) == PAYLOAD_KEYS + EXTRA_KEYS and "raisons" not in payload
    assert payload["departements"] == list(IDF_DEPARTMENTS) and payload["debut"] is None
    assert payload["entrees_permanentes"] is True and payload["heures_semaine"] == 6
    assert payload["organisme"] == "Exemple (organisme fictif)" and payload["titre"] == "Titre"


def test_mapping_codes_exist_in_reference_files():
    formacodes = {r[0] for r in csv.reader(open(LHEO_REFERENCE_DIR / "formacode.csv", encoding="utf-8"), delimiter=";")}
    romes = {r["code_rome"] for r in csv.DictReader(open(SHARED_DIR / "reference" / "rome" / "rome_v4.csv", encoding="utf-8"))}
    assert set(vm.domain_tables().formacode) <= formacodes
    assert set(vm.domain_tables().rome) <= romes
    dictionaries = (LHEO_REFERENCE_DIR / "dictionaries.txt").read_text(encoding="utf-8")
    for code in vm.FINANCEURS:
        assert f"   {code} = " in dictionaries


@pytest.mark.parametrize("mode,dep,expected", [
    ("distance", None, list(IDF_DEPARTMENTS)),
    ("hybride", "75", ["75", "92", "93", "94"]),
    ("presentiel", "77", ["77"]),
    ("hybride", "29", []),
])
def test_served_departments(mode, dep, expected):
    assert vm.served_departments(mode, dep) == expected
    mask = vm.departments_mask(expected)
    assert all(bool(mask & vm.department_bit(d)) == (d in expected) for d in IDF_DEPARTMENTS)


def test_level_and_mode_mapping():
    assert [vm.course_mode(c) for c in (0, 1, 2)] == ["presentiel", "hybride", "distance"]
    assert vm.entry_level(0) == "sans_diplome" and vm.entry_level(6) == "bac+2" and vm.entry_level(14) == "bac"
    assert vm.exit_level(1) is None and vm.exit_level(17) == "bac+5"
    with pytest.raises(ValueError):
        vm.course_mode(3)


def test_payload_states_what_the_person_must_meet_or_bring(database_url):
    """An advised level is not required; lent equipment means nothing to bring."""
    engine = ensure_schema(get_engine(database_url))
    with session_factory(engine)() as db:
        db.add(Organisme(id="O", nom="Exemple (organisme fictif)", fictif=True))
        db.add(Formation(id="F", intitule="Titre", organisme_responsable_id="O", domaine="langues"))
        db.add(Action(id="A", formation_id="F", organisme_formateur_id="O", domaine="langues",
                      modalites_enseignement=2, modalite="distance", niveau_entree="bac",
                      niveau_entree_rank=2, niveau_entree_obligatoire=False, heures_total=100, creneau="journee",
                      equipement_requis="ordinateur", equipement_prete=True,
                      departements=",".join(IDF_DEPARTMENTS), departements_mask=255))
        db.commit()
        payload = course_payload(db.execute(select(Action)).scalar_one())
    assert payload["niveau_entree"] == "sans_diplome" and payload["niveau_conseille"] == "bac"
    assert payload["equipement_requis"] == "aucun" and payload["equipement_prete"] is True
