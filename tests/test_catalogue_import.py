"""Importers: LHÉO XML (reference files read in place), MCF CSV, YAML; broken inputs."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from sqlalchemy import func, select

from bot.core.config import LHEO_REFERENCE_DIR
from bot.core.payload import course_payload
from bot.services.catalogue.db import ensure_schema, get_engine, session_factory
from bot.services.catalogue.importers import FileError, ImportAborted, import_file
from bot.services.catalogue.models import Action, Formation, Organisme, Session

ONISEP = LHEO_REFERENCE_DIR / "exemple-lheo-2.2-onisep.xml"
REAL = LHEO_REFERENCE_DIR / "real"


@pytest.fixture
def engine(database_url):
    return ensure_schema(get_engine(database_url))


def counts(engine):
    with engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Organisme, Formation, Action, Session))


# --- LHÉO: the ONISEP example ------------------------------------------------------------

def test_onisep_example_stored_exactly(engine):
    report = import_file(ONISEP, engine)
    assert (report.formations, report.actions, report.sessions) == (1, 1, 1)
    with session_factory(engine)() as db:
        formation = db.get(Formation, "9436_18706")
        assert formation.intitule == "BTS négociation et relation client"
        assert formation.formacodes == "34582,34076"
        assert formation.codes_rome == "D1402,D1403,D1408"
        assert formation.codes_nsf == "312"
        assert formation.certifiante is True and formation.code_rncp == "474"
        assert formation.niveau_sortie == "bac+2" and formation.niveau_sortie_code == 6
        assert formation.domaine == "commerce_vente"
        org = db.get(Organisme, "16")
        assert org.nom == "Lycée Kerneuzec" and org.siret == "19290076900014"
        assert org.ville == "QUIMPERLÉ" and org.code_postal == "29391"
        assert formation.organisme_responsable_id == "16"
        action = db.get(Action, "9436_18706")
        assert action.formation_id == "9436_18706" and action.organisme_formateur_id == "16"
        assert action.modalites_enseignement == 0 and action.modalite == "presentiel"
        assert (action.lieu_ville, action.lieu_code_postal, action.lieu_departement) == ("QUIMPERLÉ", "29391", "29")
        assert action.departement_lieu is None and action.departements == "" and action.departements_mask == 0
        assert action.niveau_entree_obligatoire is True and action.creneau == "journee"
        session = db.get(Session, "9436_18706")
        assert session.debut == dt.date(2015, 9, 1) and session.fin == dt.date(2017, 8, 31)
        assert session.entrees_permanentes is False and session.etat_recrutement == 1
        payload = course_payload(action, session)
        assert payload["titre"] == "BTS négociation et relation client"
        assert payload["organisme"] == "Lycée Kerneuzec" and payload["debut"] == "2015-09-01"


def test_import_is_idempotent(engine):
    import_file(ONISEP, engine)
    before = counts(engine)
    import_file(ONISEP, engine)
    assert counts(engine) == before == (1, 1, 1, 1)


@pytest.mark.parametrize("name", ["trefle_formation.xml", "trefle_poec.xml", "trefle_daeu.xml",
                                  "trefle_wrong_code_financeur_16.xml"])
def test_real_offer_files_import(engine, name):
    report = import_file(REAL / name, engine)
    assert report.errors == [] and report.actions >= 1 and report.sessions >= 1


def test_remote_real_offer_serves_every_department(engine):
    import_file(REAL / "trefle_poec.xml", engine)
    with session_factory(engine)() as db:
        action = db.get(Action, "24_1390142")
        assert action.modalite == "distance" and action.departements_mask == 255
        assert action.financeurs == "16" and action.places_financees == 20
        assert action.heures_total == 400 and action.public_demandeur_emploi


def test_financeur_codes_16_17_are_valid_codes_not_warnings(engine):
    """16 (OPCO) and 17 (Transition Pro) are in dict-financeurs: stored, no warning about them."""
    report = import_file(REAL / "trefle_wrong_code_financeur_16.xml", engine)
    assert not any("code financeur" in w for w in report.warnings)
    with session_factory(engine)() as db:
        assert db.get(Action, "04_74056").financeurs == "10,16,17,5,0"


def test_unknown_financeur_code_is_a_warning(engine, tmp_path):
    path = tmp_path / "f.xml"
    path.write_text(minimal_lheo(financeur="99"), encoding="utf-8")
    report = import_file(path, engine)
    assert report.actions == 1 and any("code financeur inconnu '99'" in w for w in report.warnings)


@pytest.mark.parametrize("name,needle", [("lheo-leger-prao-2008.xml", "LHÉO léger"),
                                         ("bobemploi_carif.xml", "lheo-index")])
def test_summary_files_are_refused(engine, name, needle):
    with pytest.raises(FileError, match=needle):
        import_file(REAL / name, engine)
    assert counts(engine) == (0, 0, 0, 0)


# --- LHÉO: hand-made files -----------------------------------------------------------------

def minimal_lheo(ns="http://lheo.gouv.fr/2.3", formation_id="F1", action_id="A1", session_id="S1",
                 debut="20300105", intitule="Développeur web", mode="2", financeur="2", extra_formation="",
                 encoding_decl="UTF-8"):
    title = f"<intitule-formation>{intitule}</intitule-formation>" if intitule is not None else ""
    return textwrap.dedent(f"""\
        <?xml version="1.0" encoding="{encoding_decl}"?>
        <lheo xmlns="{ns}">
        <offres>
        <formation numero="{formation_id}">
        <domaine-formation><code-FORMACODE>31088</code-FORMACODE><code-ROME>M1805</code-ROME></domaine-formation>
        {title}
        <objectif-formation>-</objectif-formation><resultats-attendus>-</resultats-attendus>
        <contenu-formation>-</contenu-formation><certifiante>1</certifiante>
        <contact-formation><coordonnees/></contact-formation><parcours-de-formation>1</parcours-de-formation>
        <code-niveau-entree>1</code-niveau-entree>
        <action numero="{action_id}">
        <rythme-formation>cours du soir</rythme-formation>
        <code-public-vise ref="V12">80009</code-public-vise>
        <niveau-entree-obligatoire>0</niveau-entree-obligatoire><modalites-alternance>-</modalites-alternance>
        <modalites-enseignement>{mode}</modalites-enseignement><conditions-specifiques>-</conditions-specifiques>
        <prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>
        <lieu-de-formation><coordonnees><adresse><ligne>-</ligne><codepostal>93200</codepostal>
        <ville>Saint-Denis</ville><departement>93</departement></adresse></coordonnees></lieu-de-formation>
        <modalites-entrees-sorties>0</modalites-entrees-sorties>
        <session numero="{session_id}"><periode><debut>{debut}</debut><fin>99999999</fin></periode>
        <adresse-inscription><adresse><ligne>-</ligne><codepostal>93200</codepostal><ville>Saint-Denis</ville></adresse></adresse-inscription>
        </session>
        <code-modalite-pedagogique>96130</code-modalite-pedagogique>
        <organisme-financeur><code-financeur>{financeur}</code-financeur></organisme-financeur>
        </action>
        {extra_formation}
        <organisme-formation-responsable numero="O1"><numero-activite>0</numero-activite>
        <SIRET-organisme-formation><SIRET>00000000000000</SIRET></SIRET-organisme-formation>
        <nom-organisme>Organisme Exemple (organisme fictif)</nom-organisme><raison-sociale>-</raison-sociale>
        <coordonnees-organisme><coordonnees/></coordonnees-organisme><contact-organisme><coordonnees/></contact-organisme>
        </organisme-formation-responsable>
        </formation>
        </offres>
        </lheo>
        """)


@pytest.mark.parametrize("ns", ["http://www.lheo.org/2.2", "http://lheo.gouv.fr/2.3", ""])
def test_lheo_namespaces_and_derived_values(engine, tmp_path, ns):
    path = tmp_path / "ok.xml"
    content = minimal_lheo(ns=ns)
    if not ns:
        content = content.replace(' xmlns=""', "")
    path.write_text(content, encoding="utf-8")
    import_file(path, engine)
    with session_factory(engine)() as db:
        action = db.get(Action, "A1")
        assert action.modalite == "distance" and action.departements == "75,77,78,91,92,93,94,95"
        assert action.creneau == "soir_weekend" and action.methodes == "classe_virtuelle,tutorat"
        assert action.public_jeune and action.public_demandeur_emploi and (action.age_min, action.age_max) == (16, 25)
        assert action.domaine == "developpement_web" and action.cout_stagiaire.startswith("Gratuit")
        session = db.get(Session, "S1")
        assert session.debut == dt.date(2030, 1, 5) and session.fin is None  # 99999999 = unknown


def test_hybrid_serves_adjacent_departments(engine, tmp_path):
    path = tmp_path / "h.xml"
    path.write_text(minimal_lheo(mode="1"), encoding="utf-8")
    import_file(path, engine)
    with session_factory(engine)() as db:
        action = db.get(Action, "A1")
        assert action.modalite == "hybride" and action.departement_lieu == "93"
        assert action.departements == "75,77,92,93,94,95"


def two_formations(second: str) -> str:
    """A file whose first formation is fine and whose second is `second` (a <formation>)."""
    good = minimal_lheo()
    head, tail = good.split("</formation>", 1)
    return head + "</formation>\n" + second + tail


def second_formation(**kw) -> str:
    text_ = minimal_lheo(**kw)
    return text_[text_.index("<formation "):text_.index("</formation>") + len("</formation>")]


BROKEN_RECORDS = {
    "missing_field": (dict(formation_id="F2", action_id="A2", session_id="S2", intitule=None),
                      "intitule-formation"),
    "bad_date": (dict(formation_id="F2", action_id="A2", session_id="S2", debut="20241345"),
                 "date de début invalide '20241345'"),
    "duplicate_id": (dict(formation_id="F2", action_id="A1", session_id="S2"), "identifiant en double"),
    "bad_mode": (dict(formation_id="F2", action_id="A2", session_id="S2", mode="7"), "modalites-enseignement"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_RECORDS))
def test_bad_record_abort_keeps_previous_catalogue(engine, tmp_path, case):
    import_file(ONISEP, engine)
    before = counts(engine)
    kwargs, needle = BROKEN_RECORDS[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(two_formations(second_formation(**kwargs)), encoding="utf-8")
    with pytest.raises(ImportAborted) as info:
        import_file(path, engine, on_error="abort")
    assert needle in str(info.value) and f"{case}.xml ligne" in str(info.value)
    assert counts(engine) == before


@pytest.mark.parametrize("case", sorted(BROKEN_RECORDS))
def test_bad_record_skip_commits_the_rest(engine, tmp_path, case):
    import_file(ONISEP, engine)
    kwargs, needle = BROKEN_RECORDS[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(two_formations(second_formation(**kwargs)), encoding="utf-8")
    report = import_file(path, engine, on_error="skip")
    assert len(report.errors) == 1 and needle in report.errors[0]
    assert counts(engine) == (2, 2, 2, 2)  # ONISEP + the good formation


def test_bad_date_message_names_line_and_action(engine, tmp_path):
    path = tmp_path / "fichier.xml"
    path.write_text(minimal_lheo(debut="20241345"), encoding="utf-8")
    report = import_file(path, engine)
    line = path.read_text().splitlines().index(
        next(l for l in path.read_text().splitlines() if "<session " in l)) + 1
    assert report.errors == [f"fichier.xml ligne {line} : session S1 : date de début invalide '20241345'"]


XXE = """<?xml version="1.0"?>
<!DOCTYPE lheo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="X">&xxe;</formation></offres></lheo>
"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>&lol3;</offres></lheo>
"""


@pytest.mark.parametrize("name,content,needle", [
    ("malformed", lambda: minimal_lheo().replace("</action>", "</actoin>", 1), "XML mal formé"),
    ("xxe", lambda: XXE, "DTD ou des entités"),
    ("laughs", lambda: LAUGHS, "billion laughs"),
    ("truncated", lambda: minimal_lheo()[:-40], "XML mal formé"),
    ("not_lheo", lambda: '<?xml version="1.0"?><catalogue/>', "racine"),
])
def test_broken_xml_files_rejected_and_catalogue_intact(engine, tmp_path, name, content, needle):
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / f"{name}.xml"
    path.write_text(content(), encoding="utf-8")
    for mode in ("skip", "abort"):
        with pytest.raises(FileError, match=needle):
            import_file(path, engine, on_error=mode)
    assert counts(engine) == before


def test_wrong_encoding_rejected(engine, tmp_path):
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / "latin1.xml"
    path.write_bytes(minimal_lheo(intitule="Développeur", formation_id="F9", action_id="A9",
                                  session_id="S9").encode("latin-1"))
    with pytest.raises(FileError, match="encodage invalide"):
        import_file(path, engine)
    assert counts(engine) == before


def test_malformed_after_good_formations_rolls_everything_back(engine, tmp_path):
    """A file broken after some valid formations stores none of them."""
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / "late.xml"
    path.write_text(two_formations(second_formation(formation_id="F2", action_id="A2", session_id="S2"))
                    .replace("</offres>", "<formation></offres>"), encoding="utf-8")
    with pytest.raises(FileError):
        import_file(path, engine)
    assert counts(engine) == before


# --- Mon Compte Formation CSV -------------------------------------------------------------

MCF_HEADER = ("numero_formation;intitule_formation;siret;nom_of;code_formacode_1;code_formacode_2;code_formacode_3;"
              "code_formacode_4;code_formacode_5;code_rome_1;code_rome_2;code_rome_3;code_rome_4;code_rome_5;"
              "code_rncp;code_inventaire;libelle_niveau_sortie_formation;nb_session_active;nb_session_a_distance;"
              "nombre_heures_total_mean;code_departement\n")


def mcf_row(numero="01_123", intitule="Développeur web", dep="93", distance="2", active="2", hours="420"):
    return (f"{numero};{intitule};12345678900011;Organisme Exemple (organisme fictif);31088;;;;;M1805;;;;;"
            f"RNCP37674;;Niveau 5 (BTS, DUT);{active};{distance};{hours};{dep}\n")


def test_mcf_csv_import(engine, tmp_path):
    path = tmp_path / "mcf.csv"
    path.write_text(MCF_HEADER + mcf_row() + mcf_row(numero="01_124", distance="1", dep="94")
                    + mcf_row(numero="01_125", distance="0", dep="75"), encoding="utf-8")
    report = import_file(path, engine)
    assert report.errors == [] and report.actions == 3
    with session_factory(engine)() as db:
        remote = db.get(Action, "MCF-01_123-93")
        assert remote.modalite == "distance" and remote.departements_mask == 255 and remote.heures_total == 420
        assert db.get(Action, "MCF-01_124-94").modalite == "hybride"
        assert db.get(Action, "MCF-01_125-75").modalite == "presentiel"
        formation = db.get(Formation, "MCF-01_123")
        assert formation.certifiante and formation.eligible_cpf and formation.niveau_sortie == "bac+2"
        assert formation.domaine == "developpement_web"


def test_mcf_csv_same_formation_in_two_departments(engine, tmp_path):
    path = tmp_path / "mcf.csv"
    path.write_text(MCF_HEADER + mcf_row(distance="0", dep="93") + mcf_row(distance="0", dep="94"), encoding="utf-8")
    report = import_file(path, engine)
    assert report.errors == [] and report.actions == 2 and report.formations == 1


@pytest.mark.parametrize("case,body,needle", [
    ("missing", lambda: MCF_HEADER + mcf_row(intitule=""), "intitule_formation manquant"),
    ("duplicate", lambda: MCF_HEADER + mcf_row() + mcf_row(), "identifiant en double"),
    ("bad_number", lambda: MCF_HEADER + mcf_row(hours="beaucoup"), "nombre_heures_total invalide"),
])
def test_mcf_bad_records(engine, tmp_path, case, body, needle):
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / f"{case}.csv"
    path.write_text(body(), encoding="utf-8")
    with pytest.raises(ImportAborted, match=needle):
        import_file(path, engine, on_error="abort")
    assert counts(engine) == before
    assert f"{case}.csv ligne" in import_file(path, engine, on_error="skip").errors[0]


def test_mcf_wrong_encoding_and_columns(engine, tmp_path):
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / "latin1.csv"
    path.write_bytes((MCF_HEADER + mcf_row(intitule="Développeur")).encode("latin-1"))
    with pytest.raises(FileError, match="ligne 2 : encodage invalide"):
        import_file(path, engine)
    path = tmp_path / "cols.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(FileError, match="colonnes obligatoires"):
        import_file(path, engine, fmt="mcf-csv")
    assert counts(engine) == before


# --- readable YAML -------------------------------------------------------------------------

YAML_OK = """\
organismes:
  - {id: O1, nom: "Organisme Exemple (organisme fictif)", fictif: true}
formations:
  - id: F1
    intitule: Anglais professionnel
    organisme: O1
    formacodes: [15234]
    actions:
      - id: A1
        modalite: distance
        publics: [jeune]
        age_min: 16
        age_max: 25
        creneau: soir_weekend
        equipement_requis: smartphone
        heures_semaine: 6
        sessions:
          - {id: S1, debut_dans_jours: 10, duree_jours: 30}
          - {id: S2, entrees_permanentes: true}
"""


def test_yaml_import_relative_dates(engine, tmp_path):
    path = tmp_path / "c.yml"
    path.write_text(YAML_OK, encoding="utf-8")
    today = dt.date(2031, 3, 1)
    report = import_file(path, engine, today=today)
    assert report.errors == [] and (report.actions, report.sessions) == (1, 2)
    with session_factory(engine)() as db:
        s1 = db.get(Session, "S1")
        assert s1.debut == dt.date(2031, 3, 11) and s1.fin == dt.date(2031, 4, 10)
        action = db.get(Action, "A1")
        assert action.domaine == "langues" and action.equipement_requis == "smartphone"
        assert action.publics == "81024"


@pytest.mark.parametrize("case,mutate,needle", [
    ("bad_date", lambda t: t.replace("debut_dans_jours: 10, duree_jours: 30", "debut: 2024-13-45"),
     "date de début invalide '2024-13-45'"),
    ("missing", lambda t: t.replace("    intitule: Anglais professionnel\n", ""), "intitulé de formation manquant"),
    ("bad_value", lambda t: t.replace("creneau: soir_weekend", "creneau: matin"), "créneau inconnu 'matin'"),
    ("duplicate", lambda t: t + t.split("formations:\n", 1)[1], "identifiant en double"),
])
def test_yaml_bad_records(engine, tmp_path, case, mutate, needle):
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / f"{case}.yml"
    path.write_text(mutate(YAML_OK), encoding="utf-8")
    with pytest.raises(ImportAborted, match=needle):
        import_file(path, engine, on_error="abort")
    assert counts(engine) == before


@pytest.mark.parametrize("case,content,needle", [
    ("malformed", "formations: [unclosed\n", "YAML mal formé"),
    ("laughs", "a: &a [x, x]\nb: &b [*a, *a]\nformations: [*b]\n", "alias"),
    ("not_catalogue", "- 1\n- 2\n", "formations"),
])
def test_yaml_broken_files(engine, tmp_path, case, content, needle):
    import_file(ONISEP, engine)
    before = counts(engine)
    path = tmp_path / f"{case}.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileError, match=needle):
        import_file(path, engine)
    path = tmp_path / "latin1.yml"
    path.write_bytes(YAML_OK.replace("Anglais", "Français").encode("latin-1"))
    with pytest.raises(FileError, match="encodage invalide"):
        import_file(path, engine)
    assert counts(engine) == before


def test_export_round_trip(engine, tmp_path):
    from bot.services.catalogue.export import export_text

    import_file(ONISEP, engine)
    import_file(REAL / "trefle_formation.xml", engine)
    before = counts(engine)
    path = tmp_path / "export.yml"
    path.write_text(export_text(engine, "yaml"), encoding="utf-8")
    report = import_file(path, engine, on_error="abort")
    assert report.actions == before[2] and counts(engine) == before
    json_path = tmp_path / "export.json"
    json_path.write_text(export_text(engine, "json"), encoding="utf-8")
    assert import_file(json_path, engine, on_error="abort").actions == before[2]
