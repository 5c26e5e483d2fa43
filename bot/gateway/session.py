"""Advisers' sessions, shared by every page of the console: cookies, the session check, CSRF
tokens, the sign-in page, and the console's page layout.

Cookies are HttpOnly, SameSite=Strict, Secure behind HTTPS, limited to /conseiller. A form
carries a CSRF token (the session's, or before sign-in a double-submit cookie) and the
Origin is checked."""
from __future__ import annotations

import hmac
import secrets
from typing import Any, Optional

from aiohttp import web

from bot.gateway.common import in_thread, same_origin, settings_of
from bot.gateway.pages import escape, page
from bot.services import accounts

SESSION_COOKIE = "capnum_conseiller"
LOGIN_CSRF_COOKIE = "capnum_connexion"
COOKIE_PATH = "/conseiller"


def _secure(request: web.Request) -> bool:
    return settings_of(request).secure_cookies or request.secure


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=_secure(request))


def drop_cookie(response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path=COOKIE_PATH)


async def current_session(request: web.Request) -> tuple[Optional[accounts.AdviserSession], bool]:
    settings = settings_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None, False
    return await in_thread(accounts.resume_session, settings.engine, token, settings.session_idle_seconds,
                           settings.now(), settings.session_max_seconds)


def tokens_match(given: Any, expected: Optional[str]) -> bool:
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def console_page(body: str, status: int = 200, title: str = "Console des conseillers", header: str = "") -> web.Response:
    return web.Response(text=page(title, body, header=header, script="/static/console.js"),
                        status=status, content_type="text/html")


def login_page(request: web.Request, message: str = "", status: int = 200, email: str = "") -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    alert = f'<p class="alert" role="alert">{escape(message)}</p>' if message else ""
    body = f"""<h1>Console des conseillers</h1>
<p>Connectez-vous avec le compte créé pour vous.</p>
{alert}
<form method="post" action="/conseiller/connexion" class="card login">
  <input type="hidden" name="csrf" value="{escape(token)}">
  <p><label for="email">Adresse e-mail</label>
  <input id="email" name="email" type="email" autocomplete="username" required value="{escape(email)}"></p>
  <p><label for="password">Mot de passe</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Se connecter</button></p>
</form>
<p><a href="/">Retour à la conversation</a></p>"""
    response = console_page(body, status=status, title="Connexion")
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    return response


async def require_session(request: web.Request, form=None):
    """(session, None) or (None, the response to send instead)."""
    session, expired = await current_session(request)
    if session is None:
        message = ("Votre session a pris fin. Connectez-vous de nouveau." if expired
                   else "Connectez-vous pour continuer.")
        response = login_page(request, message, status=401 if request.method == "POST" else 200)
        drop_cookie(response, SESSION_COOKIE)
        return None, response
    if form is not None and (not same_origin(request) or not tokens_match(form.get("csrf"), session.csrf_token)):
        return None, console_page("<h1>Action refusée</h1><p>La page a expiré. Rechargez-la et réessayez.</p>"
                           '<p><a href="/conseiller">Retour à la console</a></p>', status=403)
    return session, None


def console_header(session: accounts.AdviserSession) -> str:
    return f"""<header class="bar">
<p class="brand"><a href="/conseiller">Cap Numérique · Console des conseillers</a></p>
<form method="post" action="/conseiller/logout" class="logout">
  <input type="hidden" name="csrf" value="{escape(session.csrf_token)}">
  <span>Connecté : {escape(session.adviser.email)}</span>
  <button type="submit" class="secondary">Se déconnecter</button>
</form>
</header>"""
