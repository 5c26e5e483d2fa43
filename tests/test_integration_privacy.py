"""Privacy through the real Rasa server and action server: recap code, erasure, logs."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, text

from bot.recap import lookup_recap, sender_key
from tests.servers import TOKEN, running_assistant

PHONE = "06 12 34 56 78"
PHONE_MESSAGE = f"vous pouvez m'appeler au {PHONE}"

pytestmark = pytest.mark.integration

SECRET = "integration-secret"
AGE_WORDS = "j'ai trente-sept ans"
TOWN = "Montreuil"
ANSWERS = {
    "age": AGE_WORDS,
    "departement": f"j'habite à {TOWN}",
    "situation": "je suis au chômage depuis longtemps",
    "niveau": "j'ai le bac",
    "domaine": "je voudrais travailler dans la vente",
    "heures_semaine": "vingt heures par semaine",
    "equipement": "j'ai un ordinateur portable à la maison",
    "creneau": "peu importe",
    "modalite": "peu importe",
    "certification": "peu importe",
    "handicap": "je préfère ne pas répondre",
}


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("privacy")


@pytest.fixture(scope="module")
def assistant(work_dir):
    with running_assistant(work_dir, {"CAPNUM_SECRET": SECRET}) as running:
        yield running


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPNUM_SECRET", SECRET)


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def buttons(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def sql(url, query, **params):
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query), params).all()
    finally:
        engine.dispose()


def converse_to_recommendations(assistant, sender):
    messages = assistant.say(sender, "bonjour")
    for _ in range(12):
        asked = assistant.slots(sender)["requested_slot"]
        if asked is None:
            break
        messages = assistant.say(sender, ANSWERS[asked])
    return messages


def test_recap_code_then_erasure_leaves_nothing_about_the_sender(assistant, work_dir):
    tracker_url = f"sqlite:///{work_dir / 'conversations.db'}"
    product_url = f"sqlite:///{work_dir / 'catalogue.db'}"
    sender, other = "privacy-erase", "privacy-other"

    results = converse_to_recommendations(assistant, sender)
    assert "/request_recap" in buttons(results), texts(results)
    reply = assistant.say(sender, "/request_recap")
    match = re.search(r"\b([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})\b", texts(reply))
    assert match and "30 jours" in texts(reply), texts(reply)
    code = match.group(1)
    handoff = assistant.say(sender, "je veux parler à un conseiller")
    assert "France Travail" in texts(handoff) and "(exemple fictif)" in texts(handoff)
    assert "francetravail.fr" in texts(handoff) and "/request_recap" in buttons(handoff)
    assistant.say(other, "bonjour, j'ai 30 ans")
    assert re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", texts(assistant.say(other, "je veux un code pour mon conseiller")))

    from bot.catalogue.db import dispose_engine, open_session

    with open_session(product_url) as session:
        recap = lookup_recap(session, code.lower(), client_key="test")
        assert recap is not None
        assert recap.profile["age"] == 37 and recap.profile["commune"] == TOWN
        assert recap.course_ids
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender)[0][0] > 10
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(sender))[0][0] == 1

    erased = assistant.say(sender, "effacez tout ce que je vous ai dit s'il vous plaît")
    assert "effacé" in texts(erased)

    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender) == [(0,)]
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE data LIKE :t", t=f"%{TOWN}%") == [(0,)]
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(sender)) == [(0,)]
    # The other person's conversation and recap are untouched.
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=other)[0][0] > 0
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(other)) == [(1,)]
    # No other table of the product database holds anything about the sender.
    for (table,) in sql(product_url, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table in ("organisme", "formation", "action", "session", "directory_place"):
            continue  # the catalogue and the directory: public data
        dump = repr(sql(product_url, f'SELECT * FROM "{table}"'))
        assert sender not in dump and TOWN not in dump, table
    with open_session(product_url) as session:
        assert lookup_recap(session, code, client_key="test") is None
    dispose_engine(product_url)
    # Rasa itself starts from nothing (last: reading the tracker stores a new, empty session).
    assert assistant.slots(sender)["commune"] is None


def test_the_logs_of_a_whole_conversation_hold_no_message_text_age_or_commune(assistant, work_dir):
    sender = "privacy-logs"
    results = converse_to_recommendations(assistant, sender)
    assert any(isinstance(m.get("custom"), dict) for m in results), texts(results)
    assistant.say(sender, "/request_recap")
    assistant.say(sender, "c'est quoi le CPF exactement ?")
    assistant.say(sender, "je veux parler à un conseiller")
    assistant.say(sender, PHONE_MESSAGE)
    logs = "\n".join(p.read_text(errors="replace") for p in sorted((work_dir / "logs").glob("*.log")))
    # Secrets never in a log line: the HTTP API token every tracker read above carried.
    assert TOKEN not in logs
    assert PHONE not in logs and PHONE.replace(" ", "") not in logs
    assert "Registered function for" in logs or "Starting Rasa server" in logs or logs  # the servers did log
    for said in list(ANSWERS.values()) + ["c'est quoi le CPF exactement ?", "je veux parler à un conseiller"]:
        assert said not in logs, said
    assert TOWN.lower() not in logs.lower()
    assert "trente-sept" not in logs
    without_times = re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}([.,]\d+)?", "", logs)
    assert not re.search(r"(?<![\d.:])37(\.0)?(?![\d])", without_times), \
        [line for line in without_times.splitlines() if re.search(r"(?<![\d.:])37(\.0)?(?![\d])", line)][:5]
