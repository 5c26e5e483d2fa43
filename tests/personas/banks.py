"""Loads the phrase banks of tests/personas/banks/{build,heldout}/ and checks their shape.

Each bank file holds entries ``[id, register, use, text]`` (and, for fixed hour phrasings, a
5th element: other values a careful reader may also take). ``use`` is ``o`` for a
self-contained statement that may appear in an opening, ``a`` for an answer to the question only.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BANKS_DIR = Path(__file__).resolve().parent / "banks"
SPLITS = ("heldout", "build")
REGISTERS = ("plain", "sms", "slang", "non_native", "formal", "typo", "dictated")

# CONTRACT.md §1 vocabularies.
DEPARTMENTS = ("75", "77", "78", "91", "92", "93", "94", "95")
SLOT_VALUES = {
    "situation": ("demandeur_emploi", "jeune_decrocheur", "salarie", "autre"),
    "departement": DEPARTMENTS + ("hors_idf",),
    "niveau": ("sans_diplome", "cap_bep", "bac", "bac+2", "bac+3", "bac+5"),
    "domaine": ("developpement_web", "data_ia", "cybersecurite", "systemes_reseaux", "support_informatique",
                "design_graphique", "marketing_digital", "commerce_vente", "gestion_administration",
                "logistique", "sante_social", "batiment", "hotellerie_restauration", "langues",
                "competences_de_base", "drones", "creation_entreprise", "indecis"),
    "creneau": ("journee", "soir_weekend", "indifferent"),
    "equipement": ("ordinateur", "smartphone", "aucun"),
    "modalite": ("distance", "hybride", "indifferent"),
    "certification": ("oui", "indifferent"),
    "handicap": (True, False),
}
ENUM_FILES = ("situation", "niveau", "domaine", "creneau", "equipement", "modalite", "certification", "handicap")
FOLLOWUP_KINDS = ("details", "compare", "more", "change_domain", "change_hours")


@dataclass(frozen=True)
class Template:
    id: str
    register: str
    use: str  # "o": may open a conversation; "a": only an answer to the question
    text: str
    also: tuple = ()  # other acceptable values (fixed hour phrasings)

    @property
    def opening(self) -> bool:
        return self.use == "o"


@dataclass
class Bank:
    split: str
    age: list = field(default_factory=list)
    place: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # slot -> canonical value -> [Template]
    hours_numeric: list = field(default_factory=list)
    hours_values: dict = field(default_factory=dict)  # hours (int) -> [Template]
    jobs: dict = field(default_factory=dict)  # domaine -> [title]
    job_templates: list = field(default_factory=list)
    nouns: dict = field(default_factory=dict)  # domaine -> [noun phrase]
    communes: dict = field(default_factory=dict)  # departement -> [(name, postal code)]
    paris_arrondissements: list = field(default_factory=list)
    outside: list = field(default_factory=list)  # [(city, postal code)]
    greetings: list = field(default_factory=list)
    closings: list = field(default_factory=list)
    followups: dict = field(default_factory=dict)  # kind -> [Template]

    def all_templates(self):
        yield from self.age
        yield from self.place
        for by_value in self.values.values():
            for entries in by_value.values():
                yield from entries
        yield from self.hours_numeric
        for entries in self.hours_values.values():
            yield from entries
        yield from self.job_templates
        yield from self.greetings
        yield from self.closings
        for entries in self.followups.values():
            yield from entries


class BankError(ValueError):
    pass


def _template(entry, where: str) -> Template:
    if not isinstance(entry, list) or len(entry) not in (4, 5):
        raise BankError(f"{where}: an entry is [id, register, use, text] (+ optional values), got {entry!r}")
    tid, register, use, text = entry[:4]
    if register not in REGISTERS:
        raise BankError(f"{where}: {tid}: unknown register {register!r}")
    if use not in ("o", "a"):
        raise BankError(f"{where}: {tid}: use is 'o' or 'a', got {use!r}")
    if not isinstance(text, str) or not text.strip():
        raise BankError(f"{where}: {tid}: empty text")
    return Template(str(tid), register, use, text, tuple(entry[4]) if len(entry) == 5 else ())


def _templates(entries, where: str) -> list:
    return [_template(e, where) for e in entries or []]


def _canonical(slot: str, key):
    if slot == "handicap":
        return {"true": True, "false": False, True: True, False: False}[key]
    return key


@functools.lru_cache(maxsize=None)
def load(split: str) -> Bank:
    if split not in SPLITS:
        raise BankError(f"unknown split {split!r}")
    folder = BANKS_DIR / split
    read = lambda name: yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8")) or {}
    bank = Bank(split)
    bank.age = _templates(read("age").get("templates"), f"{split}/age")
    bank.place = _templates(read("place").get("templates"), f"{split}/place")
    for name in ENUM_FILES:
        data = read(name)
        by_value = {}
        for key, entries in (data.get("values") or {}).items():
            value = _canonical(name, key)
            if value not in SLOT_VALUES[name]:
                raise BankError(f"{split}/{name}: unknown value {key!r}")
            by_value[value] = _templates(entries, f"{split}/{name}/{key}")
        bank.values[name] = by_value
        if name == "domaine":
            bank.jobs = {k: list(v) for k, v in (data.get("jobs") or {}).items()}
            bank.nouns = {k: list(v) for k, v in (data.get("nouns") or {}).items()}
            bank.job_templates = _templates(data.get("job_templates"), f"{split}/domaine/job_templates")
            for key in list(bank.jobs) + list(bank.nouns):
                if key not in SLOT_VALUES["domaine"] or key == "indecis":
                    raise BankError(f"{split}/domaine: jobs/nouns for unknown field {key!r}")
    hours = read("heures")
    bank.hours_numeric = _templates(hours.get("numeric"), f"{split}/heures/numeric")
    bank.hours_values = {int(k): _templates(v, f"{split}/heures/{k}") for k, v in (hours.get("values") or {}).items()}
    places = read("places")
    bank.communes = {str(d): [tuple(c) for c in cs] for d, cs in (places.get("communes") or {}).items()}
    bank.paris_arrondissements = list(places.get("paris_arrondissements") or [])
    bank.outside = [tuple(c) for c in places.get("outside") or []]
    openings = read("openings")
    bank.greetings = _templates(openings.get("greetings"), f"{split}/openings/greetings")
    bank.closings = _templates(openings.get("closings"), f"{split}/openings/closings")
    followups = read("followups")
    bank.followups = {k: _templates(followups.get(k), f"{split}/followups/{k}") for k in FOLLOWUP_KINDS}
    ids = [t.id for t in bank.all_templates()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BankError(f"{split}: template ids used twice: {duplicates}")
    return bank
