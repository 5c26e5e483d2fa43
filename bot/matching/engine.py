"""The SQL side of matching: the pre-filter on indexed columns, then the pure rules.

One query per domain tier (exact domain, then related domains, then any), on the hard
constraints only; most queries need just the first. Rows come back as slim tuples
(:class:`~bot.matching.rules.Candidate`); payload dicts are built for the final page only.
"""
from __future__ import annotations

import datetime as _dt
from typing import Optional

from sqlalchemy import and_, bindparam, exists, false, func, or_, select, true
from sqlalchemy.engine import Engine

from bot.catalogue.models import Action, Formation, Organisme, Session
from bot.catalogue.vocabulary_mapping import department_bit
from bot.matching.rules import (
    CANDIDATE_FIELDS, Candidate, MatchResult, Profile, Refinement, rank, reasons,
)
from bot.vocab import OUTSIDE_REGION, RELATED_DOMAINS

A = Action.__table__
S = Session.__table__
F = Formation.__table__
O = Organisme.__table__
ETAT_OUVERT = 1

# Domain tiers: never more than three queries.
_EXACT, _RELATED, _OTHER, _ALL = "exact", "related", "other", "all"


def _open_session_clause(today_param):
    """An open session starting today or later, or with continuous entry not yet over."""
    return or_(
        S.c.debut >= today_param,
        and_(S.c.entrees_permanentes == true(), or_(S.c.fin.is_(None), S.c.fin >= today_param)),
    )


def _to_date(value) -> Optional[_dt.date]:
    if value is None or isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


class MatchingEngine:
    """Recommends catalogue actions for a profile (see bot.matching.rules for the rules)."""

    def __init__(self, engine: Engine, today: Optional[_dt.date] = None):
        self.engine = engine
        self._today = today

    @property
    def today(self) -> _dt.date:
        return self._today or _dt.date.today()

    # -- pre-filter ------------------------------------------------------------------
    def _prefilter(self, profile: Profile, tier: str, exclude: tuple):
        today = bindparam("today", type_=S.c.debut.type)
        next_start = (
            select(func.min(S.c.debut))
            .where(S.c.action_id == A.c.id, S.c.etat_recrutement == ETAT_OUVERT,
                   S.c.debut >= today)
            .scalar_subquery()
        )
        permanent = exists().where(
            S.c.action_id == A.c.id, S.c.etat_recrutement == ETAT_OUVERT,
            S.c.entrees_permanentes == true(), or_(S.c.fin.is_(None), S.c.fin >= today),
        )
        any_open = exists().where(
            S.c.action_id == A.c.id, S.c.etat_recrutement == ETAT_OUVERT,
            _open_session_clause(today),
        )
        columns = {name: A.c[name] for name in CANDIDATE_FIELDS if name in A.c}
        columns["niveau_sortie"] = (
            select(F.c.niveau_sortie).where(F.c.id == A.c.formation_id).scalar_subquery()
        )
        columns["next_debut"] = next_start
        columns["permanent"] = permanent
        stmt = select(*[columns[name].label(name) for name in CANDIDATE_FIELDS])

        where = [A.c.modalite.in_(("distance", "hybride"))]
        params = {"today": self.today}
        if profile.age is not None:
            where.append(or_(A.c.age_min.is_(None), A.c.age_min <= bindparam("age")))
            where.append(or_(A.c.age_max.is_(None), A.c.age_max >= bindparam("age")))
            params["age"] = profile.age
        if profile.departement is not None:
            where.append(A.c.departements_mask.op("&")(bindparam("depbit")) != 0)
            params["depbit"] = department_bit(profile.departement)
        rank_ = profile.level_rank
        if rank_ is None:
            where.append(or_(A.c.niveau_entree_obligatoire == false(), A.c.niveau_entree_rank == 0))
        else:
            where.append(A.c.niveau_entree_rank <= bindparam("rank"))
            params["rank"] = rank_
        situation = profile.situation
        if situation == "demandeur_emploi":
            publics = [A.c.public_tous == true(), A.c.public_demandeur_emploi == true()]
            if profile.age is None or profile.age < 26:
                publics.append(A.c.public_jeune == true())
            where.append(or_(*publics))
        elif situation == "jeune_decrocheur":
            where.append(or_(A.c.public_tous == true(), A.c.public_jeune == true()))
        elif situation == "salarie":
            where.append(or_(A.c.public_tous == true(), A.c.public_salarie == true()))
        elif situation == "autre":
            where.append(A.c.public_tous == true())
        if profile.equipement == "smartphone":
            where.append(or_(A.c.equipement_requis.in_(("smartphone", "aucun")),
                             A.c.equipement_prete == true()))
        elif profile.equipement == "aucun":
            where.append(or_(A.c.equipement_requis == "aucun", A.c.equipement_prete == true(),
                             and_(A.c.modalite == "hybride", A.c.places_sur_site > 0)))
        wanted = profile.wanted_domain
        if tier == _EXACT:
            where.append(A.c.domaine == bindparam("dom"))
            params["dom"] = wanted
        elif tier == _RELATED:
            where.append(A.c.domaine.in_(bindparam("doms", expanding=True)))
            params["doms"] = list(RELATED_DOMAINS[wanted])
        elif tier == _OTHER:
            where.append(A.c.domaine.not_in(bindparam("doms", expanding=True)))
            params["doms"] = [wanted, *RELATED_DOMAINS[wanted]]
        if exclude:
            where.append(A.c.id.not_in(bindparam("exclude", expanding=True)))
            params["exclude"] = list(exclude)
        where.append(any_open)
        return stmt.where(*where), params

    def candidates(self, profile: Profile, tier: str = _ALL, exclude: tuple = ()) -> list:
        """Hard-valid candidates for one domain tier, as Candidate tuples."""
        if profile.departement == OUTSIDE_REGION:
            return []
        stmt, params = self._prefilter(profile, tier, exclude)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt, params).all()
        make = Candidate._make
        out = []
        for row in rows:
            c = make(row)
            if c.next_debut is not None and not isinstance(c.next_debut, _dt.date):
                c = c._replace(next_debut=_to_date(c.next_debut))
            out.append(c)
        return out

    # -- public API ------------------------------------------------------------------
    def recommend(self, profile: Profile, limit: int = 3, offset: int = 0,
                  refinement: Optional[Refinement] = None) -> MatchResult:
        base = profile
        if refinement is not None:
            profile = refinement.apply(profile)
        exclude = tuple(refinement.exclude_ids) if refinement is not None else ()
        if profile.departement == OUTSIDE_REGION:
            return MatchResult([], [], 0, profile)
        tiers = (_EXACT, _RELATED, _OTHER) if profile.wanted_domain else (_ALL,)
        ranking = None
        for tier in tiers:
            found = self.candidates(profile, tier, exclude)
            if found:
                ranking = rank(found, profile, self.today, limit, offset, refinement)
                break
        if ranking is None:
            return MatchResult([], [], 0, profile)
        courses = self._payloads([c for c, _ in ranking.selected])
        for (cand, viol), course in zip(ranking.selected, courses):
            course["raisons"] = reasons(cand, profile, self.today, viol)
        del base
        return MatchResult(courses, ranking.relaxed, ranking.total, profile)

    def _payloads(self, chosen: list) -> list:
        """CONTRACT §2 dicts (without reasons) for the chosen candidates, in order."""
        if not chosen:
            return []
        from sqlalchemy.orm import Session as OrmSession
        from bot.catalogue.payload import course_payload

        ids = [c.id for c in chosen]
        with OrmSession(self.engine, future=True) as db:
            actions = {a.id: a for a in db.execute(
                select(Action).where(Action.id.in_(ids))).scalars()}
            out = []
            for c in chosen:
                action = actions[c.id]
                out.append(dict(course_payload(action, self._session_for(action, c))))
        return out

    def _session_for(self, action, cand: Candidate):
        """The session the candidate's start refers to: continuous entry first, else the
        earliest open session starting today or later."""
        today = self.today
        open_ = [s for s in action.sessions if s.etat_recrutement == ETAT_OUVERT]
        if cand.permanent:
            for s in open_:
                if s.entrees_permanentes and (s.fin is None or _to_date(s.fin) >= today):
                    return s
        dated = sorted((s for s in open_ if s.debut is not None and _to_date(s.debut) >= today),
                       key=lambda s: (_to_date(s.debut), s.id))
        return dated[0] if dated else (open_[0] if open_ else None)

    def course(self, action_id: str) -> Optional[dict]:
        """Full details of one action: the §2 payload plus objectif, contenu, dates,
        modalites_inscription, contact, cout_stagiaire, remuneree and organisme."""
        from sqlalchemy.orm import Session as OrmSession
        from bot.catalogue.payload import course_payload

        today = self.today
        with OrmSession(self.engine, future=True) as db:
            action = db.get(Action, action_id)
            if action is None:
                return None
            open_ = [s for s in action.sessions if s.etat_recrutement == ETAT_OUVERT]
            permanent = any(s.entrees_permanentes and (s.fin is None or _to_date(s.fin) >= today)
                            for s in open_)
            future = [_to_date(s.debut) for s in open_ if s.debut and _to_date(s.debut) >= today]
            cand_like = _SessionChoice(permanent)
            session = self._session_for(action, cand_like)
            data = dict(course_payload(action, session))
            formation = action.formation
            organisme = action.organisme_formateur
            data.update({
                "objectif": formation.objectif,
                "contenu": formation.contenu,
                "dates": [
                    {"debut": _iso(s.debut), "fin": _iso(s.fin),
                     "entrees_permanentes": bool(s.entrees_permanentes),
                     "recrutement_ouvert": s.etat_recrutement == ETAT_OUVERT}
                    for s in sorted(action.sessions, key=lambda s: (_to_date(s.debut) or _dt.date.min, s.id))
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


class _SessionChoice:
    def __init__(self, permanent: bool):
        self.permanent = permanent


def _iso(value) -> Optional[str]:
    d = _to_date(value)
    return d.isoformat() if d else None
