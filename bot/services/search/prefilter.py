"""The SQL pre-filter of matching (see "How a query runs" in bot.core.matching.rules): the statement
selecting the Candidate columns of the actions passing every hard constraint, per domain tier,
the soft constraints' bound values for the strict query, and the final page's statement."""
from __future__ import annotations

import datetime as _dt
from typing import Optional

from sqlalchemy import Boolean, Float, Integer, and_, bindparam, exists, false, func, or_, select, true

from bot.core.matching.rules import CANDIDATE_FIELDS, Profile, weekly_hours_limit
from bot.services.catalogue.models import ETAT_OUVERT, Action, Formation, Organisme, Session, has_open_session

ACTION_T = Action.__table__
SESSION_T = Session.__table__
FORMATION_T = Formation.__table__
ORGANISME_T = Organisme.__table__

# Every action column course_payload reads: without equipement_prete a lent computer would
# be reported as required (CONTRACT §2), without niveau_entree_obligatoire an advised level as
# compulsory.
_PAYLOAD_ACTION_COLUMNS = (
    "id", "domaine", "modalite", "heures_total", "heures_semaine", "creneau", "certifiante",
    "niveau_entree", "niveau_entree_obligatoire", "age_min", "age_max", "departements",
    "equipement_requis", "equipement_prete", "places_sur_site", "accessible_handicap", "url",
)

# The final page: payload columns of a few actions, mapped by course_payload.
PAGE_STATEMENT = (
    select(*[ACTION_T.c[name] for name in _PAYLOAD_ACTION_COLUMNS],
           FORMATION_T.c.intitule.label("intitule"), FORMATION_T.c.url.label("formation_url"),
           ORGANISME_T.c.nom.label("organisme_nom"))
    .select_from(ACTION_T.join(FORMATION_T, FORMATION_T.c.id == ACTION_T.c.formation_id)
                 .outerjoin(ORGANISME_T, ORGANISME_T.c.id == ACTION_T.c.organisme_formateur_id))
    .where(ACTION_T.c.id.in_(bindparam("ids", expanding=True)))
)


# Domain tiers: never more than three queries.
TIER_EXACT, TIER_RELATED, TIER_OTHER, TIER_ALL = "exact", "related", "other", "all"


def to_date(value) -> Optional[_dt.date]:
    if value is None or isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


def _flag(name: str):
    return bindparam(name, type_=Boolean)


def strict_params(profile: Profile) -> dict:
    """Bound values of the soft constraints (strict query)."""
    return {
        "any_creneau": profile.creneau not in ("journee", "soir_weekend"),
        "creneau": profile.creneau or "indifferent",
        "hmax": weekly_hours_limit(profile.heures_semaine) if profile.heures_semaine is not None else 1e9,
        "any_mode": profile.modalite != "distance",
        "any_cert": profile.certification != "oui",
    }


def has_soft_constraints(profile: Profile) -> bool:
    p = strict_params(profile)
    return not (p["any_creneau"] and p["any_mode"] and p["any_cert"]
                and profile.heures_semaine is None)


def prefilter_statement(tier: str, strict: bool = False):
    """SELECT the Candidate columns of the actions passing every hard constraint.

    Bound values: today, age_lo/age_hi (the person's age, or -1/1000 when unknown), depbit
    (the department's bit, or all 8), rank + level_unknown, the public flags (any_public,
    p_de, p_jeune, p_sal), the equipment flags (own_any, phone_ok, onsite_ok), dom/doms for
    the domain tier.
    """
    today = bindparam("today", type_=SESSION_T.c.debut.type)
    next_start = (
        select(func.min(SESSION_T.c.debut))
        .where(SESSION_T.c.action_id == ACTION_T.c.id, SESSION_T.c.etat_recrutement == ETAT_OUVERT,
               SESSION_T.c.debut >= today)
        .scalar_subquery()
    )
    permanent = exists().where(
        SESSION_T.c.action_id == ACTION_T.c.id, SESSION_T.c.etat_recrutement == ETAT_OUVERT,
        SESSION_T.c.entrees_permanentes == true(), or_(SESSION_T.c.fin.is_(None), SESSION_T.c.fin >= today),
    )
    any_open = has_open_session(ACTION_T.c.id, today)  # the one definition, shared with bot.services.report
    columns = {name: ACTION_T.c[name] for name in CANDIDATE_FIELDS if name in ACTION_T.c}
    columns["niveau_sortie"] = (
        select(FORMATION_T.c.niveau_sortie).where(FORMATION_T.c.id == ACTION_T.c.formation_id).scalar_subquery()
    )
    columns["next_debut"] = next_start
    columns["permanent"] = permanent
    stmt = select(*[columns[name].label(name) for name in CANDIDATE_FIELDS])

    where = [
        # "!=" rather than IN: SQLite must not pick ix_action_modalite (half the table) over
        # ix_action_domaine when the catalogue has not been ANALYZEd.
        ACTION_T.c.modalite != "presentiel",
        # COALESCE: NULL = no bound, and no tempting the planner with ix_action_age either.
        func.coalesce(ACTION_T.c.age_min, 0) <= bindparam("age_hi", type_=Float),
        func.coalesce(ACTION_T.c.age_max, 1000) >= bindparam("age_lo", type_=Float),
        ACTION_T.c.departements_mask.op("&")(bindparam("depbit", type_=Integer)) != 0,
        or_(ACTION_T.c.niveau_entree_rank <= bindparam("rank", type_=Integer),
            and_(ACTION_T.c.niveau_entree_obligatoire == false(), _flag("level_unknown"))),
        or_(_flag("any_public"), ACTION_T.c.public_tous == true(),
            and_(ACTION_T.c.public_demandeur_emploi == true(), _flag("p_de")),
            and_(ACTION_T.c.public_jeune == true(), _flag("p_jeune")),
            and_(ACTION_T.c.public_salarie == true(), _flag("p_sal"))),
        or_(_flag("own_any"), ACTION_T.c.equipement_requis == "aucun", ACTION_T.c.equipement_prete == true(),
            and_(ACTION_T.c.equipement_requis == "smartphone", _flag("phone_ok")),
            and_(ACTION_T.c.modalite == "hybride", ACTION_T.c.places_sur_site > 0, _flag("onsite_ok"))),
    ]
    if tier == TIER_EXACT:
        where.append(ACTION_T.c.domaine == bindparam("dom"))
    elif tier == TIER_RELATED:
        where.append(ACTION_T.c.domaine.in_(bindparam("doms", expanding=True)))
    elif tier == TIER_OTHER:
        where.append(ACTION_T.c.domaine.not_in(bindparam("doms", expanding=True)))
    if strict:
        where += [
            or_(_flag("any_creneau"), ACTION_T.c.creneau.in_((bindparam("creneau"), "indifferent"))),
            or_(ACTION_T.c.heures_semaine.is_(None),
                ACTION_T.c.heures_semaine <= bindparam("hmax", type_=Float)),
            or_(_flag("any_mode"), ACTION_T.c.modalite == "distance"),
            or_(_flag("any_cert"), ACTION_T.c.certifiante == true()),
        ]
    where.append(any_open)
    # No ORDER BY: SQLite stops after `cap` rows (ranking happens in Python).
    return stmt.where(*where).limit(bindparam("cap", type_=Integer))
