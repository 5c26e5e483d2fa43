"""Production topology on loopback: 2 Rasa servers + 2 action servers sharing a PostgreSQL
tracker store and a Redis lock store (the session's `postgres_cluster`, tests/conftest.py). The
load tool (bot.tools.loadtest) runs 200 concurrent conversations (people pausing between
messages, as in real use), each message sent to the next server in turn (round-robin), so that
both servers serve every conversation. Then, read straight from PostgreSQL: no user message lost or
duplicated, and each sender's messages stored in the order they were sent."""
from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest

from bot.tools.loadtest import run_once
from tests.cluster import REDIS_URL, TOKEN

pytestmark = pytest.mark.integration

CONVERSATIONS = 200
# People read and type between messages: 200 conversations at once, each waiting about this
# many seconds before its next message, offer about 18 messages per second to the two servers
# (while the other test worker keeps a core busy).
THINK_TIME_S = 10.0


@pytest.fixture(scope="module")
def cluster(postgres_cluster):
    if not postgres_cluster.redis:
        pytest.skip(f"Redis indisponible ({REDIS_URL}) : installez redis-server (.ci/run le fait)")
    return postgres_cluster


def stored_user_messages(url: str, senders: set[str]) -> dict[str, list[str]]:
    import json

    import psycopg2

    conn = psycopg2.connect(url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
        stored: dict[str, list[str]] = defaultdict(list)
        for sender, data in cur.fetchall():
            if sender in senders:
                stored[sender].append(json.loads(data)["text"])
        return stored
    finally:
        conn.close()


def test_200_concurrent_conversations_across_two_servers(cluster):
    summary = asyncio.run(run_once(cluster.urls, "capnum", "closed", concurrency=CONVERSATIONS,
                                   conversations=CONVERSATIONS, routing="round-robin", token=TOKEN,
                                   verify=True, prefix="scale", think_time=THINK_TIME_S))
    senders = summary.pop("senders")
    print("load:", summary)
    assert summary["conversations_started"] == CONVERSATIONS
    assert summary["errors"] == 0, (summary["errors_by_kind"], cluster.logs())
    assert summary["conversations_done"] == CONVERSATIONS, "every conversation reaches recommendations"
    assert (summary["lost"], summary["duplicated"], summary["out_of_order_senders"]) == (0, 0, 0), summary

    stored = stored_user_messages(cluster.tracker_db, set(senders))
    assert set(stored) == set(senders)
    for sender, sent in senders.items():
        # Nothing lost, nothing duplicated, same order: the stored sequence is the sent one.
        assert stored[sender] == sent, (sender, sent, stored[sender])
