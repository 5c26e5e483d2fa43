"""The ONE ROME -> domain rule (bot/core/vocabulary_mapping.py) for courses and job titles.

Courses get their domain from `domain_for`; a job title read from a message gets the domain of
its ROME code from `rome_domain` (bot/core/profile/jobs.py). Both read the ROME rows of
data/lexicons/codes_domaines.csv (a domain, or `aucun`) and the family defaults, so a user who
wants to be a pentester is offered the courses of the pentester's ROME code.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from bot.core import config, lexicons
from bot.core import vocabulary_mapping as vm
from bot.core.profile import jobs
from bot.core.vocab import COURSE_DOMAINS, UNDECIDED_DOMAIN

CASES = yaml.safe_load((Path(__file__).parent / "data" / "rome_mapping_cases.yml").read_text(encoding="utf-8"))


def rows(group: str) -> list:
    """The cases of one group of tests/data/rome_mapping_cases.yml: each the list of the test's parameters."""
    return CASES[group]


SHEETS = config.SHARED_DIR / "reference" / "rome" / "rome_v4.csv"
TITLES = config.ROME_CSV


def _sheet_titles() -> dict[str, str]:
    with open(TITLES, encoding="utf-8", newline="") as handle:
        return {r["code_rome"]: r["libelle"] for r in csv.DictReader(handle) if r["type"] == "fiche"}


SHEET_TITLES = _sheet_titles()
TABLES = vm.domain_tables()
MAPPED = sorted(set(TABLES.rome) | TABLES.rome_without_domain)


@pytest.mark.parametrize("code,title,domain", rows("real_rome_codes"))
def test_real_rome_codes(code, title, domain):
    if title is not None:
        assert SHEET_TITLES[code] == title
    assert code in SHEET_TITLES
    assert vm.rome_domain(code) == domain
    assert vm.domain_for(codes_rome=[code]) == (domain or UNDECIDED_DOMAIN)


def test_every_mapped_code_is_a_real_rome_4_sheet():
    with open(SHEETS, encoding="utf-8", newline="") as handle:
        sheets = {r["code_rome"] for r in csv.DictReader(handle)}
    assert set(MAPPED) <= sheets
    assert set(MAPPED) <= set(SHEET_TITLES)
    assert not set(TABLES.rome) & TABLES.rome_without_domain


def test_a_code_without_domain_lets_the_other_codes_of_a_course_decide():
    # M1809 would fall to the M18 default; it gives nothing, so the Formacode field decides.
    assert vm.domain_for(codes_rome=["M1809"]) == UNDECIDED_DOMAIN
    assert vm.domain_for(formacodes=["22005"], codes_rome=["M1809"]) == "batiment"
    assert vm.domain_for(codes_rome=["M1809", "M1866"]) == "cybersecurite"
    assert vm.domain_for(codes_rome=["m1866 "]) == "cybersecurite"
    assert vm.rome_domain(" m1866") == "cybersecurite"


def test_the_extractor_adds_no_correction_of_its_own():
    """data/lexicons/rome_domaines.csv holds only job-title exceptions, none of the mapped codes."""
    assert not set(lexicons.rome_overrides(config.LEXICONS_DIR)) & set(MAPPED)


@pytest.mark.parametrize("code", MAPPED)
def test_extractor_and_catalogue_agree(code):
    """The job-title index gives each mapped sheet's title the catalogue's domain (or nothing)."""
    index = jobs.title_index()
    expected = vm.rome_domain(code)
    assert expected is None or expected in COURSE_DOMAINS
    for variant in jobs.title_variants(SHEET_TITLES[code]):
        key = tuple(t for t, _, _ in jobs.tokens(variant))
        found = index.keys.get(key)
        if expected is None:
            assert found is None or found[1] == "lexique", (variant, found)
        else:
            assert found is not None and found[0] == expected, (variant, found)
