"""LHÉO XML importer (namespaces http://www.lheo.org/2.2, http://lheo.gouv.fr/2.3, none).

Parsed with defusedxml (DTDs, entity declarations and external references are refused:
XXE and billion-laughs payloads never expand), streamed: each <formation> is turned into
a Bundle as soon as it ends, then dropped from memory. Element line numbers are kept so
that a bad record is reported as "fichier.xml ligne 42 : action ACT-12 : ...".
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Optional, Union
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from bot.core import vocabulary_mapping as vm
from bot.services.catalogue.importers.base import (
    BadRecord, Bundle, FileError, ProgressFile, RecordError, checked, codes, lheo_date, text, to_bool, to_float,
    to_int, undecided_domain_warning,
)

NAMESPACES = ("http://www.lheo.org/2.2", "http://lheo.gouv.fr/2.3", "")
LINE_ATTR = "{urn:capnum}line"
EXTRAS_INFO = "cap-numerique"  # the project's own <extras> (fields LHÉO has no element for)
CHUNK = 1 << 16


_LOCAL_CACHE: dict = {}


def _local(tag: str) -> str:
    local = _LOCAL_CACHE.get(tag)
    if local is None:
        local = _LOCAL_CACHE[tag] = tag.rsplit("}", 1)[-1]
    return local


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


class _Stream:
    """Parser target: builds elements, hands each finished <formation> to a callback."""

    def __init__(self, parser_ref, on_formation):
        self.builder = TreeBuilder()
        self.parser_ref = parser_ref
        self.on_formation = on_formation
        self.stack = []
        self.root_checked = False
        self.ns = None

    def start(self, tag, attrs):
        # Elements are built with local names: the namespace is checked once on the root.
        local = _local(tag)
        if not self.root_checked:
            self.root_checked = True
            ns = _ns(tag)
            if local == "lheo-leger":
                raise FileError("fichier LHÉO léger (<lheo-leger>) : ce résumé d'offres ne contient ni "
                                "actions ni sessions, utilisez un export LHÉO complet (<lheo><offres>)")
            if local == "lheo-index":
                raise FileError("fichier <lheo-index> (résultats de recherche Intercarif) : ce n'est pas un "
                                "fichier d'offres, utilisez un export LHÉO complet (<lheo><offres>)")
            if local != "lheo":
                raise FileError(f"élément racine <{local}> inattendu : un fichier LHÉO commence par <lheo>")
            if ns not in NAMESPACES:
                raise FileError(f"espace de noms LHÉO inconnu '{ns}' (attendu http://www.lheo.org/2.2 "
                                "ou http://lheo.gouv.fr/2.3)")
            self.ns = ns
        elem = self.builder.start(local, attrs)
        if local in ("formation", "action", "session", "organisme-formateur"):
            elem.set(LINE_ATTR, str(self.parser_ref().parser.CurrentLineNumber))
        self.stack.append(elem)
        return elem

    def end(self, tag):
        local = _local(tag)
        elem = self.builder.end(local)
        self.stack.pop()
        if local == "formation" and self.stack and self.stack[-1].tag == "offres":
            self.on_formation(elem)
            self.stack[-1].remove(elem)
        return elem

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


def parse_lheo(path: Path, progress: Optional[bool] = None) -> Iterator[Union[Bundle, BadRecord]]:
    """Bundles / BadRecords of an LHÉO offer file; FileError when the file is unusable."""
    path = Path(path)
    ready: list = []
    parser_box: list = []
    stream = _Stream(lambda: parser_box[0], lambda elem: ready.append(_formation(elem, path.name)))
    parser = DefusedXMLParser(target=stream, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    parser_box.append(parser)
    with ProgressFile(path, show=progress) as handle:
        while True:
            chunk = handle.read(CHUNK)
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except DefusedXmlException as exc:
                raise FileError(f"{path.name} : fichier refusé, il déclare une DTD ou des entités XML "
                                f"(protection contre XXE et « billion laughs ») : {type(exc).__name__}") from None
            except ParseError as exc:
                raise FileError(_parse_error_message(path, exc)) from None
            yield from ready
            ready.clear()
            if not chunk:
                break
    if not stream.root_checked:
        raise FileError(f"{path.name} : fichier vide")


def _parse_error_message(path: Path, exc: ParseError) -> str:
    line, column = getattr(exc, "position", (None, None))
    declared = "utf-8"
    try:
        with open(path, "rb") as handle:
            head = handle.read(200)
            match = re.search(rb'encoding=["\']([A-Za-z0-9_.:-]+)["\']', head)
            if match:
                declared = match.group(1).decode("ascii").lower()
            handle.seek(0)
            for number, raw in enumerate(handle, start=1):
                if number == line:
                    raw.decode(declared)
                    break
    except (UnicodeDecodeError, LookupError):
        return (f"{path.name} ligne {line} : encodage invalide, le fichier n'est pas en {declared.upper()} "
                "comme il le déclare (réenregistrez-le en UTF-8 ou corrigez la déclaration encoding)")
    except OSError:
        pass
    reason = str(exc).split(":", 1)[0]
    return f"{path.name} ligne {line}, colonne {column} : XML mal formé ({reason})"


# --- element helpers ---------------------------------------------------------------------

def _children(elem, name):
    return elem.findall(name)


def _child(elem, name):
    return elem.find(name)


def _text(elem, *path) -> Optional[str]:
    for name in path:
        if elem is None:
            return None
        elem = _child(elem, name)
    return text(elem.text) if elem is not None else None


def _all_text(elem, name) -> list:
    return [text(c.text) for c in _children(elem, name) if text(c.text)]


def _first_deep(elem, name):
    return next(elem.iter(name), None)


def _required(value, tag: str):
    """value, unless the element <tag> it was read from is missing (None)."""
    if value is None:
        raise RecordError(f"élément obligatoire <{tag}> manquant")
    return value


def _line(elem) -> Optional[int]:
    value = elem.get(LINE_ATTR)
    return int(value) if value else None


def _numbered(elem, tag: str) -> tuple[Optional[int], Optional[str], str]:
    """(line, numero, label for the errors) of an <action> or a <session>."""
    ident = text(elem.get("numero"))
    return _line(elem), ident, f"{tag} {ident or '?'}"


def _extras(elem) -> dict:
    """The project's own extras: <extras info="cap-numerique"><extra info="k">v</extra>."""
    out = {}
    for extras in _children(elem, "extras"):
        if extras.get("info") == EXTRAS_INFO:
            for extra in _children(extras, "extra"):
                out[extra.get("info")] = text(extra.text)
    return out


def _organisme_from_coordonnees(ident, nom, siret, coord, fictif=False) -> dict:
    adresse = _first_deep(coord, "adresse") if coord is not None else None
    web = _first_deep(coord, "web") if coord is not None else None
    return {
        "id": ident, "nom": nom, "siret": siret,
        "ville": _text(adresse, "ville") if adresse is not None else None,
        "code_postal": _text(adresse, "codepostal") if adresse is not None else None,
        "telephone": _text(_child(coord, "telfixe"), "numtel") if coord is not None else None,
        "email": _text(coord, "courriel") if coord is not None else None,
        "url": _text(web, "urlweb") if web is not None else None,
        "fictif": fictif,
    }


# --- <formation> -> Bundle -------------------------------------------------------------------

def _formation(elem, filename: str) -> Union[Bundle, BadRecord]:
    line = _line(elem)
    location = f"{filename} ligne {line}"
    ident = elem.get("numero")
    try:
        return _formation_bundle(elem, location)
    except (RecordError, ValueError) as exc:
        located = getattr(exc, "line", None)
        where = f"{filename} ligne {located}" if located else location
        return BadRecord(where, getattr(exc, "ident", None) or f"formation {ident or '?'}", str(exc))


class _ActionError(RecordError):
    def __init__(self, line, ident, reason):
        super().__init__(reason)
        self.line, self.ident = line, ident


def _formation_bundle(elem, location: str) -> Bundle:
    ident = text(elem.get("numero"))
    if not ident:
        raise RecordError("attribut numero manquant sur <formation>")
    warnings = []
    domaine = _child(elem, "domaine-formation")
    formacodes = codes(_all_text(domaine, "code-FORMACODE")) if domaine is not None else []
    romes = codes(_all_text(domaine, "code-ROME")) if domaine is not None else []
    nsfs = codes(_all_text(domaine, "code-NSF")) if domaine is not None else []
    intitule = _text(elem, "intitule-formation")
    if not intitule:
        raise RecordError("élément obligatoire <intitule-formation> manquant ou vide")
    certifiante = _required(to_bool(_text(elem, "certifiante"), "certifiante"), "certifiante")
    certification = _child(elem, "certification")
    code_rncp = _text(certification, "code-RNCP") if certification is not None else None
    code_rs = _text(certification, "code-RS") if certification is not None else None
    code_cpf = _text(certification, "code-CPF") if certification is not None else None
    sortie_code = to_int(_text(elem, "code-niveau-sortie"), "code-niveau-sortie")
    niveau_sortie = checked(vm.exit_level, sortie_code) if sortie_code is not None else None
    entree_code = _required(to_int(_text(elem, "code-niveau-entree"), "code-niveau-entree"), "code-niveau-entree")
    niveau_entree = checked(vm.entry_level, entree_code)
    extras = _extras(elem)

    resp = _required(_child(elem, "organisme-formation-responsable"), "organisme-formation-responsable")
    siret = _text(resp, "SIRET-organisme-formation", "SIRET")
    resp_id = text(resp.get("numero")) or (f"SIRET-{siret}" if siret else None)
    nom = _text(resp, "nom-organisme") or _text(resp, "raison-sociale")
    if not resp_id or not nom:
        raise RecordError("organisme responsable sans numéro/SIRET ou sans nom")
    fictif = extras.get("organisme-fictif") == "1"
    organismes = [_organisme_from_coordonnees(resp_id, nom, siret, _first_deep(resp, "coordonnees"), fictif)]

    formation = {
        "id": ident, "intitule": intitule,
        "objectif": _text(elem, "objectif-formation"), "contenu": _text(elem, "contenu-formation"),
        "formacodes": vm.join(formacodes), "codes_rome": vm.join(romes), "codes_nsf": vm.join(nsfs),
        "certifiante": certifiante, "code_rncp": code_rncp, "code_rs": code_rs,
        "niveau_sortie": niveau_sortie, "niveau_sortie_code": sortie_code,
        "eligible_cpf": extras.get("eligible-cpf") == "1" or bool(code_cpf),
        "label_gen": extras.get("label-gen") == "1",
        "url": _text(_child(elem, "url-formation"), "urlweb") if _child(elem, "url-formation") is not None else None,
        "organisme_responsable_id": resp_id, "domaine": extras.get("domaine"),
    }
    if not formation["domaine"] and vm.domain_for(formacodes, romes, nsfs) == vm.UNDECIDED_DOMAIN:
        warnings.append(undecided_domain_warning(location, ident))
    bundle = Bundle(location=location, formation=formation, organismes=organismes, warnings=warnings)
    actions = _children(elem, "action")
    if not actions:
        raise RecordError("aucune <action> dans la formation")
    for action in actions:
        _action(action, bundle, niveau_entree, entree_code, location)
    return bundle


def _action(elem, bundle: Bundle, niveau_entree, entree_code, location) -> None:
    line, ident, label = _numbered(elem, "action")
    try:
        if not ident:
            raise RecordError("attribut numero manquant sur <action>")
        extras = _extras(elem)
        mode_code = _required(_text(elem, "modalites-enseignement"), "modalites-enseignement")
        modalite = checked(vm.course_mode, mode_code)
        public_elems = _children(elem, "code-public-vise")
        if not public_elems:
            raise RecordError("élément obligatoire <code-public-vise> manquant")
        publics = [(text(p.text) or "", p.get("ref")) for p in public_elems]
        flags = vm.public_flags(publics)
        modalite_codes = _all_text(elem, "code-modalite-pedagogique")
        rythme = _text(elem, "rythme-formation")
        lieu = _child(elem, "lieu-de-formation")
        lieu_adresse = _first_deep(lieu, "adresse") if lieu is not None else None
        dep = None
        if lieu_adresse is not None:
            dep = _text(lieu_adresse, "departement") or vm.department_of_postcode(_text(lieu_adresse, "codepostal"))
        financeurs, places = [], None
        for fin in _children(elem, "organisme-financeur"):
            code = _text(fin, "code-financeur")
            if code is None:
                raise RecordError("<organisme-financeur> sans <code-financeur>")
            if not vm.is_known_funder(code):
                bundle.warnings.append(f"{location.split(' ligne ')[0]} ligne {line} : {label} : code financeur "
                                       f"inconnu '{code}' (dict-financeurs), conservé tel quel")
            financeurs.append(code)
            nb = to_int(_text(fin, "nb-places-financees"), "nb-places-financees", minimum=0)
            if nb is not None:
                places = (places or 0) + nb
        formateur = _child(elem, "organisme-formateur")
        formateur_id = None
        if formateur is not None:
            siret = _text(formateur, "SIRET-formateur", "SIRET")
            formateur_id = text(formateur.get("numero")) or (f"SIRET-{siret}" if siret else None)
            nom = _text(formateur, "raison-sociale-formateur")
            if formateur_id and nom:
                bundle.organismes.append(_organisme_from_coordonnees(
                    formateur_id, nom, siret, _first_deep(formateur, "coordonnees"),
                    extras.get("organisme-fictif") == "1"))
            else:
                formateur_id = None
        handicap_text = (_text(elem, "acces-handicapes") or "").lower()
        accessible = (vm.HANDICAP_METHOD_CODE in modalite_codes
                      or (handicap_text and not handicap_text.startswith("non")))
        methodes = vm.methods_from_codes(modalite_codes)
        if extras.get("methodes"):
            methodes = vm.normalise_methods(extras["methodes"].split(","))
        row = {
            "id": ident, "_line": line, "organisme_formateur_id": formateur_id,
            "modalites_enseignement": int(mode_code),
            "methodes": vm.join(methodes), "code_modalite_pedagogique": vm.join(modalite_codes),
            "publics": vm.join(c for c, _ in publics),
            **flags,
            "niveau_entree": extras.get("niveau-entree") or niveau_entree,
            "niveau_entree_code": entree_code,
            "niveau_entree_obligatoire": to_bool(_text(elem, "niveau-entree-obligatoire"),
                                                 "niveau-entree-obligatoire", default=False),
            "heures_total": to_int(_text(elem, "nombre-heures-total"), "nombre-heures-total", minimum=0),
            "heures_semaine": to_float(extras.get("heures-semaine"), "heures par semaine", maximum=80),
            "creneau": extras.get("creneau") or vm.creneau_from(rythme, modalite_codes),
            "equipement_requis": extras.get("equipement-requis") or vm.default_equipment(modalite),
            "equipement_prete": extras.get("equipement-prete") == "1",
            "departement_lieu": dep if modalite != "distance" else None,
            "lieu_ville": _text(lieu_adresse, "ville") if lieu_adresse is not None else None,
            "lieu_code_postal": _text(lieu_adresse, "codepostal") if lieu_adresse is not None else None,
            "lieu_departement": dep,
            "places_sur_site": to_int(extras.get("places-sur-site"), "places sur site", minimum=0),
            "accessible_handicap": bool(accessible),
            "financeurs": vm.join(financeurs), "places_financees": places,
            "remuneree": extras.get("remuneree") == "1",
            "cout_stagiaire": extras.get("cout-stagiaire"),
            "modalites_inscription": _text(elem, "modalites-recrutement") or _text(elem, "conditions-specifiques"),
            "contact": extras.get("contact"),
            "url": _text(_child(elem, "url-action"), "urlweb") if _child(elem, "url-action") is not None else None,
        }
        for key in ("age_min", "age_max"):
            if extras.get(key.replace("_", "-")) is not None:
                row[key] = to_int(extras[key.replace("_", "-")], key.replace("_", " "), 0, 120)
        entrees_permanentes = to_bool(_text(elem, "modalites-entrees-sorties"), "modalites-entrees-sorties",
                                      default=False)
        sessions = _children(elem, "session")
        if not sessions:
            raise RecordError("aucune <session> dans l'action")
    except (RecordError, ValueError) as exc:
        raise _ActionError(line, label, str(exc)) from None
    bundle.actions.append(row)
    for session in sessions:
        _session(session, bundle, ident, entrees_permanentes)


def _session(elem, bundle: Bundle, action_id: str, entrees_permanentes: bool) -> None:
    line, ident, label = _numbered(elem, "session")
    try:
        if not ident:
            raise RecordError("attribut numero manquant sur <session>")
        periode = _required(_child(elem, "periode"), "periode")
        debut = lheo_date(_text(periode, "debut"), "date de début")
        fin = lheo_date(_text(periode, "fin"), "date de fin")
        etat = to_int(_text(elem, "etat-recrutement"), "etat-recrutement")
        adresse = _first_deep(_child(elem, "adresse-inscription"), "adresse") \
            if _child(elem, "adresse-inscription") is not None else None
    except (RecordError, ValueError) as exc:
        raise _ActionError(line, label, str(exc)) from None
    bundle.sessions.append({
        "id": ident, "_line": line, "action_id": action_id, "debut": debut, "fin": fin,
        "entrees_permanentes": entrees_permanentes, "etat_recrutement": etat,
        "adresse_ville": _text(adresse, "ville") if adresse is not None else None,
        "adresse_code_postal": _text(adresse, "codepostal") if adresse is not None else None,
    })
