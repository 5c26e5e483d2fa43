"""Real rasa_sdk trackers for action unit tests, with the slots declared in domain.yml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def domain_slots() -> dict[str, Any]:
    slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    slots["requested_slot"] = None
    return slots


def make_tracker(text: str = "", intent: str = "inform", slots: dict | None = None,
                 entities: list | None = None, events: list | None = None,
                 active_loop: str | None = None) -> Tracker:
    all_slots = {**domain_slots(), **(slots or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    history = events if events is not None else [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    return Tracker("test-sender", all_slots, latest, history, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")
