"""Deterministic persona generator: facts across every slot value, words from one bank split.

    from tests.personas.generate import generate
    personas = generate()            # 340 personas, half held-out, half build, seed 20261201

A persona is a dict in the shape of ../shared/eval/converse.py's `persona` cases, plus:
  split ("heldout" | "build"), register, opening_facts (slots its opening carries),
  accept ({slot: [other acceptable values]}), templates (ids of the bank entries used),
  followups ([{kind, say, ...}]) to play once the first courses are shown.
A held-out persona uses only the held-out bank, a build persona only the build bank.
"""
from __future__ import annotations

import random
import string
from typing import Any

from tests.personas import banks
from tests.personas.french import add_typos, dictate, number_words

DEFAULT_SEED = 20261201
DEFAULT_COUNT = 340

DEP_IN = {"75": "à Paris", "77": "en Seine-et-Marne", "78": "dans les Yvelines", "91": "en Essonne",
          "92": "dans les Hauts-de-Seine", "93": "en Seine-Saint-Denis", "94": "dans le Val-de-Marne",
          "95": "dans le Val-d'Oise"}
DEP_SLANG = {"91": "9-1", "92": "9-2", "93": "9-3", "94": "9-4", "95": "9-5"}
# The youngest age at which each diploma is plausible: an older age is drawn when needed.
MIN_AGE = {"bac": 18, "bac+2": 20, "bac+3": 21, "bac+5": 23}
HOURS = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35)
ORDINALS = {1: "première", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième"}
ASKABLE = ("situation", "age", "departement", "commune", "niveau", "domaine", "heures_semaine",
           "creneau", "equipement", "modalite", "certification", "handicap")
# Registers whose templates a derived register transforms when it has none of its own.
DERIVED_FROM = {"typo": ("plain", "sms", "slang"), "dictated": ("plain", "formal")}
_FORMATTER = string.Formatter()


def _balanced(values, n: int, rng: random.Random) -> list:
    out = (list(values) * (n // len(values) + 1))[:n]
    rng.shuffle(out)
    return out


class _Writer:
    """Picks and fills templates in one persona's register."""

    def __init__(self, register: str, rng: random.Random):
        self.register, self.rng, self.used = register, rng, []

    def pick(self, entries, *, opening=False, avoid=()):
        pool = [t for t in entries if (t.opening or not opening) and t.id not in avoid] or \
               [t for t in entries if t.opening or not opening]
        if not pool:
            return None
        own = [t for t in pool if t.register == self.register]
        if self.register in DERIVED_FROM and (not own or self.rng.random() < 0.5):
            own = [t for t in pool if t.register in DERIVED_FROM[self.register]] or own
        return self.rng.choice(own or pool)

    def fill(self, template, values: dict) -> str:
        self.used.append(template.id)
        text = template.text
        derived = template.register != self.register
        if self.register == "dictated":
            text = text.replace("{age}", "{age_words}").replace("{hours}", "{hours_words}")
        budget = [2]
        out = []
        for literal, name, _spec, _conv in _FORMATTER.parse(text):
            if self.register == "typo" and derived:
                literal = add_typos(literal, self.rng, budget)
            out.append(literal)
            if name is not None:
                out.append(str(values[name]))
        result = "".join(out)
        return dictate(result) if self.register == "dictated" else result

    def say(self, entries, values, **kw):
        template = self.pick(entries, **kw)
        return None if template is None else self.fill(template, values)


def _inline(statement: str) -> str:
    """A statement inside a longer message: no capital, no final full stop ("Je suis..." -> "je suis...")."""
    statement = statement.rstrip(".")
    if statement[:2] in ("Je", "J'", "Il", "Mo", "Un", "Ce", "À", "Ma", "La", "Le"):
        statement = statement[0].lower() + statement[1:]
    return statement


def _fields(text: str) -> set:
    return {name for _l, name, _s, _c in _FORMATTER.parse(text) if name}


def place_fits(template, kind: str, values: dict) -> bool:
    """True when a place template can say this kind of place (commune, postal code, department)."""
    names = _fields(template.text)
    if not names <= set(values):
        return False
    if kind == "commune":
        return "commune" in names
    if kind == "cp":
        return "cp" in names and "commune" not in names
    return not names & {"commune", "cp"}


def _place_templates(bank, kind: str, values: dict) -> list:
    return [t for t in bank.place if place_fits(t, kind, values)]


def _draw_place(bank, dep: str, rng: random.Random):
    """(kind, values for the templates, facts) for a person living in `dep`."""
    if dep == "hors_idf":
        city, cp = rng.choice(bank.outside)
        kinds = ["commune", "commune", "cp"] + (["dep"] if int(cp[:2]) > 20 else [])
        kind = rng.choice(kinds)
        values = {"commune": city, "cp": cp}
        if int(cp[:2]) > 20:
            values["dep"] = cp[:2]
        if kind == "dep":
            values = {"dep": cp[:2]}
        return kind, values, {"departement": "hors_idf"}
    kind = rng.choices(["commune", "cp", "dep"], weights=[60, 15, 25])[0]
    if dep == "75":
        arr = rng.choice(bank.paris_arrondissements)
        name, cp, commune = f"Paris {arr}e", f"750{arr:02d}", "Paris"
    else:
        name, cp = rng.choice(bank.communes[dep])
        commune = name
    values = {"dep": dep, "dep_in": DEP_IN[dep]}
    if dep in DEP_SLANG:
        values["dep_slang"] = DEP_SLANG[dep]
    facts = {"departement": dep}
    if kind == "commune":
        values.update(commune=name, cp=cp)
        facts["commune"] = commune
    elif kind == "cp":
        values = {"cp": cp}
    return kind, values, facts


def _persona(index: int, split: str, number: int, draws: dict, seed: int) -> dict:
    bank = banks.load(split)
    rng = random.Random(f"{seed}-{split}-{number}")
    register = banks.REGISTERS[number % len(banks.REGISTERS)]
    writer = _Writer(register, rng)
    facts: dict[str, Any] = {}
    accept: dict[str, list] = {}
    situation = draws["situation"]
    niveau = draws["niveau"]
    age = draws["age"]
    if situation == "jeune_decrocheur":
        age, niveau = rng.randint(16, 25), "sans_diplome"
    if age < MIN_AGE.get(niveau, 0):
        age = rng.randint(MIN_AGE[niveau], MIN_AGE[niveau] + 12)
    facts.update(situation=situation, age=age, niveau=niveau)
    kind, place_values, place_facts = _draw_place(bank, draws["departement"], rng)
    facts.update(place_facts)
    domaine = draws["domaine"]
    facts["domaine"] = domaine
    hours_fixed = None
    if rng.random() < 0.3 and bank.hours_values:
        hours_fixed = rng.choice(sorted(bank.hours_values))
        facts["heures_semaine"] = hours_fixed
        also = sorted({v for t in bank.hours_values[hours_fixed] for v in t.also})
    else:
        facts["heures_semaine"] = rng.choice(HOURS)
    for slot in ("creneau", "equipement", "modalite", "certification", "handicap"):
        facts[slot] = draws[slot]

    values = {"age": age, "age_words": number_words(age), "hours": facts["heures_semaine"],
              "hours_words": number_words(int(facts["heures_semaine"])), **place_values}

    def phrasings(slot, opening=False, avoid=()):
        """Templates for one slot's fact (the persona's value), as (entries, fill values)."""
        if slot == "age":
            return bank.age, values
        if slot in ("departement", "commune"):
            return _place_templates(bank, kind, place_values), values
        if slot == "heures_semaine":
            if hours_fixed is not None:
                return bank.hours_values[hours_fixed], values
            return bank.hours_numeric, values
        if slot == "domaine":
            entries = list(bank.values["domaine"].get(domaine, []))
            jobs = bank.jobs.get(domaine)
            if jobs and rng.random() < 0.6:
                job = rng.choice(jobs)
                return bank.job_templates, {**values, "job": job}
            return entries, values
        return bank.values[slot][facts[slot]], values

    # Answers: the first in the persona's register, the second another phrasing of the same fact.
    answers: dict[str, list] = {}
    for slot in ASKABLE:
        if slot == "commune" and "commune" not in facts:
            answers["commune"] = ["je préfère ne pas le dire"]
            continue
        entries, fill = phrasings(slot)
        first = writer.pick(entries)
        if first is None:
            raise banks.BankError(f"{split}: no phrasing for {slot}={facts.get(slot)!r} ({kind})")
        texts = [writer.fill(first, fill)]
        entries2, fill2 = phrasings(slot)
        second = writer.pick(entries2, avoid={first.id})
        texts.append(writer.fill(second, fill2))
        answers[slot] = texts
    if hours_fixed is not None and also:
        accept["heures_semaine"] = also

    # Opening: 0 to 5 facts said in statements.
    k = rng.choices([0, 1, 2, 3, 4, 5], weights=[22, 20, 20, 16, 12, 10])[0]
    candidates = [s for s in ("situation", "age", "departement", "niveau", "domaine", "heures_semaine",
                              "creneau", "equipement", "modalite", "certification", "handicap")
                  if any(t.opening for t in phrasings(s)[0])]
    chosen = rng.sample(candidates, min(k, len(candidates)))
    statements = []
    for slot in chosen:
        entries, fill = phrasings(slot)
        statements.append(writer.say(entries, fill, opening=True))
    greeting = writer.say(bank.greetings, {}, opening=True)
    if not statements:
        opening = greeting
    else:
        if register == "formal":
            body = " ".join(s[0].upper() + s[1:] + ("" if s.endswith((".", "?", "!")) else ".") for s in statements)
        else:
            statements = [_inline(s) for s in statements]
            body = statements[0] if len(statements) == 1 else \
                ", ".join(statements[:-1]) + " et " + statements[-1]
        parts = [greeting] if rng.random() < 0.6 else []
        parts.append(body)
        if rng.random() < 0.3:
            parts.append(writer.say(bank.closings, {}, opening=True))
        opening = (" " if register == "formal" else ", ").join(parts)
        if register == "dictated":
            opening = dictate(opening)

    followups = _followups(bank, writer, rng, facts, number)
    return {
        "kind": "persona", "id": f"{'H' if split == 'heldout' else 'B'}-{number:03d}", "split": split,
        "register": register, "place_kind": kind, "opening": opening, "opening_facts": chosen,
        "facts": facts, "accept": accept, "answers": answers, "followups": followups,
        "templates": sorted(set(writer.used)), "max_turns": 21,
    }


def _followups(bank, writer, rng, facts, number) -> list:
    """Details, compare, more, then one change (a new field or new hours), in the persona's words.

    Ranks are chosen when the list is known (`render_followup`); the text keeps the template.
    """
    steps = []
    details = writer.pick(bank.followups["details"])
    steps.append({"kind": "details", "template": details.text, "template_id": details.id,
                  "rank": rng.choice(["first", "second", "last", "random"])})
    writer.used.append(details.id)
    compare = writer.pick(bank.followups["compare"])
    steps.append({"kind": "compare", "template": compare.text, "template_id": compare.id,
                  "pair": rng.choice(["1-2", "1-3", "2-3", "first-last"])})
    writer.used.append(compare.id)
    steps.append({"kind": "more", "say": writer.say(bank.followups["more"], {})})
    if number % 2 == 0:
        choices = [d for d in banks.SLOT_VALUES["domaine"] if d not in (facts["domaine"], "indecis")]
        new = rng.choice(choices)
        noun = rng.choice(bank.nouns[new])
        entries = [t for t in bank.followups["change_domain"] if "job" not in _fields(t.text) or bank.jobs.get(new)]
        job = rng.choice(bank.jobs[new]) if bank.jobs.get(new) else ""
        steps.append({"kind": "change_domain", "new_domain": new,
                      "say": writer.say(entries, {"noun": noun, "job": job})})
    else:
        current = facts["heures_semaine"]
        new = rng.choice([3, 5, 6, 8] if current >= 10 else [15, 20, 25])
        steps.append({"kind": "change_hours", "new_hours": new,
                      "say": writer.say(bank.followups["change_hours"], {"hours": new, "hours_words": number_words(new)})})
    return steps


def render_followup(step: dict, shown: int, register: str = "plain") -> tuple[str, list[int]]:
    """The words of a details or compare step for a list of `shown` courses: (text, ranks)."""
    if step["kind"] == "details":
        rank = {"first": 1, "second": min(2, shown), "last": shown}.get(step["rank"])
        if rank is None:
            rank = 1 + (sum(map(ord, step["template_id"])) % shown)
        ordinal = "dernière" if rank == shown and shown > 1 and step["rank"] == "last" else ORDINALS[rank]
        text = step["template"].format(n=rank, ord=ordinal)
        return (dictate(text) if register == "dictated" else text), [rank]
    a, b = {"1-2": (1, 2), "1-3": (1, min(3, shown)), "2-3": (min(2, shown - 1), shown if shown < 3 else 3),
            "first-last": (1, shown)}[step["pair"]]
    if a == b:
        a, b = 1, 2
    b_ord = "dernière" if step["pair"] == "first-last" and b == shown else ORDINALS[b]
    text = step["template"].format(a=a, b=b, a_ord=ORDINALS[a], b_ord=b_ord)
    return (dictate(text) if register == "dictated" else text), [a, b]


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict]:
    """`count` personas, held-out first (half of them, rounded up), then build."""
    personas = []
    sizes = {"heldout": (count + 1) // 2, "build": count // 2}
    for split in banks.SPLITS:
        n = sizes[split]
        rng = random.Random(f"{seed}-{split}-draws")
        deps = [d for d in banks.DEPARTMENTS for _ in range(2)] + ["hors_idf"]
        columns = {
            "situation": _balanced(banks.SLOT_VALUES["situation"], n, rng),
            "niveau": _balanced(banks.SLOT_VALUES["niveau"], n, rng),
            "age": _balanced(range(16, 66), n, rng),
            "departement": _balanced(deps, n, rng),
            "domaine": _balanced(banks.SLOT_VALUES["domaine"], n, rng),
            "creneau": _balanced(banks.SLOT_VALUES["creneau"], n, rng),
            "equipement": _balanced(banks.SLOT_VALUES["equipement"], n, rng),
            "modalite": _balanced(banks.SLOT_VALUES["modalite"], n, rng),
            "certification": _balanced(banks.SLOT_VALUES["certification"], n, rng),
            "handicap": _balanced([True, False, False, False], n, rng),
        }
        for number in range(1, n + 1):
            draws = {slot: column[number - 1] for slot, column in columns.items()}
            personas.append(_persona(len(personas), split, number, draws, seed))
    return personas


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(generate(count=int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_COUNT),
                     ensure_ascii=False, indent=1))
