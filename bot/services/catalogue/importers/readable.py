"""The project's readable catalogue format (YAML, or the same structure in JSON).

    organismes:
      - {id: ORG-01, nom: "Atelier Numérique Exemple (organisme fictif)", fictif: true, ...}
    formations:
      - id: FOR-001
        intitule: ...
        organisme: ORG-01            # organisme responsable (defined above)
        formacodes: [31088]          # real Formacode codes; codes_rome, codes_nsf likewise
        certifiante: true            # code_rncp, code_rs, niveau_sortie, eligible_cpf, label_gen, url
        domaine: developpement_web   # optional: derived from the codes when absent
        actions:
          - id: ACT-0001
            organisme_formateur: ORG-02   # default: the responsible body
            modalite: distance            # or modalites_enseignement: 0|1|2
            methodes: [mooc, tutorat]
            publics: [jeune, demandeur_emploi]   # jeune, demandeur_emploi, salarie, tous
            age_min: 16
            age_max: 25
            niveau_entree: sans_diplome
            heures_total: 420
            heures_semaine: 12
            creneau: soir_weekend
            equipement_requis: smartphone
            departement_lieu: "93"        # hybrid / on-site courses
            financeurs: [2]               # LHÉO dict-financeurs codes
            sessions:
              - {id: SES-0001, entrees_permanentes: true}
              - {id: SES-0002, debut_dans_jours: 21, duree_jours: 120}   # relative to the load day
              - {id: SES-0003, debut: 2027-01-11, fin: 2027-06-30, etat_recrutement: 1}

Anchors and aliases are refused (no "billion laughs" through YAML either).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Iterator, Optional, Union

import yaml

from bot.core import vocabulary_mapping as vm
from bot.services.catalogue.importers.base import (
    BadRecord, Bundle, FileError, LocatedError, RecordError, checked, codes, iso_date, text, to_bool, to_float,
    to_int,
)

LINE_KEY = "__line__"
PUBLIC_WORDS = ("jeune", "demandeur_emploi", "salarie", "tous")

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe loader that records line numbers of mappings and refuses aliases."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: the importer checks them and reports a bad one with its line.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _refuse_aliases(node, seen_depth=0):
    """Walk the composed tree: an alias shows up as a node object met twice."""
    seen = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise FileError("ancres et alias YAML (&, *) refusés dans un catalogue")
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.extend((k, v))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def load_document(path: Path):
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise FileError(f"{path.name} ligne {line} : encodage invalide, le fichier n'est pas en UTF-8 "
                        "(réenregistrez-le en UTF-8)") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(content)
        except json.JSONDecodeError as exc:
            raise FileError(f"{path.name} ligne {exc.lineno} : JSON mal formé ({exc.msg})") from None
    if "&" in content or "*" in content:  # cheap pre-check; the full check walks the nodes
        try:
            node = yaml.compose(content, Loader=_Loader)
        except yaml.YAMLError as exc:
            raise FileError(_yaml_message(path, exc)) from None
        if node is not None:
            _refuse_aliases(node)
    try:
        return yaml.load(content, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise FileError(_yaml_message(path, exc)) from None


def _yaml_message(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" ligne {mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{path.name}{where} : YAML mal formé ({problem})"


def parse_readable(path: Path, today: Optional[dt.date] = None) -> Iterator[Union[Bundle, BadRecord]]:
    path = Path(path)
    doc = load_document(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("formations"), list):
        raise FileError(f"{path.name} : la clé 'formations' (liste) est absente : catalogue lisible attendu")
    today = today or dt.date.today()
    organismes = {}
    for org in doc.get("organismes") or []:
        if not isinstance(org, dict) or not text(org.get("id")):
            line = org.get(LINE_KEY) if isinstance(org, dict) else None
            yield BadRecord(f"{path.name} ligne {line}", "organisme ?", "identifiant d'organisme manquant")
            continue
        organismes[str(org["id"])] = org
    for formation in doc["formations"]:
        if not isinstance(formation, dict):
            yield BadRecord(path.name, "formation ?", "entrée de formation invalide (dictionnaire attendu)")
            continue
        line = formation.get(LINE_KEY)
        location = f"{path.name} ligne {line}"
        try:
            yield _bundle(formation, organismes, location, path.name, today)
        except LocatedError as exc:
            yield BadRecord(f"{path.name} ligne {exc.line}", exc.ident, str(exc))
        except (RecordError, ValueError) as exc:
            yield BadRecord(location, f"formation {formation.get('id') or '?'}", str(exc))


def _list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",")]


def _organisme(org_id, organismes: dict) -> dict:
    org = organismes.get(str(org_id))
    if org is None:
        raise RecordError(f"organisme '{org_id}' non défini dans la liste 'organismes'")
    return {
        "id": str(org["id"]), "nom": text(org.get("nom")), "siret": text(org.get("siret")),
        "ville": text(org.get("ville")), "code_postal": text(org.get("code_postal")),
        "telephone": text(org.get("telephone")), "email": text(org.get("email")),
        "url": text(org.get("url")), "fictif": to_bool(org.get("fictif"), "fictif", default=False),
    }


def _bundle(f: dict, organismes: dict, location: str, filename: str, today: dt.date) -> Bundle:
    ident = text(f.get("id"))
    if not ident:
        raise RecordError("identifiant de formation manquant")
    if not text(f.get("intitule")):
        raise RecordError("intitulé de formation manquant")
    if not f.get("organisme"):
        raise RecordError("organisme responsable manquant")
    orgs = [_organisme(f["organisme"], organismes)]
    formacodes, romes, nsfs = codes(_list(f.get("formacodes"))), codes(_list(f.get("codes_rome"))), \
        codes(_list(f.get("codes_nsf")))
    formation = {
        "id": ident, "intitule": text(f.get("intitule")), "objectif": text(f.get("objectif")),
        "contenu": text(f.get("contenu")), "formacodes": vm.join(formacodes),
        "codes_rome": vm.join(romes), "codes_nsf": vm.join(nsfs),
        "certifiante": to_bool(f.get("certifiante"), "certifiante", default=False),
        "code_rncp": text(f.get("code_rncp")), "code_rs": text(f.get("code_rs")),
        "niveau_sortie": text(f.get("niveau_sortie")),
        "niveau_sortie_code": vm.LHEO_CODE_BY_LEVEL.get(text(f.get("niveau_sortie")) or ""),
        "eligible_cpf": to_bool(f.get("eligible_cpf"), "eligible_cpf", default=False),
        "label_gen": to_bool(f.get("label_gen"), "label_gen", default=False),
        "url": text(f.get("url")), "organisme_responsable_id": orgs[0]["id"],
        "domaine": text(f.get("domaine")),
    }
    bundle = Bundle(location=location, formation=formation, organismes=orgs)
    actions = f.get("actions") or []
    if not actions:
        raise RecordError("aucune action dans la formation")
    _each_part(actions, "action", "d'action", lambda a: _action(a, bundle, organismes, today))
    return bundle


def _each_part(parts: list, kind: str, of_kind: str, read) -> None:
    """read(part) for each action or session of a record; the first bad one stops the record,
    named with its line (LocatedError)."""
    for part in parts:
        line = part.get(LINE_KEY) if isinstance(part, dict) else None
        label = f"{kind} {part.get('id') if isinstance(part, dict) else '?'}"
        try:
            if not isinstance(part, dict):
                raise RecordError(f"entrée {of_kind} invalide (dictionnaire attendu)")
            read(part)
        except LocatedError:
            raise
        except (RecordError, ValueError) as exc:
            raise LocatedError(line, label, str(exc)) from None


def _action(a: dict, bundle: Bundle, organismes: dict, today: dt.date) -> None:
    ident = text(a.get("id"))
    if not ident:
        raise RecordError("identifiant d'action manquant")
    formateur = a.get("organisme_formateur")
    if formateur:
        bundle.organismes.append(_organisme(formateur, organismes))
    words = [w.strip() for w in _list(a.get("publics") or ["tous"])]
    unknown = [w for w in words if w not in PUBLIC_WORDS]
    if unknown:
        raise RecordError(f"public inconnu '{unknown[0]}' (attendu : {', '.join(PUBLIC_WORDS)})")
    flags = {"public_jeune": "jeune" in words, "public_demandeur_emploi": "demandeur_emploi" in words,
             "public_salarie": "salarie" in words, "public_tous": "tous" in words}
    mode = a.get("modalites_enseignement")
    if mode is None and a.get("modalite") is None:
        raise RecordError("modalité manquante (modalite ou modalites_enseignement)")
    methodes = checked(vm.normalise_methods, _list(a.get("methodes")))
    dep = text(str(a["departement_lieu"])) if a.get("departement_lieu") is not None else None
    financeurs = codes(_list(a.get("financeurs")))
    niveau = text(a.get("niveau_entree")) or "sans_diplome"
    row = {
        "id": ident, "_line": a.get(LINE_KEY), "organisme_formateur_id": str(formateur) if formateur else None,
        "modalites_enseignement": to_int(mode, "modalites_enseignement", 0, 2),
        "modalite": text(a.get("modalite")),
        "methodes": vm.join(methodes),
        "code_modalite_pedagogique": vm.join(vm.CODE_BY_METHOD[m] for m in methodes if m in vm.CODE_BY_METHOD),
        "publics": vm.join(vm.public_codes(**flags)), **flags,
        "age_min": to_int(a.get("age_min"), "âge minimum", 0, 120),
        "age_max": to_int(a.get("age_max"), "âge maximum", 0, 120),
        "niveau_entree": niveau, "niveau_entree_code": vm.LHEO_CODE_BY_LEVEL.get(niveau),
        "niveau_entree_obligatoire": to_bool(a.get("niveau_entree_obligatoire"), "niveau_entree_obligatoire",
                                             default=False),
        "heures_total": to_int(a.get("heures_total"), "heures_total", minimum=0),
        "heures_semaine": to_float(a.get("heures_semaine"), "heures_semaine", maximum=80),
        "creneau": text(a.get("creneau")), "equipement_requis": text(a.get("equipement_requis")),
        "equipement_prete": to_bool(a.get("equipement_prete"), "equipement_prete", default=False),
        "departement_lieu": dep, "lieu_departement": dep, "lieu_ville": text(a.get("lieu_ville")),
        "lieu_code_postal": text(a.get("lieu_code_postal")),
        "places_sur_site": to_int(a.get("places_sur_site"), "places_sur_site", minimum=0),
        "accessible_handicap": to_bool(a.get("accessible_handicap"), "accessible_handicap", default=False),
        "financeurs": vm.join(financeurs),
        "places_financees": to_int(a.get("places_financees"), "places_financees", minimum=0),
        "remuneree": to_bool(a.get("remuneree"), "remuneree", default=False),
        "cout_stagiaire": text(a.get("cout_stagiaire")),
        "modalites_inscription": text(a.get("modalites_inscription")),
        "contact": text(a.get("contact")), "url": text(a.get("url")),
    }
    if dep is not None and dep not in vm.IDF_DEPARTMENTS:
        raise RecordError(f"département '{dep}' hors Île-de-France")
    bundle.actions.append(row)
    sessions = a.get("sessions") or []
    if not sessions:
        raise RecordError("aucune session dans l'action")
    _each_part(sessions, "session", "de session", lambda s: bundle.sessions.append(_session(s, ident, today)))


def _session(s: dict, action_id: str, today: dt.date) -> dict:
    ident = text(s.get("id"))
    if not ident:
        raise RecordError("identifiant de session manquant")
    debut = iso_date(s.get("debut"), "date de début")
    fin = iso_date(s.get("fin"), "date de fin")
    if s.get("debut_dans_jours") is not None:
        debut = today + dt.timedelta(days=to_int(s["debut_dans_jours"], "debut_dans_jours"))
    if s.get("duree_jours") is not None and debut is not None:
        fin = debut + dt.timedelta(days=to_int(s["duree_jours"], "duree_jours", minimum=0))
    return {
        "id": ident, "_line": s.get(LINE_KEY), "action_id": action_id, "debut": debut, "fin": fin,
        "entrees_permanentes": to_bool(s.get("entrees_permanentes"), "entrees_permanentes", default=False),
        "etat_recrutement": to_int(s.get("etat_recrutement"), "etat_recrutement"),
        "adresse_ville": text(s.get("adresse_ville")), "adresse_code_postal": text(s.get("adresse_code_postal")),
    }
