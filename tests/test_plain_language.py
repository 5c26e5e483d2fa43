"""Every text the assistant sends is plain French (issue 2)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import dialogue, handoff, replies
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


QUESTIONS = [(slot, attempts) for slot in dialogue.ASKABLE_SLOTS for attempts in (0, 1, 2)]


@pytest.mark.parametrize("slot,attempts", QUESTIONS)
def test_profile_questions_are_plain_french(slot, attempts):
    assert problems(dialogue.question(slot, attempts).text) == []


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
