"""The web gateway: chat page, chat API (proxy to Rasa's REST channel), advisers' console.

    app = create_app("http://127.0.0.1:5005", engine=ensure_schema(get_engine()))
    python -m bot.gateway        # port GATEWAY_PORT (8080), Rasa at RASA_URL

Routes
  GET  /                      the chat page (static/index.html, reading.js, chat.js, chat.css)
  POST /api/chat              {"message"} -> Rasa's list of messages (conversation: the cookie)
  POST /api/nouvelle-conversation   a new conversation cookie for this browser
  GET  /confidentialite       the privacy notice (bot.services.privacy.notice_html())
  GET  /healthz               {"status": "ok"}
  GET  /go/<course_id>?s=...  counts a link followed, redirects to the catalogue's URL (bot.gateway.links)
  /conseiller...              the advisers' console (bot.gateway.console)
  /conseiller/region[.csv]    the Region's report, admin only (bot.gateway.region, bot.services.report)

The browser only ever talks to this origin: Rasa's port and token stay server-side.
Every response carries the security headers (CSP without inline script, nosniff,
Referrer-Policy, X-Frame-Options DENY); no CORS header is ever sent.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Callable, Optional

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from sqlalchemy.engine import Engine

from bot.core.clock import utcnow
from bot.core.vocab import MAX_MESSAGE_CHARS
from bot.gateway import console, links, region
from bot.gateway.common import (
    SETTINGS_KEY, Settings, json_error, json_response, over_limit, same_origin, settings_of,
)
from bot.gateway.links import add_tracked_links
from bot.gateway.pages import escape, page
from bot.services import accounts
from bot.services.privacy import notice_html
from bot.services.ratelimit import RateLimiter

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 32 * 1024
# The browser's conversation: a random value (256 bits) in an HttpOnly cookie that the server
# issues; the page never sees nor sends an identifier. Rasa knows the conversation as
# "web:" + a keyed hash of the cookie, so an identifier read anywhere (tracker store, logs)
# gives no cookie, and no cookie value can name another conversation, let alone another
# channel's (telegram:, messenger:, whatsapp:).
CONVERSATION_COOKIE = "capnum_conversation"
COOKIE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
CONVERSATION_MAX_AGE = 90 * 24 * 3600  # the tracker store keeps a conversation 90 days
WEB_PREFIX = "web:"
ERASED_TYPE = "conversation_erased"  # custom message the REST channel adds after an erasure
RASA_TIMEOUT_SECONDS = 60

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

UNAVAILABLE = "Désolé, l'assistant ne répond pas pour le moment. Réessayez dans quelques minutes."
ERRORS = {
    400: "La requête est incorrecte.",
    403: "Accès refusé.",
    404: "Cette page n'existe pas.",
    405: "Cette action n'est pas possible ici.",
    413: "La requête est trop longue.",
    429: "Trop d'essais. Réessayez plus tard.",
    500: "Une erreur est survenue. Réessayez plus tard.",
}

def new_conversation_cookie() -> str:
    return secrets.token_urlsafe(32)


def conversation_sender(cookie: str) -> str:
    """Rasa's sender id for a browser's conversation cookie."""
    from bot.services.people import keyed_hash

    return WEB_PREFIX + keyed_hash("web-conversation", cookie)[:32]


def is_https(request: web.Request) -> bool:
    if request.secure or settings_of(request).secure_cookies:
        return True
    return settings_of(request).trust_forwarded and request.headers.get("X-Forwarded-Proto", "") == "https"


def set_conversation_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    response.set_cookie(CONVERSATION_COOKIE, value, path="/api/", max_age=CONVERSATION_MAX_AGE,
                        httponly=True, samesite="Strict", secure=is_https(request))


# -- middlewares and signals --------------------------------------------------------------

async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    response.headers.pop("Access-Control-Allow-Origin", None)
    if request.path.startswith(("/conseiller", "/api/")):
        response.headers["Cache-Control"] = "no-store"


@web.middleware
async def french_errors(request: web.Request, handler):
    """Errors in French: JSON under /api/, a small page elsewhere. Never a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = ERRORS.get(exc.status, ERRORS[500] if exc.status >= 500 else ERRORS[400])
        if request.path.startswith("/api/"):
            return json_error(exc.status, message)
        return web.Response(text=page("Erreur", f"<h1>Erreur</h1><p>{escape(message)}</p>"
                                               '<p><a href="/">Retour à l\'accueil</a></p>'),
                            status=exc.status, content_type="text/html", headers=_allow_header(exc))
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("Unexpected error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return json_error(500, ERRORS[500])
        return web.Response(text=page("Erreur", f"<h1>Erreur</h1><p>{escape(ERRORS[500])}</p>"),
                            status=500, content_type="text/html")


def _allow_header(exc: web.HTTPException) -> dict:
    allow = exc.headers.get("Allow")
    return {"Allow": allow} if allow else {}


# -- chat ---------------------------------------------------------------------------------

async def chat_page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def _clean_message(item) -> Optional[dict]:
    """What the page may render of one Rasa message: text, buttons, custom payload, image."""
    if not isinstance(item, dict):
        return None
    out = {}
    if isinstance(item.get("text"), str):
        out["text"] = item["text"]
    buttons = item.get("buttons")
    if isinstance(buttons, list):
        out["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                          for b in buttons if isinstance(b, dict)]
    if isinstance(item.get("custom"), dict):
        out["custom"] = item["custom"]
    if isinstance(item.get("image"), str):
        out["image"] = item["image"]
    return out or None


async def chat_api(request: web.Request) -> web.Response:
    settings = settings_of(request)
    if not same_origin(request):
        return json_error(403, "Cette page ne peut pas envoyer de message à l'assistant.")
    if (refused := await over_limit(request, "chat")) is not None:
        return refused
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return json_error(413, "Votre message est trop long : 2 000 caractères au plus.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return json_error(400, "La requête doit être un objet JSON.")
    if not isinstance(body, dict):
        return json_error(400, "La requête doit être un objet JSON.")
    # Any "sender" in the body is ignored: the conversation is the cookie's.
    message = body.get("message")
    if not isinstance(message, str):
        return json_error(400, "Le message doit être un texte.")
    if len(message) > MAX_MESSAGE_CHARS:
        return json_error(413, "Votre message est trop long : 2 000 caractères au plus.")
    if not message.strip():
        return json_error(400, "Votre message est vide.")
    cookie = request.cookies.get(CONVERSATION_COOKIE, "")
    issue = not COOKIE_PATTERN.match(cookie)
    if issue:
        cookie = new_conversation_cookie()
    sender = conversation_sender(cookie)
    url = settings.rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    try:
        async with settings.http.post(url, json={"sender": sender, "message": message},
                                      timeout=ClientTimeout(total=RASA_TIMEOUT_SECONDS)) as response:
            if response.status >= 400:
                log.warning("Rasa answered %s", response.status)
                return _with_cookie(request, json_error(503, UNAVAILABLE), cookie if issue else None)
            replies = await response.json(content_type=None)
    except (ClientError, asyncio.TimeoutError, ValueError) as exc:
        log.warning("Rasa unreachable: %s", type(exc).__name__)
        return _with_cookie(request, json_error(503, UNAVAILABLE), cookie if issue else None)
    if not isinstance(replies, list):
        return json_error(503, UNAVAILABLE)
    messages = [m for m in map(_clean_message, replies) if m]
    if any(isinstance(m.get("custom"), dict) and m["custom"].get("type") == ERASED_TYPE for m in messages):
        # Erased: this browser starts a new conversation (the page also clears its history).
        cookie, issue = new_conversation_cookie(), True
    # ASCII-escaped: text from upstream may hold lone surrogates, which UTF-8 cannot encode.
    return _with_cookie(request, web.json_response(add_tracked_links(messages, sender)),
                        cookie if issue else None)


def _with_cookie(request: web.Request, response: web.Response, cookie: Optional[str]) -> web.Response:
    if cookie:
        set_conversation_cookie(request, response, cookie)
    return response


async def new_conversation(request: web.Request) -> web.Response:
    """« Nouvelle conversation »: this browser gets a new conversation id; the old one stays
    in the tracker store (erasable by « supprimer mes données » before, purged after 90 days)."""
    if not same_origin(request):
        return json_error(403, "Cette page ne peut pas envoyer de message à l'assistant.")
    response = json_response({"status": "ok"})
    set_conversation_cookie(request, response, new_conversation_cookie())
    return response


# -- other pages --------------------------------------------------------------------------

async def privacy_page(request: web.Request) -> web.Response:
    body = notice_html()
    if body.lstrip()[:15].lower().startswith("<!doctype"):
        return web.Response(text=body, content_type="text/html")
    return web.Response(text=page("Confidentialité", body + '<p><a href="/">Retour à la conversation</a></p>',
                                  stylesheet="/static/chat.css"),
                        content_type="text/html")


async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


# -- application --------------------------------------------------------------------------

def _limit_setting(name: str, default: str) -> tuple[int, float]:
    """"count/seconds" from the environment variable name."""
    value = os.environ.get(name, default)
    try:
        count, seconds = value.split("/")
        return max(1, int(count)), max(1.0, float(seconds))
    except ValueError:
        count, seconds = default.split("/")
        return int(count), float(seconds)


def create_app(rasa_url: str, engine: Optional[Engine] = None, *,
               session_idle_seconds: Optional[float] = None, secure_cookies: Optional[bool] = None,
               trust_forwarded: Optional[bool] = None, trusted_proxies: Optional[int] = None,
               session_max_seconds: Optional[float] = None, limits: Optional[dict] = None,
               clock: Optional[Callable[[], dt.datetime]] = None) -> web.Application:
    """The gateway. engine: the product database (catalogue, advisers, recaps), migrated;
    default: bot.services.catalogue.db.get_engine() migrated. clock: naive-UTC "now" (tests move it).
    trusted_proxies: how many reverse proxies stand in front (GATEWAY_TRUSTED_PROXIES; the
    older GATEWAY_TRUST_PROXY=1 means one). limits: {"chat": (count, seconds), "login": …} per
    client address (GATEWAY_CHAT_LIMIT "60/60", GATEWAY_LOGIN_LIMIT "20/900"), shared through
    Redis when REDIS_URL is set."""
    if engine is None:
        from bot.services.catalogue.db import ensure_schema, get_engine

        engine = ensure_schema(get_engine())
    if session_idle_seconds is None:
        session_idle_seconds = float(os.environ.get("CONSOLE_SESSION_IDLE_SECONDS", accounts.DEFAULT_IDLE_SECONDS))
    if secure_cookies is None:
        secure_cookies = os.environ.get("GATEWAY_SECURE_COOKIES", "").lower() in ("1", "true", "yes", "oui")
    if trusted_proxies is None:
        raw = os.environ.get("GATEWAY_TRUSTED_PROXIES", "").strip()
        if raw.isdigit():
            trusted_proxies = int(raw)
        elif trust_forwarded or os.environ.get("GATEWAY_TRUST_PROXY", "").lower() in ("1", "true", "yes", "oui"):
            trusted_proxies = 1
        else:
            trusted_proxies = 0
    if trust_forwarded is None:
        trust_forwarded = trusted_proxies > 0
    if session_max_seconds is None:
        session_max_seconds = float(os.environ.get("CONSOLE_SESSION_MAX_SECONDS", accounts.DEFAULT_MAX_SECONDS))
    if limits is None:
        limits = {"chat": _limit_setting("GATEWAY_CHAT_LIMIT", "60/60"),
                  "login": _limit_setting("GATEWAY_LOGIN_LIMIT", "20/900")}
    settings = Settings(rasa_url=rasa_url, engine=engine, session_idle_seconds=session_idle_seconds,
                        secure_cookies=secure_cookies, trust_forwarded=trust_forwarded,
                        clock=clock or utcnow, trusted_proxies=trusted_proxies,
                        session_max_seconds=session_max_seconds,
                        limits={name: RateLimiter(f"gateway-{name}", count, seconds)
                                for name, (count, seconds) in limits.items()})
    app = web.Application(middlewares=[french_errors], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS_KEY] = settings
    app.on_response_prepare.append(_security_headers)

    async def start_http(app_: web.Application) -> None:
        settings.http = ClientSession()
        from bot.services.search import MatchingEngine

        settings.matching = MatchingEngine(engine)

    async def stop_http(app_: web.Application) -> None:
        if settings.http is not None:
            await settings.http.close()

    app.on_startup.append(start_http)
    app.on_cleanup.append(stop_http)

    app.router.add_get("/", chat_page)
    app.router.add_post("/api/chat", chat_api)
    app.router.add_post("/api/nouvelle-conversation", new_conversation)
    app.router.add_get("/confidentialite", privacy_page)
    app.router.add_get("/healthz", health)
    app.router.add_static("/static", STATIC_DIR, show_index=False, follow_symlinks=False)
    console.add_routes(app)
    links.add_routes(app)
    region.add_routes(app)
    return app
