"""Accessibility in Debian's chromium (headless), in front of the real Rasa and action servers.

- « Écouter »: the calls the page makes to the speech synthesis API are recorded (an init
  script stands in for window.speechSynthesis, as headless chromium has no voice): the button
  speaks the message's text in French, one short sentence per fact for a course card, stops
  when pressed again, works by keyboard, is announced (aria-pressed, a live region); « Lire
  chaque réponse à voix haute » reads each new answer and is remembered.
- Text size: larger and smaller, remembered; the page fits from 320 px to 1,280 px wide with
  the text at 200 %, and at 640 px (1,280 px at 200 % browser zoom); screenshots in artifacts/.
- A whole conversation with the keyboard only.
- axe-core (pinned: axe-playwright-python, its bundled axe.min.js) on the chat page with cards,
  the console, a recap, the Region report and the privacy page: 0 violations of WCAG 2.1 A and
  AA. The counts are written to artifacts/axe-results.json.
"""
from __future__ import annotations

import json
import re

import pytest

from bot.gateway import create_app
from bot.services import accounts
from bot.services.catalogue.db import ensure_schema, get_engine, session_factory
from tests import browser_support
from tests.browser_support import (
    ARTIFACTS, chat_sender, screenshot, type_in_chat, wait_for_chat_answer, walk_to_cards,
)
from tests.gateway_server import running_gateway
from tests.servers import BOBIGNY_ANSWERS

pytestmark = pytest.mark.integration

ADMIN, PASSWORD = "region-a11y@example.fr", "une phrase de passe assez longue"
PROFILE = {"age": 21, "departement": "93", "situation": "demandeur_emploi", "niveau": "sans_diplome",
           "domaine": "developpement_web", "heures_semaine": 20, "equipement": "ordinateur"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WELCOME = ("Bonjour ! Je vous aide à trouver une formation à distance, payée par la Région. "
           "Écrivez votre message en bas, ou appuyez sur « Commencer ».")

# Stands in for the browser's speech synthesis: records every call; utterances stay queued
# (speaking) until the test ends them, like a long answer being read.
SPEECH_STUB = """
(() => {
  const calls = [];
  let queue = [];
  const voices = [
    { name: "English (US)", lang: "en-US", default: true, localService: true, voiceURI: "en-US" },
    { name: "Français (France)", lang: "fr-FR", default: false, localService: true, voiceURI: "fr-FR" },
  ];
  function Utterance(text) {
    this.text = String(text); this.lang = ""; this.voice = null; this.rate = 1; this.pitch = 1;
    this.onend = null; this.onerror = null; this.onstart = null;
  }
  const synth = {
    get speaking() { return queue.length > 0; },
    get pending() { return queue.length > 1; },
    paused: false,
    getVoices() { return voices.slice(); },
    speak(u) {
      calls.push({ type: "speak", text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null, rate: u.rate });
      queue.push(u);
    },
    cancel() {
      calls.push({ type: "cancel" });
      const stopped = queue; queue = [];
      stopped.forEach((u) => { if (u.onerror) { u.onerror({ error: "interrupted" }); } });
    },
    pause() {}, resume() {}, addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
  window.__speech = {
    calls,
    clear() { calls.length = 0; },
    finishAll() { const done = queue; queue = []; done.forEach((u) => { if (u.onend) { u.onend({}); } }); },
  };
})();
"""


@pytest.fixture(scope="module")
def site(shared_assistant):
    assistant = shared_assistant
    engine = ensure_schema(get_engine(f"sqlite:///{assistant.work_dir / 'catalogue.db'}"))
    accounts.add_adviser(engine, ADMIN, PASSWORD, role="admin")
    from bot.services.recap import create_recap
    from bot.services.search import MatchingEngine, Profile

    matching = MatchingEngine(engine)
    ids = [c["id"] for c in matching.recommend(Profile.from_slots(PROFILE), limit=2).courses]
    matching.close()
    with session_factory(engine)() as db:
        code = create_recap(db, "web-a11y-test", PROFILE, ids)
    with running_gateway(create_app(assistant.url, engine)) as url:
        yield {"assistant": assistant, "url": url, "code": code}


@pytest.fixture
def page_with_speech(new_page):
    def make(width: int = 360, height: int = 780):
        page = new_page(width, height)
        page.context.add_init_script(SPEECH_STUB)
        return page

    make.errors = new_page.errors
    return make


def speech(page) -> list[dict]:
    return page.evaluate("window.__speech.calls.slice()")


def spoken(page) -> list[str]:
    return [c["text"] for c in speech(page) if c["type"] == "speak"]


def to_the_cards(page, assistant) -> list[str]:
    """Answers whatever is asked (tests.browser_support.walk_to_cards) until cards show."""
    return walk_to_cards(page, assistant, BOBIGNY_ANSWERS)


def focused(page) -> dict:
    return page.evaluate("""(() => { const e = document.activeElement;
      return { tag: e.tagName, id: e.id, text: (e.textContent || '').trim(), cls: String(e.className),
               pressed: e.getAttribute('aria-pressed'),
               firstCard: !!e.closest('#messages .cards > li:first-child') }; })()""")


def tab_to(page, predicate, limit: int = 80, backwards: bool = False) -> dict:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        element = focused(page)
        if predicate(element):
            return element
    pytest.fail("not reachable with the keyboard")


# --------------------------------------------------------------------------- Écouter

def test_listen_speaks_the_message_stops_and_is_announced(site, page_with_speech):
    page = page_with_speech(360)
    page.goto(site["url"] + "/")
    page.wait_for_selector("html[data-ready='true']")
    listen = page.locator("#messages li.msg.bot").first.get_by_role("button", name="Écouter")
    assert listen.get_attribute("aria-pressed") == "false"

    listen.click()
    assert " ".join(spoken(page)) == WELCOME
    assert spoken(page) == ["Bonjour !", "Je vous aide à trouver une formation à distance, payée par la Région.",
                            "Écrivez votre message en bas, ou appuyez sur « Commencer »."]
    assert {(c["lang"], c["voice"]) for c in speech(page) if c["type"] == "speak"} == {("fr-FR", "Français (France)")}
    assert listen.get_attribute("aria-pressed") == "true"
    page.locator("#announce", has_text="Lecture à voix haute").wait_for()

    listen.click()  # pressed again: stops
    assert speech(page)[-1] == {"type": "cancel"}
    assert listen.get_attribute("aria-pressed") == "false"
    page.locator("#announce", has_text="Lecture arrêtée").wait_for()

    # A reading that ends by itself releases the button.
    page.evaluate("window.__speech.clear()")
    listen.click()
    assert listen.get_attribute("aria-pressed") == "true"
    page.evaluate("window.__speech.finishAll()")
    assert listen.get_attribute("aria-pressed") == "false"
    assert page_with_speech.errors == []


def test_listen_works_by_keyboard_and_reads_a_card_fact_by_fact(site, page_with_speech):
    page = page_with_speech(360)
    page.goto(site["url"] + "/")
    page.wait_for_selector("html[data-ready='true']")
    element = tab_to(page, lambda e: e["text"] == "Écouter")
    assert element["pressed"] == "false"
    page.keyboard.press("Enter")
    assert " ".join(spoken(page)) == WELCOME
    assert focused(page)["pressed"] == "true"
    page.keyboard.press("Space")
    assert focused(page)["pressed"] == "false" and speech(page)[-1]["type"] == "cancel"

    to_the_cards(page, site["assistant"])
    card = page.locator("#messages .card").first
    title = card.locator(".card-title").inner_text()
    facts = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts()))
    page.evaluate("window.__speech.clear()")
    card.get_by_role("button", name=re.compile("^Écouter")).focus()
    page.keyboard.press("Enter")
    said = spoken(page)
    assert said[0] == "Formation " + title.replace(". ", " : ", 1) + "."
    assert f"Mode : {facts['Mode']}." in said
    assert f"Rythme : {facts['Rythme'].replace(' h ', ' heures ')}." in said
    assert f"{facts['Début']}." in said
    assert f"Matériel : {facts['Matériel']}." in said
    assert "Pourquoi cette formation :" in said
    assert all(len(s.split()) <= 20 for s in said), said  # one short sentence per fact
    # A text message of the same page is read as written (no course paragraph hidden in it).
    bubble = page.locator("#messages li.msg.bot:has(p.bubble)").last
    page.evaluate("window.__speech.clear()")
    bubble.get_by_role("button", name="Écouter").click()
    assert " ".join(spoken(page)).replace(" heures ", " h ") == " ".join(
        bubble.locator("p.bubble").inner_text().split())
    assert page_with_speech.errors == []


def test_reading_every_answer_aloud_is_a_remembered_setting(site, page_with_speech):
    page = page_with_speech(360)
    page.goto(site["url"] + "/")
    page.wait_for_selector("html[data-ready='true']")
    setting = page.get_by_label("Lire chaque réponse à voix haute")
    assert setting.is_visible() and not setting.is_checked()
    setting.check()
    page.locator("#announce", has_text="sera lue à voix haute").wait_for()
    page.reload()
    page.wait_for_selector("html[data-ready='true']")
    assert page.get_by_label("Lire chaque réponse à voix haute").is_checked()
    assert spoken(page) == []  # the page does not read its history on load

    type_in_chat(page, "Bonjour")
    answers = page.locator("#messages li.msg.bot p.bubble").all_inner_texts()[-1]
    said = " ".join(spoken(page))
    assert said and " ".join(answers.split()) in said
    page.get_by_label("Lire chaque réponse à voix haute").uncheck()
    page.evaluate("window.__speech.clear()")
    type_in_chat(page, "j'ai 21 ans")
    assert spoken(page) == []
    assert page_with_speech.errors == []


# --------------------------------------------------------------------------- text size

def fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    for selector in ("#message", "#send", "#text-larger", "#text-smaller"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, width, box)


def test_text_size_is_remembered_and_the_page_fits_from_320_to_1280_px(site, page_with_speech):
    page = page_with_speech(1280, 800)
    page.goto(site["url"] + "/")
    page.wait_for_selector("html[data-ready='true']")
    root = page.locator("html")
    assert root.get_attribute("data-text-size") == "100"
    larger, smaller = page.get_by_role("button", name="Plus grand"), page.get_by_role("button", name="Plus petit")
    assert smaller.is_disabled()
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    larger.click()
    page.locator("#announce", has_text="Taille du texte : 115 %").wait_for()
    while not larger.is_disabled():
        larger.click()
    assert root.get_attribute("data-text-size") == "200"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == pytest.approx(2 * base)
    page.reload()
    page.wait_for_selector("html[data-ready='true']")
    assert page.locator("html").get_attribute("data-text-size") == "200"

    to_the_cards(page, site["assistant"])
    for width in (1280, 640, 320):  # 640: 1,280 px at 200 % browser zoom
        fits(page, width)
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "a11y-chat-320px-text-200.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "a11y-chat-1280px-text-200.png")

    page.get_by_role("button", name="Plus petit").click()
    assert page.locator("html").get_attribute("data-text-size") == "175"
    while not page.get_by_role("button", name="Plus petit").is_disabled():
        page.get_by_role("button", name="Plus petit").click()
    for width in (320, 1280):
        fits(page, width)
    page.set_viewport_size({"width": 320, "height": 800})
    screenshot(page, "a11y-chat-320px.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "a11y-chat-1280px.png")
    assert page_with_speech.errors == []


# --------------------------------------------------------------------------- keyboard only

def test_a_whole_conversation_with_the_keyboard_only(site, page_with_speech):
    assistant = site["assistant"]
    page = page_with_speech(360)
    page.goto(site["url"] + "/")
    page.wait_for_selector("html[data-ready='true']")
    tab_to(page, lambda e: e["text"] == "Commencer")
    page.keyboard.press("Enter")
    wait_for_chat_answer(page)
    sender = chat_sender(page)
    assert focused(page)["id"] == "message", "after a chip, the focus is back in the message box"

    def type_text(page, text: str) -> None:
        assert focused(page)["id"] == "message", "the focus stays in the message box"
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        wait_for_chat_answer(page)

    def choose(page, title: str) -> None:  # a chip, reached backwards from the message box
        tab_to(page, lambda e: e["text"] == title, backwards=True)
        page.keyboard.press("Enter")
        wait_for_chat_answer(page)
        assert focused(page)["id"] == "message", "after a chip, the focus is back in the message box"

    # Whatever the assistant asks is answered (typed, or its button for the diploma).
    walk_to_cards(page, assistant, BOBIGNY_ANSWERS, chips_for={"niveau": "Pas de diplôme ou brevet"},
                  type_text=type_text, choose=choose)
    assert assistant.slots(sender)["niveau"] == "sans_diplome"

    # The first card's « Détails », reached backwards from the message box.
    assert focused(page)["id"] == "message"
    tab_to(page, lambda e: "details" in e["cls"] and e["firstCard"], backwards=True, limit=120)
    page.keyboard.press("Enter")
    wait_for_chat_answer(page)
    assert "Organisme" in "\n".join(page.locator("#messages li.msg.bot p.bubble").all_inner_texts()[-3:])
    # The skip link leads to the message box; « Nouvelle conversation » is reachable too.
    tab_to(page, lambda e: e["text"] == "Aller à la zone de message", backwards=True, limit=200)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "message"
    element = tab_to(page, lambda e: e["text"] == "Nouvelle conversation")
    page.keyboard.press("Enter")
    assert page.locator("#messages li.msg.user").count() == 0
    assert page_with_speech.errors == []


# --------------------------------------------------------------------------- axe-core

def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return results.response["violations"]


def summary(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} — " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
            for v in violations]


def test_axe_finds_no_wcag_violation_on_the_five_pages(site, page_with_speech):
    results: dict[str, list[str]] = {}
    page = page_with_speech(1280, 900)

    page.goto(site["url"] + "/")
    page.wait_for_selector("html[data-ready='true']")
    to_the_cards(page, site["assistant"])
    results["chat page, with cards (1,280 px)"] = summary(axe_violations(page))
    page.set_viewport_size({"width": 320, "height": 800})
    results["chat page, with cards (320 px)"] = summary(axe_violations(page))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(site["url"] + "/confidentialite")
    results["privacy page"] = summary(axe_violations(page))

    browser_support.sign_in(page, site["url"], ADMIN, PASSWORD)
    page.get_by_label("Âge (ans)").fill("21")
    page.get_by_label("Département").select_option("93")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state()
    results["console, search results"] = summary(axe_violations(page))

    page.get_by_label("Code du récapitulatif").first.fill(site["code"])
    page.get_by_role("button", name="Ouvrir").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Récapitulatif {site['code']}").is_visible()
    results["recap"] = summary(axe_violations(page))

    page.goto(site["url"] + "/conseiller")  # the report is linked from the console's home page
    page.get_by_role("link", name="Rapport pour la Région").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Rapport pour la Région", level=1).is_visible()
    results["Region report"] = summary(axe_violations(page))

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-results.json").write_text(json.dumps(
        {"tags": WCAG_TAGS, "violations": {name: len(found) for name, found in results.items()}, "details": results},
        ensure_ascii=False, indent=2), encoding="utf-8")
    assert {name: found for name, found in results.items() if found} == {}
