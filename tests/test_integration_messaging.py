"""Telegram, Messenger and WhatsApp (Twilio) through the real Rasa server and action server.

Each test posts the platform's real webhook payload shape (../shared/reference/webhooks/, with
our own sender and text) to the running Rasa server. The platforms' APIs are a stub on loopback
that records what the bot sends back. MESSAGING_MAX_CHARS lowers the split length to 300
characters so that the recommendations turn exercises splitting (the platform limits
themselves are covered by tests/test_messaging_render.py).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from aiohttp import web

from bot.core import config
from bot.core.webhook_security import messenger_signature, twilio_signature
from tests.servers import BOBIGNY_ANSWERS, running_assistant

pytestmark = pytest.mark.integration

WEBHOOKS = config.SHARED_DIR / "reference" / "webhooks"
MAX_CHARS = 300
PUBLIC_URL = "https://capnum.example.fr"  # what Twilio would call, behind a proxy
SECRETS = {
    "TELEGRAM_TOKEN": "123456:TEST-token", "TELEGRAM_SECRET_TOKEN": "tg-secret_42",
    "MESSENGER_PAGE_TOKEN": "page-token", "MESSENGER_APP_SECRET": "fb-app-secret", "MESSENGER_VERIFY_TOKEN": "fb-verify",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000", "TWILIO_AUTH_TOKEN": "twilio-token",
    "TWILIO_WHATSAPP_NUMBER": "+14155238886", "PUBLIC_URL": PUBLIC_URL,
}
ANSWERS = {**BOBIGNY_ANSWERS, "commune": "Bobigny"}  # niveau: a button (pick_niveau)


class PlatformStub:
    """The three platforms' APIs on one loopback port; records every call."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _record(self, request: web.Request) -> web.Response:
        raw = await request.read()
        call = {"path": request.path, "query": dict(request.query), "headers": dict(request.headers)}
        if request.content_type == "application/json":
            call["json"] = json.loads(raw)
        else:
            call["form"] = dict(urllib.parse.parse_qsl(raw.decode()))
        self.calls.append(call)
        if request.path.startswith("/twilio"):
            return web.json_response({"sid": f"SM{len(self.calls):032d}", "status": "queued"}, status=201)
        if request.path.startswith("/messenger"):
            return web.json_response({"recipient_id": "x", "message_id": f"m_{len(self.calls)}"})
        return web.json_response({"ok": True, "result": True})

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._record)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> "PlatformStub":
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.port}/{prefix}"

    def take(self) -> list[dict[str, Any]]:
        calls, self.calls = list(self.calls), []
        return calls


def stub_fixture(platform_class: type) -> Any:
    """A module fixture `stub`: a platform_class started on loopback, stopped at the end."""
    @pytest.fixture(scope="module", name="stub")
    def stub():
        platform = platform_class().start()
        yield platform
        platform.stop()
    return stub


def messaging_assistant(work_dir, stub: PlatformStub):
    """The assistant with the three channels on, their APIs being `stub`."""
    env = {**SECRETS, "TELEGRAM_API_URL": stub.url("telegram"), "MESSENGER_API_URL": stub.url("messenger"),
           "TWILIO_API_URL": stub.url("twilio"), "MESSAGING_MAX_CHARS": str(MAX_CHARS)}
    return running_assistant(work_dir, extra_env=env)


# One stub and one assistant for this module and the voice notes' (tests/conftest.py, MESSAGING_MODULES).
@pytest.fixture(scope="module")
def stub(messaging_stub):
    return messaging_stub


@pytest.fixture(scope="module")
def assistant(messaging_assistant):
    return messaging_assistant


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def reference(name: str) -> Any:
    return json.loads((WEBHOOKS / name).read_text(encoding="utf-8"))


def tracker(assistant, sender: str) -> dict:
    # Rasa's routes do not unquote path parameters: ":" and "+" (WhatsApp senders) go as they are.
    query = urllib.parse.urlencode({"token": assistant.token})
    return assistant.call("GET", f"/conversations/{urllib.parse.quote(sender, safe=':+')}/tracker?{query}")


def slots(assistant, sender: str) -> dict:
    return tracker(assistant, sender)["slots"]


def user_events(assistant, sender: str) -> list[dict]:
    return [e for e in tracker(assistant, sender)["events"] if e["event"] == "user"]


def drive_to_recommendations(assistant, sender: str, say, pick_niveau) -> list[dict]:
    """Answers the form (the diploma by tapping its button) until the courses are shown."""
    calls = say("Bonjour")
    for _ in range(12):
        asked = slots(assistant, sender)["requested_slot"]
        if asked is None:
            return calls
        calls = pick_niveau(calls) if asked == "niveau" else say(ANSWERS[asked])
    pytest.fail(f"the form did not end: {slots(assistant, sender)}")


# Platform delivery ids (Telegram update_id, Messenger mid, Twilio MessageSid): a replayed id is
# acknowledged and not handled again, so each delivery of these tests has its own.
DELIVERY_IDS = itertools.count(int(time.time() * 1000))


# ------------------------------------------------------------------ Telegram

class Telegram:
    def __init__(self, assistant, stub, chat_id: int, secret: str = SECRETS["TELEGRAM_SECRET_TOKEN"]):
        self.assistant, self.stub, self.chat_id, self.secret = assistant, stub, chat_id, secret
        self.update_id = next(DELIVERY_IDS)

    def _post(self, update: dict) -> tuple[int, str]:
        return post(self.assistant.url + "/webhooks/telegram/webhook", json.dumps(update).encode(),
                    {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": self.secret})

    def text(self, text: str) -> tuple[int, list[dict]]:
        update = reference("telegram_update_text_message.json")
        self.update_id += 1
        update["update_id"] = self.update_id
        update["message"]["chat"]["id"] = update["message"]["from"]["id"] = self.chat_id
        update["message"]["text"] = text
        status, _ = self._post(update)
        return status, self.stub.take()

    def tap(self, data: str) -> tuple[int, list[dict]]:
        update = reference("telegram_update_callback_query.json")
        self.update_id += 1
        update["update_id"] = self.update_id
        update["callback_query"]["from"]["id"] = self.chat_id
        update["callback_query"]["message"]["chat"]["id"] = self.chat_id
        update["callback_query"]["data"] = data
        status, _ = self._post(update)
        return status, self.stub.take()


def sent_texts(calls: list[dict]) -> list[str]:
    texts = []
    for call in calls:
        if "json" in call and "text" in call["json"]:
            texts.append(call["json"]["text"])
        elif "json" in call and "message" in call["json"]:
            texts.append(call["json"]["message"].get("text", ""))
        elif "form" in call:
            texts.append(call["form"]["Body"])
    return texts


def keyboard(call: dict) -> list[dict]:
    return [key for row in call["json"]["reply_markup"]["inline_keyboard"] for key in row]


def test_telegram_conversation_keyboards_and_splitting(assistant, stub):
    chat = Telegram(assistant, stub, 218485655)
    sender = "telegram:218485655"

    def say(text):
        status, calls = chat.text(text)
        assert status == 200
        assert calls, f"nothing sent for {text!r}"
        assert all(c["path"] == f"/telegram/bot{SECRETS['TELEGRAM_TOKEN']}/sendMessage" for c in calls)
        assert all(c["json"]["chat_id"] == 218485655 for c in calls)
        return calls

    def pick_niveau(calls):
        keys = keyboard(calls[-1])
        assert [k["text"] for k in keys][:3] == ["Pas de diplôme ou brevet", "CAP ou BEP", "Bac"]
        assert keys[0]["callback_data"] == '/inform{"niveau":"sans_diplome"}'
        assert "diplôme" in calls[-1]["json"]["text"]
        status, calls = chat.tap(keys[0]["callback_data"])
        assert status == 200
        assert calls[0]["path"].endswith("/answerCallbackQuery")
        assert calls[0]["json"] == {"callback_query_id": "1068230107531367617"}
        return calls[1:]

    calls = drive_to_recommendations(assistant, sender, say, pick_niveau)
    profile = slots(assistant, sender)
    assert profile["niveau"] == "sans_diplome" and profile["departement"] == "93"
    texts = sent_texts(calls)
    joined = "\n".join(texts)
    assert re.search(r"Voici (une|\d+) formations? pour vous\.", joined)
    assert "1. " in joined and "Détails et inscription : http" in joined
    assert len(texts) >= 3, "the long list is split"
    assert all(0 < len(t) <= MAX_CHARS for t in texts)
    keys = keyboard(calls[-1])
    assert "Détails de la 1" in [k["text"] for k in keys]
    details = next(k["callback_data"] for k in keys if k["text"] == "Détails de la 1")
    assert details.startswith("/course_details")
    # tapping "Détails de la 1" sends its payload as is
    status, calls = chat.tap(details)
    assert status == 200
    assert "Organisme" in "\n".join(sent_texts(calls[1:]))


def test_telegram_forged_secret_is_refused_before_the_bot(assistant, stub):
    forged = Telegram(assistant, stub, 555001, secret="not-the-secret")
    status, calls = forged.text("Bonjour")
    assert status == 403 and calls == []
    missing = post(assistant.url + "/webhooks/telegram/webhook", json.dumps(reference("telegram_update_text_message.json")).encode(),
                   {"Content-Type": "application/json"})
    assert missing[0] == 403
    assert user_events(assistant, "telegram:555001") == []
    assert stub.take() == []


def test_telegram_malformed_update_is_400(assistant, stub):
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS["TELEGRAM_SECRET_TOKEN"]}
    for body in (b"{not json", b"[1, 2]", b'{"update_id": 1, "message": {"text": "x"}}'):
        assert post(assistant.url + "/webhooks/telegram/webhook", body, headers)[0] == 400
    assert stub.take() == []


# ------------------------------------------------------------------ Messenger

class Messenger:
    def __init__(self, assistant, stub, psid: str, secret: str = SECRETS["MESSENGER_APP_SECRET"]):
        self.assistant, self.stub, self.psid, self.secret = assistant, stub, psid, secret

    def _post(self, body: dict) -> tuple[int, list[dict]]:
        for entry in body.get("entry") or []:
            for event in entry.get("messaging") or []:
                for kind in ("message", "postback"):
                    if isinstance(event.get(kind), dict):  # each delivery has its own id
                        event[kind]["mid"] = f"m_{next(DELIVERY_IDS)}"
        raw = json.dumps(body, ensure_ascii=False).encode()
        status, _ = post(self.assistant.url + "/webhooks/messenger/webhook", raw,
                         {"Content-Type": "application/json", "X-Hub-Signature-256": messenger_signature(self.secret, raw)})
        return status, self.stub.take()

    def text(self, text: str) -> tuple[int, list[dict]]:
        body = reference("messenger_text_message_post_body.json")
        event = body["entry"][0]["messaging"][0]
        event["sender"]["id"] = self.psid
        event["message"]["text"] = text
        return self._post(body)

    def quick_reply(self, title: str, payload: str) -> tuple[int, list[dict]]:
        event = reference("messenger_quick_reply_messaging_event.json")
        event["sender"]["id"] = self.psid
        event["message"]["text"] = title
        event["message"]["quick_reply"]["payload"] = payload
        return self._post({"object": "page", "entry": [{"id": event["recipient"]["id"], "time": event["timestamp"],
                                                         "messaging": [event]}]})

    def postback(self, payload: str) -> tuple[int, list[dict]]:
        body = reference("messenger_postback_post_body.json")
        body["entry"][0]["messaging"][0]["sender"]["id"] = self.psid
        body["entry"][0]["messaging"][0]["postback"]["payload"] = payload
        return self._post(body)


def test_messenger_conversation_quick_replies_and_splitting(assistant, stub):
    psid = "1412611362105802"
    chat = Messenger(assistant, stub, psid)

    def check(status, calls):
        assert status == 200
        assert calls
        for call in calls:
            assert call["path"] == "/messenger/me/messages"
            assert call["query"] == {"access_token": SECRETS["MESSENGER_PAGE_TOKEN"]}
            assert call["json"]["recipient"] == {"id": psid}
            assert call["json"]["messaging_type"] == "RESPONSE"
        return calls

    def say(text):
        return check(*chat.text(text))

    def pick_niveau(calls):
        quick = calls[-1]["json"]["message"]["quick_replies"]
        assert [q["title"] for q in quick] == ["Pas de diplôme ou…", "CAP ou BEP", "Bac", "Bac +2 (BTS, DUT)",
                                               "Licence", "Master ou plus"]
        assert all(len(q["title"]) <= 20 for q in quick)
        assert quick[0]["payload"] == '/inform{"niveau":"sans_diplome"}'
        return check(*chat.quick_reply(quick[0]["title"], quick[0]["payload"]))

    calls = drive_to_recommendations(assistant, f"messenger:{psid}", say, pick_niveau)
    assert slots(assistant, f"messenger:{psid}")["niveau"] == "sans_diplome"
    texts = sent_texts(calls)
    assert re.search(r"Voici (une|\d+) formations? pour vous\.", "\n".join(texts))
    assert "Détails et inscription : http" in "\n".join(texts)
    assert len(texts) >= 3 and all(0 < len(t) <= MAX_CHARS for t in texts)
    quick = calls[-1]["json"]["message"]["quick_replies"]
    assert 0 < len(quick) <= 13 and all(len(q["title"]) <= 20 for q in quick)
    assert any(q["payload"] == "/human_handoff" for q in quick)
    # a postback (persistent menu, template button) carries a payload too
    status, calls = chat.postback(next(q["payload"] for q in quick if q["title"] == "Détails de la 1"))
    assert status == 200 and "Organisme" in "\n".join(sent_texts(calls))


def test_messenger_subscription_check(assistant):
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": "fb-verify", "hub.challenge": "1158201444"})
    with urllib.request.urlopen(f"{assistant.url}/webhooks/messenger/webhook?{query}", timeout=10) as response:
        assert response.read() == b"1158201444"
    bad = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{assistant.url}/webhooks/messenger/webhook?{bad}", timeout=10)
    assert error.value.code == 403


def test_messenger_forged_signature_is_refused_before_the_bot(assistant, stub):
    status, calls = Messenger(assistant, stub, "555002", secret="wrong-secret").text("Bonjour")
    assert status == 403 and calls == []
    unsigned = post(assistant.url + "/webhooks/messenger/webhook",
                    json.dumps(reference("messenger_text_message_post_body.json")).encode(),
                    {"Content-Type": "application/json"})
    assert unsigned[0] == 403
    assert user_events(assistant, "messenger:555002") == []
    # a signed but malformed body is a 400, not a 500
    raw = b"{broken"
    assert post(assistant.url + "/webhooks/messenger/webhook", raw,
                {"X-Hub-Signature-256": messenger_signature(SECRETS["MESSENGER_APP_SECRET"], raw)})[0] == 400
    assert stub.take() == []


# ------------------------------------------------------------------ WhatsApp (Twilio)

class WhatsApp:
    path = "/webhooks/whatsapp/webhook"

    def __init__(self, assistant, stub, number: str, token: str = SECRETS["TWILIO_AUTH_TOKEN"]):
        self.assistant, self.stub, self.number, self.token = assistant, stub, number, token
        self.template = urllib.parse.parse_qsl((WEBHOOKS / "twilio_whatsapp_inbound.form").read_text().strip())

    def text(self, text: str, signature: str | None = "sign") -> tuple[int, list[dict]]:
        fields = [(k, {"Body": text, "From": f"whatsapp:{self.number}", "WaId": self.number.lstrip("+"),
                       "To": f"whatsapp:{SECRETS['TWILIO_WHATSAPP_NUMBER']}",
                       "MessageSid": f"SM{next(DELIVERY_IDS):032d}"}.get(k, v)) for k, v in self.template]
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature == "sign":
            headers["X-Twilio-Signature"] = twilio_signature(self.token, PUBLIC_URL + self.path, fields)
        elif signature:
            headers["X-Twilio-Signature"] = signature
        status, _ = post(self.assistant.url + self.path, urllib.parse.urlencode(fields).encode(), headers)
        return status, self.stub.take()


def test_whatsapp_conversation_numbered_choices_and_splitting(assistant, stub):
    number = "+33612345678"
    sender = f"whatsapp:{number}"
    chat = WhatsApp(assistant, stub, number)
    api_path = f"/twilio/2010-04-01/Accounts/{SECRETS['TWILIO_ACCOUNT_SID']}/Messages.json"

    def say(text):
        status, calls = chat.text(text)
        assert status == 200
        assert calls
        for call in calls:
            assert call["path"] == api_path
            assert call["headers"]["Authorization"].startswith("Basic ")
            assert call["form"]["To"] == sender
            assert call["form"]["From"] == "whatsapp:+14155238886"
        return calls

    def pick_niveau(calls):
        body = calls[-1]["form"]["Body"]
        assert "1. Pas de diplôme ou brevet\n2. CAP ou BEP\n3. Bac" in body
        assert body.endswith("Répondez par un numéro, de 1 à 6.")
        return say("1")

    calls = drive_to_recommendations(assistant, sender, say, pick_niveau)
    assert slots(assistant, sender)["niveau"] == "sans_diplome", [
        (e["text"], e["parse_data"]["intent"]["name"]) for e in user_events(assistant, sender)]
    texts = sent_texts(calls)
    joined = "\n".join(texts)
    assert re.search(r"Voici (une|\d+) formations? pour vous\.", joined) and "Détails et inscription : http" in joined
    assert len(texts) >= 3 and all(0 < len(t) <= MAX_CHARS for t in texts)
    last = texts[-1]
    assert "1. Détails de la 1" in last and "Parler à un conseiller" in last
    assert "Répondez" in last.splitlines()[-1]
    # "1" now means "Détails de la 1": its payload reaches the bot as is
    calls = say("1")
    assert "Organisme" in "\n".join(sent_texts(calls))
    assert user_events(assistant, sender)[-1]["text"].startswith("/course_details")


def test_whatsapp_forged_signature_is_refused_before_the_bot(assistant, stub):
    number = "+33600000001"
    forged = WhatsApp(assistant, stub, number, token="not-the-token")
    assert forged.text("Bonjour") == (403, [])
    assert WhatsApp(assistant, stub, number).text("Bonjour", signature=None) == (403, [])
    # signed for the URL the server sees instead of the public one: refused too
    chat = WhatsApp(assistant, stub, number)
    fields = [("From", f"whatsapp:{number}"), ("Body", "Bonjour")]
    wrong_url = twilio_signature(SECRETS["TWILIO_AUTH_TOKEN"], assistant.url + WhatsApp.path, fields)
    assert post(assistant.url + WhatsApp.path, urllib.parse.urlencode(fields).encode(),
                {"X-Twilio-Signature": wrong_url})[0] == 403
    assert user_events(assistant, f"whatsapp:{number}") == []
    assert chat.stub.take() == []
