"""Faults in the middle of conversations, on real servers (loopback):

- action server killed, then frozen (slow): a short French apology within 5 s, never silence;
  the conversation goes on once it is back;
- Rasa restarted mid-conversation: nothing lost, the profile is still there;
- tracker database stopped: a clear message (503), no crash; recovery when it returns;
- two messages from the same sender at once: processed in the order sent.

The tracker store is a private PostgreSQL cluster that the test can stop; locks in Redis.
"""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from bot.core.replies import ACTION_SERVER_APOLOGY, STORAGE_APOLOGY
from bot.tools.loadtest import CAPNUM_SCRIPTS, is_recommendation
from tests.cluster import REDIS_URL, StoppableCluster, redis_available, running_cluster

pytestmark = pytest.mark.integration

SCRIPT = CAPNUM_SCRIPTS[0]  # greeting, then the 7 profile answers


@pytest.fixture(scope="module")
def database():
    cluster = StoppableCluster()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, database):
    env = {"TRACKER_DB_URL": database.url}
    if redis_available():
        env["REDIS_URL"] = REDIS_URL
    with running_cluster(tmp_path_factory.mktemp("faults"), 1, env) as running:
        yield running


def texts(reply) -> str:
    return "\n".join(m.get("text") or "" for m in reply or [])


def user_texts(pair, sender: str) -> list[str]:
    return [e["text"] for e in pair.tracker(sender)["events"] if e["event"] == "user"]


def finish(pair, sender: str, answers: list[str]) -> list:
    reply = []
    for text in answers:
        status, reply = pair.say(sender, text)
        assert status == 200, (status, reply)
        if is_recommendation(reply):
            return reply
    return reply


def timed_say(pair, sender, text):
    started = time.monotonic()
    status, reply = pair.say(sender, text)
    return time.monotonic() - started, status, reply


def test_action_server_down_then_back(cluster):
    pair = cluster.pairs[0]
    sender = "fault-actions-down"
    for text in SCRIPT[:2]:
        status, reply = pair.say(sender, text)
        assert status == 200 and texts(reply)
    pair.actions.stop()
    try:
        elapsed, status, reply = timed_say(pair, sender, SCRIPT[2])
        assert elapsed < 5, elapsed
        assert ACTION_SERVER_APOLOGY in texts(reply), reply
        # Still answering (never silence) while it is down.
        elapsed, status, reply = timed_say(pair, sender, SCRIPT[2])
        assert elapsed < 5 and ACTION_SERVER_APOLOGY in texts(reply)
    finally:
        cluster.restart(pair.actions)
    reply = finish(pair, sender, SCRIPT[2:] + ["peu importe"] * 3 + ["non"])
    assert is_recommendation(reply), texts(reply)
    slots = pair.tracker(sender)["slots"]
    assert slots["age"] == 21 and slots["departement"] == "93" and slots["niveau"] == "sans_diplome"


def test_action_server_too_slow(cluster):
    pair = cluster.pairs[0]
    sender = "fault-actions-slow"
    status, reply = pair.say(sender, SCRIPT[0])
    assert status == 200
    pid = pair.actions.process.pid
    os.kill(pid, signal.SIGSTOP)  # accepts connections (kernel backlog), never answers
    try:
        elapsed, status, reply = timed_say(pair, sender, SCRIPT[1])
        assert elapsed < 5, elapsed
        assert ACTION_SERVER_APOLOGY in texts(reply), reply
    finally:
        os.kill(pid, signal.SIGCONT)
    time.sleep(1)
    reply = finish(pair, sender, SCRIPT[1:] + ["peu importe"] * 3 + ["non"])
    assert is_recommendation(reply), texts(reply)


def test_rasa_restarted_mid_conversation_loses_nothing(cluster):
    pair = cluster.pairs[0]
    sender = "fault-rasa-restart"
    for text in SCRIPT[:4]:
        assert pair.say(sender, text)[0] == 200
    before = pair.tracker(sender)["slots"]
    cluster.restart(pair.rasa)
    after = pair.tracker(sender)
    assert {k: after["slots"][k] for k in ("age", "departement", "commune", "situation")} == \
           {k: before[k] for k in ("age", "departement", "commune", "situation")}
    assert after["slots"]["age"] == 21
    reply = finish(pair, sender, SCRIPT[4:] + ["peu importe"] * 3 + ["non"])
    assert is_recommendation(reply), texts(reply)
    sent = user_texts(pair, sender)
    assert sent[:len(SCRIPT)] == SCRIPT  # nothing lost, nothing duplicated, in order


def test_tracker_database_unreachable_then_back(cluster, database):
    pair = cluster.pairs[0]
    sender = "fault-database"
    for text in SCRIPT[:2]:
        assert pair.say(sender, text)[0] == 200
    database.stop()
    try:
        started = time.monotonic()
        status, reply = pair.say(sender, SCRIPT[2], timeout=120)
        assert status == 503, (status, reply)
        assert STORAGE_APOLOGY in texts(reply)
        assert time.monotonic() - started < 30
        assert pair.rasa.process.poll() is None, "Rasa must not crash"
    finally:
        database.start()
    status, reply = pair.say(sender, SCRIPT[2])
    assert status == 200 and STORAGE_APOLOGY not in texts(reply), reply
    slots = pair.tracker(sender)["slots"]
    assert slots["age"] == 21 and slots["departement"] == "93"


def test_two_messages_at_once_are_processed_in_order(cluster):
    pair = cluster.pairs[0]
    for attempt in range(3):
        sender = f"fault-concurrent-{attempt}"
        assert pair.say(sender, SCRIPT[0])[0] == 200
        results: dict = {}

        def send(key, text, delay):
            time.sleep(delay)
            results[key] = pair.say(sender, text)

        first = threading.Thread(target=send, args=("first", SCRIPT[1], 0))
        second = threading.Thread(target=send, args=("second", SCRIPT[2], 0.02))
        first.start(), second.start()
        first.join(60), second.join(60)
        assert results["first"][0] == 200 and results["second"][0] == 200
        assert texts(results["first"][1]) and texts(results["second"][1])
        assert user_texts(pair, sender) == SCRIPT[:3]
