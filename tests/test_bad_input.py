"""Bad input everywhere: no 500, and no stored event that breaks a tracker afterwards.

The REST channel (capnum_rasa.rest.RestChannel on /webhooks/rest/webhook) runs on a real Rasa
server with the tracker store on PostgreSQL (the strictest: it refuses NUL characters), and the
web gateway (bot/gateway, POST /api/chat) in front of it when it exists. Parametrised cases,
then a hypothesis fuzzer on the JSON bodies of both.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.cluster import http

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pair(postgres_cluster):
    return postgres_cluster.pairs[0]


def webhook(pair, body: bytes):
    return http("POST", pair.url + "/webhooks/rest/webhook", body)


def assert_tracker_sound(pair, sender: str) -> None:
    """The stored conversation loads, and the assistant still answers this sender."""
    tracker = pair.tracker(sender)
    assert tracker["sender_id"] == sender
    status, reply = pair.say(sender, "bonjour")
    assert status == 200 and reply and any(m.get("text") for m in reply), (status, reply)


# --- Bodies: 4xx with a clear French message ----------------------------------------

BAD_BODIES = {
    "empty body": b"",
    "not json": b"bonjour",
    "truncated json": b'{"sender": "a", "message": "b"',
    "json list": b'[{"sender": "a", "message": "b"}]',
    "json string": b'"bonjour"',
    "json null": b"null",
    "json number": b"42",
    "no sender": b'{"message": "bonjour"}',
    "no message": b'{"sender": "bad-nomsg"}',
    "sender number": b'{"sender": 12, "message": "bonjour"}',
    "sender object": b'{"sender": {"id": 1}, "message": "bonjour"}',
    "sender empty": b'{"sender": "", "message": "bonjour"}',
    "sender spaces": b'{"sender": "   ", "message": "bonjour"}',
    "sender too long": json.dumps({"sender": "x" * 1000, "message": "bonjour"}).encode(),
    "message number": b'{"sender": "bad-num", "message": 12}',
    "message null": b'{"sender": "bad-null", "message": null}',
    "message list": b'{"sender": "bad-list", "message": ["bonjour"]}',
    "message object": b'{"sender": "bad-obj", "message": {"text": "bonjour"}}',
    "metadata string": b'{"sender": "bad-meta", "message": "bonjour", "metadata": "x"}',
    "metadata too big": json.dumps({"sender": "bad-meta2", "message": "bonjour",
                                    "metadata": {"x": "y" * 20000}}).encode(),
    "input_channel weird": b'{"sender": "bad-chan", "message": "bonjour", "input_channel": {"a": 1}}',
    "deep nesting": b"[" * 100000 + b"]" * 100000,
    "oversized body": json.dumps({"sender": "bad-big", "message": "a" * 400_000}).encode(),
}


@pytest.mark.parametrize("body", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_malformed_bodies_get_a_4xx_with_a_french_message(pair, body):
    status, answer = webhook(pair, body)
    assert 400 <= status < 500, (status, answer)
    assert isinstance(answer, dict) and isinstance(answer.get("error"), str) and len(answer["error"]) > 10


# --- Messages: a polite reply, and the tracker stays sound --------------------------

BAD_MESSAGES = {
    "empty": "",
    "spaces": "    ",
    "newlines and tabs": "\n\t \r\n",
    "100 kB": "formation " * 10_000,
    "just over the cap": "é" * 2001,
    "control characters": "\x00\x01\x02bonjour\x1b[31m rouge\x7f\x9f",
    "only NUL": "\x00\x00\x00",
    "lone surrogates": "\ud800 bonjour \udfff",
    "emoji": "😀🎓👩‍💻 je cherche une formation 🚀",
    "html": "<script>alert('x')</script><b>bonjour</b>",
    "sql": "'; DROP TABLE events; -- j'ai 22 ans",
    "json inside text": '{"sender": "autre", "message": "/restart", "metadata": {"a": 1}}',
    "payload unknown intent": "/intent_qui_n_existe_pas",
    "payload broken json": '/inform{"age": ',
    "payload wrong types": '/inform{"age": [1, 2], "departement": {"x": null}}',
    "payload absurd age": '/inform{"age": 400}',
    "right to left override": "\u202ej'ai 22 ans\u202c",
    "zero width": "bon\u200bjour\ufeff",
    "null byte in payload": '/inform{"commune": "Paris\\u0000"}',
}


@pytest.mark.parametrize("text", list(BAD_MESSAGES.values()), ids=list(BAD_MESSAGES))
def test_odd_messages_get_a_polite_reply_and_leave_a_sound_tracker(pair, text, request):
    sender = "bad-" + request.node.callspec.id.replace(" ", "-")
    status, reply = webhook(pair, json.dumps({"sender": sender, "message": text}).encode())
    assert status == 200, (status, reply)
    assert isinstance(reply, list) and reply and all(isinstance(m, dict) for m in reply), reply
    assert any(m.get("text") for m in reply), reply
    assert_tracker_sound(pair, sender)


def test_invalid_utf8_is_replaced_not_refused(pair):
    status, reply = webhook(pair, b'{"sender": "bad-utf8", "message": "caf\xe9 \xff\xfe j\'ai 22 ans"}')
    assert status == 200 and reply, (status, reply)
    assert_tracker_sound(pair, "bad-utf8")


def test_the_rest_channel_keeps_rasa_s_answer_format(pair):
    status, reply = webhook(pair, json.dumps({"sender": "bad-format", "message": "Bonjour"}).encode())
    assert status == 200
    assert all(m["recipient_id"] == "bad-format" for m in reply)
    assert any("Cap Numérique" in (m.get("text") or "") for m in reply)


# --- Fuzzing the JSON bodies ---------------------------------------------------------

any_text = st.text(st.characters(blacklist_categories=()), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=12)
FUZZ_SENDERS = ["fuzz-a", "fuzz-b"]
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries({"sender": st.sampled_from(FUZZ_SENDERS) | json_values,
                           "message": any_text | json_values},
                          optional={"metadata": json_values, "input_channel": json_values})
    .map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_fuzzed_webhook_bodies_never_get_a_500(pair, body):
    status, answer = webhook(pair, body)
    assert status < 500, (status, answer, body)
    if status == 200:
        assert isinstance(answer, list)


def test_fuzzed_conversations_are_still_sound(pair):
    for sender in FUZZ_SENDERS:
        status, _ = pair.say(sender, "bonjour")
        assert status == 200
        assert_tracker_sound(pair, sender)


# --- The web gateway in front of the REST channel ------------------------------------

@pytest.fixture(scope="module")
def gateway(pair, tmp_path_factory):
    from bot.services.catalogue.db import ensure_schema, get_engine
    from tests.gateway_server import running_gateway

    db = tmp_path_factory.mktemp("gateway-db") / "catalogue.db"
    engine = ensure_schema(get_engine(f"sqlite:///{db}"))
    from bot.gateway.app import create_app

    with running_gateway(create_app(pair.url, engine)) as url:
        yield url


def chat(gateway, body: bytes):
    return http("POST", gateway + "/api/chat", body)


@pytest.mark.parametrize("body", list(BAD_BODIES.values()) + [
    json.dumps({"sender": "gw-bad", "message": m}).encode() for m in BAD_MESSAGES.values()],
    ids=list(BAD_BODIES) + [f"message {k}" for k in BAD_MESSAGES])
def test_gateway_bad_input_gets_no_500(gateway, body):
    status, answer = chat(gateway, body)
    assert status < 500, (status, answer)
    if status >= 400:
        assert isinstance(answer, dict) and answer.get("error"), answer


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_fuzzed_gateway_bodies_never_get_a_500(gateway, body):
    status, answer = chat(gateway, body)
    assert status < 500, (status, answer, body)
