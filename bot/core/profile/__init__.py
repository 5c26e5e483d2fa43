"""Profile extraction: what users write -> the contract's canonical slot values (CONTRACT.md §1).

    from bot.core.profile import extract_profile, normalise_slot, is_dont_know, Extraction

Modules, by role:
- `lexicons`: loads and validates the word lists of data/lexicons/ (CSV, extended by advisers);
- `prepare`: text preparation (folding, SMS spellings, typos, clauses) and shared helpers;
- `jobs`: the job-title index (ROME 4.0 titles + plain domain phrases -> domaine);
- `quantities`: numbers with their unit and period (age, hours per week);
- `background`: situation and niveau; `domain`: domaine; `constraints`: creneau, equipement,
  modalite, certification, handicap;
- `extract`: the public functions below.
"""
from __future__ import annotations

from bot.core.profile.extract import Extraction, extract_profile, is_dont_know, normalise_slot

__all__ = ["Extraction", "extract_profile", "is_dont_know", "normalise_slot", "reload_lexicons"]


def reload_lexicons() -> None:
    """Forget every loaded lexicon and index (after editing data/lexicons/ or the settings)."""
    from bot.core import lexicons
    from bot.core.profile import background, constraints, domain, jobs, prepare, quantities
    lexicons.clear_cache()
    jobs.clear_cache()
    for cached in (prepare._vocabulary, prepare._short_targets, prepare.correct_typo, background._situation_patterns,
                   background._level_patterns, constraints._patterns, domain._regexes,
                   quantities._hour_phrases):
        cached.cache_clear()
