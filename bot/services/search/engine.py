"""The SQL side of matching: runs the pre-filter (bot.services.search.prefilter), then the pure rules,
and pages. See "How a query runs" in bot.core.matching.rules. Statements are built once per shape (8 in
all: domain tier x strict), unknown profile values being bound as "anything
goes" values, so SQLAlchemy compiles each shape once per process (``warm_up()`` does it at
start). With SQLite file databases (NullPool in SQLAlchemy 1.4) one connection per thread is
kept, its read transaction ended after every query.

Measured with ``python -m bot.tools.bench_matching`` (500 random profiles, generated catalogue of
100,000 actions, SQLite, 2 cores shared with a Rasa training): CPU p95 about 3.3 ms per
query, wall-clock p95 about 11 ms (the wall clock follows the machine's load).
``decisive_slots`` (``python -m bot.tools.bench_matching --decisive``: 500 profiles whose time slot,
mode, certification and disability are not asked yet; 2 shared cores): demo catalogue p95
0.5 ms; 100,000 actions CPU p95 1.9 ms, wall-clock p95 5.2 ms. recommend() in the same run:
CPU p95 1.9 ms.
"""
from __future__ import annotations

import datetime as _dt
import threading
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterable, Optional, Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from bot.core.matching.ranking import MatchResult, choose_relaxation, rank
from bot.core.matching.rules import (
    V_CERTIF, V_CRENEAU, V_DOMAIN_RELATED, V_HEURES, V_MODALITE, Candidate, Profile, Refinement, equipment_ok,
    soft_violations,
)
from bot.core.matching.sentences import reasons
from bot.core.payload import course_payload
from bot.core.vocab import AGE_RANGE, LEVELS, OUTSIDE_REGION, RELATED_DOMAINS, YOUTH_AGE_LIMIT
from bot.core.vocabulary_mapping import ALL_DEPARTMENTS_MASK, department_bit
from bot.services.catalogue.models import ETAT_OUVERT, Action
from bot.services.search.prefilter import (
    PAGE_STATEMENT, TIER_ALL, TIER_EXACT, TIER_OTHER, TIER_RELATED, has_soft_constraints, prefilter_statement,
    strict_params, to_date,
)

SQLITE_MMAP_BYTES = 256 * 1024 * 1024

_NON_DOMAIN = V_CRENEAU | V_HEURES | V_MODALITE | V_CERTIF


class MatchingEngine:
    """Recommends catalogue actions for a profile (see bot.core.matching.rules for the rules)."""

    #: Most hard-valid actions fetched per domain tier and query (see recommend()).
    DEFAULT_CAP = 120

    def __init__(self, engine: Engine, today: Optional[_dt.date] = None, cap: int = DEFAULT_CAP):
        self.engine = engine
        self._today = today
        self.cap = cap
        self._statements: dict = {}
        # SQLite file engines use NullPool in SQLAlchemy 1.4: every connect() reopens the file
        # and replays the PRAGMAs (~2 ms). Keep one connection per thread instead, ending its
        # read transaction after each query so that imports are seen at once.
        self._reuse = isinstance(engine.pool, NullPool)
        self._local = threading.local()

    @contextmanager
    def _connection(self):
        if not self._reuse:
            with self.engine.connect() as conn:
                yield conn
            return
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = self.engine.connect()
            if self.engine.dialect.name == "sqlite":
                # Read pages through a memory map: about 20 % less CPU per query on 100,000
                # actions. Only this kept connection is affected.
                conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        try:
            yield conn
        except BaseException:
            self._local.conn = None
            conn.close()
            raise
        else:
            conn.rollback()

    def warm_up(self) -> None:
        """Compile every pre-filter statement shape once (about 10 ms each), e.g. at server
        start, so that no user query pays for it."""
        probe = Profile(domaine="developpement_web")
        for tier in (TIER_EXACT, TIER_RELATED, TIER_OTHER, TIER_ALL):
            for strict in (False, True):
                self.candidates(probe, tier, strict=strict, cap=0)
        with self._connection() as conn:
            conn.execute(PAGE_STATEMENT, {"ids": ["-"]}).all()

    def close(self) -> None:
        """Close this thread's kept connection (tests dropping their database)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @property
    def today(self) -> _dt.date:
        return self._today or _dt.date.today()

    # -- pre-filter ------------------------------------------------------------------

    def _params(self, profile: Profile, tier: str) -> dict:
        situation, age = profile.situation, profile.age
        equipement = profile.equipement
        params = {
            "today": self.today,
            "age_lo": age if age is not None else -1.0,
            "age_hi": age if age is not None else 1000.0,
            "depbit": (department_bit(profile.departement) if profile.departement is not None
                       else ALL_DEPARTMENTS_MASK),
            "rank": profile.level_rank if profile.level_rank is not None else 0,
            "level_unknown": profile.level_rank is None,
            "any_public": situation is None,
            "p_de": situation == "demandeur_emploi",
            "p_jeune": situation == "jeune_decrocheur" or (
                situation == "demandeur_emploi" and (age is None or age < YOUTH_AGE_LIMIT)),
            "p_sal": situation == "salarie",
            "own_any": equipement in (None, "ordinateur"),
            "phone_ok": equipement == "smartphone",
            "onsite_ok": equipement in ("aucun", "smartphone"),
        }
        wanted = profile.wanted_domain
        if tier == TIER_EXACT:
            params["dom"] = wanted
        elif tier == TIER_RELATED:
            params["doms"] = list(RELATED_DOMAINS[wanted])
        elif tier == TIER_OTHER:
            params["doms"] = [wanted, *RELATED_DOMAINS[wanted]]
        return params

    def _statement(self, tier: str, strict: bool):
        """The pre-filter statement for this shape (8 in all), built once and reused:
        SQLAlchemy memoises a reused statement's cache key and keeps its compiled form.
        Unknown profile values are bound as "anything goes" values, not left out."""
        key = (tier, strict)
        stmt = self._statements.get(key)
        if stmt is None:
            stmt = self._statements[key] = prefilter_statement(tier, strict)
        return stmt

    def candidates(self, profile: Profile, tier: str = TIER_ALL,
                   strict: bool = False, cap: Optional[int] = None) -> list:
        """Hard-valid candidates of one domain tier (also satisfying every soft constraint
        when strict), as Candidate tuples: at most `cap` of them, in catalogue order."""
        if profile.departement == OUTSIDE_REGION:
            return []
        stmt = self._statement(tier, strict)
        params = self._params(profile, tier)
        if strict:
            params.update(strict_params(profile))
        params["cap"] = cap if cap is not None else 2 ** 31 - 1
        with self._connection() as conn:
            rows = conn.execute(stmt, params).all()
        make = Candidate._make
        out = []
        for row in rows:
            c = make(row)
            if c.next_debut is not None and not isinstance(c.next_debut, _dt.date):
                c = c._replace(next_debut=to_date(c.next_debut))
            out.append(c)
        return out

    # -- public API ------------------------------------------------------------------
    def _pool(self, profile: Profile, cap: int) -> list:
        """The hard-valid candidates recommend() ranks: those of the first domain tier that
        has any (exact, related, other; one tier for an undecided person), at most `cap` in
        catalogue order, or the strict matches of that tier when the sample holds none."""
        tiers = (TIER_EXACT, TIER_RELATED, TIER_OTHER) if profile.wanted_domain else (TIER_ALL,)
        for tier in tiers:
            found = self.candidates(profile, tier, cap=cap)
            if not found:
                continue  # nothing hard-valid in this tier (scanned in full): next tier
            if len(found) >= cap and has_soft_constraints(profile) and not any(
                    soft_violations(c, profile) & _NON_DOMAIN == 0 for c in found):
                strict = self.candidates(profile, tier, strict=True, cap=cap)
                if strict:
                    found = strict
            return found
        return []

    def recommend(self, profile: Profile, limit: int = 3, offset: int = 0,
                  refinement: Optional[Refinement] = None,
                  exclude_ids: Sequence[str] = ()) -> MatchResult:
        """The best `limit` courses from `offset` on (see the module docstring of
        bot.core.matching.rules for the rules).

        exclude_ids: courses already shown in the conversation. They are never returned, but
        the relaxation level stays the one computed with them, so "more" goes on with the
        same constraints as the first list; when nothing new is left at that level the
        result is empty (the caller says so with bot.core.replies.no_more_text).

        Per domain tier (exact, related, other; a single tier for an undecided person), one
        query fetches up to `cap` hard-valid actions in catalogue order (it stops early).
        When those hold no strict match but were capped, one more query looks for strict
        matches over the whole tier, so a constraint is never reported loosened while a
        course fits it. Scoring, relaxation and paging then run in Python on that sample:
        with more than `cap` hard-valid actions in a tier, the ranking and total_matches
        cover the sample (total_matches is then a lower bound). total_matches counts the
        courses left once exclude_ids are taken out.
        """
        if refinement is not None:
            profile = refinement.apply(profile)
        shown = frozenset(exclude_ids or ())
        if profile.departement == OUTSIDE_REGION or limit <= 0:
            return MatchResult([], [], 0, profile)
        # Pages stay consistent for the first cap/4 results (30 by default); beyond, the
        # sample grows with the page asked for.
        wanted_rows = offset + limit + len(shown)
        cap = self.cap if wanted_rows <= self.cap // 4 else self.cap + 4 * wanted_rows
        found = self._pool(profile, cap)
        if not found:
            return MatchResult([], [], 0, profile)
        ranking = rank(found, profile, self.today, limit, offset, refinement, exclude=shown)
        courses = self._payloads([c for c, _ in ranking.selected])
        for (cand, viol), course in zip(ranking.selected, courses):
            course["raisons"] = reasons(cand, profile, self.today, viol)
        result = MatchResult(courses, ranking.relaxed, ranking.total, profile)
        if shown and not courses:
            result.loosenable = self._loosenable(profile, found, shown)
        return result

    def _loosenable(self, profile: Profile, found: list, shown: frozenset) -> list:
        """The known soft constraints whose loosening would bring courses not shown yet, in
        RELAXATION_ORDER (what bot.core.replies.no_more_text proposes)."""
        rows = [(c, soft_violations(c, profile)) for c in found]
        allowed = choose_relaxation(m for _, m in rows) or 0
        unseen = [m for c, m in rows if c.id not in shown]
        out = [name for bit, name in ((V_CRENEAU, "creneau"), (V_HEURES, "heures_semaine"),
                                      (V_MODALITE, "modalite"), (V_CERTIF, "certification"))
               if not allowed & bit and any(m & ~(allowed | bit) == 0 for m in unseen)]
        if profile.wanted_domain and not allowed & V_DOMAIN_RELATED:
            nearby = self.candidates(profile, TIER_RELATED, cap=len(shown) + 1)
            if any(c.id not in shown for c in nearby):
                out.append("domaine")
        return out

    def decisive_slots(self, profile: Profile, slots: Iterable[str],
                       refinement: Optional[Refinement] = None, page_size: int = 3) -> set:
        """Among `slots` (profile slots still unknown), those whose answer could change the
        shortlist: the candidate courses differ on them. The candidates are the courses
        recommend() would rank for what is known (hard constraints, domain tier), kept at
        the relaxation level the known soft constraints give. A slot already known, or not
        a profile slot, is never returned; no candidate at all gives an empty set.

        - situation: some candidate is not open to every public;
        - age: some candidate has an age bound, or is for young people only;
        - niveau: some candidate (any level accepted) asks more than no diploma;
        - heures_semaine: the candidates' weekly hours differ;
        - creneau: some candidate is not open at any time (an answer would turn it away);
        - equipement: some candidate cannot be followed with a phone only or with nothing;
        - the preferences, decided on the page recommend() would show now (its first
          `page_size` courses): creneau when a course of the page is not open at any time,
          modalite when one is not fully remote, certification when one is not certifying (an
          answer would turn it away), handicap when one is not accessible while some candidate
          is (an answer would bring that one up). A preference that cannot change what the
          person sees is not asked;
        - domaine: several domains; departement: some candidate does not serve the whole region.

        One pre-filter query (as recommend()), then pure Python on at most `cap` tuples.
        """
        if refinement is not None:
            profile = refinement.apply(profile)
        wanted = {s for s in slots if s in _DECISIVE_SLOTS and _unknown(profile, s)}
        if not wanted or profile.departement == OUTSIDE_REGION:
            return set()
        # Unknown level: the pre-filter leaves out courses with a compulsory level, which an
        # answer could bring in; fetch every level and apply the real rule in Python.
        open_level = "niveau" in wanted
        pool_profile = replace(profile, niveau=LEVELS[-1]) if open_level else profile
        pool = self._pool(pool_profile, self.cap)
        if not pool:
            return set()
        every_level = pool
        if open_level:
            pool = [c for c in pool if not (c.niveau_entree_obligatoire and c.niveau_entree_rank > 0)]
        masks = [soft_violations(c, profile) for c in pool]
        allowed = choose_relaxation(masks)
        kept = [c for c, m in zip(pool, masks) if allowed is not None and m & ~allowed == 0]
        out = set()
        if open_level and any(c.niveau_entree_rank > 0 for c in every_level):
            out.add("niveau")
        if not kept:
            return out
        page = None
        for slot in wanted - {"niveau"}:
            if slot in _DECIDED_ON_THE_PAGE:
                if page is None:
                    page = [c for c, _ in rank(pool, profile, self.today, page_size).selected]
                decisive = _DECIDED_ON_THE_PAGE[slot](page, kept)
            else:
                decisive = _DECISIVE_TESTS[slot](kept, profile)
            if decisive:
                out.add(slot)
        return out

    def _payloads(self, chosen: list) -> list:
        """CONTRACT §2 dicts (without reasons) for the chosen candidates, in order: one Core
        query for the page, mapped by bot.core.payload.course_payload."""
        if not chosen:
            return []
        stmt = PAGE_STATEMENT
        with self._connection() as conn:
            rows = {row.id: row._asdict()
                    for row in conn.execute(stmt, {"ids": [c.id for c in chosen]})}
        out = []
        for c in chosen:
            row = rows[c.id]
            row["url"] = row["url"] or row.pop("formation_url")
            session = {"debut": None if c.permanent else c.next_debut,
                       "entrees_permanentes": c.permanent}
            out.append(dict(course_payload(row, session)))
        return out

    def _session_for(self, action):
        """The session a person can still join: an open one with continuous entry not yet over
        first, else the earliest open session starting today or later; None when every
        session is closed or past (the course is then shown with no start date)."""
        today = self.today
        open_ = [s for s in action.sessions if s.etat_recrutement == ETAT_OUVERT]
        for s in open_:
            if s.entrees_permanentes and (s.fin is None or to_date(s.fin) >= today):
                return s
        dated = sorted((s for s in open_ if s.debut is not None and to_date(s.debut) >= today),
                       key=lambda s: (to_date(s.debut), s.id))
        return dated[0] if dated else None

    def course(self, action_id: str) -> Optional[dict]:
        """Full details of one action: the §2 payload (with ``pret_materiel`` and
        ``accessible_handicap``) plus ``fin`` (end of the session shown), ``session_ouverte``
        (False when no session can be joined: every one closed or past; ``debut`` is then
        None), objectif, contenu, dates, prochaine_entree, modalites_inscription, contact,
        cout_stagiaire, remuneree, places_sur_site, departement_lieu, organisme and
        organisme_details."""
        from sqlalchemy.orm import Session as OrmSession

        today = self.today
        with OrmSession(self.engine, future=True) as db:
            action = db.get(Action, action_id)
            if action is None:
                return None
            open_ = [s for s in action.sessions if s.etat_recrutement == ETAT_OUVERT]
            future = [to_date(s.debut) for s in open_ if s.debut and to_date(s.debut) >= today]
            session = self._session_for(action)
            data = dict(course_payload(action, session))
            formation = action.formation
            organisme = action.organisme_formateur
            data.update({
                "fin": _iso(session.fin) if session is not None else None,
                "session_ouverte": session is not None,
                "places_sur_site": action.places_sur_site,
                "departement_lieu": action.departement_lieu,
                "objectif": formation.objectif,
                "contenu": formation.contenu,
                "dates": [
                    {"debut": _iso(s.debut), "fin": _iso(s.fin),
                     "entrees_permanentes": bool(s.entrees_permanentes),
                     "recrutement_ouvert": s.etat_recrutement == ETAT_OUVERT}
                    for s in sorted(action.sessions, key=lambda s: (to_date(s.debut) or _dt.date.min, s.id))
                ],
                "prochaine_entree": _iso(min(future)) if future else None,
                "modalites_inscription": action.modalites_inscription,
                "contact": action.contact,
                "cout_stagiaire": action.cout_stagiaire,
                "remuneree": bool(action.remuneree),
                "organisme": data.get("organisme") or (organisme.nom if organisme else None),
                "organisme_details": None if organisme is None else {
                    "nom": organisme.nom, "ville": organisme.ville,
                    "code_postal": organisme.code_postal, "telephone": organisme.telephone,
                    "email": organisme.email, "url": organisme.url,
                },
            })
            return data


def _iso(value) -> Optional[str]:
    d = to_date(value)
    return d.isoformat() if d else None


# -- decisive questions -----------------------------------------------------------------
def _unknown(profile: Profile, slot: str) -> bool:
    """Not given yet ("peu importe" is an answer: the question is not asked again)."""
    return getattr(profile, slot) is None


def _differ(values) -> bool:
    return len(set(values)) > 1


_DECISIVE_TESTS = {
    "situation": lambda kept, p: any(not c.public_tous for c in kept),
    "age": lambda kept, p: any(
        (c.age_min is not None and c.age_min > AGE_RANGE[0])
        or (c.age_max is not None and c.age_max < AGE_RANGE[1])
        or (c.public_jeune and not c.public_tous and not c.public_demandeur_emploi
            and p.situation in (None, "demandeur_emploi"))
        for c in kept),
    "heures_semaine": lambda kept, p: _differ(c.heures_semaine for c in kept),
    "equipement": lambda kept, p: any(not equipment_ok(c, e) for c in kept for e in ("smartphone", "aucun")),
    "domaine": lambda kept, p: _differ(c.domaine for c in kept),
    "departement": lambda kept, p: any(c.departements_mask != ALL_DEPARTMENTS_MASK for c in kept),
}
# Preferences: asked only when an answer would turn away a course of the page about to be
# shown (or, for handicap, bring an accessible candidate onto it). (page, candidates) -> bool.
_DECIDED_ON_THE_PAGE = {
    "creneau": lambda page, kept: any(c.creneau != "indifferent" for c in page),
    "modalite": lambda page, kept: any(c.modalite != "distance" for c in page),
    "certification": lambda page, kept: any(not c.certifiante for c in page),
    "handicap": lambda page, kept: (any(not c.accessible_handicap for c in page)
                                    and any(c.accessible_handicap for c in kept)),
}
_DECISIVE_SLOTS = frozenset(_DECISIVE_TESTS) | frozenset(_DECIDED_ON_THE_PAGE) | {"niveau"}
