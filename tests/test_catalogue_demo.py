"""The demonstration catalogue: size, spread and freshness, asserted with SQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, or_, select

from bot.core.vocab import COURSE_DOMAINS, IDF_DEPARTMENTS, LEVEL_RANK
from bot.core.vocabulary_mapping import department_bit
from bot.services.catalogue.db import ensure_schema, get_engine
from bot.services.catalogue.demo import seed_demo
from bot.services.catalogue.models import Action, Formation, Organisme, Session

TODAY = dt.date(2031, 6, 15)


def seeded(url: str):
    engine = ensure_schema(get_engine(url))
    report = seed_demo(engine, today=TODAY)
    assert report.errors == []
    return engine


@pytest.fixture(scope="module")
def demo(module_database_url):
    """Seeded once per back end: the tests below only read it."""
    return seeded(module_database_url)


def scalar(engine, stmt):
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def test_sizes(demo):
    assert scalar(demo, select(func.count()).select_from(Formation)) >= 40
    assert scalar(demo, select(func.count()).select_from(Action)) >= 120
    assert scalar(demo, select(func.count()).select_from(Organisme)) >= 25


def test_organisations_are_fictional_and_marked(demo):
    with demo.connect() as conn:
        rows = conn.execute(select(Organisme.nom, Organisme.fictif, Organisme.url)).all()
    assert rows and all(fictif and nom.endswith("(organisme fictif)") for nom, fictif, _ in rows)
    assert all(url is None or ".exemple.org" in url for _, _, url in rows)


@pytest.mark.parametrize("domain", COURSE_DOMAINS)
def test_every_domain_has_three_open_actions_and_three_for_under_26(demo, domain):
    open_ = select(func.count(func.distinct(Action.id))).join(Session).where(
        Action.domaine == domain, Session.etat_recrutement == 1)
    assert scalar(demo, open_) >= 3
    young = open_.where(or_(Action.age_min.is_(None), Action.age_min <= 25),
                        or_(Action.age_max.is_(None), Action.age_max >= 18))
    assert scalar(demo, young) >= 3


@pytest.mark.parametrize("dep", IDF_DEPARTMENTS)
@pytest.mark.parametrize("domain", COURSE_DOMAINS)
def test_accessible_remote_action_everywhere(demo, dep, domain):
    """Every department x domain: a 100% remote action, no diploma, smartphone or lent equipment."""
    stmt = select(func.count()).select_from(Action).where(
        Action.domaine == domain, Action.modalite == "distance",
        Action.departements_mask.op("&")(department_bit(dep)) != 0,
        Action.niveau_entree_rank == LEVEL_RANK["sans_diplome"],
        or_(Action.equipement_requis == "smartphone", Action.equipement_prete.is_(True)))
    assert scalar(demo, stmt) >= 1


@pytest.mark.parametrize("dep", IDF_DEPARTMENTS)
def test_hybrid_and_remote_in_every_department(demo, dep):
    bit = department_bit(dep)
    for mode in ("distance", "hybride"):
        stmt = select(func.count()).select_from(Action).where(
            Action.modalite == mode, Action.departements_mask.op("&")(bit) != 0)
        assert scalar(demo, stmt) >= 1
    assert scalar(demo, select(func.count()).select_from(Action).where(Action.departement_lieu == dep)) >= 1


def test_spread(demo):
    def count(*where):
        return scalar(demo, select(func.count()).select_from(Action).where(*where))

    assert count(Action.creneau == "journee") >= 10 and count(Action.creneau == "soir_weekend") >= 10
    assert count(Action.equipement_requis == "smartphone") >= 10 and count(Action.equipement_prete.is_(True)) >= 10
    assert count(Action.certifiante.is_(True)) >= 10 and count(Action.certifiante.is_(False)) >= 10
    assert count(Action.age_min == 16, Action.age_max == 25) >= 10  # under-26s only
    assert count(Action.age_min == 18, Action.age_max.is_(None)) >= 10  # adults
    assert count(Action.age_min == 16, Action.age_max == 99) >= 10  # everyone
    assert count(Action.public_demandeur_emploi.is_(True), Action.public_tous.is_(False)) >= 10
    assert count(Action.public_tous.is_(True)) >= 10
    for level in ("sans_diplome", "cap_bep", "bac", "bac+2"):
        assert count(Action.niveau_entree == level) >= 3
    assert count(Action.niveau_entree_rank > LEVEL_RANK["bac+2"]) == 0
    assert count(Action.heures_semaine <= 6) >= 5 and count(Action.heures_semaine >= 30) >= 5
    assert count(Action.heures_semaine < 4) == 0 and count(Action.heures_semaine > 35) == 0


def test_never_stale(demo):
    """Sessions are continuous entry or dated 7..120 days after the load day."""
    with demo.connect() as conn:
        dated = conn.execute(select(Session.debut).where(Session.entrees_permanentes.is_(False))).scalars().all()
        permanent = conn.execute(select(func.count()).select_from(Session).where(
            Session.entrees_permanentes.is_(True))).scalar_one()
    assert permanent >= 30 and dated
    assert all(TODAY + dt.timedelta(days=7) <= d <= TODAY + dt.timedelta(days=120) for d in dated)


def test_codes_are_real(demo):
    """Formacode and ROME codes of the demo exist in the reference files (read in place)."""
    import csv

    from bot.core.config import LHEO_REFERENCE_DIR, SHARED_DIR

    formacodes = {r[0] for r in csv.reader(open(LHEO_REFERENCE_DIR / "formacode.csv", encoding="utf-8"), delimiter=";")}
    romes = {r["code_rome"] for r in csv.DictReader(open(SHARED_DIR / "reference" / "rome" / "rome_v4.csv", encoding="utf-8"))}
    with demo.connect() as conn:
        rows = conn.execute(select(Formation.formacodes, Formation.codes_rome)).all()
    for fc, rome in rows:
        assert set(filter(None, fc.split(","))) <= formacodes
        assert set(filter(None, (rome or "").split(","))) <= romes


def test_seed_is_idempotent(database_url):
    demo = seeded(database_url)
    before = scalar(demo, select(func.count()).select_from(Session))
    seed_demo(demo, today=TODAY + dt.timedelta(days=30))
    assert scalar(demo, select(func.count()).select_from(Session)) == before
