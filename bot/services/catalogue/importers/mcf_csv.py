"""Mon Compte Formation open-data CSV importer (one row = one formation offered by one body).

Columns used (others ignored): numero_formation, intitule_formation, siret, nom_of,
code_formacode_1..5, code_rome_1..5, code_nsf_1..3, code_rncp, code_inventaire (RS),
libelle_niveau_sortie_formation, points_forts, nb_session_active, nb_session_a_distance,
nombre_heures_total_mean (or _min), code_departement, nom_departement, code_postal, ville.
The open data gives no dates: each row becomes one action with one continuous-entry session.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator, Optional, Union

from bot.core import vocabulary_mapping as vm
from bot.services.catalogue.importers.base import (
    BadRecord, Bundle, FileError, ProgressFile, RecordError, codes, text, to_float, to_int,
    undecided_domain_warning,
)

REQUIRED = ("numero_formation", "intitule_formation")
EXIT_LEVELS = (("doctorat", "bac+5"), ("niveau 8", "bac+5"), ("niveau 7", "bac+5"), ("master", "bac+5"),
               ("niveau 6", "bac+3"), ("licence", "bac+3"), ("niveau 5", "bac+2"), ("bts", "bac+2"),
               ("niveau 4", "bac"), ("bac", "bac"), ("niveau 3", "cap_bep"), ("cap", "cap_bep"))


def _lines(handle, name: str) -> Iterator[str]:
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FileError(f"{name} ligne {number} : encodage invalide, le fichier n'est pas en UTF-8 "
                            "(réenregistrez-le en UTF-8)") from None
        if number == 1:
            line = line.lstrip("\ufeff")
        yield line


def parse_mcf_csv(path: Path, progress: Optional[bool] = None) -> Iterator[Union[Bundle, BadRecord]]:
    path = Path(path)
    with ProgressFile(path, show=progress) as handle:
        lines = _lines(handle, path.name)
        try:
            header_line = next(lines)
        except StopIteration:
            raise FileError(f"{path.name} : fichier vide") from None
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = next(csv.reader(io.StringIO(header_line), delimiter=delimiter))
        header = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise FileError(f"{path.name} ligne 1 : colonnes obligatoires absentes : {', '.join(missing)} "
                            "(fichier open data Mon Compte Formation attendu)")
        reader = csv.reader(lines, delimiter=delimiter)
        line_number = 1
        try:
            for values in reader:
                line_number = reader.line_num + 1
                if not any(v.strip() for v in values):
                    continue
                location = f"{path.name} ligne {line_number}"
                if len(values) != len(header):
                    yield BadRecord(location, "", f"{len(values)} colonnes au lieu de {len(header)}")
                    continue
                row = dict(zip(header, values))
                try:
                    yield _bundle(row, location)
                except (RecordError, ValueError) as exc:
                    yield BadRecord(location, f"formation {text(row.get('numero_formation')) or '?'}", str(exc))
        except csv.Error as exc:
            raise FileError(f"{path.name} ligne {line_number} : CSV mal formé ({exc})") from None


def _exit_level(label: Optional[str]) -> Optional[str]:
    label = (label or "").lower()
    for needle, level in EXIT_LEVELS:
        if needle in label:
            return level
    return None


def _bundle(row: dict, location: str) -> Bundle:
    numero = text(row.get("numero_formation"))
    if not numero:
        raise RecordError("numero_formation manquant")
    intitule = text(row.get("intitule_formation"))
    if not intitule:
        raise RecordError("intitule_formation manquant")
    siret = text(row.get("siret"))
    nom = text(row.get("nom_of")) or text(row.get("raison_sociale"))
    if not nom:
        raise RecordError("nom_of manquant")
    org_id = f"SIRET-{siret}" if siret else f"OF-{nom[:90]}"
    formacodes = codes(row.get(f"code_formacode_{i}") for i in range(1, 6))
    romes = codes(row.get(f"code_rome_{i}") for i in range(1, 6))
    nsfs = codes(row.get(f"code_nsf_{i}") for i in range(1, 4))
    code_rncp = text(row.get("code_rncp"))
    code_rs = text(row.get("code_inventaire"))
    active = to_int(row.get("nb_session_active"), "nb_session_active", minimum=0)
    remote = to_int(row.get("nb_session_a_distance"), "nb_session_a_distance", minimum=0) or 0
    if remote and (active is None or remote >= active):
        mode = 2
    elif remote:
        mode = 1
    else:
        mode = 0
    dep = text(row.get("code_departement"))
    if dep and dep.isdigit() and len(dep) == 1:
        dep = "0" + dep
    hours = to_float(row.get("nombre_heures_total_mean") or row.get("nombre_heures_total_min"),
                     "nombre_heures_total")
    formation = {
        "id": f"MCF-{numero}", "intitule": intitule, "objectif": text(row.get("points_forts")),
        "contenu": None, "formacodes": vm.join(formacodes), "codes_rome": vm.join(romes),
        "codes_nsf": vm.join(nsfs), "certifiante": bool(code_rncp or code_rs),
        "code_rncp": code_rncp, "code_rs": code_rs,
        "niveau_sortie": _exit_level(row.get("libelle_niveau_sortie_formation")),
        "eligible_cpf": True, "label_gen": False, "url": None, "organisme_responsable_id": org_id,
    }
    action_id = f"MCF-{numero}" + (f"-{dep}" if dep else "")
    warnings = []
    if vm.domain_for(formacodes, romes, nsfs) == vm.UNDECIDED_DOMAIN:
        warnings.append(undecided_domain_warning(location, numero))
    return Bundle(
        location=location, formation=formation, warnings=warnings, formation_unique=False,
        organismes=[{"id": org_id, "nom": nom, "siret": siret, "ville": text(row.get("ville")),
                     "code_postal": text(row.get("code_postal"))}],
        actions=[{"id": action_id, "modalites_enseignement": mode, "publics": "83056",
                  **vm.public_flags([("83056", None)]),
                  "heures_total": int(round(hours)) if hours is not None else None,
                  "departement_lieu": dep if mode != 2 else None, "lieu_departement": dep,
                  "financeurs": "10", "cout_stagiaire": "Financement possible par le CPF"}],
        sessions=[{"id": action_id, "action_id": action_id, "entrees_permanentes": True,
                   "etat_recrutement": 1}],
    )
