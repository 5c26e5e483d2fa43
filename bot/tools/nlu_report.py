"""Prints the held-out NLU figures from `rasa test nlu` reports.

    python -m bot.tools.nlu_report results/nlu
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ENTITY_EXTRACTORS = ("DIETClassifier", "CRFEntityExtractor")


def _load(folder: Path, name: str) -> dict | None:
    path = folder / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def summary(folder: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    intents = _load(folder, "intent_report.json")
    if intents:
        figures["intent_accuracy"] = intents["accuracy"]
        figures["intent_macro_f1"] = intents["macro avg"]["f1-score"]
        knowledge = [v for k, v in intents.items() if k == "faq"]
        if knowledge:
            figures["faq_intent_f1"] = knowledge[0]["f1-score"]
    # The entity extractor's own report: DIET's, or the CRF's when the NLU has no neural network.
    entities = next((e for e in (_load(folder, f"{name}_report.json") for name in ENTITY_EXTRACTORS) if e), None)
    if entities:
        figures["entity_micro_f1"] = entities.get("micro avg", entities.get("weighted avg", {})).get("f1-score", 0.0)
        figures["entity_macro_f1"] = entities["macro avg"]["f1-score"]
    responses = _load(folder, "response_selection_report.json")
    if responses:
        # End to end: the answer is picked only for a message classified `faq`
        # (capnum_rasa/nlu.py), so a knowledge question classified otherwise counts as missed.
        figures["faq_answer_accuracy"] = responses["accuracy"]
    return figures


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "results/nlu")
    figures = summary(folder)
    if not figures:
        print(f"Aucun rapport dans {folder}.", file=sys.stderr)
        return 1
    for name, value in figures.items():
        print(f"{name:22s} {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
