"""The generated personas and their phrase banks (no server): coverage, split, determinism."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.personas import banks
from tests.personas.generate import generate, render_followup

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def personas():
    return generate()


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def test_at_least_300_personas_half_of_them_held_out(personas):
    assert len(personas) >= 300
    held = [p for p in personas if p["split"] == "heldout"]
    assert len(held) >= 150 and len(personas) - len(held) >= 150
    assert len({p["id"] for p in personas}) == len(personas)


def test_every_slot_value_is_drawn_in_each_split(personas):
    for split in banks.SPLITS:
        part = [p for p in personas if p["split"] == split]
        for slot, values in banks.SLOT_VALUES.items():
            drawn = {p["facts"][slot] for p in part}
            assert set(values) <= drawn, (split, slot, set(values) - drawn)


def test_ages_16_to_65_and_hours_in_range(personas):
    ages = {p["facts"]["age"] for p in personas}
    assert ages == set(range(16, 66))
    assert all(1 <= p["facts"]["heures_semaine"] <= 45 for p in personas)


def test_all_departments_and_some_outside_the_region(personas):
    deps = [p["facts"]["departement"] for p in personas]
    assert set(banks.DEPARTMENTS) <= set(deps)
    assert 0.03 < deps.count("hors_idf") / len(deps) < 0.15
    assert {p["place_kind"] for p in personas} == {"commune", "cp", "dep"}


def test_every_register_is_present_in_each_split(personas):
    for split in banks.SPLITS:
        assert {p["register"] for p in personas if p["split"] == split} == set(banks.REGISTERS)
        bank = banks.load(split)
        assert {t.register for t in bank.all_templates()} == set(banks.REGISTERS)


def test_openings_carry_zero_to_five_facts(personas):
    counts = {len(p["opening_facts"]) for p in personas}
    assert counts == {0, 1, 2, 3, 4, 5}


def test_held_out_and_build_banks_are_disjoint():
    held, build = banks.load("heldout"), banks.load("build")
    held_ids = {t.id for t in held.all_templates()}
    build_ids = {t.id for t in build.all_templates()}
    assert not held_ids & build_ids
    held_texts = {_norm(t.text) for t in held.all_templates()}
    build_texts = {_norm(t.text) for t in build.all_templates()}
    assert not held_texts & build_texts
    for name in ("jobs", "nouns"):
        h = {_norm(x) for xs in getattr(held, name).values() for x in xs}
        b = {_norm(x) for xs in getattr(build, name).values() for x in xs}
        assert not h & b, name
    h_communes = {c for cs in held.communes.values() for c, _ in cs} | {c for c, _ in held.outside}
    b_communes = {c for cs in build.communes.values() for c, _ in cs} | {c for c, _ in build.outside}
    assert not h_communes & b_communes
    assert not set(held.paris_arrondissements) & set(build.paris_arrondissements)


def test_a_persona_uses_only_its_own_split(personas):
    ids = {split: {t.id for t in banks.load(split).all_templates()} for split in banks.SPLITS}
    for p in personas:
        assert set(p["templates"]) <= ids[p["split"]], p["id"]


def test_generation_is_deterministic():
    assert generate(seed=7, count=40) == generate(seed=7, count=40)
    assert generate(seed=7, count=40) != generate(seed=8, count=40)


def test_answers_cover_every_question_and_are_filled(personas):
    for p in personas:
        for slot in ("situation", "age", "departement", "niveau", "domaine", "heures_semaine", "equipement",
                     "creneau", "modalite", "certification", "handicap"):
            assert p["answers"][slot] and all(a.strip() for a in p["answers"][slot]), (p["id"], slot)
        texts = [p["opening"]] + [a for v in p["answers"].values() for a in v]
        texts += [s["say"] for s in p["followups"] if "say" in s]
        for text in texts:
            assert "{" not in text and "}" not in text, (p["id"], text)


def test_numbers_in_the_words_are_the_facts(personas):
    for p in personas:
        if p["register"] != "dictated":
            age_answers = " ".join(p["answers"]["age"])
            assert str(p["facts"]["age"]) in age_answers, p["id"]


def test_followups_render_for_any_list_length(personas):
    for p in personas[:60]:
        for step in p["followups"]:
            if step["kind"] in ("details", "compare"):
                for shown in (2, 3):
                    text, ranks = render_followup(step, shown, p["register"])
                    assert text and all(1 <= r <= shown for r in ranks)
                    assert len(set(ranks)) == len(ranks)
        kinds = [s["kind"] for s in p["followups"]]
        assert kinds[:3] == ["details", "compare", "more"] and kinds[3] in ("change_domain", "change_hours")


def test_communes_are_real_and_in_their_department():
    csv_path = next((c for c in (ROOT / "data/reference/communes_idf.csv",
                                 ROOT / "data/reference/geo/communes_idf.csv",
                                 ROOT.parent / "shared/reference/geo/communes_idf.csv") if c.exists()), None)
    if csv_path is None:
        pytest.skip("no communes reference file")
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    known = {(r["nom"], r["code_postal"], r["departement"]) for r in rows}
    for split in banks.SPLITS:
        for dep, communes in banks.load(split).communes.items():
            for name, cp in communes:
                assert (name, cp, dep) in known, (split, name, cp, dep)


@pytest.mark.parametrize("split", banks.SPLITS)
def test_greetings_and_closings_carry_no_fact(split):
    """A greeting or a closing goes with any persona: a fact in it (a mode, an age) would
    contradict the persona's own facts. Checked with the product's reader, in every register a
    persona may write it in; only template ids are shown (held-out texts are never printed)."""
    import random

    from bot.core.profile import extract_profile
    from tests.personas.generate import DERIVED_FROM, _Writer

    bank = banks.load(split)
    with_a_fact = set()
    for template in bank.greetings + bank.closings:
        registers = [template.register] + [r for r, sources in DERIVED_FROM.items() if template.register in sources]
        for register in registers:
            text = _Writer(register, random.Random(template.id)).fill(template, {})
            if extract_profile(text).values:
                with_a_fact.add(template.id)
    assert not with_a_fact, f"{split}: greetings or closings that state a fact: {sorted(with_a_fact)}"
