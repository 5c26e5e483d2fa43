"""Messaging webhooks, on the real channel code in a real server: a replayed delivery
(Telegram update_id, Messenger mid, Twilio MessageSid) is acknowledged and not handled again;
a Telegram text of 4,096 characters hits the 2,000-character cap; a flood from one sender is
cut (one short French answer) while another sender is served; ids are prefixed per channel;
the Telegram token never reaches the log when the platform's API fails."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from bot.core import config
from bot.core.replies import TOO_LONG_REPLY
from bot.core.webhook_security import messenger_signature, twilio_signature
from bot.services.ratelimit import TOO_MANY
from tests.servers import free_port
from tests.test_integration_messaging import PlatformStub, post

PUBLIC_URL = "https://capnum.example.fr"
SECRETS = {
    "TELEGRAM_TOKEN": "123456789:AAH-secret-telegram-token_xyz", "TELEGRAM_SECRET_TOKEN": "tg-secret_42",
    "MESSENGER_PAGE_TOKEN": "page-token-secret", "MESSENGER_APP_SECRET": "fb-app-secret",
    "MESSENGER_VERIFY_TOKEN": "fb-verify", "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "twilio-token-secret", "TWILIO_WHATSAPP_NUMBER": "+14155238886", "PUBLIC_URL": PUBLIC_URL,
}


@pytest.fixture(scope="module")
def channels(tmp_path_factory):
    work = tmp_path_factory.mktemp("channels")
    stub = PlatformStub().start()
    port = free_port()
    env = {**os.environ, **SECRETS, "PYTHONPATH": str(config.PROJECT_ROOT), "CAPNUM_VAR_DIR": str(work),
           "TELEGRAM_API_URL": stub.url("telegram"), "MESSENGER_API_URL": stub.url("messenger"),
           "TWILIO_API_URL": stub.url("twilio"), "CAPNUM_MESSAGING_LIMIT": "10/60"}
    env.pop("REDIS_URL", None)
    log = open(work / "channels.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "tests.security.channel_server", str(port),
                                str(work / "turns.db")], cwd=config.PROJECT_ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/webhooks/telegram/", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        raise AssertionError((work / "channels.log").read_text())

    class Channels:
        url, platform, log_path = base, stub, work / "channels.log"

        @staticmethod
        def turns(sender=None):
            with sqlite3.connect(work / "turns.db") as db:
                rows = db.execute("SELECT sender, text FROM turns").fetchall()
            return [r for r in rows if sender is None or r[0] == sender]

    yield Channels
    process.terminate()
    process.wait(30)
    stub.stop()


def telegram(channels, update_id: int, chat_id: int, text: str):
    update = {"update_id": update_id, "message": {"message_id": 1, "date": 0, "text": text,
                                                  "chat": {"id": chat_id, "type": "private"},
                                                  "from": {"id": chat_id, "is_bot": False, "first_name": "A"}}}
    return post(channels.url + "/webhooks/telegram/webhook", json.dumps(update).encode(),
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS["TELEGRAM_SECRET_TOKEN"]})


def messenger(channels, mid: str, psid: str, text: str):
    body = {"object": "page", "entry": [{"id": "1", "time": 0, "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "1"}, "timestamp": 0, "message": {"mid": mid, "text": text}}]}]}
    raw = json.dumps(body).encode()
    return post(channels.url + "/webhooks/messenger/webhook", raw,
                {"Content-Type": "application/json",
                 "X-Hub-Signature-256": messenger_signature(SECRETS["MESSENGER_APP_SECRET"], raw)})


def whatsapp(channels, sid: str, number: str, text: str):
    fields = [("MessageSid", sid), ("From", f"whatsapp:{number}"), ("To", "whatsapp:+14155238886"), ("Body", text)]
    path = "/webhooks/whatsapp/webhook"
    return post(channels.url + path, urllib.parse.urlencode(fields).encode(),
                {"Content-Type": "application/x-www-form-urlencoded",
                 "X-Twilio-Signature": twilio_signature(SECRETS["TWILIO_AUTH_TOKEN"], PUBLIC_URL + path, fields)})


def test_a_replayed_delivery_is_acknowledged_and_not_handled_again(channels):
    for _ in range(3):
        assert telegram(channels, 700001, 4242424242, "j'ai 21 ans")[0] == 200
        assert messenger(channels, "m_replayed", "1412611362105802", "bonjour")[0] == 200
        assert whatsapp(channels, "SM" + "1" * 32, "+33612345678", "bonjour")[0] == 200
    assert channels.turns("telegram:4242424242") == [("telegram:4242424242", "j'ai 21 ans")]
    assert channels.turns("messenger:1412611362105802") == [("messenger:1412611362105802", "bonjour")]
    assert channels.turns("whatsapp:+33612345678") == [("whatsapp:+33612345678", "bonjour")]
    # A new delivery of the same text is a new turn.
    assert telegram(channels, 700002, 4242424242, "j'ai 21 ans")[0] == 200
    assert len(channels.turns("telegram:4242424242")) == 2


def test_ids_are_prefixed_per_channel_so_namespaces_never_meet(channels):
    senders = {sender for sender, _ in channels.turns()}
    assert senders and all(s.split(":", 1)[0] in ("telegram", "messenger", "whatsapp") for s in senders)


def test_a_telegram_text_of_4096_characters_hits_the_2000_cap(channels):
    channels.platform.take()
    text = ("je cherche une formation " * 200)[:4096]
    started = time.monotonic()
    assert telegram(channels, 700100, 515151, text)[0] == 200
    assert time.monotonic() - started < 2
    assert channels.turns("telegram:515151") == []  # never reached the bot
    sent = [c["json"]["text"] for c in channels.platform.take() if "json" in c]
    assert sent == [TOO_LONG_REPLY]
    # Control characters are cleaned like on the web chat.
    assert telegram(channels, 700101, 515151, "bon\x00jour\x07")[0] == 200
    assert channels.turns("telegram:515151") == [("telegram:515151", "bon jour")]


def test_a_flood_from_one_sender_is_cut_while_another_is_served(channels):
    channels.platform.take()
    for i in range(40):
        assert telegram(channels, 710000 + i, 999001, f"message {i}")[0] == 200
    assert telegram(channels, 720000, 999002, "bonjour")[0] == 200
    assert len(channels.turns("telegram:999001")) == 10  # CAPNUM_MESSAGING_LIMIT=10/60
    assert channels.turns("telegram:999002") == [("telegram:999002", "bonjour")]
    sent = [(c["json"]["chat_id"], c["json"]["text"]) for c in channels.platform.take() if "json" in c]
    assert sent.count((999001, TOO_MANY)) == 1  # told once, not 30 times
    assert (999002, "D'accord.") in sent


def test_the_telegram_token_never_reaches_the_log(channels):
    channels.platform.stop()  # the platform's API is down: the channel logs the failure
    try:
        telegram(channels, 730000, 888001, "bonjour")
        time.sleep(0.5)
        log = channels.log_path.read_text(errors="replace")
        assert "Messaging API" in log
        for secret in ("AAH-secret-telegram-token_xyz", SECRETS["TELEGRAM_SECRET_TOKEN"], "page-token-secret",
                       "twilio-token-secret", "fb-app-secret"):
            assert secret not in log
        assert "/bot[masqué]/sendMessage" in log
    finally:
        channels.platform.__init__()
        channels.platform.start()
