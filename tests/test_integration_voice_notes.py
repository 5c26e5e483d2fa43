"""Voice notes on Telegram, Messenger and WhatsApp (Twilio), through the real Rasa server.

The assistant reads text only. A voice note gets a short French answer saying so, with buttons
to go on (the ones the person had last, else « Continuer » and « Parler à un conseiller »), and
the conversation is left exactly as it was: no user event, no slot changed, the pending question
still pending. The payloads are shaped as the platforms document them, built from the captured
text-message samples of ../shared/reference/webhooks/ (which hold no voice note):

- Telegram Bot API, Message: `voice` is a Voice object (file_id, file_unique_id, duration,
  mime_type, file_size) and there is no `text`;
- Messenger Platform, messages webhook event: `message.attachments` = [{"type": "audio",
  "payload": {"url": …}}] and no `text`;
- Twilio Messaging webhook: `NumMedia` = 1, `MediaContentType0` = audio/ogg, `MediaUrl0`, an
  empty `Body`.
"""
from __future__ import annotations

import urllib.parse

import pytest

from bot.core.messaging import VOICE_NOTE_REPLY, quick_reply_title
from bot.core.webhook_security import twilio_signature
from tests.test_integration_messaging import (
    DELIVERY_IDS, PUBLIC_URL, SECRETS, Messenger, Telegram, WhatsApp, assistant, keyboard, post, reference,
    sent_texts, slots, stub, tracker, user_events,
)

pytestmark = pytest.mark.integration

__all__ = ["assistant", "stub"]  # the module's fixtures, shared with the messaging tests

SITUATION_TITLES = ["Je cherche un emploi", "J'ai quitté l'école", "Je travaille", "Autre situation"]
DEFAULT_TITLES = ["Continuer", "Parler à un conseiller"]


def state(assistant, sender: str) -> tuple:
    """What the conversation knows: every event but the timestamps, and the slots."""
    data = tracker(assistant, sender)
    events = [{k: v for k, v in e.items() if k != "timestamp"} for e in data["events"]]
    return events, data["slots"]


def to_the_situation_question(assistant, sender: str, say) -> None:
    say("Bonjour")
    say("j'ai 21 ans")
    say("j'habite à Bobigny")
    assert slots(assistant, sender)["requested_slot"] == "situation"


def voice_note_at_the_situation_question(assistant, sender: str, chat) -> tuple[tuple, list[dict]]:
    """Brings the chat to the situation question, then sends a voice note (accepted): the
    conversation's state before the note, and the platform calls the note caused."""
    to_the_situation_question(assistant, sender, texting(chat))
    before = state(assistant, sender)
    status, calls = chat.voice()
    assert status == 200
    return before, calls


def texting(chat):
    """say(text) for a channel's chat: posts the text, checks it was accepted and answered."""
    def say(text):
        status, calls = chat.text(text)
        assert status == 200 and calls
        return calls
    return say


def test_the_reply_is_plain_french_and_says_text_only():
    from tests.plain_french import kandel_moles, problems

    assert problems(VOICE_NOTE_REPLY) == []
    assert kandel_moles(VOICE_NOTE_REPLY) >= 60
    assert "messages vocaux" in VOICE_NOTE_REPLY and "écrits" in VOICE_NOTE_REPLY


# ------------------------------------------------------------------ Telegram

class TelegramVoice(Telegram):
    def voice(self) -> tuple[int, list[dict]]:
        update = reference("telegram_update_text_message.json")
        self.update_id += 1
        update["update_id"] = self.update_id
        message = update["message"]
        message["chat"]["id"] = message["from"]["id"] = self.chat_id
        del message["text"], message["link_preview_options"]
        message["voice"] = {"file_id": "AwACAgQAAxkBAAIBZ2VoaXZvaWNlLW5vdGUtdGVzdA", "file_unique_id": "AgADvBQAAtest",
                            "duration": 4, "mime_type": "audio/ogg", "file_size": 10432}
        status, _ = self._post(update)
        return status, self.stub.take()


def test_telegram_voice_note(assistant, stub):
    chat = TelegramVoice(assistant, stub, 318485001)
    sender = "telegram:318485001"

    # The very first message is a voice note: the answer, default buttons, nothing stored.
    status, calls = chat.voice()
    assert status == 200
    assert [c["json"]["text"] for c in calls] == [VOICE_NOTE_REPLY]
    assert [k["text"] for k in keyboard(calls[0])] == DEFAULT_TITLES
    assert keyboard(calls[0])[0]["callback_data"] == "/greet"
    assert user_events(assistant, sender) == []

    before, calls = voice_note_at_the_situation_question(assistant, sender, chat)
    assert sent_texts(calls) == [VOICE_NOTE_REPLY]
    keys = keyboard(calls[0])
    assert [k["text"] for k in keys] == SITUATION_TITLES  # the pending question's choices
    assert state(assistant, sender) == before  # nothing lost, nothing counted

    status, calls = chat.tap(keys[0]["callback_data"])
    assert status == 200
    after = slots(assistant, sender)
    assert after["situation"] == "demandeur_emploi" and after["requested_slot"] != "situation"


# ------------------------------------------------------------------ Messenger

class MessengerVoice(Messenger):
    def voice(self) -> tuple[int, list[dict]]:
        body = reference("messenger_text_message_post_body.json")
        event = body["entry"][0]["messaging"][0]
        event["sender"]["id"] = self.psid
        del event["message"]["text"]
        event["message"]["attachments"] = [{"type": "audio", "payload": {
            "url": "https://cdn.fbsbx.com/v/t59.3654-21/audioclip-1486464322190-4321.mp4?_nc_cat=1"}}]
        return self._post(body)


def test_messenger_voice_note(assistant, stub):
    psid = "2412611362105803"
    chat = MessengerVoice(assistant, stub, psid)
    sender = f"messenger:{psid}"

    def quick_replies(call):
        return call["json"]["message"].get("quick_replies") or []

    status, calls = chat.voice()
    assert status == 200
    assert sent_texts(calls) == [VOICE_NOTE_REPLY]
    assert calls[0]["json"]["recipient"] == {"id": psid}
    assert [q["title"] for q in quick_replies(calls[0])] == [quick_reply_title(t) for t in DEFAULT_TITLES]
    assert user_events(assistant, sender) == []

    before, calls = voice_note_at_the_situation_question(assistant, sender, chat)
    assert sent_texts(calls) == [VOICE_NOTE_REPLY]
    replies = quick_replies(calls[-1])
    assert [q["title"] for q in replies] == [quick_reply_title(t) for t in SITUATION_TITLES]
    assert state(assistant, sender) == before

    status, calls = chat.quick_reply(replies[2]["title"], replies[2]["payload"])
    assert status == 200
    assert slots(assistant, sender)["situation"] == "salarie"


# ------------------------------------------------------------------ WhatsApp (Twilio)

class WhatsAppVoice(WhatsApp):
    def media(self, content_type: str = "audio/ogg", body: str = "") -> tuple[int, list[dict]]:
        sid = f"MM{next(DELIVERY_IDS):032d}"
        values = {"Body": body, "From": f"whatsapp:{self.number}", "WaId": self.number.lstrip("+"),
                  "To": f"whatsapp:{SECRETS['TWILIO_WHATSAPP_NUMBER']}", "MessageSid": sid,
                  "SmsMessageSid": sid, "SmsSid": sid, "NumMedia": "1"}
        fields = [(k, values.get(k, v)) for k, v in self.template]
        fields += [("MediaContentType0", content_type),
                   ("MediaUrl0", f"https://api.twilio.com/2010-04-01/Accounts/{SECRETS['TWILIO_ACCOUNT_SID']}"
                                 f"/Messages/{sid}/Media/ME{next(DELIVERY_IDS):032d}")]
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(self.token, PUBLIC_URL + self.path, fields)}
        status, _ = post(self.assistant.url + self.path, urllib.parse.urlencode(fields).encode(), headers)
        return status, self.stub.take()

    def voice(self) -> tuple[int, list[dict]]:
        return self.media("audio/ogg")


def test_whatsapp_voice_note(assistant, stub):
    number = "+33698765432"
    sender = f"whatsapp:{number}"
    chat = WhatsAppVoice(assistant, stub, number)

    status, calls = chat.voice()
    assert status == 200
    body = sent_texts(calls)[0]
    assert len(calls) == 1 and calls[0]["form"]["To"] == sender
    assert body.startswith(VOICE_NOTE_REPLY)
    assert "1. Continuer\n2. Parler à un conseiller" in body and body.endswith("Répondez 1 ou 2.")
    assert user_events(assistant, sender) == []

    before, calls = voice_note_at_the_situation_question(assistant, sender, chat)
    body = "\n".join(sent_texts(calls))
    assert body.startswith(VOICE_NOTE_REPLY)
    assert "\n".join(f"{i}. {t}" for i, t in enumerate(SITUATION_TITLES, 1)) in body
    assert state(assistant, sender) == before

    # "2" still answers the pending question: nothing was lost.
    texting(chat)("2")
    assert slots(assistant, sender)["situation"] == "jeune_decrocheur"


def test_a_photo_with_a_caption_is_still_read(assistant, stub):
    """Media that is not audio, with a caption: the text goes to the bot as before."""
    number = "+33611112222"
    status, calls = WhatsAppVoice(assistant, stub, number).media("image/jpeg", body="Bonjour")
    assert status == 200 and calls
    assert VOICE_NOTE_REPLY not in "\n".join(sent_texts(calls))
    assert [e["text"] for e in user_events(assistant, f"whatsapp:{number}")] == ["Bonjour"]
