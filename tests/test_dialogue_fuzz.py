"""Fuzz test of "Progress, guaranteed" (issue 12) through the real Rasa and action servers.

Thirty seeded conversations mix profile answers (a generated persona's, for the pending question),
knowledge questions, off-topic, insults, emojis, empty and very long (3,000 characters) messages,
"voir d'autres" and "la 2". Each must reach, within 20 user turns, one of:
  - recommendations (a `recommendations` custom payload),
  - a clear "nothing fits" or a handoff: a bot text naming a human next step ("conseiller",
    "mission locale", "France Travail") with buttons and no pending question;
and never show the same bot turn (same texts) three times in a row, never answer with an HTTP
error or an empty answer. The conversations run 4 at a time on one assistant (a few minutes).
"""
from __future__ import annotations

import concurrent.futures
import random
import re

import pytest

from tests.personas.generate import generate
from tests.personas.simulator import Bot, ServerError, buttons_of, recommendations, text_of

pytestmark = pytest.mark.integration

SEEDS = list(range(30))
MAX_USER_TURNS = 20
HUMAN = re.compile(r"conseill|mission locale|France Travail", re.I)

KNOWLEDGE = ["c'est quoi le CPF ?", "c'est payé la formation ?", "c'est quoi une formation certifiante ?",
             "je touche quoi pendant la formation ?", "comment on s'inscrit ?", "c'est gratuit ?"]
OFF_TOPIC = ["il fait beau aujourd'hui", "tu connais une bonne pizzeria ?", "quelle heure il est",
             "qui a gagné le match hier soir ?", "j'aime bien les chats"]
INSULTS = ["t'es nul", "bot de merde", "tu comprends rien espèce d'idiot", "ferme-la"]
EMOJIS = ["😀", "👍👍", "🤔❓", "🙏", "😡😡😡"]
EMPTY = ["", "   "]
AFTER = ["voir d'autres", "la 2", "compare la 1 et la 3", "détails de la 1"]
SHORT = ["oui", "non", "je sais pas", "?", "ok"]


def long_message(rng: random.Random) -> str:
    words = ("je voudrais une formation pour trouver du travail rapidement mais je ne sais pas trop "
             "quoi faire alors je vous écris longtemps pour expliquer ma vie ").split()
    text = []
    while len(" ".join(text)) < 3000:
        text.append(rng.choice(words))
    return " ".join(text)[:3000]


def noise(rng: random.Random) -> str:
    kind = rng.choices(["knowledge", "off", "insult", "emoji", "empty", "long", "after", "short"],
                       weights=[18, 12, 10, 10, 8, 6, 20, 16])[0]
    if kind == "long":
        return long_message(rng)
    return rng.choice({"knowledge": KNOWLEDGE, "off": OFF_TOPIC, "insult": INSULTS, "emoji": EMOJIS,
                       "empty": EMPTY, "after": AFTER, "short": SHORT}[kind])


def fuzz_conversation(bot: Bot, seed: int, persona: dict) -> dict:
    """Plays one conversation; returns what happened (a list of problems, empty when all is well)."""
    rng = random.Random(f"fuzz-{seed}")
    sender = f"fuzz-{seed}-{rng.randrange(10**9)}"
    turns, problems, log, recent = 0, [], [], []
    message = persona["opening"] if rng.random() < 0.5 else noise(rng)
    asked, ended = None, None
    while turns < MAX_USER_TURNS:
        try:
            messages = bot.say(sender, message)
            asked = bot.slots(sender).get("requested_slot")
        except ServerError as exc:
            problems.append(f"server error on turn {turns + 1}: {exc}")
            break
        turns += 1
        text = text_of(messages)
        log.append((message[:80], text[:200].replace("\n", " / "), asked))
        if not messages or not (text.strip() or any(m.get("custom") or m.get("buttons") for m in messages)):
            problems.append(f"empty answer on turn {turns} to {message[:40]!r}")
        turn = (text, tuple(b.get("title") for b in buttons_of(messages)))
        recent.append(turn)
        if len(recent) >= 3 and recent[-1] == recent[-2] == recent[-3]:
            problems.append(f"the same bot turn three times in a row (turns {turns - 2}-{turns}): {text[:120]!r}")
            break
        if recommendations(messages) is not None:
            ended = "recommendations"
            break
        if asked is None and buttons_of(messages) and HUMAN.search(text):
            ended = "nothing fits or handoff"
            break
        if asked in persona["answers"] and rng.random() < 0.55:
            message = rng.choice(persona["answers"][asked])
        else:
            message = noise(rng)
    if ended is None and not any(p.startswith(("server error", "the same bot turn")) for p in problems):
        problems.append(f"no recommendations, 'nothing fits' or handoff after {turns} user turns")
    return {"seed": seed, "ended": ended, "turns": turns, "problems": problems, "log": log}


@pytest.fixture(scope="module")
def fuzz_results(shared_assistant):
    # The session's plain assistant (tests/conftest.py), shared with other modules.
    personas = [p for p in generate(seed=4242, count=80) if p["split"] == "build"]
    bot = Bot(shared_assistant.url, shared_assistant.token)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = {seed: pool.submit(fuzz_conversation, bot, seed, personas[seed % len(personas)])
                   for seed in SEEDS}
        return {seed: f.result() for seed, f in futures.items()}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_random_conversation_makes_progress(fuzz_results, seed):
    result = fuzz_results[seed]
    transcript = "\n".join(f"  user: {u!r}\n  bot [{a}]: {b}" for u, b, a in result["log"])
    assert not result["problems"], "; ".join(result["problems"]) + "\n" + transcript
