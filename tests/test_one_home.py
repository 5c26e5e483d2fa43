"""One home per rule (issue 15): each rule below is defined once, and its users agree."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.services.report import catalogue_quality
from bot.services.search import MatchingEngine, Profile
from tests.test_matching_support import TODAY, action_spec, fresh_engine, insert_catalogue

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for folder in ("bot", "actions", "capnum_rasa") for p in sorted((ROOT / folder).rglob("*.py"))
           if "migrations" not in p.parts]


def _where(pattern: str) -> list[str]:
    found = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def _files(pattern: str) -> list[str]:
    return sorted({found.split(":")[0] for found in _where(pattern)})


def test_youth_age_limit_is_defined_once():
    assert _files(r"^\s*YOUTH_AGE_LIMIT\s*=") == ["bot/core/vocab.py"]
    assert _where(r"[<>]=?\s*26\b|\b26\s*[<>]") == []


def test_open_session_state_and_definition_live_in_the_catalogue_model():
    # No module but the model names the open recruitment state by its number.
    assert _where(r"etat_recrutement\s*==\s*1\b|ETAT_OUVERT\s*=\s*1") == [], "state 1 spelt outside models.py"
    assert len(_where(r"^ETAT_OUVERT, ETAT_FERME, ETAT_SUSPENDU = 1, 2, 3")) == 1
    assert _files(r"def session_is_open|def _open_session_clause|exists\(\)\.where\(.*etat_recrutement") \
        == ["bot/services/catalogue/models.py"]


def test_utcnow_and_postgres_rewrite_are_defined_once():
    utcnow = _where(r"^def _?utcnow\(")
    assert utcnow == ["bot/core/clock.py:7"], utcnow
    assert len(_where(r'"postgres://"')) == 1, _where(r'"postgres://"')


def test_report_counts_the_sessions_matching_shows(tmp_path):
    """A session already under way (started last week, no continuous entry) is not shown by
    matching; the quality report must not count it as on offer for the young either."""
    started = [dict(debut=TODAY - dt.timedelta(days=7), fin=TODAY + dt.timedelta(days=30),
                    entrees_permanentes=False, etat_recrutement=1)]
    upcoming = [dict(debut=TODAY + dt.timedelta(days=7), entrees_permanentes=False, etat_recrutement=1)]
    specs = [action_spec(f"WEB-{i}", sessions=started) for i in range(3)]
    specs += [action_spec(f"DATA-{i}", domaine="data_ia", sessions=upcoming) for i in range(3)]
    engine = fresh_engine(str(tmp_path))
    insert_catalogue(engine, specs)
    matching = MatchingEngine(engine, today=TODAY)
    shown = [c["id"] for c in matching.recommend(Profile(age=20)).courses]
    assert shown and all(ident.startswith("DATA-") for ident in shown)
    few = dict(next(c for c in catalogue_quality(engine, TODAY) if c.key == "few_youth").items)
    assert "developpement_web" in few and "0 action" in few["developpement_web"]
    assert "data_ia" not in few


def test_sql_prefilter_applies_the_weekly_hours_tolerance(tmp_path, monkeypatch):
    """With a 10 % tolerance, a 10 h course suits a person with 9.5 h, strictly (nothing relaxed),
    in SQL as in the Python rules."""
    from bot.core.matching import rules

    engine = fresh_engine(str(tmp_path))
    insert_catalogue(engine, [action_spec("TEN", heures_semaine=10.0)])
    person = Profile(heures_semaine=9.5)

    def strict_sql():  # the pre-filter's strict query, which recommend() runs on large catalogues
        return [c.id for c in MatchingEngine(engine, today=TODAY).candidates(person, "all", strict=True)]

    monkeypatch.setattr(rules, "WEEKLY_HOURS_TOLERANCE", 1.1)
    assert rules.soft_violations(MatchingEngine(engine, today=TODAY).candidates(person, "all")[0], person) == 0
    assert strict_sql() == ["TEN"]
    assert MatchingEngine(engine, today=TODAY).recommend(person).relaxed == []
    monkeypatch.setattr(rules, "WEEKLY_HOURS_TOLERANCE", 1.0)
    assert strict_sql() == []
    assert MatchingEngine(engine, today=TODAY).recommend(person).relaxed == ["heures_semaine"]


def test_design_maps_every_module():
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    mapped = set(re.findall(r"^\| `([^`]+)`", design, flags=re.M))
    missing = [str(p.relative_to(ROOT)) for p in SOURCES
               if str(p.relative_to(ROOT)) not in mapped and p.name not in ("__init__.py", "__main__.py")]
    assert missing == [], missing


def _contract_values() -> set:
    from bot.core import vocab
    values = set(vocab.PROFILE_SLOTS) | {"true", "false"}
    for name in ("SITUATIONS", "DEPARTEMENTS", "LEVELS", "DOMAIN_SLOT_VALUES", "CRENEAUX", "EQUIPEMENTS", "MODALITES",
                 "COURSE_MODES", "CERTIFICATIONS"):
        values |= set(getattr(vocab, name))
    return values


def _is_label(text: str) -> bool:
    """A label: French words rather than a code (a space, a capital or an accent), and a phrase
    rather than a sentence (a question's words, keyed by its slot, are a sentence)."""
    return (bool(re.search(r"[\sA-ZÀ-ÿ]", text)) and not text.isupper() and not re.search(r"[.?!]$", text)
            and len(text.split()) <= 10)


def _label_literals(path: Path):
    """(line, key, text) of every dict entry `"<contract value>": "<French words>"` in a file."""
    import ast
    values = _contract_values()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if (isinstance(key, ast.Constant) and key.value in values and isinstance(value, ast.Constant)
                        and isinstance(value.value, str) and _is_label(value.value)):
                    yield node.lineno, key.value, value.value


def test_labels_of_the_contract_values_live_in_bot_labels():
    """A French label of a contract value is spelt in bot/core/labels.py only: no other module maps a
    value to words, and none re-types one of the labels as a literal."""
    import ast

    from bot.core import labels

    home = ROOT / "bot" / "core" / "labels.py"
    from bot.core.vocab import DEPARTMENT_NAMES

    elsewhere = [f"{p.relative_to(ROOT)}:{line} {key!r}: {text!r}" for p in SOURCES if p != home
                 for line, key, text in _label_literals(p)
                 if not (p.name == "vocab.py" and DEPARTMENT_NAMES.get(key) == text)]  # names, not labels
    assert elsewhere == [], elsewhere
    # Labels of values (the slot names' labels also name fields in the importers' messages).
    value_tables = [table for name, table in vars(labels).items() if isinstance(table, dict)
                    and name not in ("RELAXED_LABELS", "CONSTRAINT_LABELS")]
    known = {text for table in value_tables for text in table.values()
             if isinstance(text, str) and len(text.split()) >= 2} | {labels.OUTSIDE_REGION_TITLE}
    retyped = [f"{p.relative_to(ROOT)}:{node.lineno} {node.value!r}" for p in SOURCES if p != home
               for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
               if isinstance(node, ast.Constant) and node.value in known]
    assert retyped == [], retyped
    assert len(list(_label_literals(home))) > 50  # the check sees the labels where they are


def test_actions_hold_no_french_text():
    """actions/ only translates (issue 15): what the person reads is written in bot/, where the
    plain-language test scores it. The one literal left is a person's message, for the warm-up."""
    from tests.product_texts import python_literals

    french = [(where, text) for where, text, _ in python_literals() if where.startswith("actions/")]
    assert [where.split(":")[0] for where, _ in french] == ["actions/__init__.py"], french
