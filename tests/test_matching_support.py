"""Helpers shared by the matching tests: a tiny catalogue builder and a violations checker.

`violations` mirrors ../shared/eval/converse.py's checks, plus the rules the evaluator cannot
see from the payload (target public, lent equipment, open session, no on-site-only course).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile

from bot.core.vocab import LEVEL_RANK, LEVELS, RELATED_DOMAINS
from bot.core.vocabulary_mapping import departments_mask, served_departments
from bot.services.catalogue.db import create_catalogue_engine, ensure_schema
from bot.services.catalogue.models import Action, Formation, Organisme, Session

TODAY = dt.date(2027, 1, 4)

_TEMPLATE = None


def fresh_engine(tmp_dir: str | None = None):
    """A new SQLite catalogue, migrated by ensure_schema (done once, then copied)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        path = os.path.join(tempfile.mkdtemp(prefix="matching-tpl-"), "template.db")
        engine = ensure_schema(create_catalogue_engine(f"sqlite:///{path}"))
        engine.dispose()
        _TEMPLATE = path
    target = os.path.join(tmp_dir or tempfile.mkdtemp(prefix="matching-"), "catalogue.db")
    shutil.copyfile(_TEMPLATE, target)
    return create_catalogue_engine(f"sqlite:///{target}")


def action_spec(id, **kw) -> dict:
    """A course spec with sensible defaults (fully remote, open to all, starts in 2 weeks)."""
    modalite = kw.get("modalite", "distance")
    lieu = kw.get("departement_lieu", None if modalite == "distance" else "93")
    spec = dict(
        id=id, formation_id=kw.get("formation_id", f"F-{id}"), intitule=f"Formation {id}",
        domaine="developpement_web", certifiante=False, niveau_sortie=None,
        modalite=modalite, public_demandeur_emploi=False, public_jeune=False,
        public_salarie=False, public_tous=True, age_min=None, age_max=None,
        niveau_entree="sans_diplome", niveau_entree_obligatoire=False, heures_total=300,
        heures_semaine=10.0, creneau="indifferent", equipement_requis="ordinateur",
        equipement_prete=False, departement_lieu=lieu, places_sur_site=None,
        accessible_handicap=False, places_financees=10, remuneree=False,
        sessions=[dict(debut=TODAY + dt.timedelta(days=14), entrees_permanentes=False,
                       etat_recrutement=1)],
    )
    spec.update(kw)
    spec["departement_lieu"] = lieu if "departement_lieu" not in kw else kw["departement_lieu"]
    return spec


def insert_catalogue(engine, specs) -> None:
    from sqlalchemy.orm import Session as OrmSession

    with OrmSession(engine, future=True) as db:
        db.add(Organisme(id="ORG-1", nom="Organisme test", fictif=True))
        formations = {}
        for spec in specs:
            fid = spec["formation_id"]
            if fid not in formations:
                formations[fid] = Formation(
                    id=fid, intitule=spec["intitule"], certifiante=spec["certifiante"],
                    niveau_sortie=spec["niveau_sortie"], organisme_responsable_id="ORG-1",
                    domaine=spec["domaine"], objectif="Objectif", contenu="Contenu")
                db.add(formations[fid])
            served = served_departments(spec["modalite"], spec["departement_lieu"])
            db.add(Action(
                id=spec["id"], formation_id=fid, organisme_formateur_id="ORG-1",
                domaine=formations[fid].domaine, certifiante=formations[fid].certifiante,
                modalites_enseignement={"presentiel": 0, "hybride": 1, "distance": 2}[spec["modalite"]],
                modalite=spec["modalite"],
                public_demandeur_emploi=spec["public_demandeur_emploi"],
                public_jeune=spec["public_jeune"], public_salarie=spec["public_salarie"],
                public_tous=spec["public_tous"], age_min=spec["age_min"], age_max=spec["age_max"],
                niveau_entree=spec["niveau_entree"],
                niveau_entree_rank=LEVEL_RANK[spec["niveau_entree"]],
                niveau_entree_obligatoire=spec["niveau_entree_obligatoire"],
                heures_total=spec["heures_total"], heures_semaine=spec["heures_semaine"],
                creneau=spec["creneau"], equipement_requis=spec["equipement_requis"],
                equipement_prete=spec["equipement_prete"],
                departement_lieu=spec["departement_lieu"], departements=",".join(served),
                departements_mask=departments_mask(served), places_sur_site=spec["places_sur_site"],
                accessible_handicap=spec["accessible_handicap"],
                places_financees=spec["places_financees"], remuneree=spec["remuneree"],
                cout_stagiaire="Gratuit : financé par la Région", contact="contact@example.org",
                modalites_inscription="Inscription en ligne", url=f"https://example.org/{spec['id']}",
            ))
            for i, sess in enumerate(spec["sessions"]):
                db.add(Session(id=f"{spec['id']}-S{i}", action_id=spec["id"],
                               debut=sess.get("debut"), fin=sess.get("fin"),
                               entrees_permanentes=sess.get("entrees_permanentes", False),
                               etat_recrutement=sess.get("etat_recrutement", 1)))
        db.commit()


EQUIPMENT_OK = {"ordinateur": {"ordinateur", "smartphone", "aucun"},
                "smartphone": {"smartphone", "aucun"}, "aucun": {"aucun"}}


def violations(course: dict, profile: dict, relaxed, spec: dict | None = None, today=TODAY) -> list:
    """Constraints of `profile` (contract slot dict) that a recommended course breaks.

    The first block mirrors converse.py (with equipment loans and hybrid on-site access
    accepted, per the issue); `spec` (the catalogue row) adds public / session checks.
    """
    relaxed = set(relaxed)
    out = []
    age = profile.get("age")
    if age is not None:
        lo, hi = course.get("age_min") or 0, course.get("age_max") or 200
        if not lo <= age <= hi:
            out.append(f"age {age} outside {lo}-{hi}")
    dep = profile.get("departement")
    if dep == "hors_idf":
        out.append("hors_idf got a course")
    elif dep and dep not in (course.get("departements") or []):
        out.append(f"departement {dep} not served")
    lvl, need = profile.get("niveau"), course.get("niveau_entree")
    if lvl in LEVELS and need in LEVELS and LEVELS.index(need) > LEVELS.index(lvl):
        out.append(f"needs {need}, has {lvl}")
    if course.get("modalite") not in ("distance", "hybride"):
        out.append(f"modalite {course.get('modalite')}")
    eq, req = profile.get("equipement"), course.get("equipement_requis")
    if eq in EQUIPMENT_OK and req not in EQUIPMENT_OK[eq]:
        lent = spec is not None and spec["equipement_prete"]
        # Computers on site for a hybrid course: nothing to own, phone or not.
        onsite = (spec is not None and eq in ("aucun", "smartphone") and spec["modalite"] == "hybride"
                  and (spec["places_sur_site"] or 0) > 0)
        if not (lent or onsite):
            out.append(f"needs {req}, has {eq}")
    dom = profile.get("domaine")
    if dom and dom != "indecis" and course.get("domaine") != dom and "domaine" not in relaxed:
        out.append(f"domaine {course.get('domaine')} != {dom}")
    hours, load = profile.get("heures_semaine"), course.get("heures_semaine")
    if hours and load and load > hours and "heures_semaine" not in relaxed:
        out.append(f"{load} h/week > {hours}")
    slot, when = profile.get("creneau"), course.get("creneau")
    if slot in ("journee", "soir_weekend") and when not in (slot, "indifferent", None) \
            and "creneau" not in relaxed:
        out.append(f"creneau {when} != {slot}")
    if profile.get("modalite") == "distance" and course.get("modalite") != "distance" \
            and "modalite" not in relaxed:
        out.append(f"modalite {course.get('modalite')} != distance")
    if profile.get("certification") == "oui" and not course.get("certifiante") \
            and "certification" not in relaxed:
        out.append("not certifying")
    if spec is not None:
        sit = profile.get("situation")
        ok = {
            None: True,
            "demandeur_emploi": spec["public_tous"] or spec["public_demandeur_emploi"]
            or (spec["public_jeune"] and (age is None or age < 26)),
            "jeune_decrocheur": spec["public_tous"] or spec["public_jeune"],
            "salarie": spec["public_tous"] or spec["public_salarie"],
            "autre": spec["public_tous"],
        }[sit]
        if not ok:
            out.append(f"public does not admit {sit}")
        if lvl is None and spec["niveau_entree_obligatoire"] and LEVEL_RANK[spec["niveau_entree"]] > 0:
            out.append("compulsory level for a person of unknown level")
        if not any(s.get("etat_recrutement", 1) == 1 and (
                (s.get("debut") is not None and s["debut"] >= today)
                or (s.get("entrees_permanentes") and (s.get("fin") is None or s["fin"] >= today)))
                for s in spec["sessions"]):
            out.append("no open session ahead")
    return out


def related_or_same(domain, wanted):
    return domain == wanted or domain in RELATED_DOMAINS.get(wanted, ())
