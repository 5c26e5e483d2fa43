"""Export the stored catalogue in the project's readable format (YAML or JSON).

The output is accepted back by the YAML importer (same structure as demo_catalogue.yml).
"""
from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.core.vocabulary_mapping import split
from bot.services.catalogue.models import Action, Formation, Organisme, Session


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != "" and v != []}


def catalogue_document(engine: Engine) -> dict:
    with engine.connect() as conn:
        orgs = [dict(r._mapping) for r in conn.execute(select(Organisme.__table__).order_by(Organisme.id))]
        forms = [dict(r._mapping) for r in conn.execute(select(Formation.__table__).order_by(Formation.id))]
        actions: dict = {}
        for r in conn.execute(select(Action.__table__).order_by(Action.id)):
            actions.setdefault(r.formation_id, []).append(dict(r._mapping))
        sessions: dict = {}
        for r in conn.execute(select(Session.__table__).order_by(Session.id)):
            sessions.setdefault(r.action_id, []).append(dict(r._mapping))
    out_orgs = [_clean({k: o[k] for k in ("id", "nom", "siret", "ville", "code_postal", "telephone",
                                            "email", "url", "fictif")}) for o in orgs]
    out_forms = []
    for f in forms:
        item = _clean({
            "id": f["id"], "intitule": f["intitule"], "organisme": f["organisme_responsable_id"],
            "domaine": f["domaine"], "objectif": f["objectif"], "contenu": f["contenu"],
            "formacodes": split(f["formacodes"]), "codes_rome": split(f["codes_rome"]),
            "codes_nsf": split(f["codes_nsf"]), "certifiante": f["certifiante"], "code_rncp": f["code_rncp"],
            "code_rs": f["code_rs"], "niveau_sortie": f["niveau_sortie"], "eligible_cpf": f["eligible_cpf"],
            "label_gen": f["label_gen"], "url": f["url"],
        })
        item["actions"] = []
        for a in actions.get(f["id"], []):
            publics = [w for w, flag in (("jeune", a["public_jeune"]), ("demandeur_emploi", a["public_demandeur_emploi"]),
                                         ("salarie", a["public_salarie"]), ("tous", a["public_tous"])) if flag]
            act = _clean({
                "id": a["id"], "organisme_formateur": a["organisme_formateur_id"],
                "modalites_enseignement": a["modalites_enseignement"], "methodes": split(a["methodes"]),
                "publics": publics, "age_min": a["age_min"], "age_max": a["age_max"],
                "niveau_entree": a["niveau_entree"], "niveau_entree_obligatoire": a["niveau_entree_obligatoire"],
                "heures_total": a["heures_total"], "heures_semaine": a["heures_semaine"], "creneau": a["creneau"],
                "equipement_requis": a["equipement_requis"], "equipement_prete": a["equipement_prete"],
                "departement_lieu": a["departement_lieu"], "lieu_ville": a["lieu_ville"],
                "lieu_code_postal": a["lieu_code_postal"], "places_sur_site": a["places_sur_site"],
                "accessible_handicap": a["accessible_handicap"], "financeurs": split(a["financeurs"]),
                "places_financees": a["places_financees"], "remuneree": a["remuneree"],
                "cout_stagiaire": a["cout_stagiaire"], "modalites_inscription": a["modalites_inscription"],
                "contact": a["contact"], "url": a["url"],
            })
            act["sessions"] = [_clean({
                "id": s["id"], "debut": s["debut"].isoformat() if s["debut"] else None,
                "fin": s["fin"].isoformat() if s["fin"] else None,
                "entrees_permanentes": s["entrees_permanentes"], "etat_recrutement": s["etat_recrutement"],
                "adresse_ville": s["adresse_ville"], "adresse_code_postal": s["adresse_code_postal"],
            }) for s in sessions.get(a["id"], [])]
            item["actions"].append(act)
        out_forms.append(item)
    return {"organismes": out_orgs, "formations": out_forms}


def export_text(engine: Engine, fmt: str = "yaml") -> str:
    doc = catalogue_document(engine)
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    import yaml

    class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
        def ignore_aliases(self, data):
            return True

    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)


def stats(engine: Engine) -> dict:
    """Counts per table, plus actions per mode and per domain."""
    with engine.connect() as conn:
        out = {name: conn.execute(select(func.count()).select_from(model)).scalar_one()
               for name, model in (("organismes", Organisme), ("formations", Formation),
                                   ("actions", Action), ("sessions", Session))}
        out["actions_par_modalite"] = dict(conn.execute(
            select(Action.modalite, func.count()).group_by(Action.modalite).order_by(Action.modalite)).all())
        out["actions_par_domaine"] = dict(conn.execute(
            select(Action.domaine, func.count()).group_by(Action.domaine).order_by(Action.domaine)).all())
    return out
