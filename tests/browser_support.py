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


def chat_sender(page) -> str:
    """Rasa's sender id of the chat page's conversation (from the gateway's HttpOnly cookie)."""
    from bot.gateway.app import CONVERSATION_COOKIE, conversation_sender

    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return conversation_sender(cookies[CONVERSATION_COOKIE])


def wait_for_chat_answer(page) -> None:
    """Waits until the chat page has the assistant's answer (a locator: the CSP forbids eval)."""
    page.locator("#composer[aria-busy='false']").wait_for(state="attached")
    errors = page.locator("#messages li.error")
    assert errors.count() == 0, errors.all_inner_texts()


def type_in_chat(page, text: str) -> None:
    box = page.locator("#message")
    box.fill(text)
    box.press("Enter")
    wait_for_chat_answer(page)


def press_chip(page, title: str) -> None:
    page.locator("#messages .chips button.chip").filter(has_text=title).first.click()
    wait_for_chat_answer(page)


def walk_to_cards(page, assistant, answers: dict, *, chips_for: dict | None = None, type_text=type_in_chat,
                  choose=press_chip, turns: int = 24) -> list[str]:
    """Answers whatever the assistant asks until course cards are on the page; returns the
    transcript (shown when it fails).

    The assistant asks only what it still needs (a time slot, a mode or a certification only
    when the answer would change the page of courses), so there is no fixed script: each turn
    reads the question pending in the tracker (`requested_slot`) and answers it with the bot's
    button named in `chips_for`, else with the words of `answers`; a question with neither, or
    none pending, is answered with one of the bot's buttons (« Peu importe » when offered, as
    a person without a preference would). The apology of a busy action server asks to send the
    last message again: it is sent again. type_text(page, text) and choose(page, title) say
    how (mouse or keyboard)."""
    from bot.core.replies import ACTION_SERVER_APOLOGY

    chips_for = chips_for or {}
    cards = page.locator("#messages .card")
    transcript: list[str] = []
    last = None
    for _ in range(turns):
        if cards.count():
            return transcript
        bubbles = page.locator("#messages li.msg.bot p.bubble").all_inner_texts()
        users = page.locator("#messages li.msg.user p.bubble").all_inner_texts()
        chips = [c.strip() for c in page.locator("#messages .chips button.chip").all_inner_texts()]
        transcript.append(f"bot: {bubbles[-1] if bubbles else ''} {chips}")
        asked = assistant.slots(chat_sender(page)).get("requested_slot") if users else None
        if users and bubbles and ACTION_SERVER_APOLOGY in bubbles[-1]:
            kind, value = last or ("text", users[-1])  # « Renvoyez votre dernier message »
        elif asked in chips_for and chips_for[asked] in chips:
            kind, value = "chip", chips_for[asked]
        elif asked in answers:
            kind, value = "text", answers[asked]
        elif chips:
            kind, value = "chip", next((c for c in chips if c == "Peu importe"), chips[0])
        elif not users:
            kind, value = "text", "Bonjour"
        else:
            break
        transcript.append(f"user ({kind}, {asked}): {value}")
        (type_text if kind == "text" else choose)(page, value)
        last = (kind, value)
    assert cards.count(), "no course card:\n" + "\n".join(transcript)
    return transcript


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skip_reasons:
        line = "!" * 78
        terminalreporter.write_line(line, red=True, bold=True)
        terminalreporter.write_line("ATTENTION : les tests dans le navigateur ont été SAUTÉS "
                                    "(browser tests were SKIPPED)", red=True, bold=True)
        for reason in sorted(set(_skip_reasons)):
            terminalreporter.write_line(f"  raison : {reason}", red=True)
        terminalreporter.write_line(line, red=True, bold=True)
