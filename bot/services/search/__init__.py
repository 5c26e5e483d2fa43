"""Matching engine: SQL pre-filter on indexed columns + deterministic Python scoring,
French reasons and documented relaxation (see bot.core.matching.rules for the rules).

    from bot.services.search import MatchingEngine, Profile, Refinement
    result = MatchingEngine(engine).recommend(Profile.from_slots(slots))
    result.payload(), result.relaxation_sentence()
"""
from bot.core.matching.ranking import MatchResult, choose_relaxation, rank, score  # noqa: F401
from bot.core.matching.rules import (  # noqa: F401
    RELAXATION_ORDER, Candidate, Profile, Refinement, hard_violations, soft_violations,
)
from bot.core.matching.sentences import reasons, relaxation_sentence  # noqa: F401
from bot.services.search.engine import MatchingEngine  # noqa: F401

__all__ = ["MatchingEngine", "Profile", "Refinement", "MatchResult", "RELAXATION_ORDER",
           "Candidate", "hard_violations", "soft_violations", "choose_relaxation", "score",
           "rank", "reasons", "relaxation_sentence"]
