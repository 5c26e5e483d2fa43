"""Every text the assistant sends is plain French (issue 2)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import dialogue, handoff, questions, replies
from tests.plain_french import problems

ROOT = Path(__file__).resolve().parent.parent


def _responses() -> list[tuple[str, str]]:
    texts = []
    files = [ROOT / "domain.yml"] + sorted((ROOT / "data").rglob("*.yml"))
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (content.get("responses") or {}).items():
            for i, variant in enumerate(variants):
                if variant.get("text"):
                    texts.append((f"{path.name}:{name}[{i}]", variant["text"]))
    return texts


RESPONSES = _responses()


def test_there_are_responses_to_check():
    assert len(RESPONSES) > 20


@pytest.mark.parametrize("where,text", RESPONSES, ids=[w for w, _ in RESPONSES])
def test_domain_response_is_plain_french(where, text):
    assert problems(text) == []


QUESTIONS = [(slot, attempts) for slot in questions.ASKABLE_SLOTS for attempts in (0, 1, 2)]


@pytest.mark.parametrize("slot,attempts", QUESTIONS)
def test_profile_questions_are_plain_french(slot, attempts):
    assert problems(questions.question(slot, attempts).text) == []


@pytest.mark.parametrize("profile", [{}, {"age": 19}, {"age": 40}, {"age": 30, "handicap": True}])
def test_handoff_texts_are_plain_french(profile):
    assert problems(handoff.handoff_text(profile)) == []


def test_outside_region_message_is_plain_french():
    assert problems(dialogue.outside_region_message()) == []


@pytest.mark.parametrize("text,expected", [
    ("Une phrase. Deux phrases. Trois phrases. Quatre phrases.", "4 phrases"),
    ("Tu veux une formation ?", "tutoiement"),
    ("Votre diplome est reconnu.", "sans accent"),
    ("Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt vingt-et-un.", "mots"),
])
def test_the_checker_catches_bad_texts(text, expected):
    assert any(expected in p for p in problems(text))


SENTENCES = {name: value for name, value in vars(replies).items() if name.isupper() and isinstance(value, str)}


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_the_conversation_s_short_sentences_are_plain_french(name):
    assert problems(SENTENCES[name]) == [], SENTENCES[name]


@pytest.mark.parametrize("lead", sorted(dialogue.LEADS))
def test_the_planner_s_leads_are_plain_french(lead):
    assert problems(dialogue.LEADS[lead]) == []


# --------------------------------------------------------------------------- every text

import re  # noqa: E402

from tests import product_texts  # noqa: E402
from tests.plain_french import (  # noqa: E402
    KANDEL_MOLES_MIN, MIN_WORDS_SCORED, kandel_moles, long_sentences, readable_words, syllables,
)

ALL_TEXTS = product_texts.all_texts()
MESSAGES = [(w, t) for w, t, kind in ALL_TEXTS if kind != "label"]


def is_scored(text: str) -> bool:
    """A message: it ends a sentence, or it is long. A heading, a title or a piece of a sentence
    (the rendered sentence it goes into is scored whole) is checked for its words only."""
    text = text.strip()
    if len(readable_words(text)) < MIN_WORDS_SCORED:
        return False
    return bool(re.search(r"[.!?…]$", text)) or len(readable_words(text)) >= 12


SCORED = [(w, t) for w, t in MESSAGES if is_scored(t)]

def test_every_french_text_is_found():
    wheres = {w.split(":")[0].split("(")[0] for w, _, _ in ALL_TEXTS}
    for expected in ("domain.yml", "faq.yml", "questions.question", "handoff.handoff_text", "replies.course_line",
                     "replies.course_details_text", "course_facts.course_fact_text", "replies.comparison_text",
                     "messaging.VOICE_NOTE_REPLY", "bot/gateway/static/index.html", "bot/gateway/static/chat.js",
                     "bot/gateway/static/reading.js",
                     "bot/services/privacy_notice.html ", "bot/gateway/console.py", "bot/gateway/region.py", "capnum_rasa/rest.py"):
        assert any(w.startswith(expected) for w in wheres), (expected, sorted(wheres))
    assert any(w.startswith("actions/") for w in wheres)
    assert len(SCORED) > 300


@pytest.mark.parametrize("where,text", MESSAGES, ids=[w for w, _ in MESSAGES])
def test_every_sentence_is_short_polite_and_spelt(where, text):
    found = [p for p in problems(text) if "phrases (max" not in p]  # details and pages: many short lines
    assert found == [], text


@pytest.mark.parametrize("where,text", SCORED, ids=[w for w, _ in SCORED])
def test_every_message_reads_easily(where, text):
    score = kandel_moles(text)
    assert score >= KANDEL_MOLES_MIN, f"Kandel–Moles {score} < {KANDEL_MOLES_MIN}: {text!r}"


def test_the_figures_over_every_text(capsys):
    scores = sorted((kandel_moles(t), w, t) for w, t in SCORED)
    total = kandel_moles("\n".join(t for _, t in SCORED))
    long_ones = [(w, t) for w, t in MESSAGES if long_sentences(t)]
    lowest, where, text = scores[0]
    with capsys.disabled():
        print(f"\nplain French: {len(MESSAGES)} messages ({len(SCORED)} scored), Kandel–Moles lowest {lowest} "
              f"({where}), whole product {total}; messages with a sentence over 20 words: {len(long_ones)}")
    assert total >= KANDEL_MOLES_MIN
    assert lowest >= KANDEL_MOLES_MIN
    assert long_ones == []


@pytest.mark.parametrize("word,count", [("école", 2), ("formation", 3), ("journée", 2), ("naïf", 2), ("vous", 1),
                                        ("ordinateur", 4), ("qu'est-ce", 2), ("l'organisme", 3), ("20", 1)])
def test_syllables_are_counted_as_spoken(word, count):
    assert syllables(word) == count


def test_the_score_tells_easy_from_hard():
    assert kandel_moles("Je vous aide. C'est gratuit.") > 80
    hard = ("L'accompagnement personnalisé des bénéficiaires nécessite l'établissement préalable "
            "d'une contractualisation administrative interinstitutionnelle.")
    assert kandel_moles(hard) < 20
