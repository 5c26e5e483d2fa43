"""Catalogue quality: what the catalogue lacks or offers too little of, for the Region."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Engine

from bot.core.french import french_date
from bot.core.labels import DOMAIN_LABELS
from bot.core.vocab import COURSE_DOMAINS, YOUTH_AGE_LIMIT
from bot.services.catalogue.models import Action, Formation, Session, has_open_session

MIN_ACTIONS_UNDER_26 = 3


@dataclass
class QualityCheck:
    key: str
    title: str
    items: list                     # [(reference, label)]


def catalogue_quality(engine: Engine, today: Optional[dt.date] = None) -> list[QualityCheck]:
    today = today or dt.date.today()
    last = func.coalesce(Session.fin, Session.debut)
    permanent = func.sum(case((Session.entrees_permanentes, 1), else_=0))
    undated = func.sum(case((last.is_(None), 1), else_=0))
    # What matching would show (one definition, bot.services.catalogue.models.session_is_open).
    bookable = has_open_session(Action.id, today)
    with engine.connect() as conn:
        past = conn.execute(
            select(Action.id, Formation.intitule, func.max(last))
            .join(Formation, Formation.id == Action.formation_id).join(Session, Session.action_id == Action.id)
            .group_by(Action.id, Formation.intitule)
            .having(and_(permanent == 0, undated == 0, func.max(last) < today))
            .order_by(Action.id)).all()
        no_url = conn.execute(
            select(Action.id, Formation.intitule).join(Formation, Formation.id == Action.formation_id)
            .where(or_(Action.url.is_(None), Action.url == ""), or_(Formation.url.is_(None), Formation.url == ""))
            .order_by(Action.id)).all()
        no_hours = conn.execute(
            select(Action.id, Formation.intitule).join(Formation, Formation.id == Action.formation_id)
            .where(Action.heures_semaine.is_(None)).order_by(Action.id)).all()
        youth = dict(conn.execute(
            select(Action.domaine, func.count(Action.id))
            .where(or_(Action.age_min.is_(None), Action.age_min < YOUTH_AGE_LIMIT), bookable)
            .group_by(Action.domaine)).all())

    def when(value) -> str:
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        return french_date(value) if value else "date inconnue"

    return [
        QualityCheck("past", "Actions dont la dernière session est passée",
                     [(r[0], f"{r[1]} (dernière session : {when(r[2])})") for r in past]),
        QualityCheck("no_url", "Actions sans adresse web (ni l'action ni la formation)",
                     [(r[0], r[1]) for r in no_url]),
        QualityCheck("no_hours", "Actions sans nombre d'heures par semaine", [(r[0], r[1]) for r in no_hours]),
        QualityCheck("few_youth", f"Domaines avec moins de {MIN_ACTIONS_UNDER_26} actions ouvertes aux moins de {YOUTH_AGE_LIMIT} ans",
                     [(d, f"{DOMAIN_LABELS[d]} : {youth.get(d, 0)} action(s)") for d in COURSE_DOMAINS
                      if youth.get(d, 0) < MIN_ACTIONS_UNDER_26]),
    ]
