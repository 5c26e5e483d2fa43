"""The advisers' console in Debian's chromium (headless): sign-in (wrong password refused),
a search over the matching engine, a recap opened by its code, printing, session expiry.
The console needs no Rasa: it works on the product database (seeded demo catalogue)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from bot.core.config import PROJECT_ROOT
from bot.gateway import create_app
from bot.services import accounts
from bot.services.catalogue.db import ensure_schema, get_engine, session_factory
from bot.services.search import MatchingEngine, Profile
from tests import browser_support
from tests.browser_support import screenshot
from tests.gateway_server import XSS, clone_course, running_gateway
from tests.servers import free_port, seed_catalogue

pytestmark = pytest.mark.integration

EMAIL, PASSWORD = "conseillere@mission-locale.example", "une phrase de passe assez longue"
PROFILE = {"age": 21, "departement": "93", "situation": "demandeur_emploi", "niveau": "sans_diplome",
           "domaine": "developpement_web", "heures_semaine": 20, "equipement": "ordinateur"}
XSS_TITLE = f"Développeur web {XSS}"


class Clock:
    """The gateway's clock, moved forward by the test to make a session expire."""
    offset = dt.timedelta(0)

    def __call__(self):
        return accounts.utcnow() + self.offset


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-console")
    url = f"sqlite:///{work / 'catalogue.db'}"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "CAPNUM_VAR_DIR": str(work), "DATABASE_URL": url}
    seed_catalogue(env)
    created = subprocess.run([sys.executable, "-m", "bot.tools.accounts", "add", EMAIL, "--password-stdin"],
                             input=PASSWORD + "\n", env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    engine = ensure_schema(get_engine(url))
    matching = MatchingEngine(engine)
    best = matching.recommend(Profile.from_slots(PROFILE), limit=1).courses[0]["id"]
    clone_course(engine, best, "0-XSS-TEST", XSS_TITLE)
    expected = matching.recommend(Profile.from_slots(PROFILE), limit=10).courses
    matching.close()

    from bot.services.recap import create_recap

    with session_factory(engine)() as db:
        code = create_recap(db, "web-browser-test", PROFILE, [c["id"] for c in expected[:2]])
    clock = Clock()
    app = create_app(f"http://127.0.0.1:{free_port()}", engine, session_idle_seconds=3600, clock=clock)
    with running_gateway(app) as base:
        yield {"url": base, "code": code, "expected": expected, "clock": clock}


def sign_in(page, base, password=PASSWORD):
    browser_support.sign_in(page, base, EMAIL, password)


def test_sign_in_search_and_recap(console, new_page):
    base = console["url"]
    page = new_page(1200, 900)

    sign_in(page, base, "pas le bon mot de passe")
    assert page.get_by_role("alert").inner_text() == "Adresse e-mail ou mot de passe incorrect."
    assert page.get_by_role("button", name="Chercher").count() == 0

    sign_in(page, base)
    assert page.get_by_text(f"Connecté : {EMAIL}").is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "capnum_conseiller")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # Search: the adviser fills the profile, and sees ranked courses with reasons.
    page.get_by_label("Âge (ans)").fill("21")
    page.get_by_label("Département").select_option("93")
    page.get_by_label("Situation", exact=True).select_option("demandeur_emploi")
    page.get_by_label("Diplôme le plus haut").select_option("sans_diplome")
    page.get_by_label("Domaine souhaité").select_option("developpement_web")
    page.get_by_label("Heures par semaine (h)").fill("20")
    page.get_by_label("Équipement").select_option("ordinateur")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Formations proposées").is_visible()
    titles = page.locator(".results .course h3").all_inner_texts()
    assert titles == [f"{i}. {c['titre']}" for i, c in enumerate(console["expected"], start=1)]
    first = page.locator(".results .course").first
    assert first.get_by_role("heading", name="Pourquoi").is_visible()
    assert first.locator("h4 + ul li").all_inner_texts() == console["expected"][0]["raisons"]
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("main script, main img").count() == 0
    # The form keeps what was entered.
    assert page.get_by_label("Département").input_value() == "93"
    screenshot(page, "console-search.png")

    # Recap: the code as the young person reads it out (lower case, no dash).
    code = console["code"]
    page.get_by_label("Code du récapitulatif").first.fill(code.replace("-", "").lower())
    page.get_by_role("button", name="Ouvrir").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Récapitulatif {code}").is_visible()
    profile = page.locator("table.profile")
    assert "21 ans" in profile.inner_text() and "Seine-Saint-Denis (93)" in profile.inner_text()
    recap_titles = page.locator(".courses .course h3").all_inner_texts()
    assert recap_titles == [f"{i}. {c['titre']}" for i, c in enumerate(console["expected"][:2], start=1)]
    assert page.get_by_role("button", name="Imprimer").is_visible()
    page.emulate_media(media="print")
    assert page.locator("header.bar").is_hidden()
    assert page.get_by_role("heading", name=f"Récapitulatif {code}").is_visible()
    screenshot(page, "console-recap-print.png")
    page.emulate_media(media="screen")

    # A wrong code says so.
    page.get_by_label("Code du récapitulatif").fill("AAAA-BBBB")
    page.get_by_role("button", name="Ouvrir").click()
    page.wait_for_load_state()
    assert "Aucun récapitulatif pour ce code." in page.get_by_role("alert").inner_text()
    assert new_page.errors == []


def test_an_expired_session_is_refused(console, new_page):
    base = console["url"]
    page = new_page(1200, 900)
    sign_in(page, base)
    assert page.get_by_text(f"Connecté : {EMAIL}").is_visible()
    console["clock"].offset = dt.timedelta(hours=2)  # idle time in this app: 1 h
    try:
        page.get_by_label("Âge (ans)").fill("30")
        page.get_by_role("button", name="Chercher").click()
        page.wait_for_load_state()
        assert page.get_by_role("alert").inner_text() == "Votre session a pris fin. Connectez-vous de nouveau."
        assert page.get_by_role("heading", name="Formations proposées").count() == 0
        page.goto(base + "/conseiller")
        assert page.get_by_role("button", name="Se connecter").is_visible()
        assert page.get_by_text("Connecté :").count() == 0
    finally:
        console["clock"].offset = dt.timedelta(0)
