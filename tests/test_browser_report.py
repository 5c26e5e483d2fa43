"""The Region's report in Debian's chromium (headless): an admin opens it (screenshot in
artifacts/), charts are inline SVG, small cells show "< 5", the page runs no script that the
CSP would block; a plain adviser is refused. Needs no Rasa: events are recorded directly."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from bot.core.config import PROJECT_ROOT
from bot.gateway import create_app
from bot.services import accounts
from bot.services.analytics import record
from bot.services.catalogue.db import dispose_engine, ensure_schema, get_engine
from tests import browser_support
from tests.browser_support import screenshot
from tests.gateway_server import running_gateway
from tests.servers import free_port, seed_catalogue

pytestmark = pytest.mark.integration

ADMIN, ADVISER, PASSWORD = "region@example.fr", "conseillere@example.fr", "une phrase de passe assez longue"
GROUPS = [  # (people, departement, domaine, relaxed)
    (40, "94", "developpement_web", []), (25, "93", "cybersecurite", ["creneau"]),
    (18, "75", "commerce_vente", []), (12, "95", "logistique", ["domaine"]), (9, "92", "marketing_digital", []),
    (3, "77", "drones", ["domaine"]), (2, "78", "hotellerie_restauration", ["creneau"]),
]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-report")
    url = f"sqlite:///{work / 'catalogue.db'}"
    seed_catalogue({**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "CAPNUM_VAR_DIR": str(work), "DATABASE_URL": url})
    engine = ensure_schema(get_engine(url))
    accounts.add_adviser(engine, ADMIN, PASSWORD, role="admin")
    accounts.add_adviser(engine, ADVISER, PASSWORD, role="adviser")
    from bot.services.search import MatchingEngine

    matching = MatchingEngine(engine)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    n = 0
    for people, departement, domaine, relaxed in GROUPS:
        profile = {"age": 18 + n % 30, "departement": departement, "domaine": domaine, "niveau": "bac",
                   "equipement": "ordinateur", "creneau": "indifferent"}
        from bot.services.search import Profile

        courses = [c["id"] for c in matching.recommend(Profile.from_slots(profile), limit=3).courses]
        for _ in range(people):
            sender = f"browser-{n}"
            n += 1
            record("conversation_started", {}, sender, engine=engine, now=now)
            record("profile_complete", profile, sender, engine=engine, now=now)
            record("recommendations_shown", profile, sender, course_ids=courses, engine=engine, now=now)
            if relaxed:
                record("no_strict_match", profile, sender, details=relaxed, engine=engine, now=now)
            if n % 2:
                record("link_followed", profile, sender, course_ids=courses[:1], engine=engine, now=now)
    matching.close()
    with running_gateway(create_app(f"http://127.0.0.1:{free_port()}", engine)) as base:
        yield base
    dispose_engine(url)


def sign_in(page, base, email):
    browser_support.sign_in(page, base, email, PASSWORD)


def test_admin_sees_the_report(gateway, new_page):
    page = new_page(1280, 900)
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, gateway, ADMIN)
    page.get_by_role("link", name="Rapport pour la Région").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Rapport pour la Région", level=1).is_visible()
    for heading in ("Parcours", "Demande", "Demande non satisfaite", "Formations", "Qualité du catalogue"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    assert page.locator("svg.chart").count() >= 5
    assert page.get_by_role("img", name="Demande par domaine", exact=True).is_visible()
    funnel = page.locator("table.report").first.inner_text()
    assert "Conversations commencées\t109" in funnel
    assert page.locator("td.num.hidden", has_text="< 5").count() >= 2
    assert page.locator("td.num", has_text="40").count() >= 1
    assert csp_errors == [] and new_page.errors == []
    screenshot(page, "region-report.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger les chiffres (CSV)").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert content.startswith("section;") and ";< 5" in content


def test_a_plain_adviser_is_refused(gateway, new_page):
    page = new_page()
    sign_in(page, gateway, ADVISER)
    assert page.get_by_role("link", name="Rapport pour la Région").count() == 0
    response = page.goto(gateway + "/conseiller/region")
    assert response.status == 403
    assert page.get_by_role("heading", name="Accès refusé").is_visible()
    assert "réservé aux administrateurs" in page.inner_text("main")
    screenshot(page, "region-report-refused.png")
