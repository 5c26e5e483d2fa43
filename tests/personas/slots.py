"""Offline slot evaluation over the phrase banks: the profile extractor alone, no server.

    make bench-slots
    .venv/bin/python -m tests.personas.slots [--split build|heldout] [--quiet]

Every phrasing of every slot in tests/personas/banks/{build,heldout}/ is filled the way the
persona generator fills it (`tests.personas.generate._Writer`: digits or words, the typing slips
of the typo register, the dictation of the dictated register) with a spread of values (ages,
hours, every commune, Paris arrondissement and city outside the region of the split, every job
title of a field), then read by `bot.core.profile.extract_profile`:

- `asked`: with `requested_slot` set to the slot (the bot just asked that question; a place is
  asked as `departement`), for every phrasing;
- `opening`: without `requested_slot`, for the phrasings that may open a conversation (`use` o),
  written inline as the generator does.

A case is right when the extracted value equals the expected canonical value (ages and hours
within 0.51, or one of the other values a careful reader may take); a place is two slots,
`departement` and, when the phrasing names a commune, `commune`.

It prints, per split and per slot, correct/total and the accuracy (asked, opening, all), and
for the build split every failure (slot, mode, expected, got, text). For the held-out split
only the aggregate numbers are printed, never a text or a value: the held-out part measures
generalisation and must not be used to write the product (tests/personas/README.md).
Always exits 0 (a measure, not a test).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from typing import Any

from bot.core.profile import extract_profile
from tests.personas import banks
from tests.personas.french import number_words
from tests.personas.generate import DEP_IN, DEP_SLANG, DERIVED_FROM, HOURS, _inline, _Writer, place_fits

AGES = (16, 18, 21, 25, 29, 34, 41, 46, 53, 65)
SLOT_ORDER = ("situation", "age", "departement", "commune", "niveau", "domaine", "heures_semaine",
              "creneau", "equipement", "modalite", "certification", "handicap")
TOLERANCE = 0.51


@dataclass
class Case:
    slot: str            # the bank's slot ("place" covers departement and commune)
    expected: dict       # slot -> expected value (a place: departement, maybe commune)
    text: str
    mode: str            # "asked" or "opening"
    template: str        # template id
    also: tuple = ()     # other acceptable numbers
    register: str = ""   # the register the text was written in (its own, or typo/dictated derived)


def _variants(template: banks.Template, values: dict, key: str, split: str) -> list[tuple[str, str]]:
    """(register, text): the template in its own register, then as the typo and dictated personas derive it."""
    out = []
    registers = [template.register] + [r for r, sources in DERIVED_FROM.items() if template.register in sources]
    for register in registers:
        rng = random.Random(f"slots-{split}-{template.id}-{key}-{register}")
        text = _Writer(register, rng).fill(template, values)
        if text not in [t for _, t in out]:
            out.append((register, text))
    return out


def _cases_for(slot: str, template: banks.Template, values: dict, expected: dict, key: str,
               split: str, also: tuple = ()) -> list[Case]:
    cases = []
    for register, text in _variants(template, values, key, split):
        cases.append(Case(slot, expected, text, "asked", template.id, also, register))
        if template.opening:
            inline = text if template.register == "formal" else _inline(text)
            cases.append(Case(slot, expected, inline, "opening", template.id, also, register))
    return cases


def _places(bank: banks.Bank) -> list[tuple[str, dict, dict]]:
    """(kind, fill values, expected) for every place of the split, as generate._draw_place."""
    places = []
    for dep, communes in sorted(bank.communes.items()):
        base = {"dep": dep, "dep_in": DEP_IN[dep], **({"dep_slang": DEP_SLANG[dep]} if dep in DEP_SLANG else {})}
        for name, cp in communes:
            places.append(("commune", {**base, "commune": name, "cp": cp}, {"departement": dep, "commune": name}))
            places.append(("cp", {"cp": cp}, {"departement": dep}))
        places.append(("dep", base, {"departement": dep}))
    base75 = {"dep": "75", "dep_in": DEP_IN["75"]}
    for arr in bank.paris_arrondissements:
        places.append(("commune", {**base75, "commune": f"Paris {arr}e", "cp": f"750{arr:02d}"},
                       {"departement": "75", "commune": "Paris"}))
        places.append(("cp", {"cp": f"750{arr:02d}"}, {"departement": "75"}))
    places.append(("dep", base75, {"departement": "75"}))
    for city, cp in bank.outside:
        values = {"commune": city, "cp": cp}
        places.append(("commune", values, {"departement": "hors_idf"}))
        places.append(("cp", {"cp": cp}, {"departement": "hors_idf"}))
        if int(cp[:2]) > 20:
            places.append(("dep", {"dep": cp[:2]}, {"departement": "hors_idf"}))
    return places




def build_cases(split: str) -> list[Case]:
    bank = banks.load(split)
    cases: list[Case] = []
    for template in bank.age:
        for age in AGES:
            cases += _cases_for("age", template, {"age": age, "age_words": number_words(age)},
                                {"age": float(age)}, str(age), split)
    for kind, values, expected in _places(bank):
        for template in bank.place:
            if place_fits(template, kind, values):
                cases += _cases_for("place", template, values, expected,
                                    values.get("commune") or values.get("cp") or values["dep"], split)
    for template in bank.hours_numeric:
        for hours in HOURS:
            cases += _cases_for("heures_semaine", template, {"hours": hours, "hours_words": number_words(hours)},
                                {"heures_semaine": float(hours)}, str(hours), split)
    for hours, templates in bank.hours_values.items():
        for template in templates:
            cases += _cases_for("heures_semaine", template, {}, {"heures_semaine": float(hours)}, str(hours),
                                split, template.also)
    for slot in banks.ENUM_FILES:
        for value, templates in bank.values.get(slot, {}).items():
            for template in templates:
                cases += _cases_for(slot, template, {}, {slot: value}, str(value), split)
    for domaine, titles in bank.jobs.items():
        for title in titles:
            for template in bank.job_templates:
                cases += _cases_for("domaine", template, {"job": title}, {"domaine": domaine}, title, split)
    return cases


def is_right(slot: str, expected: Any, got: Any, also: tuple = ()) -> bool:
    if slot in ("age", "heures_semaine"):
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return False
        return any(abs(got - float(v)) <= TOLERANCE for v in (expected, *also))
    if isinstance(expected, bool):
        return got is expected
    return got == expected


def evaluate(split: str) -> tuple[dict, list]:
    """({slot: {mode: [correct, total]}}, failures [(slot, mode, expected, got, text, template, register)],
    timings)."""
    scores: dict[str, dict[str, list[int]]] = {}
    failures = []
    timings = []
    for case in build_cases(split):
        requested = None
        if case.mode == "asked":
            requested = "departement" if case.slot == "place" else case.slot
        started = time.perf_counter()
        try:
            values = extract_profile(case.text, requested_slot=requested).values
        except Exception as error:  # a crash is a failure; never print a held-out text
            values = {"<error>": type(error).__name__}
        timings.append(time.perf_counter() - started)
        for slot, expected in case.expected.items():
            got = values.get(slot)
            ok = is_right(slot, expected, got, case.also)
            score = scores.setdefault(slot, {}).setdefault(case.mode, [0, 0])
            score[0] += ok
            score[1] += 1
            if not ok:
                failures.append((slot, case.mode, expected, got, case.text, case.template, case.register))
    return scores, failures, timings


def _pct(correct: int, total: int) -> str:
    return f"{100 * correct / total:5.1f} %" if total else "    -  "


def report(split: str, scores: dict, timings: list) -> list[str]:
    lines = [f"== {split} ==",
             f"{'slot':<16}{'asked':>18}{'opening':>18}{'all':>18}"]
    totals = {"asked": [0, 0], "opening": [0, 0]}
    for slot in SLOT_ORDER:
        if slot not in scores:
            continue
        cells = []
        both = [0, 0]
        for mode in ("asked", "opening"):
            correct, total = scores[slot].get(mode, [0, 0])
            both[0] += correct
            both[1] += total
            totals[mode][0] += correct
            totals[mode][1] += total
            cells.append(f"{correct}/{total} {_pct(correct, total)}" if total else "-")
        cells.append(f"{both[0]}/{both[1]} {_pct(*both)}")
        lines.append(f"{slot:<16}" + "".join(f"{c:>18}" for c in cells))
    all_ = [totals["asked"][0] + totals["opening"][0], totals["asked"][1] + totals["opening"][1]]
    lines.append(f"{'total':<16}" + "".join(f"{c:>18}" for c in (
        f"{totals['asked'][0]}/{totals['asked'][1]} {_pct(*totals['asked'])}",
        f"{totals['opening'][0]}/{totals['opening'][1]} {_pct(*totals['opening'])}",
        f"{all_[0]}/{all_[1]} {_pct(*all_)}")))
    if timings:
        ordered = sorted(timings)
        p50 = ordered[len(ordered) // 2] * 1000
        p95 = ordered[int(len(ordered) * 0.95)] * 1000
        lines.append(f"extraction time per message: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
                     f"max {ordered[-1] * 1000:.1f} ms ({len(ordered)} messages)")
    return lines


def breakdown(split: str, failures: list) -> list[str]:
    """Counts only: per slot, the cases per register (right/total) and the failures per expected -> got.
    Never a text, a template id or a held-out value beyond the slot's own canonical values."""
    totals: dict[tuple[str, str], list[int]] = {}
    for case in build_cases(split):
        for slot in case.expected:
            totals.setdefault((slot, case.register), [0, 0])[1] += 1
    pairs: dict[tuple[str, str, str], int] = {}
    for slot, _, expected, got, _, _, register in failures:
        totals[(slot, register)][0] += 1
        if slot not in ("age", "heures_semaine", "commune"):
            pairs[(slot, str(expected), str(got))] = pairs.get((slot, str(expected), str(got)), 0) + 1
    lines = ["-- per slot x register (right/total):"]
    for slot in SLOT_ORDER:
        cells = [f"{register} {total - wrong}/{total}" for (s, register), (wrong, total) in sorted(totals.items())
                 if s == slot]
        if cells:
            lines.append(f"{slot:<16}" + ", ".join(cells))
    lines.append("-- failures per expected -> got:")
    lines += [f"{slot:<16}{expected} -> {got}: {n}" for (slot, expected, got), n in sorted(pairs.items())]
    lines.append("-- values set in passing (a preference read from an answer about another slot):")
    lines += [f"{slot:<16}{value} (answering {about}, {mode}): {n}" for (slot, value, about, mode), n in sorted(
        in_passing(split).items())]
    return lines


def in_passing(split: str) -> dict[tuple[str, str, str, str], int]:
    """(slot, value, slot of the phrasing, mode) -> count: a preference (creneau, modalite,
    certification, handicap) read from a phrasing of another slot; in a conversation it fills
    the slot before its own question is asked. Counts only."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for case in build_cases(split):
        requested = None if case.mode == "opening" else ("departement" if case.slot == "place" else case.slot)
        values = extract_profile(case.text, requested_slot=requested).values
        for slot in ("creneau", "modalite", "certification", "handicap"):
            if slot in values and slot not in case.expected:
                key = (slot, str(values[slot]), case.slot, case.mode)
                counts[key] = counts.get(key, 0) + 1
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=banks.SPLITS, action="append",
                        help="only this split (repeatable; default: build then held-out)")
    parser.add_argument("--quiet", action="store_true", help="no list of build failures")
    parser.add_argument("--breakdown", action="store_true",
                        help="held-out: counts of failures per slot x register and per expected -> got (no texts)")
    args = parser.parse_args(argv)
    splits = args.split or ["build", "heldout"]
    extract_profile("bonjour")  # load the lexicons and indexes before timing
    for split in splits:
        scores, failures, timings = evaluate(split)
        print("\n".join(report(split, scores, timings)))
        if split == "build" and not args.quiet:
            print(f"-- build failures: {len(failures)}")
            for slot, mode, expected, got, text, template, _ in failures:
                print(f"{slot:<15} {mode:<8} expected={expected!r:<22} got={got!r:<22} [{template}] {text}")
        elif split == "heldout":
            print(f"-- held-out failures: {len(failures)} (texts not shown: held-out discipline)")
            if args.breakdown:
                print("\n".join(breakdown(split, failures)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
