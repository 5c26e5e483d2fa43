"""Privacy through the real Rasa server, action server and web gateway: recap code, erasure
(every copy: tracker store, recaps, analytics, the event broker and its consumers), logs.

The module's servers run with the messaging channels on (Telegram, WhatsApp through Twilio,
their APIs a loopback stub), an action server secret, and, when RabbitMQ answers on
127.0.0.1:5672 (CAPNUM_TEST_RABBITMQ_URL), the event broker with the reference consumer
(bot.tools.broker_consumer) on a queue of this run."""
from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time

import pytest
from aiohttp import web
from sqlalchemy import create_engine, text

from bot.core import config
from bot.services.recap import lookup_recap, sender_key
from tests.servers import PATIENT_ACTION_CALLS, TOKEN, free_port, running_assistant
from tests.test_integration_messaging import (
    PUBLIC_URL, PlatformStub, Telegram, WhatsApp, drive_to_recommendations, keyboard, sent_texts, stub_fixture,
)

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

# The secrets of this run: each must never appear in any server's log.
ACTION_TOKEN = "privacy-action-secret-4f9c2a7e1b"
CHANNELS = {
    "TELEGRAM_TOKEN": "7345123409:AAF-privacy-telegram-bot-token_Zq", "TELEGRAM_SECRET_TOKEN": "tg-privacy-secret_8812",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000", "TWILIO_AUTH_TOKEN": "twilio-privacy-auth-token-77",
    "TWILIO_WHATSAPP_NUMBER": "+14155238886", "PUBLIC_URL": PUBLIC_URL,
}
ADVISER = "camille.conseil@mission-locale.fr"
ADVISER_PASSWORD = "Velours-corail-2187!"
WRONG_PASSWORD = "Mauvais-essai-9931?"
# What the people wrote about themselves on the messaging channels.
CONTACT_PHONE = "07 81 22 45 96"
CONTACT_EMAIL = "lea.martin.93@exemple-mail.fr"
CONTACT_MESSAGE = f"mon numéro c'est le {CONTACT_PHONE} et mon mail {CONTACT_EMAIL}"
TELEGRAM_CHAT = 6022418837
WHATSAPP_NUMBER = "+33698765432"

RABBITMQ_URL = os.environ.get("CAPNUM_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672")
ERASURE_EVENT = "capnum_conversation_erased"
RASA_EXCHANGE = "rasa-exchange"


class EchoingPlatform(PlatformStub):
    """The platforms' APIs; with `failing` set, each call is refused with an error that echoes
    the request (as Twilio's does with the number, Telegram's with the text)."""

    failing = False

    async def _record(self, request):
        if not self.failing:
            return await super()._record(request)
        raw = await request.read()
        self.calls.append({"path": request.path, "failed": True})
        return web.json_response({"ok": False, "error_code": 400,
                                  "description": f"Bad Request: {raw.decode(errors='replace')}"}, status=400)


class BrokerObserver:
    """Every message of the product's exchange, from a queue of its own (exclusive, removed
    at the end), in a background event loop."""

    def __init__(self, url: str):
        self.url = url
        self.messages: list[dict] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import aio_pika

        from bot.core.config import amqp_settings

        asyncio.set_event_loop(self._loop)

        async def setup():
            self._connection = await aio_pika.connect_robust(**amqp_settings(self.url))
            channel = await self._connection.channel()
            exchange = await channel.declare_exchange(RASA_EXCHANGE, type=aio_pika.ExchangeType.FANOUT)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.bind(exchange, "")

            async def on_message(message):
                async with message.process():
                    self.messages.append({"raw": message.body.decode("utf-8"), "body": json.loads(message.body),
                                          "headers": dict(message.headers or {}), "app_id": message.app_id})
            await queue.consume(on_message)

        self._loop.run_until_complete(setup())
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> "BrokerObserver":
        self._thread.start()
        if not self._ready.wait(30):
            raise AssertionError("RabbitMQ observer did not start")
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._connection.close(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)

    def of(self, sender: str) -> list[dict]:
        return [m for m in list(self.messages) if m["body"].get("sender_id") == sender]


def rabbitmq_reason() -> str | None:
    """None when RabbitMQ answers, else why not."""
    from bot.core.config import amqp_settings

    settings = amqp_settings(RABBITMQ_URL)
    try:
        socket.create_connection((settings["host"], settings["port"]), timeout=3).close()
    except OSError as exc:
        return f"RabbitMQ indisponible sur {settings['host']}:{settings['port']} ({exc.strerror or exc})"
    return None


def delete_queue(name: str) -> None:
    import aio_pika

    from bot.core.config import amqp_settings

    async def delete():
        connection = await aio_pika.connect_robust(**amqp_settings(RABBITMQ_URL))
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
    asyncio.run(delete())


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("privacy")


stub = stub_fixture(EchoingPlatform)


@pytest.fixture(scope="module")
def broker():
    """(queue name, observer) of this run's broker, or None when RabbitMQ is missing."""
    if rabbitmq_reason():
        yield None
        return
    queue = f"capnum_test_privacy_{secrets.token_hex(4)}"
    observer = BrokerObserver(RABBITMQ_URL).start()
    try:
        yield queue, observer
    finally:
        observer.stop()
        delete_queue(queue)


@pytest.fixture(scope="module")
def assistant(work_dir, stub, broker):
    env = {"CAPNUM_SECRET": SECRET, "CAPNUM_ACTION_TOKEN": ACTION_TOKEN, **PATIENT_ACTION_CALLS, **CHANNELS,
           "TELEGRAM_API_URL": stub.url("telegram"), "TWILIO_API_URL": stub.url("twilio")}
    if broker is not None:
        env.update({"RABBITMQ_URL": RABBITMQ_URL, "RABBITMQ_QUEUE": broker[0]})
    with running_assistant(work_dir, env) as running:
        yield running


def server_env(work_dir, **extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT), "CAPNUM_VAR_DIR": str(work_dir),
           "DATABASE_URL": f"sqlite:///{work_dir / 'catalogue.db'}", "CAPNUM_SECRET": SECRET,
           "PYTHONUNBUFFERED": "1", **extra}
    for name in ("GATEWAY_TRUSTED_PROXIES", "GATEWAY_TRUST_PROXY", "REDIS_URL"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def gateway(assistant, work_dir):
    """The real web gateway (python -m bot.gateway), its log beside the other servers'."""
    from bot.tools.serve import gateway_server, wait_until_healthy

    server = gateway_server(free_port(), assistant.url, work_dir / "logs")
    server.start(server_env(work_dir))
    try:
        problem = wait_until_healthy([server], timeout=120)
        assert problem is None, f"{problem}\n{server.log_path.read_text(errors='replace')[-3000:]}"
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def consumer(broker, assistant, work_dir):
    """The reference broker consumer (python -m bot.tools.broker_consumer) on this run's queue; yields
    a function counting its stored rows of a sender."""
    if broker is None:
        yield None
        return
    archive = f"sqlite:///{work_dir / 'broker_archive.db'}"
    log_path = work_dir / "logs" / "broker_consumer.log"
    log = open(log_path, "ab")
    process = subprocess.Popen([sys.executable, "-m", "bot.tools.broker_consumer", "--queue", broker[0]],
                               cwd=config.PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                               env=server_env(work_dir, RABBITMQ_URL=RABBITMQ_URL, BROKER_ARCHIVE_URL=archive))
    try:
        assert wait_for(lambda: "Broker consumer ready" in log_path.read_text(errors="replace")
                        or process.poll() is not None, 60)
        assert process.poll() is None, log_path.read_text(errors="replace")

        def count(sender: str) -> int:
            return sql(archive, "SELECT COUNT(*) FROM broker_event WHERE sender_id = :s", s=sender)[0][0]
        yield count
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPNUM_SECRET", SECRET)


def wait_for(predicate, timeout: float = 30, step: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


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

    from bot.services.catalogue.db import database_session, dispose_engine

    with database_session(product_url) as session:
        recap = lookup_recap(session, code.lower(), client_key="test")
        assert recap is not None
        assert recap.profile["age"] == 37 and recap.profile["commune"] == TOWN
        assert recap.course_ids
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender)[0][0] > 10
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(sender))[0][0] == 1
    assert analytics_rows(product_url, sender) > 0

    erased = assistant.say(sender, "effacez tout ce que je vous ai dit s'il vous plaît")
    assert "effacé" in texts(erased)

    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender) == [(0,)]
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE data LIKE :t", t=f"%{TOWN}%") == [(0,)]
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(sender)) == [(0,)]
    assert analytics_rows(product_url, sender) == 0
    # The other person's conversation and recap are untouched.
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=other)[0][0] > 0
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(other)) == [(1,)]
    # No other table of the product database holds anything about the sender.
    for (table,) in sql(product_url, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table in ("organisme", "formation", "action", "session", "directory_place"):
            continue  # the catalogue and the directory: public data
        dump = repr(sql(product_url, f'SELECT * FROM "{table}"'))
        assert sender not in dump and TOWN not in dump, table
    with database_session(product_url) as session:
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
    # The servers did log (an empty log would pass every "not in logs" below).
    for name in ("rasa.log", "actions.log"):
        assert (work_dir / "logs" / name).stat().st_size > 0, name
    for said in list(ANSWERS.values()) + ["c'est quoi le CPF exactement ?", "je veux parler à un conseiller"]:
        assert said not in logs, said
    assert TOWN.lower() not in logs.lower()
    assert "trente-sept" not in logs
    without_times = re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}([.,]\d+)?", "", logs)
    assert not re.search(r"(?<![\d.:])37(\.0)?(?![\d])", without_times), \
        [line for line in without_times.splitlines() if re.search(r"(?<![\d.:])37(\.0)?(?![\d])", line)][:5]


def analytics_rows(product_url: str, sender: str) -> int:
    from bot.services.analytics import contributor_of

    return sql(product_url, "SELECT COUNT(*) FROM analytics_event WHERE contributor = :c", c=contributor_of(sender))[0][0]


def test_erasure_reaches_every_copy_and_its_broker_event_carries_only_the_sender_id(assistant, broker, consumer,
                                                                                     work_dir):
    """"supprimer mes données" (bot/services/privacy.py, capnum_rasa.tracker_store): the tracker store,
    the recaps, the raw analytics events, and the broker's consumers, told by one event on the
    product's exchange that carries the sender id, the event name and a time, nothing else."""
    if broker is None:
        pytest.skip(rabbitmq_reason())
    queue, observer = broker
    tracker_url = f"sqlite:///{work_dir / 'conversations.db'}"
    product_url = f"sqlite:///{work_dir / 'catalogue.db'}"
    sender, other = f"privacy-broker-{secrets.token_hex(3)}", f"privacy-broker-other-{secrets.token_hex(3)}"

    contact = "mon numéro perso c'est le 06 55 44 33 22"  # said by this person only
    converse_to_recommendations(assistant, sender)
    assert re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", texts(assistant.say(sender, "/request_recap")))
    assistant.say(sender, contact)
    assistant.say(other, "bonjour, j'ai 30 ans")

    # Before: every copy holds the person.
    assert wait_for(lambda: consumer(sender) > 0 and consumer(other) > 0, 30), "the consumer got the conversation"
    published_texts = [m["body"].get("text") for m in observer.of(sender) if m["body"].get("event") == "user"]
    assert AGE_WORDS in published_texts and contact in published_texts  # what a consumer holds
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender)[0][0] > 10
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(sender)) == [(1,)]
    assert analytics_rows(product_url, sender) > 0
    archived_before = consumer(sender)

    erased = assistant.say(sender, "supprimer mes données")
    assert "effacé" in texts(erased), texts(erased)

    # The event arrives on the exchange the product uses, once, after everything it erases.
    assert wait_for(lambda: any(m["body"].get("event") == ERASURE_EVENT for m in observer.of(sender)), 30), \
        [m["body"].get("event") for m in observer.of(sender)][-5:]
    time.sleep(1)  # anything published after it would show now
    messages = observer.of(sender)
    erasures = [m for m in messages if m["body"].get("event") == ERASURE_EVENT]
    assert len(erasures) == 1 and messages[-1] is erasures[0], [m["body"].get("event") for m in messages][-5:]
    event = erasures[0]
    assert set(event["body"]) == {"sender_id", "event", "timestamp"}, event["body"]
    assert event["body"]["sender_id"] == sender
    assert abs(event["body"]["timestamp"] - time.time()) < 120
    assert not event["headers"] and event["app_id"] in (None, "")
    # The timestamp's digits may hold "37" by chance: the rest of the raw message is searched.
    raw = re.sub(r'"timestamp":\s*[-+0-9.eE]+', '"timestamp": 0', event["raw"])
    assert raw != event["raw"]
    for personal in [TOWN, "trente-sept", "37", "06 55 44 33 22", "0655443322", "vente"] + list(ANSWERS.values()):
        assert personal not in raw, personal
    # The erasure turn itself (its text, the slots it reset) never reached the broker.
    assert not any(m["body"].get("text") == "supprimer mes données" for m in messages)
    # Nobody else's conversation was erased on the broker.
    assert not any(m["body"].get("event") == ERASURE_EVENT for m in observer.of(other))

    # After: every copy is gone, the other person's stays.
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender) == [(0,)]
    assert sql(product_url, "SELECT COUNT(*) FROM recap WHERE sender_hash = :h", h=sender_key(sender)) == [(0,)]
    assert analytics_rows(product_url, sender) == 0
    assert wait_for(lambda: consumer(sender) == 0, 30), f"the consumer kept {consumer(sender)} of {archived_before}"
    assert consumer(other) > 0
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=other)[0][0] > 0
    assert analytics_rows(product_url, other) > 0

    def on_disk() -> bytes:  # the database and its WAL: erased rows are overwritten, not left behind
        return b"".join(p.read_bytes() for p in work_dir.glob("broker_archive.db*"))
    assert wait_for(lambda: sender.encode() not in on_disk() and contact.encode() not in on_disk(), 15)
    assert os.stat(work_dir / "broker_archive.db").st_mode & 0o077 == 0


def test_the_logs_of_a_whole_messaging_conversation_hold_no_secret_password_or_contact(assistant, stub, gateway,
                                                                                       work_dir):
    """Telegram and WhatsApp conversations through the webhooks, to the courses, a recap code and
    contact details the people wrote; an adviser signing in at the real gateway (a wrong password,
    then the right one) and opening the recap; the platforms' APIs failing with errors that echo
    the request. Then no log line of any server holds a secret, a password or a contact detail."""
    from bot.services.accounts import add_adviser
    from bot.services.catalogue.db import dispose_engine, ensure_schema, get_engine
    from tests.test_gateway import Browser

    product_url = f"sqlite:///{work_dir / 'catalogue.db'}"
    add_adviser(ensure_schema(get_engine(product_url)), ADVISER, ADVISER_PASSWORD)
    dispose_engine(product_url)

    # Telegram: the whole conversation, the buttons tapped, a recap code, contact details.
    telegram = Telegram(assistant, stub, TELEGRAM_CHAT, secret=CHANNELS["TELEGRAM_SECRET_TOKEN"])

    def say(text):
        status, calls = telegram.text(text)
        assert status == 200 and calls, text
        return calls

    def pick_niveau(calls):
        status, calls = telegram.tap(keyboard(calls[-1])[0]["callback_data"])
        assert status == 200
        return calls[1:]

    calls = drive_to_recommendations(assistant, f"telegram:{TELEGRAM_CHAT}", say, pick_niveau)
    assert "Détails et inscription : http" in "\n".join(sent_texts(calls))
    status, calls = telegram.tap("/request_recap")
    code = re.search(r"\b([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})\b", "\n".join(sent_texts(calls)))
    assert status == 200 and code, sent_texts(calls)
    code = code.group(1)
    say(CONTACT_MESSAGE)
    say("je veux parler à un conseiller")

    # WhatsApp: a conversation from the person's number, with the same kind of details.
    whatsapp = WhatsApp(assistant, stub, WHATSAPP_NUMBER, token=CHANNELS["TWILIO_AUTH_TOKEN"])
    for message in ("bonjour", "j'ai 24 ans", "j'habite à Bobigny", CONTACT_MESSAGE, f"écrivez-moi à {CONTACT_EMAIL}"):
        status, calls = whatsapp.text(message)
        assert status == 200 and calls, message

    # The platforms' APIs refuse, echoing what they were sent: the channels log the failure.
    stub.failing = True
    try:
        assert telegram.text(f"mon portable {CONTACT_PHONE}")[0] == 200
        assert whatsapp.text(f"mon mail {CONTACT_EMAIL}")[0] == 200
        assert wait_for(lambda: "Messaging API" in logs_of(work_dir), 15)
    finally:
        stub.failing = False

    # The adviser at the real gateway: a wrong password, the right one, the recap by its code.
    adviser = Browser(gateway)
    assert adviser.login(ADVISER, WRONG_PASSWORD)[0] == 401
    status, page = adviser.login(ADVISER, ADVISER_PASSWORD)
    assert status == 200 and "Ouvrir un récapitulatif" in page, page[:500]
    status, page = adviser.request("POST", "/conseiller/recap", {"csrf": adviser.csrf(page), "code": code})
    assert status == 200 and "Bobigny" in page, page[:800]
    # The web chat through the gateway, with the same details.
    from tests.gateway_server import post_json

    assert post_json(gateway + "/api/chat", {"message": CONTACT_MESSAGE})[0] == 200
    time.sleep(1)

    logs = logs_of(work_dir)
    names = sorted(p.name for p in (work_dir / "logs").glob("*.log"))
    assert {"gateway.log", "rasa.log", "actions.log"} <= set(names), names
    assert "Messaging API" in logs, "the failures were logged (with the secrets masked)"
    forbidden = {
        "Telegram bot token": CHANNELS["TELEGRAM_TOKEN"], "Telegram token's secret part": CHANNELS["TELEGRAM_TOKEN"].split(":")[1],
        "Telegram webhook secret": CHANNELS["TELEGRAM_SECRET_TOKEN"], "Twilio auth token": CHANNELS["TWILIO_AUTH_TOKEN"],
        "Rasa API token": TOKEN, "action server secret": ACTION_TOKEN, "server secret": SECRET,
        "adviser password": ADVISER_PASSWORD, "wrong password": WRONG_PASSWORD, "recap code": code,
        "recap code (plain)": code.replace("-", ""),
        "phone written": CONTACT_PHONE, "phone written (digits)": CONTACT_PHONE.replace(" ", ""),
        "phone written (+33)": "+33" + CONTACT_PHONE.replace(" ", "")[1:],
        "e-mail written": CONTACT_EMAIL, "e-mail (local part)": CONTACT_EMAIL.split("@")[0],
        "WhatsApp number": WHATSAPP_NUMBER.lstrip("+"),
        "WhatsApp number (national)": "0" + WHATSAPP_NUMBER[3:],
        "Telegram chat id": str(TELEGRAM_CHAT),
        "Twilio basic auth": __import__("base64").b64encode(
            f"{CHANNELS['TWILIO_ACCOUNT_SID']}:{CHANNELS['TWILIO_AUTH_TOKEN']}".encode()).decode(),
    }
    leaks = {what: [line for line in logs.splitlines() if value in line][:3]
             for what, value in forbidden.items() if value in logs}
    assert not leaks, leaks


def logs_of(work_dir) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted((work_dir / "logs").glob("*.log")))


def test_an_operators_erasure_tells_the_broker_consumers_too(assistant, broker, consumer, work_dir):
    """`python -m bot.tools.privacy erase SENDER_ID` (the operator's way): the same event on the
    product's exchange, and the consumer's copy goes with the tracker store's."""
    if broker is None:
        pytest.skip(rabbitmq_reason())
    queue, observer = broker
    tracker_url = f"sqlite:///{work_dir / 'conversations.db'}"
    sender = f"privacy-operator-{secrets.token_hex(3)}"
    assistant.say(sender, "bonjour")
    assistant.say(sender, AGE_WORDS)
    assert wait_for(lambda: consumer(sender) > 0, 30)
    done = subprocess.run([sys.executable, "-m", "bot.tools.privacy", "erase", sender, "--tracker-db-url", tracker_url],
                          cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          env=server_env(work_dir, RABBITMQ_URL=RABBITMQ_URL, RABBITMQ_QUEUE=queue))
    assert done.returncode == 0, done.stderr
    assert "RabbitMQ sont prévenus" in done.stdout
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender) == [(0,)]
    assert wait_for(lambda: any(m["body"].get("event") == ERASURE_EVENT for m in observer.of(sender)), 30)
    (event,) = [m for m in observer.of(sender) if m["body"].get("event") == ERASURE_EVENT]
    assert set(event["body"]) == {"sender_id", "event", "timestamp"} and event["body"]["sender_id"] == sender
    assert wait_for(lambda: consumer(sender) == 0, 30)
    # RabbitMQ down: the erasure is done, and the operator is told the consumers were not.
    other = f"privacy-operator-{secrets.token_hex(3)}"
    assistant.say(other, "bonjour")
    done = subprocess.run([sys.executable, "-m", "bot.tools.privacy", "erase", other, "--tracker-db-url", tracker_url],
                          cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          env=server_env(work_dir, RABBITMQ_URL=f"amqp://guest:guest@127.0.0.1:{free_port()}"))
    assert done.returncode == 1 and "RabbitMQ injoignable" in done.stderr and "Traceback" not in done.stderr
    assert sql(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=other) == [(0,)]
