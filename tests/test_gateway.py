"""The web gateway over real HTTP on loopback: headers, CSP, CORS, input validation, Rasa down,
console sign-in (cookies, CSRF, rate limit). A small aiohttp app stands in for Rasa here;
the browser tests use the real one."""
from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar

import pytest
from aiohttp import web

from bot.gateway import create_app
from bot.gateway.app import CONVERSATION_COOKIE, conversation_sender
from bot.gateway.console import CHOICE_FIELDS, parse_profile
from bot.services import accounts
from bot.services.catalogue.db import ensure_schema, get_engine
from tests.gateway_server import http, post_json, running_fake, running_gateway
from tests.servers import free_port

PASSWORD = "un mot de passe solide"


class FakeRasa:
    """Answers the REST webhook like Rasa does, and remembers what it was sent."""

    def __init__(self):
        self.received = []
        self.app = web.Application()
        self.app.router.add_post("/webhooks/rest/webhook", self.webhook)

    async def webhook(self, request):
        body = await request.json()
        self.received.append(body)
        return web.json_response([
            {"recipient_id": body["sender"], "text": "Quel âge avez-vous ?"},
            {"recipient_id": body["sender"], "buttons": [{"title": "18 ans", "payload": "/inform"}], "text": "Ou :"},
            {"recipient_id": body["sender"], "custom": {"type": "recommendations", "relaxed": [], "courses": []}},
            "pas un message",
        ])


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('gateway') / 'gateway.db'}"
    engine = ensure_schema(get_engine(url))
    accounts.add_adviser(engine, "conseiller@example.fr", PASSWORD)
    accounts.add_adviser(engine, "verrou@example.fr", PASSWORD)
    return engine


@pytest.fixture(scope="module")
def rasa():
    with running_fake(FakeRasa()) as fake:
        yield fake


@pytest.fixture(scope="module")
def gateway(engine, rasa):
    with running_gateway(create_app(rasa.url, engine, trust_forwarded=True)) as url:
        yield url


@pytest.fixture(scope="module")
def gateway_without_rasa(engine):
    with running_gateway(create_app(f"http://127.0.0.1:{free_port()}", engine)) as url:
        yield url


def conversation_cookie(headers) -> str:
    """The value of the conversation cookie the gateway set, after checking its attributes."""
    from http.cookies import SimpleCookie

    for header in headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie(header)
        if CONVERSATION_COOKIE in jar:
            morsel = jar[CONVERSATION_COOKIE]
            assert morsel["httponly"] and morsel["samesite"] == "Strict" and morsel["path"] == "/api/"
            assert len(morsel.value) >= 43  # 256 random bits, URL-safe base64
            return morsel.value
    raise AssertionError("no conversation cookie")


def error_of(body: bytes) -> str:
    return json.loads(body)["error"]


# -- headers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [("GET", "/"), ("GET", "/static/chat.js"), ("GET", "/conseiller"),
                                         ("GET", "/confidentialite"), ("GET", "/page-inconnue"),
                                         ("POST", "/api/chat"), ("OPTIONS", "/api/chat")])
def test_every_response_has_the_security_headers_and_no_cors(gateway, method, path):
    status, headers, _ = http(method, gateway + path, b"{}" if method == "POST" else None,
                              {"Origin": "https://malveillant.example"})
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"]
    assert "Access-Control-Allow-Origin" not in headers
    assert status < 500


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline, self.handlers, self.external = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        for name in ("src", "href"):
            if attrs.get(name, "").startswith(("http:", "https:", "//")):
                self.external.append(attrs[name])
        if tag == "script":
            self._in_script = "src" not in attrs

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


@pytest.mark.parametrize("path", ["/", "/conseiller", "/confidentialite"])
def test_pages_are_french_with_no_inline_script_and_nothing_from_elsewhere(gateway, path):
    status, _, body = http("GET", gateway + path)
    text = body.decode()
    assert status == 200 and '<html lang="fr">' in text
    parser = _Scripts()
    parser.feed(text)
    assert parser.inline == [] and parser.handlers == [] and parser.external == []


def test_the_chat_page_links_the_privacy_notice_and_announces_new_messages(gateway):
    text = http("GET", gateway + "/")[2].decode()
    assert 'href="/confidentialite"' in text
    assert re.search(r'id="messages"[^>]*aria-live="polite"', text)
    assert '<label for="message">Votre message</label>' in text
    status, _, notice = http("GET", gateway + "/confidentialite")
    assert status == 200 and "données" in notice.decode()


# -- chat API ----------------------------------------------------------------------------------

def test_a_message_goes_to_rasa_and_the_answer_comes_back_cleaned(gateway, rasa):
    status, headers, body = post_json(gateway + "/api/chat", {"message": "bonjour"}, {"Origin": gateway})
    assert status == 200
    cookie = conversation_cookie(headers)
    assert rasa.received[-1] == {"sender": conversation_sender(cookie), "message": "bonjour"}
    messages = json.loads(body)
    assert messages[0] == {"text": "Quel âge avez-vous ?"}
    assert messages[1]["buttons"] == [{"title": "18 ans", "payload": "/inform"}]
    assert messages[2]["custom"]["type"] == "recommendations"
    assert len(messages) == 3  # the malformed one is dropped


@pytest.mark.parametrize("payload,status,french", [
    (b"pas du json", 400, "objet JSON"),
    (b"[1, 2]", 400, "objet JSON"),
    ({"sender": "web-1"}, 400, "doit être un texte"),
    ({"sender": "web-1", "message": 42}, 400, "doit être un texte"),
    ({"sender": "web-1", "message": "   "}, 400, "vide"),
    ({"sender": "web-1", "message": "a" * 2001}, 413, "2 000 caractères"),
    ({"sender": "web-1", "message": "a" * 100_000}, 413, "trop long"),
])
def test_bad_input_gets_a_clear_french_4xx(gateway, rasa, payload, status, french):
    before = len(rasa.received)
    got, _, body = post_json(gateway + "/api/chat", payload)
    assert got == status
    assert french in error_of(body)
    assert len(rasa.received) == before  # nothing reached Rasa


def test_the_conversation_is_the_cookie_s_and_the_body_cannot_choose_it(gateway, rasa):
    status, headers, _ = post_json(gateway + "/api/chat", {"message": "bonjour"})
    cookie = conversation_cookie(headers)
    status, headers, _ = post_json(gateway + "/api/chat", {"sender": "4242424242", "message": "23 ans"},
                                   {"Cookie": f"{CONVERSATION_COOKIE}={cookie}"})
    assert status == 200 and "Set-Cookie" not in headers  # same conversation, nothing re-issued
    assert rasa.received[-1]["sender"] == conversation_sender(cookie)
    assert rasa.received[-1]["sender"].startswith("web:") and "4242424242" not in rasa.received[-1]["sender"]
    # A made-up or malformed cookie: a new conversation, never the one the value names.
    status, headers, _ = post_json(gateway + "/api/chat", {"message": "x"}, {"Cookie": f"{CONVERSATION_COOKIE}=abc"})
    assert conversation_cookie(headers) != "abc"
    # « Nouvelle conversation »: a new cookie.
    status, headers, _ = post_json(gateway + "/api/nouvelle-conversation", {}, {"Cookie": f"{CONVERSATION_COOKIE}={cookie}"})
    assert status == 200 and conversation_cookie(headers) != cookie


def test_the_conversation_cookie_is_secure_behind_https(gateway):
    _, headers, _ = post_json(gateway + "/api/chat", {"message": "bonjour"}, {"X-Forwarded-Proto": "https"})
    assert "Secure" in headers["Set-Cookie"]
    _, headers, _ = post_json(gateway + "/api/chat", {"message": "bonjour"})
    assert "Secure" not in headers["Set-Cookie"]


def test_a_message_of_exactly_2000_characters_is_accepted(gateway):
    assert post_json(gateway + "/api/chat", {"sender": "web-1", "message": "é" * 2000})[0] == 200


def test_another_site_cannot_post_to_the_chat(gateway, rasa):
    before = len(rasa.received)
    status, headers, body = post_json(gateway + "/api/chat", {"sender": "web-1", "message": "bonjour"},
                                      {"Origin": "https://malveillant.example"})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert len(rasa.received) == before


def test_rasa_down_gives_a_french_apology_with_503(gateway_without_rasa):
    status, _, body = post_json(gateway_without_rasa + "/api/chat", {"sender": "web-1", "message": "bonjour"})
    assert status == 503
    assert error_of(body).startswith("Désolé")


def test_unknown_pages_and_methods_answer_in_french(gateway):
    status, _, body = http("GET", gateway + "/nulle-part")
    assert status == 404 and "Cette page n'existe pas." in html.unescape(body.decode())
    status, _, body = http("GET", gateway + "/api/chat")
    assert status == 405 and "pas possible" in error_of(body)


# -- console over HTTP ---------------------------------------------------------------------------

_addresses = (f"192.0.2.{i}" for i in itertools.count(1))


class Browser:
    """A cookie-keeping HTTP client for the console forms. Each one comes from its own
    address (X-Forwarded-For, trusted by the test gateways), so that the per-client sign-in
    limit of one test does not spill over to the next. Pages come back as visible text
    (entities decoded)."""

    def __init__(self, base: str):
        self.base = base
        self.address = next(_addresses)
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.last_headers = None

    def request(self, method, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"X-Forwarded-For": self.address}
        if method == "POST":
            headers["Origin"] = self.base
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=60) as resp:
                self.last_headers = resp.headers
                return resp.status, html.unescape(resp.read().decode())
        except urllib.error.HTTPError as error:
            self.last_headers = error.headers
            return error.code, html.unescape(error.read().decode())

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', html).group(1)

    def login(self, email, password):
        _, page = self.request("GET", "/conseiller")
        return self.request("POST", "/conseiller/connexion",
                            {"csrf": self.csrf(page), "email": email, "password": password})


def test_console_sign_in_sets_a_strict_httponly_cookie(engine, rasa):
    with running_gateway(create_app(rasa.url, engine, secure_cookies=True)) as url:
        status, headers, page = http("GET", url + "/conseiller")
        token = re.search(r'name="csrf" value="([^"]+)"', page.decode()).group(1)
        login_cookie = headers["Set-Cookie"]
        status, headers, _ = http("POST", url + "/conseiller/connexion",
                                  urllib.parse.urlencode({"csrf": token, "email": "conseiller@example.fr",
                                                          "password": PASSWORD}).encode(),
                                  {"Cookie": login_cookie.split(";")[0], "Origin": url,
                                   "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303 and headers["Location"] == "/conseiller"
    cookie = [c for c in headers.get_all("Set-Cookie") if c.startswith("capnum_conseiller=")][0]
    for flag in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/conseiller"):
        assert flag in cookie
    assert headers["Cache-Control"] == "no-store"


def test_console_refuses_a_wrong_password_and_a_missing_csrf_token(gateway):
    client = Browser(gateway)
    status, page = client.login("conseiller@example.fr", "pas le bon")
    assert status == 401 and "Adresse e-mail ou mot de passe incorrect." in page
    status, page = client.request("POST", "/conseiller/connexion",
                                  {"csrf": "faux", "email": "conseiller@example.fr", "password": PASSWORD})
    assert status == 403 and "Connecté" not in page
    status, page = client.login("conseiller@example.fr", PASSWORD)
    assert status == 200 and "Connecté : conseiller@example.fr" in page
    # A signed-in form without its token is refused too.
    status, page = client.request("POST", "/conseiller/recherche", {"age": "20"})
    assert status == 403
    status, page = client.request("POST", "/conseiller/logout", {"csrf": ""})
    assert status == 403


def test_console_locks_sign_in_after_five_failures(gateway):
    client = Browser(gateway)
    for _ in range(4):
        assert client.login("verrou@example.fr", "faux mot de passe")[0] == 401
    status, page = client.login("verrou@example.fr", "faux mot de passe")
    assert status == 429 and "Trop d'essais de connexion" in page
    status, page = client.login("verrou@example.fr", PASSWORD)
    assert status == 429 and "Connecté" not in page


def test_console_session_expires_after_the_idle_time(engine, rasa):
    class Clock:
        offset = dt.timedelta(0)

        def __call__(self):
            return accounts.utcnow() + self.offset

    clock = Clock()
    with running_gateway(create_app(rasa.url, engine, session_idle_seconds=600, clock=clock,
                                    trust_forwarded=True)) as url:
        client = Browser(url)
        status, page = client.login("conseiller@example.fr", PASSWORD)
        assert "Connecté" in page
        csrf = client.csrf(page)
        clock.offset = dt.timedelta(seconds=601)
        status, page = client.request("POST", "/conseiller/recherche", {"csrf": csrf, "age": "20"})
        assert status == 401 and "Votre session a pris fin." in page
        status, page = client.request("GET", "/conseiller")
        assert "Connecté" not in page and "Se connecter" in page


def test_profile_form_values_are_checked_against_the_contract_vocabulary():
    slots, raw, problems = parse_profile({"age": "21,5", "departement": "93", "niveau": "bac+2",
                                          "handicap": "true", "domaine": "inconnu", "heures_semaine": "99"})
    assert slots == {"age": 21.5, "departement": "93", "niveau": "bac+2", "handicap": True}
    assert problems == ["Heures par semaine : indiquez un nombre entre 1 et 45.", "Domaine souhaité : valeur inconnue."]
    for name, _label, choices, labels in CHOICE_FIELDS:
        assert set(labels) == set(choices), name


def test_the_console_card_says_when_the_computer_is_lent_and_the_course_adapted():
    from bot.gateway.console import course_html

    lent = course_html(1, {"id": "A", "titre": "T", "organisme": "O", "modalite": "distance",
                           "equipement_requis": "aucun", "pret_materiel": True, "accessible_handicap": True})
    assert "Ordinateur prêté par l&#x27;organisme" in lent or "Ordinateur prêté par l'organisme" in lent
    assert "Formation adaptée" in lent
    own = course_html(2, {"id": "B", "titre": "T", "equipement_requis": "ordinateur", "pret_materiel": False})
    assert "Un ordinateur avec internet" in own and "prêté" not in own
