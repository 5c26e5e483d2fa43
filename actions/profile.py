"""Reading the profile values a message gives, from its words and its entities."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.tracker_io import is_payload, latest_text, profile_of
from bot.core import cues, dialogue
from bot.core.geo import find_place
from bot.core.profile import extract_profile, normalise_slot
from bot.core.vocab import PROFILE_SLOTS

_PLACE_ENTITY = "lieu"


def _values_from_entities(tracker: Tracker) -> dict[str, Any]:
    """Values carried by entities: button payloads and the NLU's entity extractor."""
    values: dict[str, Any] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, raw = entity.get("entity"), entity.get("value")
        if name == _PLACE_ENTITY and isinstance(raw, str):
            place = find_place(raw, expecting_place=True)
            if place:
                values.setdefault("departement", place.departement)
                values.setdefault("commune", place.commune)
        elif name in PROFILE_SLOTS:
            value = normalise_slot(name, raw)
            if value is not None:
                values.setdefault(name, value)
    return values


def read_profile_values(tracker: Tracker, correcting: bool = True,
                        correcting_freely: bool = False) -> tuple[dict[str, Any], list[str]]:
    """The profile values the latest message gives or corrects (unchanged ones left out),
    and the sentences to say about them: why a value is refused (an age of 150), what was
    corrected ("C'est noté, je corrige : …") when `correcting`. `correcting_freely`: any
    value may replace an earlier one (after the courses, every change is a new search)."""
    text = latest_text(tracker)
    requested = tracker.get_slot("requested_slot")
    entity_values = _values_from_entities(tracker)
    notes: list[str] = []
    extracted, invalid = None, False
    if not is_payload(text):
        extraction = extract_profile(text, requested_slot=requested)
        extracted, invalid = extraction.values, bool(extraction.invalid)
        notes += list(extraction.invalid.values())
    known = {slot: tracker.get_slot(slot) for slot in {*PROFILE_SLOTS, *entity_values, *(extracted or {})}}
    changed, corrected = dialogue.merge_heard_values(
        known, requested, entity_values, extracted, invalid,
        may_replace=correcting_freely or cues.corrects(text) or is_payload(text))
    if corrected and correcting:
        notes.append(dialogue.correction_text({**profile_of(tracker), **changed}))
    return changed, notes
