"""Browser tests: Debian's chromium driven headless by Playwright (never `playwright install`).

Registered from tests/conftest.py (pytest_plugins). Gives the `browser` fixture (one
chromium per test session) and `new_page` (a fresh context and page per call, 360 px wide
by default). When chromium or Playwright is missing, the browser tests are skipped and the
terminal summary says so loudly. Screenshots go to artifacts/ (git-ignored).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT_ROOT / "artifacts"
CHROMIUM = os.environ.get("CAPNUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
_skip_reasons: list[str] = []


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"chromium introuvable ({CHROMIUM}) : apt-get install chromium chromium-driver"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "le paquet Python playwright manque : pip install -r requirements.txt"
    return None


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module. Not per session: Playwright's sync API keeps an
    event loop running in this thread until it stops, and later tests call asyncio.run()."""
    reason = _missing()
    if reason:
        _skip_reasons.append(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright gives the browser a fresh, temporary --user-data-dir itself (it refuses one
    # in args); it is removed when the browser closes.
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        except Exception as exc:  # the binary exists but cannot start here
            reason = f"chromium ne démarre pas : {str(exc).splitlines()[0]}"
            _skip_reasons.append(reason)
            pytest.skip(reason)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser):
    """new_page(width=360) -> a Page in a fresh context (own cookies and localStorage)."""
    contexts = []

    def make(width: int = 360, height: int = 780):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                      java_script_enabled=True)
        context.set_default_timeout(90_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        return page

    page_errors: list[str] = []
    make.errors = page_errors
    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Saves a full-page screenshot as a test artifact; returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base: str, email: str, password: str) -> None:
    """Signs in to the advisers' console through its form, as a person would."""
    page.goto(base + "/conseiller")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skip_reasons:
        line = "!" * 78
        terminalreporter.write_line(line, red=True, bold=True)
        terminalreporter.write_line("ATTENTION : les tests dans le navigateur ont été SAUTÉS "
                                    "(browser tests were SKIPPED)", red=True, bold=True)
        for reason in sorted(set(_skip_reasons)):
            terminalreporter.write_line(f"  raison : {reason}", red=True)
        terminalreporter.write_line(line, red=True, bold=True)
