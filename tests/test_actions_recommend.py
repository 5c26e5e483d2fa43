"""Recommendation actions over the demo catalogue in a real SQLite database."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import recommend
from bot.catalogue.db import create_catalogue_engine, ensure_schema
from bot.catalogue.demo import seed_demo
from bot.matching import MatchingEngine
from tests.rasa_trackers import DOMAIN, make_tracker

PROFILE = {"age": 21, "departement": "93", "commune": "Bobigny", "situation": "demandeur_emploi",
           "niveau": "sans_diplome", "domaine": "developpement_web", "heures_semaine": 20,
           "equipement": "ordinateur"}


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = ensure_schema(create_catalogue_engine(f"sqlite:///{tmp_path_factory.mktemp('cat') / 'c.db'}"))
    seed_demo(engine)
    return engine


@pytest.fixture(autouse=True)
def use_demo_catalogue(demo_engine, monkeypatch):
    monkeypatch.setattr(recommend, "matching_engine", lambda: MatchingEngine(demo_engine))


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def payload_of(messages):
    return next(m["custom"] for m in messages if m.get("custom", {}).get("type") == "recommendations")


def test_recommend_sends_text_buttons_and_the_contract_payload():
    messages, events = run(recommend.ActionRecommend(), make_tracker(slots=PROFILE))
    payload = payload_of(messages)
    assert 1 <= len(payload["courses"]) <= 3
    assert payload["relaxed"] == [] or isinstance(payload["relaxed"], list)
    text = messages[0]["text"]
    for course in payload["courses"]:
        assert course["titre"] in text
        assert "93" in course["departements"] and course["raisons"]
    buttons = [b["title"] for m in messages for b in m.get("buttons") or []]
    assert "Voir d'autres" in buttons or len(payload["courses"]) < 3
    shown = {e["name"]: e["value"] for e in events if e["event"] == "slot"}["shown_course_ids"]
    assert shown == [c["id"] for c in payload["courses"]]


def test_show_more_gives_other_courses():
    first, events = run(recommend.ActionRecommend(), make_tracker(slots=PROFILE))
    shown = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    more, _ = run(recommend.ActionShowMore(), make_tracker(slots={**PROFILE, **shown}))
    first_ids = {c["id"] for c in payload_of(first)["courses"]}
    texts = [m.get("text") or "" for m in more]
    if any(m.get("custom") for m in more):
        assert not first_ids & {c["id"] for c in payload_of(more)["courses"]}
    else:
        assert any("pas d'autre" in t for t in texts)


def test_details_of_a_shown_course():
    first, events = run(recommend.ActionRecommend(), make_tracker(slots=PROFILE))
    course = payload_of(first)["courses"][0]
    tracker = make_tracker(f'/course_details{{"course_id":"{course["id"]}"}}', intent="course_details",
                           entities=[{"entity": "course_id", "value": course["id"]}], slots=PROFILE)
    messages, _ = run(recommend.ActionCourseDetails(), tracker)
    details = messages[0]["text"]
    assert course["titre"] in details
    assert "Coût pour vous" in details and "Lien" in details


def test_outside_the_region_gets_no_courses():
    messages, _ = run(recommend.ActionRecommend(), make_tracker(slots={"departement": "hors_idf"}))
    assert not any(m.get("custom") for m in messages)
    assert "Île-de-France" in messages[0]["text"]


def test_refine_with_an_unclear_message_asks_what_is_wrong():
    messages, _ = run(recommend.ActionRefineSearch(), make_tracker("bof", intent="refine_search", slots=PROFILE))
    assert "ne vous convient pas" in messages[0]["text"]
    assert len(messages[0]["buttons"]) >= 5


def test_refine_certifying_only_keeps_only_certifying_courses():
    messages, events = run(recommend.ActionRefineSearch(),
                           make_tracker("seulement les certifiantes", intent="refine_search", slots=PROFILE))
    payload = payload_of(messages)
    assert all(c["certifiante"] or "certification" in payload["relaxed"] for c in payload["courses"])
