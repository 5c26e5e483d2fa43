"""Nobody can continue someone else's conversation through the web gateway: neither with
another channel's id (a Telegram chat id) nor with another browser's id. Played against the
real Rasa and action servers; the victim's tracker is checked unchanged afterwards."""
from __future__ import annotations

import urllib.parse

import pytest

from bot.gateway import create_app
from bot.gateway.app import CONVERSATION_COOKIE, conversation_sender
from bot.services.catalogue.db import ensure_schema, get_engine
from tests.gateway_server import post_json, running_gateway

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def site(shared_assistant):
    engine = ensure_schema(get_engine(f"sqlite:///{shared_assistant.work_dir / 'catalogue.db'}"))
    with running_gateway(create_app(shared_assistant.url, engine)) as url:
        yield shared_assistant, url


def cookie_of(headers) -> str:
    from http.cookies import SimpleCookie

    for header in headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie(header)
        if CONVERSATION_COOKIE in jar:
            return jar[CONVERSATION_COOKIE].value
    raise AssertionError("no conversation cookie")


def tracker(assistant, sender):
    # ':' unescaped: Rasa's route does not decode %3A in the conversation id.
    query = urllib.parse.urlencode({"token": assistant.token})
    return assistant.call("GET", f"/conversations/{urllib.parse.quote(sender, safe=':')}/tracker?{query}")


def events(assistant, sender):
    return tracker(assistant, sender)["events"]


def slots(assistant, sender):
    return tracker(assistant, sender)["slots"]


def test_another_channels_conversation_cannot_be_continued_from_the_web(site):
    assistant, url = site
    victim = "telegram:4242424242"
    assistant.say(victim, "bonjour")
    assistant.say(victim, "j'ai vingt et un ans")
    assistant.say(victim, "j'habite à Bobigny")
    before = events(assistant, victim)
    slots_before = slots(assistant, victim)
    assert sum(e["event"] == "user" for e in before) == 3
    for attempt in ({"sender": "4242424242"}, {"sender": victim}):
        status, _, body = post_json(url + "/api/chat", {**attempt, "message": "en fait j'ai 23 ans"})
        assert status == 200
        status, _, _ = post_json(url + "/api/chat", {**attempt, "message": "supprimer mes données"},
                                 {"Cookie": f"{CONVERSATION_COOKIE}={attempt['sender']}"})
        assert status == 200
    assert events(assistant, victim) == before  # nothing read, written or erased
    assert slots(assistant, victim) == slots_before


def test_another_browsers_conversation_cannot_be_continued(site):
    assistant, url = site
    status, headers, _ = post_json(url + "/api/chat", {"message": "bonjour"})
    victim_cookie = cookie_of(headers)
    post_json(url + "/api/chat", {"message": "j'ai vingt et un ans"}, {"Cookie": f"{CONVERSATION_COOKIE}={victim_cookie}"})
    victim = conversation_sender(victim_cookie)
    before = events(assistant, victim)
    slots_before = slots(assistant, victim)
    assert sum(e["event"] == "user" for e in before) == 2
    # The attacker knows the victim's Rasa id (from a log, say) and tries it everywhere.
    for headers in ({}, {"Cookie": f"{CONVERSATION_COOKIE}={victim}"},
                    {"Cookie": f"{CONVERSATION_COOKIE}={victim.removeprefix('web:')}"}):
        for message in ("en fait j'ai 23 ans", "supprimer mes données"):
            assert post_json(url + "/api/chat", {"sender": victim, "message": message}, headers)[0] == 200
    assert events(assistant, victim) == before
    assert slots(assistant, victim) == slots_before
