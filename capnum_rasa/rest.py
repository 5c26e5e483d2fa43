"""The REST channel of Cap Numérique: Rasa's own `rest` channel, guarded.

Same URL (`POST /webhooks/rest/webhook`), same body (`{"sender", "message", "metadata"?}`)
and same answer (a JSON list of bot messages) as Rasa's stock `RestInput`, plus:

- **Validation.** A body that is not a JSON object, a missing or wrongly typed `sender` /
  `message`, a body over `MAX_BODY_BYTES`: answer 400 (413 when too large) with a French JSON
  message `{"error": "..."}`, and nothing reaches the tracker.
- **Normalisation** before NLU: invalid UTF-8 and lone surrogates replaced, control characters
  (NUL included, which PostgreSQL refuses) turned into spaces, Unicode NFC. An empty message
  or one longer than `MAX_MESSAGE_CHARS` gets a polite French reply and is not stored.
- **Action server down or slow.** Rasa's `RemoteAction` waits up to 5 minutes and, when the
  call fails, logs the error and goes on without the action's events: the user would get
  silence. The agent's action endpoint is wrapped (`GuardedActionEndpoint`): one shared HTTP
  session (keep-alive), a read timeout of `CAPNUM_ACTION_TIMEOUT` seconds (default 3.5), and once a
  call has failed in a turn the other calls of that turn fail at once; the turn then ends
  with `ACTION_SERVER_APOLOGY`, within 5 s. The next message works as soon as the action
  server is back (nothing is kept from the failed calls).
- **Storage unreachable** (tracker store, lock store): answer 503 with the usual list
  format holding `STORAGE_APOLOGY`, instead of Rasa's silent empty list.

Enabled in credentials (bot/tools/credentials.py writes it) as `capnum_rasa.rest.RestChannel`,
which replaces the stock `rest` entry.
"""
from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import re
import unicodedata
from typing import Any, Awaitable, Callable, Optional

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, bool_arg, concat_url
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# Rasa loads this module at start (the REST channel is always on): from then on no log line
# of the Rasa process holds a token or a password (bot.core.logsafe).
from bot.core.logsafe import install as _install_log_redaction  # noqa: E402
from bot.core.replies import (  # noqa: E402
    ACTION_SERVER_APOLOGY, EMPTY_REPLY, STORAGE_APOLOGY, TOO_LONG_REPLY,
)
from bot.core.vocab import MAX_MESSAGE_CHARS  # noqa: E402

_install_log_redaction()

MAX_BODY_BYTES = 256 * 1024
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 8 * 1024


# C0 and C1 control characters except tab and newline, plus lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Valid UTF-8, no control character, NFC, spaces squeezed at both ends."""
    text = text.encode("utf-8", errors="replace").decode("utf-8", errors="replace")
    text = _CONTROL.sub(" ", text)
    return unicodedata.normalize("NFC", text).strip()


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def parse_body(raw: bytes) -> dict:
    """The request body as a dict, or BadRequest with a French message."""
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"Requête trop volumineuse (plus de {MAX_BODY_BYTES // 1024} ko).", 413)
    if not raw.strip():
        raise BadRequest('Corps de requête vide : envoyez du JSON {"sender": "...", "message": "..."}.')
    try:
        body = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        raise BadRequest('Le corps de la requête n\'est pas du JSON valide : '
                         'envoyez {"sender": "...", "message": "..."}.')
    if not isinstance(body, dict):
        raise BadRequest('Le corps de la requête doit être un objet JSON {"sender": "...", "message": "..."}.')
    return body


def validate(body: dict) -> tuple[str, str, Optional[dict], Optional[str]]:
    """(sender, text, metadata, input_channel) or BadRequest."""
    sender = body.get("sender")
    if not isinstance(sender, str):
        raise BadRequest("Le champ « sender » est obligatoire et doit être une chaîne de caractères.")
    sender = clean_text(sender)
    if not sender or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"Le champ « sender » doit faire entre 1 et {MAX_SENDER_CHARS} caractères visibles.")
    if "message" not in body:
        raise BadRequest("Le champ « message » est obligatoire.")
    text = body["message"]
    if not isinstance(text, str):
        raise BadRequest("Le champ « message » doit être une chaîne de caractères.")
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise BadRequest("Le champ « metadata » doit être un objet JSON.")
        encoded = json.dumps(metadata, ensure_ascii=True)
        if len(encoded) > MAX_METADATA_BYTES:
            raise BadRequest(f"Le champ « metadata » dépasse {MAX_METADATA_BYTES // 1024} ko.")
        metadata = json.loads(encoded.replace("\\u0000", " "))
    channel = body.get("input_channel")
    if channel is not None and (not isinstance(channel, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", channel)):
        raise BadRequest("Le champ « input_channel » doit être un nom court (lettres, chiffres, _ . -).")
    return sender, text, metadata, channel


def error_response(message: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": message}, status=status)


# --- The action endpoint guard --------------------------------------------------

_turn_failures: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("capnum_action_failures",
                                                                                default=None)


_storage_failures: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("capnum_storage_failures",
                                                                                   default=None)


_erasures: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("capnum_erasures", default=None)

# Added to the REST answer of the turn that erased the conversation: the web gateway then gives
# the browser a new conversation and the page clears the history it kept.
ERASED_MESSAGE = {"custom": {"type": "conversation_erased"}}


def note_erasure(sender_id: str) -> None:
    """Called by the tracker store when it has erased a conversation during this turn."""
    erased = _erasures.get()
    if erased is not None:
        erased.append(sender_id)


def note_storage_failure(error: BaseException) -> None:
    """Called by the tracker store: Rasa's FailSafeTrackerStore hides the error (it starts a new
    conversation in memory), so the channel answers STORAGE_APOLOGY (503) for this turn instead."""
    failures = _storage_failures.get()
    if failures is not None:
        failures.append(type(error).__name__)


def action_timeout() -> float:
    try:
        return max(0.1, float(os.environ.get("CAPNUM_ACTION_TIMEOUT", "3.5")))
    except ValueError:
        return 3.5


class GuardedActionEndpoint(EndpointConfig):
    """The action endpoint with a short timeout, a shared HTTP session and fail-fast per turn."""

    def __init__(self, original: EndpointConfig, timeout: float):
        super().__init__(original.url, original.params, original.headers, original.basic_auth,
                         original.token, original.token_name, original.cafile, **original.kwargs)
        self.type = original.type
        self.timeout = timeout
        self._session: Optional[aiohttp.ClientSession] = None

    def _shared_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                    if self.basic_auth else None)
            self._session = aiohttp.ClientSession(
                headers=self.headers, auth=auth, timeout=self._client_timeout(),
                # Shorter than the action server's keep-alive (Sanic: 5 s), so that an idle
                # connection is never reused just as the server closes it.
                connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=2))
        return self._session

    def _client_timeout(self) -> aiohttp.ClientTimeout:
        # Socket timeouts, not a total: under load this process's own event loop is busy with
        # other conversations' NLU, and that time must not count against the action server.
        return aiohttp.ClientTimeout(total=None, sock_connect=min(2.0, self.timeout), sock_read=self.timeout)

    async def request(self, method: str = "post", subpath: Optional[str] = None,
                      content_type: Optional[str] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Optional[Any]:
        failures = _turn_failures.get()
        if failures:
            # One call of this turn already failed: do not make the user wait again.
            raise aiohttp.ClientConnectionError("action server failed earlier in this turn")
        kwargs["timeout"] = self._client_timeout()
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        if self.cafile:
            import ssl

            kwargs["ssl"] = ssl.create_default_context(cafile=self.cafile)
        try:
            try:
                return await self._send(method, subpath, headers, compress, failures, kwargs)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                # A pooled connection closed by the server before it read the request: the
                # action did not run, so sending it once more on a new connection is safe.
                return await self._send(method, subpath, headers, compress, failures, kwargs)
        except ClientResponseError:
            raise
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            if failures is not None:
                failures.append(type(exc).__name__)
            logger.error("Action server unreachable or too slow (%s): %s", type(exc).__name__, self.url)
            raise aiohttp.ClientConnectionError(f"action server: {type(exc).__name__}") from exc


    async def _send(self, method: str, subpath: Optional[str], headers: dict, compress: bool,
                    failures: Optional[list], kwargs: dict) -> Optional[Any]:
        async with self._shared_session().request(
                method, concat_url(self.url, subpath), headers=headers,
                params=self.combine_parameters(kwargs), compress=compress, **kwargs) as resp:
            if resp.status >= 400:
                if resp.status >= 500 and failures is not None:
                    failures.append(resp.status)
                # Rasa's own error type: RemoteAction reads a 400 (action rejected) from it.
                raise ClientResponseError(resp.status, resp.reason or "", await resp.text())
            try:
                return await resp.json()
            except aiohttp.ContentTypeError:
                return None


def guard_action_endpoint(agent: Any) -> None:
    """Wraps the agent's (and its processor's) action endpoint once."""
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None:
        return
    if not isinstance(endpoint, GuardedActionEndpoint):
        endpoint = GuardedActionEndpoint(endpoint, action_timeout())
        agent.action_endpoint = endpoint
    processor = getattr(agent, "processor", None)
    if processor is not None and not isinstance(processor.action_endpoint, GuardedActionEndpoint):
        processor.action_endpoint = endpoint


def _bot(recipient: str, text: str) -> dict:
    return {"recipient_id": recipient, "text": text}


class RestChannel(RestInput):
    """Rasa's REST channel (same name, URL and answers) with validation and fault handling."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("capnum_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = parse_body(request.body or b"")
                sender, raw_text, metadata, channel = validate(body)
            except BadRequest as bad:
                return error_response(bad.message, bad.status)
            text = clean_text(raw_text)
            if not text:
                return response.json([_bot(sender, EMPTY_REPLY)])
            if len(text) > MAX_MESSAGE_CHARS:
                return response.json([_bot(sender, TOO_LONG_REPLY)])
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None:
                guard_action_endpoint(agent)
            if bool_arg(request, "stream", default=False):
                return response.stream(self.stream_response(on_new_message, text, sender,
                                                            channel or self.name(), metadata),
                                       content_type="text/event-stream")
            collector = CollectingOutputChannel()
            failures: list = []
            token = _turn_failures.set(failures)
            storage_failures: list = []
            storage_token = _storage_failures.set(storage_failures)
            erased: list = []
            erased_token = _erasures.set(erased)
            # The turn runs in its own task (it inherits `failures`), shielded: when Sanic's
            # response timeout cancels this handler under overload, the turn still finishes and
            # is saved, so that no message is lost or half-processed.
            turn = asyncio.ensure_future(on_new_message(UserMessage(
                text, collector, sender, input_channel=channel or self.name(), metadata=metadata)))
            try:
                await asyncio.shield(turn)
            except asyncio.CancelledError:
                logger.error("Response timeout for one sender; the turn goes on in the background.")
                raise
            except Exception as exc:  # tracker store, lock store: storage unreachable
                # The class only: messages of database errors carry personal data.
                logger.error("Message handling failed: %s", type(exc).__name__)
                return response.json(collector.messages + [_bot(sender, STORAGE_APOLOGY)], status=503)
            finally:
                _turn_failures.reset(token)
                _storage_failures.reset(storage_token)
                _erasures.reset(erased_token)
            if storage_failures:
                logger.error("Tracker store unreachable (%s)", storage_failures[0])
                return response.json([_bot(sender, STORAGE_APOLOGY)], status=503)
            messages = collector.messages
            if failures:
                messages = messages + [_bot(sender, ACTION_SERVER_APOLOGY)]
            if sender in erased:
                messages = messages + [{"recipient_id": sender, **ERASED_MESSAGE}]
            return response.json(messages)

        return webhook
