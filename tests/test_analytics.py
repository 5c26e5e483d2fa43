"""Analytics (bot.services.analytics) and the Region's report (bot.services.report), on a real database:
buckets only, no text and no sender id stored, k-anonymity, aggregation, erasure."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select, text

from bot.services import analytics
from bot.services.analytics import aggregate, analytics_daily, analytics_events, buckets, record
from bot.services.catalogue.db import ensure_schema, get_engine
from bot.services.privacy import erase_person
from bot.services.report import (
    CONSTRAINT_LABELS, HANDOFF_LABELS, MASKED, SMALL, compute_report, protect, standalone_html, to_csv,
)
from tests.lanes import examples

SECRET = "analytics-test-secret"
NOW = dt.datetime(2026, 3, 10, 12, 0)
PROFILE = {"age": 22.0, "departement": "94", "commune": "Créteil", "situation": "demandeur_emploi",
           "niveau": "sans_diplome", "domaine": "developpement_web", "heures_semaine": 10.0,
           "creneau": "soir_weekend", "equipement": "ordinateur", "handicap": True}


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPNUM_SECRET", SECRET)


@pytest.fixture
def engine(database_url):
    return ensure_schema(get_engine(database_url))


def all_rows(engine, table):
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


@pytest.mark.parametrize("age,band", [(15, "15-17"), (17.9, "15-17"), (18, "18-25"), (25.5, "18-25"),
                                      (26, "26-34"), (34, "26-34"), (35, "35-49"), (49, "35-49"), (50, "50+"),
                                      (99, "50+"), (14, None), (None, None), ("vingt", None)])
def test_age_bands(age, band):
    assert analytics.age_band(age) == band


def test_buckets_keep_only_the_contract_vocabularies():
    assert buckets(PROFILE) == {"departement": "94", "age_band": "18-25", "niveau": "sans_diplome",
                                "domaine": "developpement_web", "equipement": "ordinateur",
                                "creneau": "soir_weekend"}
    odd = buckets({"departement": "Créteil", "domaine": "je veux faire du web", "niveau": 3, "age": 22.4})
    assert odd == {"departement": None, "age_band": "18-25", "niveau": None, "domaine": None,
                   "equipement": None, "creneau": None}


@settings(max_examples=examples(60), deadline=None)
@given(st.dictionaries(st.sampled_from(["departement", "niveau", "domaine", "equipement", "creneau", "commune",
                                        "age", "texte"]), st.text(max_size=30)))
def test_no_free_value_ever_becomes_a_bucket(profile):
    allowed = {**analytics._BUCKET_VALUES, "age_band": analytics.AGE_BANDS}
    for name, value in buckets(profile).items():
        assert value is None or value in allowed[name]


def test_a_recorded_event_holds_no_text_and_no_sender_id(engine):
    sender = "web-0123456789abcdef"
    message = "j'ai 22 ans, j'habite à Créteil"
    record("conversation_started", {"texte": message}, sender, engine=engine, now=NOW)
    record("profile_complete", {**PROFILE, "message": message}, sender, engine=engine, now=NOW)
    record("recommendations_shown", PROFILE, sender, course_ids=["A1", "A2", "A1"], engine=engine, now=NOW)
    record("no_strict_match", PROFILE, sender, details=["creneau", "domaine"], engine=engine, now=NOW)
    rows = all_rows(engine, analytics_events)
    assert len(rows) == 1 + 1 + 2 + 2
    stored = repr(rows)
    for secret_value in (sender, "Créteil", "22", "j'habite", SECRET):
        assert secret_value not in stored
    assert {r["contributor"] for r in rows} == {analytics.contributor_of(sender)}
    assert len(rows[0]["contributor"]) == 64
    shown = [r for r in rows if r["kind"] == "recommendations_shown"]
    assert sorted(r["course_id"] for r in shown) == ["A1", "A2"]
    assert sorted(r["detail"] for r in rows if r["kind"] == "no_strict_match") == ["creneau", "domaine"]
    assert set(rows[0]) == {"id", "occurred_at", "kind", "contributor", "departement", "age_band", "niveau",
                            "domaine", "equipement", "creneau", "course_id", "detail"}


def test_unknown_kind_is_refused(engine):
    with pytest.raises(ValueError):
        record("message_text", {}, "x", engine=engine)


def test_a_database_error_never_breaks_the_conversation(tmp_path, caplog):
    from bot.services.catalogue.db import get_engine as bare

    engine = bare(f"sqlite:///{tmp_path / 'empty.db'}")  # no migration: no table
    assert record("handoff", PROFILE, "web-x", details=["conseiller"], engine=engine) == 0
    assert "web-x" not in caplog.text


# -- k-anonymity --------------------------------------------------------------------------------

def test_primary_and_complementary_suppression():
    cells = protect({("a",): 12, ("b",): 3, ("c",): 7, ("d",): 30})
    assert [cells[(k,)].status for k in "abcd"] == ["ok", SMALL, MASKED, "ok"]
    assert cells[("b",)].text == "< 5" and cells[("c",)].text == "masqué"
    # Two small cells already protect each other.
    cells = protect({("a",): 12, ("b",): 3, ("c",): 4})
    assert [cells[(k,)].status for k in "abc"] == ["ok", SMALL, SMALL]


@settings(max_examples=examples(200), deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcd"), st.sampled_from("xyz")), st.integers(1, 30), min_size=1))
def test_no_line_ever_holds_exactly_one_hidden_cell(counts):
    cells = protect(counts)
    for key, value in counts.items():
        assert (cells[key].status == SMALL) == (value < 5)
    for axis in (0, 1):
        lines = {}
        for key in counts:
            lines.setdefault(key[1 - axis], []).append(key)
        for line in lines.values():
            hidden = [k for k in line if not cells[k].visible]
            assert len(hidden) != 1 or len(line) == 1, (counts, line)


# -- report, aggregation, erasure ----------------------------------------------------------------

def seed(engine, senders, domain, departement, when=NOW, relaxed=("creneau",)):
    for sender in senders:
        profile = {**PROFILE, "domaine": domain, "departement": departement}
        record("conversation_started", {}, sender, engine=engine, now=when)
        record("profile_complete", profile, sender, engine=engine, now=when)
        record("recommendations_shown", profile, sender, course_ids=["C-1"], engine=engine, now=when)
        if relaxed:
            record("no_strict_match", profile, sender, details=list(relaxed), engine=engine, now=when)


def cell(report, table, *labels):
    for row_labels, value in report.tables[table].rows:
        if row_labels == labels:
            return value
    return None


def test_report_counts_people_and_hides_small_cells(engine):
    seed(engine, [f"web-{i}" for i in range(8)], "developpement_web", "94")
    seed(engine, [f"web-{i}" for i in range(8)], "developpement_web", "94")  # same people again
    seed(engine, ["rare-1", "rare-2"], "drones", "77")
    seed(engine, [f"log-{i}" for i in range(6)], "logistique", "95", relaxed=())
    report = compute_report(engine, dt.date(2026, 1, 1), dt.date(2026, 4, 1), today=dt.date(2026, 3, 10))
    web = cell(report, "demand", "développement web", "Val-de-Marne (94)")
    assert (web.value, web.text) == (8, "8")
    drones = cell(report, "demand", "drones", "Seine-et-Marne (77)")
    assert drones.text == "< 5"
    # One small cell in the table whose total is published: the smallest other cell is masked too.
    assert cell(report, "demand", "logistique", "Val-d'Oise (95)").text == "masqué"
    funnel = dict((labels[0], c.text) for labels, c in report.tables["funnel"].rows)
    assert funnel["Conversations commencées"] == "16" and funnel["Lien d'une formation suivi"] == "< 5"
    csv_text = to_csv(report)
    html = standalone_html(report)
    assert ";Seine-et-Marne (77);" in csv_text and "Seine-et-Marne (77);;< 5" in csv_text
    assert ";2\r\n" not in csv_text
    assert "&lt; 5" in html and "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_aggregation_rolls_whole_days_and_drops_contributors(engine):
    yesterday = NOW - dt.timedelta(days=2)
    seed(engine, [f"old-{i}" for i in range(6)], "langues", "75", when=yesterday)
    seed(engine, [f"new-{i}" for i in range(5)], "langues", "75", when=NOW)
    before = compute_report(engine, dt.date(2026, 1, 1), dt.date(2026, 4, 1), today=NOW.date())
    done = aggregate(engine, now=NOW)
    assert done["events"] == 6 * 4
    raw = all_rows(engine, analytics_events)
    assert {r["occurred_at"].date() for r in raw} == {NOW.date()}
    daily = all_rows(engine, analytics_daily)
    assert "contributor" not in daily[0]
    complete = [r for r in daily if r["kind"] == "profile_complete"]
    assert [(r["day"], r["domaine"], r["events"], r["people"]) for r in complete] == [
        (yesterday.date(), "langues", 6, 6)]
    after = compute_report(engine, dt.date(2026, 1, 1), dt.date(2026, 4, 1), today=NOW.date())
    assert cell(after, "demand", "langues", "Paris (75)").value == cell(before, "demand", "langues", "Paris (75)").value == 11
    assert aggregate(engine, now=NOW)["events"] == 0  # nothing left to roll


def test_erasure_removes_the_raw_contribution_only(engine, database_url):
    seed(engine, ["gone"], "batiment", "93", when=NOW)
    seed(engine, ["stays"], "batiment", "93", when=NOW)
    seed(engine, ["gone"], "batiment", "93", when=NOW - dt.timedelta(days=3))
    aggregate(engine, now=NOW)
    report = erase_person("gone", engine=engine)
    assert report.analytics == 4
    contributors = {r["contributor"] for r in all_rows(engine, analytics_events)}
    assert contributors == {analytics.contributor_of("stays")}
    # Aggregated counts are anonymous: they stay.
    with engine.connect() as conn:
        assert conn.execute(select(func.sum(analytics_daily.c.events))).scalar_one() == 4


def test_link_tokens_are_bound_to_the_course():
    token = analytics.link_token("web-abc", "C-1")
    assert "web-abc" not in token
    assert analytics.contributor_from_token(token, "C-1") == analytics.contributor_of("web-abc")
    assert analytics.contributor_from_token(token, "C-2") is None
    assert analytics.contributor_from_token("0" * 64 + ".forged", "C-1") is None
    assert analytics.contributor_from_token(None, "C-1") is None


def test_catalogue_quality_checks(engine):
    from sqlalchemy import update

    from bot.services.catalogue.demo import seed_demo
    from bot.services.catalogue.models import Action, Formation, Session

    today = dt.date(2026, 3, 10)
    empty = {c.key: c for c in compute_report(engine, dt.date(2026, 1, 1), today=today).quality}
    assert len(empty["few_youth"].items) == 17 and not empty["past"].items  # empty catalogue
    seed_demo(engine, today=today)
    with engine.begin() as conn:
        action_id, formation_id = conn.execute(select(Action.id, Action.formation_id).order_by(Action.id)).first()
        conn.execute(update(Action).where(Action.id == action_id).values(url=None, heures_semaine=None))
        conn.execute(update(Formation).where(Formation.id == formation_id).values(url=None))
        conn.execute(update(Session).where(Session.action_id == action_id).values(
            entrees_permanentes=False, debut=dt.date(2025, 9, 1), fin=dt.date(2026, 1, 31)))
    checks = {c.key: c for c in compute_report(engine, dt.date(2026, 1, 1), today=today).quality}
    for key in ("past", "no_url", "no_hours"):
        assert action_id in [ref for ref, _label in checks[key].items], key
    assert "31 janvier 2026" in dict(checks["past"].items)[action_id]
    with engine.connect() as conn:
        open_young = conn.execute(text(
            "SELECT domaine, COUNT(*) FROM action a WHERE (age_min IS NULL OR age_min < 26) AND EXISTS ("
            "SELECT 1 FROM session s WHERE s.action_id = a.id AND s.etat_recrutement = 1 AND ("
            "s.debut >= :today OR (s.entrees_permanentes AND (s.fin IS NULL OR s.fin >= :today)))) "
            "GROUP BY domaine"), {"today": today}).all()
    few = {d for d in analytics.DOMAIN_SLOT_VALUES if d != "indecis"} - {d for d, n in open_young if n >= 3}
    assert {ref for ref, _label in checks["few_youth"].items} == few


def test_report_texts_are_plain_french():
    from bot.gateway.region import REFUSED
    from tests.plain_french import problems

    refused = " ".join(re.sub(r"<[^>]+>", "\n", REFUSED).split("\n"))
    assert problems(refused) == []
    for label in list(CONSTRAINT_LABELS.values()) + list(HANDOFF_LABELS.values()):
        assert problems(label) == [], label
