"""Privacy (bot/services/privacy.py): purge of old conversations, erasure of one person, the notice."""
from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from bot.core.config import tracker_db_url
from bot.services.catalogue.db import database_session, dispose_engine
from bot.services.people import Recap
from bot.services.privacy import erase_person, notice_html, parse_duration, purge
from bot.services.recap import create_recap, sender_key
from bot.tools.endpoints import tracker_store_settings
from bot.tools.privacy import main
from tests.plain_french import problems

DAY = 86400.0


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPNUM_SECRET", "test-secret")


def save_conversation(url: str, sender: str, last_message_at: float, started_at: float | None = None) -> None:
    """A conversation stored by Rasa's own SQL tracker store, its events ending at last_message_at."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    settings = tracker_store_settings(url)
    settings.pop("type")
    store = SQLTrackerStore(Domain.empty(), **settings)
    events = [
        ActionExecuted("action_listen", timestamp=started_at or last_message_at - 120),
        UserUttered("bonjour", {"name": "greet", "confidence": 1.0}, timestamp=last_message_at - 60),
        BotUttered("Bonjour !", timestamp=last_message_at - 59),
        UserUttered("j'ai 30 ans", {"name": "inform", "confidence": 1.0}, timestamp=last_message_at),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()


def senders(url: str) -> dict[str, int]:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id")).all()
    engine.dispose()
    return dict(rows)


@pytest.mark.parametrize("value, expected", [
    ("90d", dt.timedelta(days=90)), ("12h", dt.timedelta(hours=12)), ("30m", dt.timedelta(minutes=30)),
    (" 7D ", dt.timedelta(days=7)),
])
def test_durations(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "90", "d", "0d", "-3d", "3 semaines", "1.5d"])
def test_bad_durations_are_refused_in_french(value):
    with pytest.raises(ValueError, match="durée"):
        parse_duration(value)


def test_the_purge_removes_only_old_conversations_and_expired_recaps(database_url):
    now = time.time()
    save_conversation(database_url, "old-1", now - 100 * DAY)
    save_conversation(database_url, "old-2", now - 91 * DAY)
    save_conversation(database_url, "recent", now - 89 * DAY)
    save_conversation(database_url, "today", now - 60)
    # A conversation that started long ago but went on recently is kept whole.
    save_conversation(database_url, "long", now - 1 * DAY, started_at=now - 200 * DAY)
    before = senders(database_url)
    assert set(before) == {"old-1", "old-2", "recent", "today", "long"}
    utc_now = dt.datetime.fromtimestamp(now, dt.timezone.utc)
    with database_session(database_url) as session:
        create_recap(session, "old-1", {"age": 30.0}, [], now=utc_now - dt.timedelta(days=31))
        kept_code = create_recap(session, "recent", {"age": 30.0}, [], now=utc_now - dt.timedelta(days=29))

    dry = purge(parse_duration("90d"), tracker_db_url=database_url, database_url=database_url, dry_run=True, now=now)
    assert (dry.conversations, dry.events, dry.recaps) == (2, before["old-1"] + before["old-2"], 1)
    assert senders(database_url) == before

    report = purge(parse_duration("90d"), tracker_db_url=database_url, database_url=database_url, now=now)
    assert (report.conversations, report.recaps) == (2, 1)
    after = senders(database_url)
    assert set(after) == {"recent", "today", "long"}
    assert after == {k: v for k, v in before.items() if k in after}
    with database_session(database_url) as session:
        hashes = session.execute(select(Recap.sender_hash)).scalars().all()
    assert hashes == [sender_key("recent")] and kept_code
    dispose_engine(database_url)


def test_the_purge_command_prints_french_counts(tmp_path, capsys):
    tracker = f"sqlite:///{tmp_path / 'conversations.db'}"
    product = f"sqlite:///{tmp_path / 'catalogue.db'}"
    save_conversation(tracker, "old", time.time() - 100 * DAY)
    save_conversation(tracker, "new", time.time())
    assert main(["purge", "--older-than", "90d", "--dry-run", "--tracker-db-url", tracker,
                 "--database-url", product]) == 0
    assert "conversations à effacer (simulation, rien n'est effacé) : 1" in capsys.readouterr().out
    assert set(senders(tracker)) == {"old", "new"}
    assert main(["purge", "--older-than", "90d", "--tracker-db-url", tracker, "--database-url", product]) == 0
    out = capsys.readouterr().out
    assert "conversations effacées : 1" in out and "codes récapitulatifs expirés effacés : 0" in out
    assert set(senders(tracker)) == {"new"}
    assert main(["purge", "--older-than", "3 mois", "--tracker-db-url", tracker, "--database-url", product]) == 2
    assert "durée" in capsys.readouterr().err
    dispose_engine(product)


def test_the_purge_works_before_any_conversation(tmp_path):
    report = purge(parse_duration("90d"), tracker_db_url=f"sqlite:///{tmp_path / 'none.db'}",
                   database_url=f"sqlite:///{tmp_path / 'catalogue.db'}")
    assert (report.conversations, report.events, report.recaps) == (0, 0, 0)
    dispose_engine(f"sqlite:///{tmp_path / 'catalogue.db'}")


def test_erasing_a_person_removes_their_recaps_and_conversation_only(database_url):
    save_conversation(database_url, "alice", time.time())
    save_conversation(database_url, "bob", time.time())
    with database_session(database_url) as session:
        create_recap(session, "alice", {"age": 30.0}, ["A"])
        create_recap(session, "alice", {"age": 30.0}, ["B"])
        create_recap(session, "bob", {"age": 40.0}, ["C"])
    report = erase_person("alice", database_url=database_url)
    assert (report.recaps, report.events) == (2, 0)  # in a conversation, the tracker store erases the events
    with database_session(database_url) as session:
        assert session.execute(select(Recap.sender_hash)).scalars().all() == [sender_key("bob")]
    report = erase_person("bob", database_url=database_url, tracker_db_url=database_url, erase_events=True)
    assert report.recaps == 1 and report.events > 0
    assert set(senders(database_url)) == {"alice"}
    with database_session(database_url) as session:
        assert session.execute(select(func.count()).select_from(Recap)).scalar_one() == 0
    dispose_engine(database_url)


def test_the_tracker_database_defaults_like_the_endpoints():
    assert tracker_db_url({"TRACKER_DB_URL": "postgresql://a@h/t", "DATABASE_URL": "postgresql://a@h/c"}) == \
        "postgresql://a@h/t"
    assert tracker_db_url({"DATABASE_URL": "postgres://a@h/c"}) == "postgresql://a@h/c"
    assert tracker_db_url({}).endswith("conversations.db")


def test_the_privacy_page_is_plain_french_and_complete():
    page = notice_html()
    assert page.lstrip().startswith("<!--") and "<h1>" in page
    blocks = [html.unescape(re.sub(r"<[^>]+>", "", b)).strip()
              for b in re.findall(r"<(?:p|li|h1|h2)>(.*?)</(?:p|li|h1|h2)>", page, flags=re.S)]
    assert len(blocks) > 15
    for block in blocks:
        assert problems(" ".join(block.split())) == [], block
    plain = " ".join(blocks)
    for needed in ("supprimer mes données", "90 jours", "30 jours", "CNIL", "conseiller", "handicap"):
        assert needed in plain


def test_the_short_notice_agrees_with_the_page():
    import yaml

    from bot.core.config import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    notice = domain["responses"]["utter_privacy_notice"][0]["text"]
    assert problems(notice) == []
    assert "supprimer mes données" in notice and "90 jours" in notice
