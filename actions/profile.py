"""Reading the profile values a message gives, from its words and its entities."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.tracker_io import is_payload, latest_text, profile_of
from bot import cues, dialogue
from bot.geo import find_place
from bot.profile import extract_profile, normalise_slot
from bot.vocab import PROFILE_SLOTS

_PLACE_ENTITY = "lieu"


def _values_from_entities(tracker: Tracker) -> dict[str, Any]:
    """Values carried by entities: button payloads and DIET's predictions."""
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
    if is_payload(text):
        # A button: its entities are exactly what the person chose.
        values = entity_values
    else:
        extraction = extract_profile(text, requested_slot=requested)
        values = dict(extraction.values)
        notes += list(extraction.invalid.values())
        # The statistical NLU only helps with the question just asked, when the
        # rules found nothing: elsewhere a number may be hours read as an age.
        answered = {"departement", "commune"} if requested in ("departement", "commune") else {requested}
        if requested and not answered & set(values) and not extraction.invalid:
            values.update({k: v for k, v in entity_values.items() if k in answered})
    if not (correcting_freely or cues.corrects(text) or is_payload(text)):
        # A value said in passing does not replace an earlier answer ("je cherche travail
        # comme télépilote" while the situation is known): only the question's own answer
        # or a correction in words does ("en fait j'ai 24 ans").
        asked = {"departement", "commune"} if requested in ("departement", "commune") else {requested}
        kept = {slot: value for slot, value in values.items()
                if slot in asked or tracker.get_slot(slot) in (None, value)}
        if "departement" in values and "departement" not in kept:
            kept.pop("commune", None)  # the town goes with its department
        values = kept
    if "departement" in values and "commune" not in values:
        # A new department without a commune makes any older commune wrong.
        values["commune"] = None
    changed = {slot: value for slot, value in values.items() if value != tracker.get_slot(slot)}
    corrected = [slot for slot, value in changed.items()
                 if value is not None and tracker.get_slot(slot) is not None and slot != "commune"]
    if corrected and correcting:
        summary = dialogue.profile_summary({**profile_of(tracker), **changed})
        notes.append(f"C'est noté, je corrige : {summary}.")
    return changed, notes
