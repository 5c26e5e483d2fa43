"""Messaging channels for Rasa: Telegram, Facebook Messenger, WhatsApp through Twilio.

Thin on purpose: authenticity checks live in `bot/core/webhook_security.py`, rendering in
`bot/core/messaging.py`. Each webhook:
  1. checks authenticity first: a forged or unsigned call gets 403 and never reaches the bot;
  2. parses the platform's payload (malformed: 400);
  3. hands the text (or the tapped button's payload, sent as is) to Rasa with an output
     channel that collects the turn's messages; a voice note never reaches Rasa: it gets a
     short French answer (the assistant reads text) with buttons to go on, and the
     conversation is left as it was;
  4. renders the turn for the platform and posts it to the platform's API (`api_url`, so that
     tests point it at a loopback stub), with aiohttp.

Webhook paths: /webhooks/telegram/webhook, /webhooks/messenger/webhook (GET: subscription
check with the verify token), /webhooks/whatsapp/webhook.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core import messaging
from bot.core.logsafe import redact
from bot.core.messaging import ButtonMemory
from bot.core.replies import TOO_LONG_REPLY
from bot.core.vocab import MAX_MESSAGE_CHARS
from bot.core.webhook_security import form_pairs, messenger_signature_ok, telegram_secret_ok, twilio_signature_ok
from bot.services.ratelimit import TOO_MANY, Deliveries, RateLimiter
from capnum_rasa.rest import clean_text

logger = logging.getLogger(__name__)

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=20)
Deliver = Callable[[str, List[Dict[str, Any]]], Awaitable[None]]


class TurnOutput(OutputChannel):
    """Collects the bot's messages of one turn; the input channel delivers them together, so
    that a numbered list or a keyboard covers the whole turn. Without `collect`, each message
    is delivered at once (messages the bot sends on its own, e.g. through the HTTP API)."""

    def __init__(self, channel_name: str, deliver: Deliver, collect: bool = True) -> None:
        self.channel_name = channel_name
        self.deliver = deliver
        self.collect = collect
        self.messages: List[Dict[str, Any]] = []

    def name(self) -> Text:  # type: ignore[override]
        return self.channel_name

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if self.collect:
            self.messages.append(dict(message))
        else:
            await self.deliver(recipient_id, [dict(message)])

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


async def _post(url: str, *, json_body: Any = None, form: Any = None,
                auth: Optional[aiohttp.BasicAuth] = None, params: Optional[dict] = None) -> None:
    """One call to a platform's API; a failure is logged (the person cannot be told anyway)."""
    try:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
            async with session.post(url, json=json_body, data=form, auth=auth, params=params) as resp:
                if resp.status >= 300:
                    # Only the platform's error codes: its error text can echo what was sent
                    # (Twilio's the person's number, Telegram's the chat id or the text).
                    logger.error("Messaging API %s answered %s%s.", _loggable(url), resp.status,
                                 _error_codes(await resp.text()))
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.error("Messaging API %s unreachable: %s", _loggable(url), redact(str(error)))


def _error_codes(body: str) -> str:
    """' (code 21211)' from a platform's error answer (Telegram `error_code`, Twilio `code`,
    Messenger `error.code` / `error_subcode`), never its text; "" when there is none."""
    try:
        payload = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(payload, dict):
        return ""
    error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
    codes = [value for value in (payload.get("error_code"), payload.get("code"), error.get("code"),
                                 error.get("error_subcode")) if isinstance(value, int) and not isinstance(value, bool)]
    return f" (code {' / '.join(str(code) for code in codes)})" if codes else ""


def _loggable(url: str) -> str:
    """The URL without its query and without the Telegram token (/bot<token>/)."""
    return redact(url.split("?")[0])


def _messaging_limit() -> tuple[int, float]:
    """CAPNUM_MESSAGING_LIMIT: "messages/seconds" per sender, default 20 a minute."""
    value = os.environ.get("CAPNUM_MESSAGING_LIMIT", "20/60")
    try:
        count, seconds = value.split("/")
        return max(1, int(count)), max(1.0, float(seconds))
    except ValueError:
        return 20, 60.0


def prefixed(channel: str, platform_id: Any) -> str:
    """The sender id Rasa knows: the channel's prefix and the platform's id ("telegram:4242"),
    so that the channels' namespaces never meet (nor the web's, "web:…")."""
    return f"{channel}:{platform_id}"


def unprefixed(sender_id: str, channel: str) -> str:
    prefix = f"{channel}:"
    return sender_id[len(prefix):] if sender_id.startswith(prefix) else sender_id


def _bad_request(reason: str) -> HTTPResponse:
    return response.text(reason, status=400)


def _forbidden() -> HTTPResponse:
    return response.text("forbidden", status=403)


class _MessagingChannel(InputChannel):
    """What the three channels share: health route, handing a message to Rasa, delivery."""

    # The credentials each channel requires, in the order of its __init__; its API's URL when
    # the credentials name none.
    REQUIRED_CREDENTIALS: tuple = ()
    DEFAULT_API_URL = ""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        keys = cls.REQUIRED_CREDENTIALS
        if not credentials or not all(credentials.get(k) for k in keys):
            cls.raise_missing_credentials_exception()
        return cls(*(credentials[k] for k in keys), api_url=credentials.get("api_url") or cls.DEFAULT_API_URL,
                   max_chars=credentials.get("max_chars"))

    def __init__(self, api_url: str, max_chars: Optional[int] = None) -> None:
        self.api_url = api_url.rstrip("/")
        self.max_chars = max_chars
        self.memory = ButtonMemory()
        limit, window = _messaging_limit()
        # Per sender, shared by the replicas through Redis when REDIS_URL is set.
        self.limiter = RateLimiter(f"{self.name()}-sender", limit, window)
        self.warned = RateLimiter(f"{self.name()}-warned", 1, window)
        # Platform retries of a delivery already handled (24 h), across replicas.
        self.deliveries = Deliveries(self.name())

    async def first_delivery(self, delivery_id: Any) -> bool:
        """False for a delivery already seen in the last 24 h (a platform retry)."""
        if delivery_id is None or delivery_id == "":
            return True
        if await self.deliveries.first_time(str(delivery_id)):
            return True
        logger.info("A %s delivery already handled was acknowledged again.", self.name())
        return False

    def limit(self, platform: str) -> int:
        return min(self.max_chars or messaging.TEXT_LIMITS[platform], messaging.TEXT_LIMITS[platform])

    async def deliver(self, recipient_id: str, messages: List[Dict[str, Any]]) -> None:
        raise NotImplementedError

    def get_output_channel(self) -> OutputChannel:
        return TurnOutput(self.name(), self.deliver, collect=False)

    async def handle_text(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], sender: str,
                          text: str, metadata: Optional[dict] = None) -> None:
        """One message of the person to the bot: cleaned and capped like the web chat's,
        limited per sender (answered once per window with a short French message)."""
        allowed, _ = await self.limiter.hit(sender)
        if not allowed:
            if (await self.warned.hit(sender))[0]:
                await self.deliver(sender, [{"text": TOO_MANY}])
            return
        text = clean_text(text)
        if not text:
            return
        if len(text) > MAX_MESSAGE_CHARS:
            await self.deliver(sender, [{"text": TOO_LONG_REPLY}])
            return
        output = TurnOutput(self.name(), self.deliver)
        try:
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name(),
                                             metadata=metadata))
        except Exception:
            logger.exception("The bot failed to handle a %s message", self.name())
        if output.messages:
            await self.deliver(sender, output.messages)

    async def handle_voice_note(self, sender: str, memory_key: str) -> None:
        """A voice note: the assistant reads text only. Answered in French with the buttons the
        person had last (so the pending question can still be answered with a tap), limited per
        sender like a message; never handed to Rasa, so the conversation's state is unchanged."""
        allowed, _ = await self.limiter.hit(sender)
        if not allowed:
            if (await self.warned.hit(sender))[0]:
                await self.deliver(sender, [{"text": TOO_MANY}])
            return
        logger.info("A %s voice note was answered with the text-only message.", self.name())
        await self.deliver(sender, messaging.voice_note_turn(self.memory.buttons(memory_key)))

    def _blueprint(self) -> Blueprint:
        blueprint = Blueprint(f"capnum_{self.name()}_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        return blueprint


def _json_object(body: bytes) -> Optional[dict]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class TelegramChannel(_MessagingChannel):
    """Telegram Bot API webhook. Register it with setWebhook(url=…, secret_token=…)."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    REQUIRED_CREDENTIALS = ("access_token", "secret_token")
    DEFAULT_API_URL = "https://api.telegram.org"

    def __init__(self, access_token: str, secret_token: str, api_url: str, max_chars: Optional[int] = None) -> None:
        super().__init__(api_url, max_chars)
        self.access_token = access_token
        self.secret_token = secret_token

    def _method_url(self, method: str) -> str:
        return f"{self.api_url}/bot{self.access_token}/{method}"

    async def deliver(self, recipient_id: str, messages: List[Dict[str, Any]]) -> None:
        recipient_id = unprefixed(recipient_id, self.name())
        chat_id: Any = int(recipient_id) if recipient_id.lstrip("-").isdigit() else recipient_id
        for body in messaging.telegram_messages(chat_id, messages, self.memory, self.limit(messaging.TELEGRAM)):
            await _post(self._method_url("sendMessage"), json_body=body)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = self._blueprint()

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not telegram_secret_ok(self.secret_token, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
                return _forbidden()
            update = _json_object(request.body or b"")
            if update is None or "update_id" not in update:
                return _bad_request("not a Telegram update")
            if not await self.first_delivery(update["update_id"]):
                return response.text("ok")
            try:
                if isinstance(update.get("callback_query"), dict):
                    query = update["callback_query"]
                    chat = ((query.get("message") or {}).get("chat") or {}).get("id") or query["from"]["id"]
                    sender = prefixed(self.name(), chat)
                    await _post(self._method_url("answerCallbackQuery"), json_body={"callback_query_id": query["id"]})
                    text = self.memory.resolve_token(str(chat), str(query.get("data") or ""))
                else:
                    message = update.get("message") or update.get("edited_message")
                    if not isinstance(message, dict):
                        return response.text("ignored")  # other update kinds: nothing to answer
                    sender = prefixed(self.name(), message["chat"]["id"])
                    if messaging.telegram_voice_note(message):
                        await self.handle_voice_note(sender, unprefixed(sender, self.name()))
                        return response.text("ok")
                    text = message.get("text")
                    if isinstance(text, str):
                        # Telegram's start button sends "/start", which Rasa would read as an intent.
                        text = ("Bonjour" if text.split("@")[0].strip() == "/start"
                                else self.memory.resolve(unprefixed(sender, self.name()), text))
            except (KeyError, TypeError, AttributeError):
                return _bad_request("malformed Telegram update")
            if not text:
                return response.text("ignored")
            await self.handle_text(on_new_message, sender, text)
            return response.text("ok")

        return blueprint


class MessengerChannel(_MessagingChannel):
    """Facebook Messenger (Send API) webhook, subscribed to messages and messaging_postbacks."""

    @classmethod
    def name(cls) -> Text:
        return "messenger"

    REQUIRED_CREDENTIALS = ("page_access_token", "app_secret", "verify_token")
    DEFAULT_API_URL = "https://graph.facebook.com/v19.0"

    def __init__(self, page_access_token: str, app_secret: str, verify_token: str, api_url: str,
                 max_chars: Optional[int] = None) -> None:
        super().__init__(api_url, max_chars)
        self.page_access_token = page_access_token
        self.app_secret = app_secret
        self.verify_token = verify_token

    async def deliver(self, recipient_id: str, messages: List[Dict[str, Any]]) -> None:
        recipient_id = unprefixed(recipient_id, self.name())
        for body in messaging.messenger_messages(recipient_id, messages, self.memory, self.limit(messaging.MESSENGER)):
            await _post(f"{self.api_url}/me/messages", json_body=body,
                        params={"access_token": self.page_access_token})

    @staticmethod
    def _event_text(event: dict) -> Optional[str]:
        message = event.get("message")
        if isinstance(message, dict):
            if message.get("is_echo"):
                return None
            quick_reply = message.get("quick_reply")
            if isinstance(quick_reply, dict) and quick_reply.get("payload"):
                return str(quick_reply["payload"])
            return message.get("text") if isinstance(message.get("text"), str) else None
        postback = event.get("postback")
        if isinstance(postback, dict) and postback.get("payload"):
            return str(postback["payload"])
        return None  # deliveries, reads, reactions…

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = self._blueprint()

        @blueprint.route("/webhook", methods=["GET"])
        async def verification(request: Request) -> HTTPResponse:
            if request.args.get("hub.mode") == "subscribe" and telegram_secret_ok(
                    self.verify_token, request.args.get("hub.verify_token")):
                return response.text(request.args.get("hub.challenge") or "")
            return _forbidden()

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            if not messenger_signature_ok(self.app_secret, body, request.headers.get("X-Hub-Signature-256")):
                return _forbidden()
            payload = _json_object(body)
            if payload is None or payload.get("object") != "page" or not isinstance(payload.get("entry"), list):
                return _bad_request("not a Messenger page event")
            turns = []  # (sender, text or None for a voice note, mid)
            try:
                for entry in payload["entry"]:
                    for event in entry.get("messaging") or []:
                        sender = (event.get("sender") or {}).get("id")
                        text = None if messaging.messenger_voice_note(event) else self._event_text(event)
                        if sender and (text or messaging.messenger_voice_note(event)):
                            sender = prefixed(self.name(), sender)
                            mid = ((event.get("message") or event.get("postback") or {}).get("mid"))
                            turns.append((sender, text, mid))
            except (AttributeError, TypeError):
                return _bad_request("malformed Messenger event")
            for sender, text, mid in turns:
                if not await self.first_delivery(mid):
                    continue
                if text is None:
                    await self.handle_voice_note(sender, unprefixed(sender, self.name()))
                else:
                    await self.handle_text(on_new_message, sender,
                                           self.memory.resolve(unprefixed(sender, self.name()), text))
            return response.text("EVENT_RECEIVED")

        return blueprint


TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class WhatsAppChannel(_MessagingChannel):
    """WhatsApp through Twilio's Messaging API. Replies are sent with the REST API (not TwiML),
    so that a long turn can be several messages. Buttons become a numbered list; the numbers
    of the last turn are kept per sender in this process (`ButtonMemory`)."""

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    REQUIRED_CREDENTIALS = ("account_sid", "auth_token", "whatsapp_number", "public_url")
    DEFAULT_API_URL = "https://api.twilio.com"

    def __init__(self, account_sid: str, auth_token: str, whatsapp_number: str, public_url: str, api_url: str,
                 max_chars: Optional[int] = None) -> None:
        super().__init__(api_url, max_chars)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.whatsapp_number = whatsapp_number
        self.public_url = public_url.rstrip("/")

    async def deliver(self, recipient_id: str, messages: List[Dict[str, Any]]) -> None:
        url = f"{self.api_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        auth = aiohttp.BasicAuth(self.account_sid, self.auth_token)
        for form in messaging.whatsapp_messages(recipient_id, self.whatsapp_number, messages, self.memory,
                                                self.limit(messaging.WHATSAPP)):
            await _post(url, form=form, auth=auth)

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the public one, not the one seen behind a proxy."""
        query = request.query_string
        return self.public_url + request.path + (f"?{query}" if query else "")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = self._blueprint()

        @blueprint.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            signature = request.headers.get("X-Twilio-Signature")
            if not signature:
                return _forbidden()
            try:
                pairs = form_pairs(request.body or b"")
            except UnicodeDecodeError:
                return _bad_request("not a form")
            if not twilio_signature_ok(self.auth_token, self.signed_url(request), pairs, signature):
                return _forbidden()
            fields = dict(pairs)
            sender = fields.get("From")
            if not sender:
                return _bad_request("no sender")
            if not sender.startswith("whatsapp:"):  # Twilio's own prefix is the channel's
                sender = prefixed(self.name(), sender)
            if not await self.first_delivery(fields.get("MessageSid")):
                return response.text(TWIML_EMPTY, content_type="text/xml")
            if messaging.twilio_voice_note(fields):
                await self.handle_voice_note(sender, sender)
                return response.text(TWIML_EMPTY, content_type="text/xml")
            text = (fields.get("Body") or "").strip()
            if text:
                await self.handle_text(on_new_message, sender, self.memory.resolve(sender, text))
            return response.text(TWIML_EMPTY, content_type="text/xml")

        return blueprint
