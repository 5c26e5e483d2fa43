"""The tracker store (capnum_rasa/tracker_store.py) on SQLite and PostgreSQL: it stores exactly
the rows Rasa's own SQLTrackerStore stores, gives back the same conversation, and its work per
message stays flat however long the conversation (counted in events decoded, not in time),
also with two replicas taking turns on one conversation under a lock store (Redis when one
answers on 127.0.0.1:6379, else in memory)."""
from __future__ import annotations

import asyncio
import itertools

import pytest
from sqlalchemy import create_engine, text

from bot.tools.endpoints import tracker_store_settings

TURNS = 40
# Rasa's side (TensorFlow under it) is imported when this module runs, not when pytest collects
# it: the worker that does not run it never pays for it (tests/conftest.py, RASA_MODULES).
ts = DECODE_STATS = ErasingSQLTrackerStore = None


@pytest.fixture(autouse=True, scope="module")
def _the_tracker_store_module():
    global ts, DECODE_STATS, ErasingSQLTrackerStore
    from capnum_rasa import tracker_store

    ts, DECODE_STATS, ErasingSQLTrackerStore = (tracker_store, tracker_store.DECODE_STATS,
                                                tracker_store.ErasingSQLTrackerStore)
_clock = itertools.count(1_700_000_000)


def domain():
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml("""
version: "3.1"
intents: [greet, inform]
entities: [age]
slots:
  age: {type: float, influence_conversation: false, mappings: [{type: custom}]}
  commune: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: "Bonjour"}]
actions: [action_turn]
""")


def store(url: str, cls=None, **kwargs):
    """Our tracker store on `url` (or `cls`, e.g. Rasa's own SQLTrackerStore)."""
    settings = tracker_store_settings(url)
    settings.pop("type")
    return (cls or ErasingSQLTrackerStore)(domain(), **settings, **kwargs)


def session_start():
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    t = next(_clock)
    return [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t + 0.1),
            ActionExecuted("action_listen", timestamp=t + 0.2)]


def turn_events(i: int):
    """One turn as the processor appends it: the message, the action, its events, listen."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    t = next(_clock)
    parse = {"text": f"j'ai {20 + i} ans", "intent": {"name": "inform", "confidence": 0.9},
             "entities": [{"entity": "age", "value": str(20 + i), "start": 5, "end": 7}],
             "intent_ranking": [{"name": "inform", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]}
    return [UserUttered(parse["text"], parse["intent"], parse["entities"], parse, timestamp=t),
            ActionExecuted("action_turn", timestamp=t + 0.1),
            SlotSet("age", 20.0 + i, timestamp=t + 0.2), SlotSet("commune", f"Ville {i}", timestamp=t + 0.3),
            BotUttered(f"Réponse {i}", {"buttons": [{"title": "oui", "payload": "/inform"}]}, timestamp=t + 0.4),
            ActionExecuted("action_listen", timestamp=t + 0.5)]


async def handle(st, sender: str, events, lock_store=None) -> None:
    """What Rasa's processor does with the store for one message: read, append, save."""
    async def run():
        tracker = await st.get_or_create_tracker(sender, append_action_listen=False)
        for event in events:
            tracker.update(event)
        await st.save(tracker)

    if lock_store is None:
        await run()
    else:
        async with lock_store.lock(sender):
            await run()


def rows(url: str, sender: str) -> list:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        result = connection.execute(text(
            "SELECT type_name, timestamp, intent_name, action_name, data FROM events "
            "WHERE sender_id = :s ORDER BY id"), {"s": sender}).all()
    engine.dispose()
    return [tuple(r) for r in result]


def state(tracker) -> dict:
    from rasa.shared.core.trackers import EventVerbosity

    return tracker.current_state(EventVerbosity.ALL)


async def cold_read(url: str, sender: str):
    fresh = store(url)
    try:
        return await fresh.retrieve(sender)
    finally:
        fresh.engine.dispose()


def conversation(n: int = TURNS):
    return [session_start()] + [turn_events(i) for i in range(n)]


def test_same_rows_and_same_conversation_as_rasas_own_store(database_url):
    from rasa.core.tracker_store import SQLTrackerStore

    ours, theirs = store(database_url), store(database_url, SQLTrackerStore)
    turns = conversation()

    async def play():
        for events in turns:
            await handle(ours, "ours", events)
            await handle(theirs, "rasa", events)
        return await ours.retrieve("ours"), await theirs.retrieve("rasa"), await cold_read(database_url, "ours")

    cached, rasa_tracker, cold = asyncio.run(play())
    assert rows(database_url, "ours") == rows(database_url, "rasa")
    assert len(rows(database_url, "ours")) == 3 + 6 * TURNS
    expected = state(rasa_tracker)
    for tracker in (cached, cold):
        got = state(tracker)
        got["sender_id"] = expected["sender_id"]
        assert got == expected
    assert cached.get_slot("age") == 20.0 + TURNS - 1
    ours.engine.dispose()
    theirs.engine.dispose()


def decoded_per_message(st, sender: str, turns) -> list[int]:
    counts = []

    async def play():
        for events in turns:
            before = DECODE_STATS["events_decoded"]
            await handle(st, sender, events)
            counts.append(DECODE_STATS["events_decoded"] - before)

    asyncio.run(play())
    return counts


def test_work_per_message_is_flat_from_the_first_to_the_fortieth_message(database_url, monkeypatch):
    counts = decoded_per_message(store(database_url), "long", conversation())
    # The message after the session start reads it once (session_started, action_listen);
    # from then on no message decodes any stored event, up to the 40th.
    assert counts[:2] == [0, 2] and counts[2:] == [0] * (TURNS - 1), counts
    # Without the cache (Rasa's way), each message decodes the whole session: it grows.
    monkeypatch.setenv("CAPNUM_TRACKER_CACHE", "0")
    uncached = decoded_per_message(store(database_url), "rasa-way", conversation())
    assert uncached[1:] == [2 + 6 * i for i in range(TURNS)], uncached


def test_two_replicas_taking_turns_decode_only_what_the_other_added(database_url):
    from rasa.core.lock_store import InMemoryLockStore

    from tests.cluster import REDIS_URL, redis_available

    if redis_available():
        from rasa.core.lock_store import RedisLockStore
        from sqlalchemy.engine import make_url

        url = make_url(REDIS_URL)
        locks = RedisLockStore(host=url.host, port=url.port or 6379, db=int(url.database or 0),
                               key_prefix=f"capnum-test-{next(_clock)}")
    else:
        locks = InMemoryLockStore()
    a, b = store(database_url), store(database_url)
    turns = conversation(20)
    counts = []

    async def play():
        await handle(a, "shared", turns[0], locks)
        for i, events in enumerate(turns[1:]):
            before = DECODE_STATS["events_decoded"]
            await handle(a if i % 2 else b, "shared", events, locks)
            counts.append(DECODE_STATS["events_decoded"] - before)
        # Both at once, each message under the conversation's lock: order kept, nothing lost.
        more = [turn_events(100 + i) for i in range(6)]
        await asyncio.gather(*(handle(a if i % 2 else b, "shared", events, locks) for i, events in enumerate(more)))
        return await a.retrieve("shared"), await b.retrieve("shared"), await cold_read(database_url, "shared")

    in_a, in_b, cold = asyncio.run(play())
    # Each replica reads the session in full once (b: 2 events; a: 8, since a new session
    # is always read again); from then on, each decodes only the turn (6 events) the other
    # one wrote since its last message.
    assert counts[:2] == [2, 8] and counts[2:] == [6] * (len(counts) - 2), counts
    assert state(in_a) == state(in_b) == state(cold)
    texts = [e["text"] for e in state(cold)["events"] if e["event"] == "user"]
    assert len(texts) == 26 and len(set(texts)) == 26
    a.engine.dispose()
    b.engine.dispose()


def test_an_erasure_elsewhere_is_seen_at_once(database_url):
    a, b = store(database_url), store(database_url)

    async def play():
        for events in conversation(3):
            await handle(a, "gone", events)
        assert await b.retrieve("gone") is not None
        await a.delete_sender("gone")  # another replica, or bot.services.privacy purge/erase
        return await b.retrieve("gone"), await a.retrieve("gone")

    assert asyncio.run(play()) == (None, None)
    # Erased behind the store's back (same row ids reused by SQLite): a new conversation is new.
    b2 = store(database_url)

    async def again():
        for events in conversation(2):
            await handle(b2, "reused", events)
        await b2.retrieve("reused")
        engine = create_engine(database_url, future=True)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM events WHERE sender_id = 'reused'"))
        engine.dispose()
        other = store(database_url)
        for events in conversation(2):
            await handle(other, "reused", events)
        other.engine.dispose()
        return await b2.retrieve("reused"), await cold_read(database_url, "reused")

    cached, cold = asyncio.run(again())
    assert state(cached) == state(cold)
    for st in (a, b, b2):
        st.engine.dispose()


def test_a_turn_that_failed_before_saving_leaves_nothing_behind(database_url):
    st = store(database_url)

    async def play():
        for events in conversation(3):
            await handle(st, "failed", events)
        tracker = await st.retrieve("failed")
        for event in turn_events(99):
            tracker.update(event)  # the turn fails here: never saved
        return await st.retrieve("failed"), await cold_read(database_url, "failed")

    again, cold = asyncio.run(play())
    assert state(again) == state(cold)
    assert "Réponse 99" not in str(state(again)["events"])
    st.engine.dispose()


def test_a_new_session_is_read_like_rasa_does(database_url):
    from rasa.core.tracker_store import SQLTrackerStore

    ours, theirs = store(database_url), store(database_url, SQLTrackerStore)
    turns = conversation(3) + [session_start(), turn_events(7)]

    async def play():
        for events in turns:
            await handle(ours, "two", events)
            await handle(theirs, "two-rasa", events)
        return await ours.retrieve("two"), await theirs.retrieve("two-rasa")

    got, expected = (state(t) for t in asyncio.run(play()))
    got["sender_id"] = expected["sender_id"]
    assert got == expected and len(expected["events"]) == 2 + 6
    ours.engine.dispose()
    theirs.engine.dispose()


def test_the_cache_holds_at_most_its_size_and_events_go_to_the_broker_once(database_url, monkeypatch):
    monkeypatch.setenv("CAPNUM_TRACKER_CACHE", "5")

    class Broker:
        def __init__(self):
            self.published = []

        def publish(self, event):
            self.published.append(event)

    broker = Broker()
    st = store(database_url, event_broker=broker)

    async def play():
        for n in range(12):
            for events in conversation(2):
                await handle(st, f"s{n}", events)

    asyncio.run(play())
    assert len(st.cache) <= 5
    stored = rows(database_url, "s3")
    published = [e for e in broker.published if e["sender_id"] == "s3"]
    assert [e["event"] for e in published] == [ts.json.loads(r[4])["event"] for r in stored]
    st.engine.dispose()
