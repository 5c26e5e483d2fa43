"""Property-based tests of the matching engine (hypothesis): random catalogues and profiles.

For every recommended course: no hard constraint broken, no soft constraint broken unless
listed in `relaxed`; relaxation only when nothing matched strictly; nothing returned only
when no course is valid on the hard constraints; results deterministic.
"""
from __future__ import annotations

import datetime as dt
import tempfile

from hypothesis import HealthCheck, event, given, settings, strategies as st

from bot.core.vocab import (
    CERTIFICATIONS, COURSE_DOMAINS, COURSE_MODES, CRENEAUX, DEPARTEMENTS, DOMAIN_SLOT_VALUES, EQUIPEMENTS,
    IDF_DEPARTMENTS, LEVELS, MODALITES, SITUATIONS,
)
from bot.core.vocabulary_mapping import served_departments
from bot.services.search import RELAXATION_ORDER, MatchingEngine, Profile, hard_violations
from tests.lanes import examples
from tests.test_matching_support import TODAY, action_spec, fresh_engine, insert_catalogue, violations

maybe = lambda strategy: st.none() | strategy  # noqa: E731

sessions = st.lists(
    st.fixed_dictionaries({
        "debut": maybe(st.integers(-120, 240).map(lambda d: TODAY + dt.timedelta(days=d))),
        "fin": maybe(st.integers(-30, 400).map(lambda d: TODAY + dt.timedelta(days=d))),
        "entrees_permanentes": st.booleans(),
        "etat_recrutement": st.sampled_from([1, 1, 1, 2, 3]),
    }),
    min_size=1, max_size=3,
)


@st.composite
def action_specs(draw, index):
    age_min = draw(maybe(st.integers(15, 30)))
    age_max = draw(maybe(st.integers(18, 65)))
    if age_min is not None and age_max is not None and age_max < age_min:
        age_min, age_max = age_max, age_min
    publics = draw(st.fixed_dictionaries({
        "public_demandeur_emploi": st.booleans(), "public_jeune": st.booleans(),
        "public_salarie": st.booleans(), "public_tous": st.booleans()}))
    return action_spec(
        f"A{index:03d}",
        formation_id=f"F{draw(st.integers(0, 12)):02d}-{index:03d}" if draw(st.booleans())
        else f"F-shared-{draw(st.integers(0, 3))}",
        domaine=draw(st.sampled_from(COURSE_DOMAINS + ("indecis",))),
        certifiante=draw(st.booleans()),
        niveau_sortie=draw(maybe(st.sampled_from(LEVELS))),
        modalite=draw(st.sampled_from(COURSE_MODES)),
        departement_lieu=draw(st.sampled_from(IDF_DEPARTMENTS)),
        age_min=age_min, age_max=age_max,
        niveau_entree=draw(st.sampled_from(LEVELS)),
        niveau_entree_obligatoire=draw(st.booleans()),
        heures_total=draw(st.integers(20, 1200)),
        heures_semaine=draw(maybe(st.sampled_from([3.0, 5.0, 7.5, 10.0, 15.0, 20.0, 35.0]))),
        creneau=draw(st.sampled_from(CRENEAUX)),
        equipement_requis=draw(st.sampled_from(EQUIPEMENTS)),
        equipement_prete=draw(st.booleans()),
        places_sur_site=draw(maybe(st.integers(0, 20))),
        accessible_handicap=draw(st.booleans()),
        places_financees=draw(maybe(st.integers(0, 20))),
        remuneree=draw(st.booleans()),
        sessions=draw(sessions),
        **publics,
    )


@st.composite
def catalogues(draw):
    n = draw(st.integers(1, 40))
    specs = [draw(action_specs(i)) for i in range(n)]
    # Formation-level fields must agree between actions of one formation.
    first = {}
    for spec in specs:
        ref = first.setdefault(spec["formation_id"], spec)
        spec.update(domaine=ref["domaine"], certifiante=ref["certifiante"],
                    niveau_sortie=ref["niveau_sortie"], intitule=ref["intitule"])
    return specs


profiles = st.builds(
    Profile,
    situation=maybe(st.sampled_from(SITUATIONS)),
    age=maybe(st.sampled_from([15.0, 16.0, 18.0, 21.0, 25.0, 25.5, 26.0, 34.0, 50.0, 64.0])),
    departement=maybe(st.sampled_from(DEPARTEMENTS)),
    niveau=maybe(st.sampled_from(LEVELS)),
    domaine=maybe(st.sampled_from(DOMAIN_SLOT_VALUES)),
    heures_semaine=maybe(st.sampled_from([2.0, 5.0, 8.0, 10.0, 20.0, 35.0])),
    creneau=maybe(st.sampled_from(CRENEAUX)),
    equipement=maybe(st.sampled_from(EQUIPEMENTS)),
    modalite=maybe(st.sampled_from(MODALITES)),
    certification=maybe(st.sampled_from(CERTIFICATIONS)),
    handicap=maybe(st.booleans()),
)


def spec_course(spec):
    """The payload fields violations() reads, straight from a spec."""
    return {"id": spec["id"], "domaine": spec["domaine"], "modalite": spec["modalite"],
            "age_min": spec["age_min"], "age_max": spec["age_max"],
            "departements": served_departments(spec["modalite"], spec["departement_lieu"]),
            "niveau_entree": spec["niveau_entree"], "equipement_requis": spec["equipement_requis"],
            "heures_semaine": spec["heures_semaine"], "creneau": spec["creneau"],
            "certifiante": spec["certifiante"]}


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs=catalogues(), profile=profiles, limit=st.integers(1, 5), offset=st.integers(0, 3),
       cap=st.sampled_from([1, 4, MatchingEngine.DEFAULT_CAP]))
def test_recommendations_respect_constraints(specs, profile, limit, offset, cap):
    """cap 1 or 4 forces the sampled path (more hard-valid actions than fetched)."""
    tmp = tempfile.TemporaryDirectory(prefix="matching-")
    engine = fresh_engine(tmp.name)
    matcher = MatchingEngine(engine, today=TODAY, cap=cap)
    try:
        insert_catalogue(engine, specs)
        result = matcher.recommend(profile, limit=limit, offset=offset)
        slots = {k: v for k, v in profile.__dict__.items() if v is not None}
        by_id = {s["id"]: s for s in specs}

        # 1. No recommended course breaks a constraint that is not listed in `relaxed`.
        for course in result.courses:
            assert violations(course, slots, result.relaxed, by_id[course["id"]]) == [], course
            assert 2 <= len(course["raisons"]) <= 4
        assert set(result.relaxed) <= set(RELAXATION_ORDER)
        assert result.relaxed == [r for r in RELAXATION_ORDER if r in result.relaxed]
        assert len(result.courses) <= limit
        assert len({c["id"] for c in result.courses}) == len(result.courses)

        # 2. Relaxation only when nothing matched strictly; nothing only when nothing is valid.
        strict = [s for s in specs if not violations(spec_course(s), slots, [], s)]
        valid = [s for s in specs if not violations(spec_course(s), slots, RELAXATION_ORDER, s)]
        sampled = len(valid) > cap
        if strict:
            assert result.relaxed == []
            assert 1 <= result.total_matches <= len(strict)
            if not sampled:
                assert result.total_matches == len(strict)
        else:
            assert result.total_matches <= len(valid)
        assert (result.total_matches == 0) == (not valid)
        if result.relaxed:
            assert result.relaxation_sentence()
        expected = max(0, min(limit, result.total_matches - offset))
        assert len(result.courses) == expected

        event(f"courses={bool(result.courses)} relaxed={bool(result.relaxed)} sampled={sampled}")

        # 3. The SQL pre-filter and its pure mirror agree.
        every = matcher.candidates(Profile(niveau="bac+5"), "all")  # admits every level
        expected_ids = {c.id for c in every if not hard_violations(c, profile, TODAY)}
        if profile.departement != "hors_idf":
            assert {c.id for c in matcher.candidates(profile, "all")} == expected_ids
        else:
            assert matcher.candidates(profile, "all") == []

        # 4. Deterministic.
        again = matcher.recommend(profile, limit=limit, offset=offset)
        assert again.payload() == result.payload()
    finally:
        matcher.close()
        engine.dispose()
        tmp.cleanup()


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=catalogues(), profile=profiles)
def test_pages_do_not_overlap(specs, profile):
    tmp = tempfile.TemporaryDirectory(prefix="matching-")
    engine = fresh_engine(tmp.name)
    matcher = MatchingEngine(engine, today=TODAY)
    try:
        insert_catalogue(engine, specs)
        first = matcher.recommend(profile, limit=3)
        seen = []
        for offset in range(0, first.total_matches, 3):
            page = matcher.recommend(profile, limit=3, offset=offset)
            assert page.relaxed == first.relaxed
            seen += [c["id"] for c in page.courses]
        assert len(seen) == len(set(seen)) == first.total_matches
    finally:
        matcher.close()
        engine.dispose()
        tmp.cleanup()
