"""Offline replay of whole personas: every message of a conversation read by the extractor, no server.

    make bench-replay
    .venv/bin/python -m tests.personas.replay [--split build|heldout] [--count 4000] [--seed N]

`tests.personas.slots` reads each phrasing alone, for its own slot. A conversation is harsher:
the opening says several facts in one message (without punctuation when dictated), and every
answer is read for every slot, so a word of one answer can set another slot ("j'habite à
Sainte-Geneviève" is not a wish to work in health care). This replay generates personas with
the dialogue benchmark's generator (`tests.personas.generate`, many seeds) and plays what the
assistant reads:

1. the opening, with no question pending;
2. then every slot the persona has not given yet, in the assistant's order (`bot.core.dialogue.ASKED_SLOTS`:
   the seven profile questions, then every preference, as if each one decided), the first phrasing, and the second
   when the first gave nothing for that slot;
3. values merge as the action merges them (`bot.core.dialogue.merge_heard_values`): the answer to
   the question asked replaces, a value said in passing only fills an unknown slot.

A persona is right when every fact ends right. Printed per split: personas right, and the
wrong slots counted by (slot, expected -> got, where the value came from). For the build split
it also prints a few texts per class (the opening, or the answers that gave the wrong value,
or the slot's own answers when nothing was read); for the held-out split never a text (tests/personas/README.md).
Always exits 0 (a measure, not a test).
"""
from __future__ import annotations

import argparse
import collections
from typing import Any

from bot.core import cues
from bot.core.dialogue import ASKED_SLOTS, merge_heard_values
from bot.core.profile import extract_profile
from tests.personas import generate as personas_generate
from tests.personas.slots import is_right

CHECKED = ASKED_SLOTS + ("commune",)


def _read(state: dict, sources: dict, text: str, asked: str | None, source: str) -> None:
    """One message read and merged as the action merges it (`bot.core.dialogue.merge_heard_values`)."""
    extracted = extract_profile(text, requested_slot=asked).values
    changed, _ = merge_heard_values(state, asked, {}, extracted, may_replace=cues.corrects(text))
    state.update(changed)
    sources.update({slot: source for slot in changed})


def replay(persona: dict) -> tuple[dict, dict]:
    """(final values, where each came from) after the opening and the answers."""
    state: dict[str, Any] = {}
    sources: dict[str, str] = {}
    _read(state, sources, persona["opening"], None, "opening")
    for slot in ASKED_SLOTS:
        if state.get(slot) is not None:
            continue
        for attempt in persona["answers"].get(slot, [])[:2]:
            _read(state, sources, attempt, slot, f"answer:{slot}")
            if state.get(slot) is not None:
                break
    return state, sources


def evaluate(split: str, count: int, seed: int) -> tuple[int, int, collections.Counter, dict]:
    right = total = 0
    wrong: collections.Counter = collections.Counter()
    examples: dict = collections.defaultdict(list)
    for persona in personas_generate.generate(seed=seed, count=2 * count):
        if persona["split"] != split:
            continue
        total += 1
        state, sources = replay(persona)
        facts, accept = persona["facts"], persona.get("accept", {})
        bad = [s for s in CHECKED if s in facts and not is_right(s, facts[s], state.get(s), accept.get(s, ()))]
        right += not bad
        for slot in bad:
            key = (slot, str(facts[slot]), str(state.get(slot)), sources.get(slot, "not read"),
                   persona["register"])
            wrong[key] += 1
            if split == "build" and len(examples[key]) < 2:
                source = sources.get(slot, "not read")
                culprit = source.split(":", 1)[1] if source.startswith("answer:") else slot
                examples[key].append(persona["opening"] if source == "opening"
                                     else " | ".join(persona["answers"].get(culprit, [])))
    return right, total, wrong, examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("build", "heldout"), action="append")
    parser.add_argument("--count", type=int, default=2000, help="personas per split")
    parser.add_argument("--seed", type=int, default=personas_generate.DEFAULT_SEED + 7)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    for split in args.split or ("heldout", "build"):
        right, total, wrong, examples = evaluate(split, args.count, args.seed)
        print(f"== {split}: {right}/{total} personas with every fact right "
              f"({100 * right / max(total, 1):.1f} %)")
        by_slot = collections.Counter()
        for (slot, *_), n in wrong.items():
            by_slot[slot] += n
        print("   wrong by slot: " + ", ".join(f"{s} {n}" for s, n in by_slot.most_common()))
        for key, n in wrong.most_common(args.top):
            slot, expected, got, source, register = key
            line = f"   {n:4d}  {slot}: {expected} -> {got}  (from {source}, {register})"
            if split == "build":
                line += "  " + " || ".join(examples[key])[:200]
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
