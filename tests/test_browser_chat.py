"""The chat page in Debian's chromium (headless), in front of the real Rasa and action servers:
a whole conversation up to recommendation cards, keyboard use, 320 px, escaping (XSS),
and a reload that keeps the conversation."""
from __future__ import annotations

import re

import pytest

from bot.gateway import create_app
from bot.services.catalogue.db import ensure_schema, get_engine
from bot.services.search import MatchingEngine, Profile
from tests.browser_support import screenshot
from tests.gateway_server import XSS, clone_course, remove_course, running_gateway
from tests.servers import BOBIGNY_ANSWERS

pytestmark = pytest.mark.integration

PROFILE = {"age": 21, "departement": "93", "situation": "demandeur_emploi", "niveau": "sans_diplome",
           "domaine": "developpement_web", "heures_semaine": 20, "equipement": "ordinateur"}
ANSWERS = BOBIGNY_ANSWERS
XSS_TITLE = f"Développeur web {XSS}"


@pytest.fixture(scope="module")
def site(shared_assistant):
    """The session's assistant, with one more catalogue course while this module runs: its
    title holds markup, it is cloned from the best course for PROFILE and named so that it
    ranks first among equals. The action server reads the catalogue at each search, so it
    shows the course at once, and no longer once it is removed (the other modules never see it)."""
    assistant = shared_assistant
    engine = ensure_schema(get_engine(f"sqlite:///{assistant.work_dir / 'catalogue.db'}"))
    matching = MatchingEngine(engine)
    best = matching.recommend(Profile.from_slots(PROFILE), limit=1).courses[0]["id"]
    clone_course(engine, best, "0-XSS-TEST", XSS_TITLE)
    try:
        shown = [c["id"] for c in matching.recommend(Profile.from_slots(PROFILE), limit=3).courses]
        assert "0-XSS-TEST" in shown, shown
        with running_gateway(create_app(assistant.url, engine)) as url:
            yield assistant, url
    finally:
        remove_course(engine, "0-XSS-TEST")
        assert "0-XSS-TEST" not in [c["id"] for c in matching.recommend(Profile.from_slots(PROFILE), limit=3).courses]
        matching.close()


def sender_of(page) -> str:
    """Rasa's sender id of this page's conversation: from the gateway's HttpOnly cookie (the
    page itself never holds an identifier)."""
    from bot.gateway.app import CONVERSATION_COOKIE, conversation_sender

    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert page.evaluate("localStorage.getItem('capnum.sender')") is None
    return conversation_sender(cookies[CONVERSATION_COOKIE])


def wait_for_answer(page) -> None:
    # (A locator, not wait_for_function: the page's CSP forbids eval, as it should.)
    page.locator("#composer[aria-busy='false']").wait_for(state="attached")
    assert page.locator("#messages li.error").count() == 0, page.locator("#messages li.error").all_inner_texts()


def say(page, text: str) -> None:
    box = page.locator("#message")
    box.fill(text)
    box.press("Enter")
    wait_for_answer(page)


def bot_texts(page) -> list[str]:
    return page.locator("#messages li.msg.bot .bubble").all_inner_texts()


def user_texts(page) -> list[str]:
    return page.locator("#messages li.msg.user .bubble").all_inner_texts()


def assert_no_script_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#messages script, #messages img").count() == 0


def test_a_whole_conversation_up_to_recommendation_cards(site, new_page):
    assistant, url = site
    page = new_page(360)
    page.goto(url + "/")
    assert page.locator("#messages").get_attribute("aria-live") == "polite"
    assert "Je vous aide à trouver une formation" in bot_texts(page)[0]
    assert page.get_by_role("link", name="Vos données et la confidentialité").is_visible()

    # Keyboard only: Tab to the "Commencer" chip, Enter.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Commencer":
            break
    else:
        pytest.fail("the « Commencer » button cannot be reached with Tab")
    page.keyboard.press("Enter")
    wait_for_answer(page)
    assert user_texts(page) == ["Commencer"]
    assert bot_texts(page), "the assistant answered"

    sender = sender_of(page)
    for _ in range(12):
        asked = assistant.slots(sender)["requested_slot"]
        if asked is None:
            break
        say(page, ANSWERS[asked])

    cards = page.locator("#messages .card")
    cards.first.wait_for()
    assert cards.count() >= 1
    first = cards.first
    assert first.locator(".card-title").inner_text().startswith("1. ")
    assert first.locator(".org").inner_text().strip()
    assert first.locator("dt").all_inner_texts()[:4] == ["Mode", "Rythme", "Début", "Matériel"]
    facts = first.locator("dd").all_inner_texts()
    assert facts[0] in ("100 % à distance", "À distance, avec un peu de présence sur place")
    assert "h par semaine" in facts[1]
    assert facts[2].startswith(("Début le ", "Entrée possible"))
    assert facts[3] in ("Ordinateur prêté", "Un ordinateur avec internet", "Un téléphone suffit", "Rien à prévoir")
    assert first.get_by_text("Pourquoi").is_visible()
    assert first.locator(".reasons li").count() >= 1
    link = first.get_by_role("link", name="Voir la formation")
    assert link.get_attribute("href").startswith("http")
    assert first.get_by_role("button", name="Détails").is_visible()
    # The courses are shown once, as cards: the numbered text list is for messaging apps.
    texts = bot_texts(page)
    assert any(re.search(r"Voici (une|\d+) formations? pour vous\.", text) for text in texts)
    assert not any(line.startswith("1. ") for text in texts for line in text.splitlines()), [t for t in texts if "1. " in t]

    # The catalogue title holding markup is shown as text, and ran nothing.
    titles = cards.locator(".card-title").all_inner_texts()
    assert any(XSS_TITLE in title for title in titles), titles
    assert_no_script_ran(page)
    screenshot(page, "chat-recommendations.png")

    # Details of that course, through its card's button: the title again, as text.
    xss_card = cards.filter(has_text=XSS_TITLE)
    xss_card.get_by_role("button", name="Détails").click()
    wait_for_answer(page)
    assert any(XSS_TITLE in text for text in bot_texts(page)[-3:])
    assert_no_script_ran(page)

    # A user message holding markup is shown literally.
    say(page, XSS)
    assert XSS in user_texts(page)
    assert page.get_by_text(XSS, exact=True).is_visible()
    assert_no_script_ran(page)

    # Usable at 320 px: nothing wider than the screen.
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "chat-320px.png")
    assert new_page.errors == []


def test_the_conversation_survives_a_reload(site, new_page):
    assistant, url = site
    page = new_page(360)
    page.goto(url + "/")
    say(page, "Bonjour")
    say(page, "j'ai 19 ans")
    sender = sender_of(page)
    before_users, before_bots = user_texts(page), bot_texts(page)
    assert assistant.slots(sender)["age"] == 19

    page.reload()
    page.wait_for_selector("html[data-ready='true']")
    assert sender_of(page) == sender
    assert user_texts(page) == before_users == ["Bonjour", "j'ai 19 ans"]
    assert bot_texts(page) == before_bots

    # The same conversation goes on, on the page and in the assistant.
    say(page, "j'habite à Créteil")
    assert user_texts(page)[-1] == "j'habite à Créteil"
    slots = assistant.slots(sender)
    assert (slots["age"], slots["departement"]) == (19, "94")
    screenshot(page, "chat-after-reload.png")

    # "Nouvelle conversation" forgets it on this device.
    page.get_by_role("button", name="Nouvelle conversation").click()
    assert user_texts(page) == []
    assert sender_of(page) != sender
    assert new_page.errors == []
