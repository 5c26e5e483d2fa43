"""Large synthetic catalogues for benchmarks: LHÉO 2.3 XML, imported by the normal importer.

    python -m bot.tools.catalogue generate --actions 100000 --out var/bench.xml
    python -m bot.tools.catalogue import var/bench.xml

Organisations are fictional ("(organisme fictif)"); codes come from the mapping tables.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

from bot.core import vocabulary_mapping as vm
from bot.core.vocab import IDF_DEPARTMENTS, LEVELS

NAMESPACE = "http://lheo.gouv.fr/2.3"
ACTIONS_PER_FORMATION = (1, 4)
CITY_BY_DEPARTMENT = {"75": ("Paris", "75011"), "77": ("Melun", "77000"), "78": ("Versailles", "78000"),
                      "91": ("Évry-Courcouronnes", "91000"), "92": ("Nanterre", "92000"),
                      "93": ("Saint-Denis", "93200"), "94": ("Créteil", "94000"), "95": ("Cergy", "95000")}


def _codes_by_domain() -> dict:
    out: dict = {}
    tables = vm.domain_tables()
    for code, domain in tables.formacode.items():
        out.setdefault(domain, {"formacodes": [], "romes": []})["formacodes"].append(code)
    for code, domain in tables.rome.items():
        out.setdefault(domain, {"formacodes": [], "romes": []})["romes"].append(code)
    return out


def generate(path: Path, actions: int, seed: int = 42, today: Optional[dt.date] = None) -> dict:
    """Write an LHÉO file with `actions` actions; returns counts."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    by_domain = _codes_by_domain()
    domains = sorted(d for d, c in by_domain.items() if c["formacodes"])
    n_orgs = max(25, actions // 200)
    written = formations = sessions = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="{NAMESPACE}">\n<offres>\n')
        while written < actions:
            formations += 1
            domain = rng.choice(domains)
            fc = rng.choice(by_domain[domain]["formacodes"])
            romes = by_domain[domain]["romes"]
            org = rng.randrange(n_orgs)
            certifiante = rng.random() < 0.4
            niveau_code = vm.LHEO_CODE_BY_LEVEL[rng.choice(LEVELS[:4])]
            w = out.write
            w(f'<formation numero="GEN-F{formations:07d}">\n<domaine-formation>'
              f'<code-FORMACODE ref="V12">{fc}</code-FORMACODE>')
            if romes:
                w(f"<code-ROME>{rng.choice(romes)}</code-ROME>")
            w(f"</domaine-formation>\n<intitule-formation>Formation synthétique {formations} "
              f"({escape(domain)})</intitule-formation>\n<objectif-formation>Objectif de test.</objectif-formation>"
              f"<resultats-attendus>-</resultats-attendus><contenu-formation>-</contenu-formation>"
              f"<certifiante>{int(certifiante)}</certifiante><contact-formation><coordonnees/></contact-formation>"
              f"<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>{niveau_code}</code-niveau-entree>\n")
            for _ in range(min(rng.randint(*ACTIONS_PER_FORMATION), actions - written)):
                written += 1
                mode = rng.choice((1, 2, 2))
                dep = rng.choice(IDF_DEPARTMENTS)
                city, cp = CITY_BY_DEPARTMENT[dep]
                hs = rng.choice((4, 6, 8, 10, 12, 15, 20, 25, 30, 35))
                youth = rng.random() < 0.3
                publics = vm.public_codes(youth, rng.random() < 0.5, rng.random() < 0.2, not youth)
                creneau = rng.choice(("journee", "soir_weekend", "indifferent"))
                equip = rng.choice(("ordinateur", "ordinateur", "smartphone"))
                w(f'<action numero="GEN-A{written:08d}"><rythme-formation>-</rythme-formation>')
                for code in publics:
                    w(f'<code-public-vise ref="V12">{code}</code-public-vise>')
                w(f"<niveau-entree-obligatoire>{rng.randint(0, 1)}</niveau-entree-obligatoire>"
                  f"<modalites-alternance>-</modalites-alternance><modalites-enseignement>{mode}</modalites-enseignement>"
                  f"<conditions-specifiques>-</conditions-specifiques><prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>"
                  f"<lieu-de-formation><coordonnees><adresse><ligne>-</ligne><codepostal>{cp}</codepostal>"
                  f"<ville>{escape(city)}</ville><departement>{dep}</departement></adresse></coordonnees></lieu-de-formation>"
                  f"<modalites-entrees-sorties>{int(rng.random() < 0.5)}</modalites-entrees-sorties>")
                for _s in range(rng.randint(1, 2)):
                    sessions += 1
                    start = today + dt.timedelta(days=rng.randint(7, 120))
                    end = start + dt.timedelta(days=rng.randint(30, 300))
                    w(f'<session numero="GEN-S{sessions:08d}"><periode><debut>{start:%Y%m%d}</debut>'
                      f"<fin>{end:%Y%m%d}</fin></periode><adresse-inscription><adresse><ligne>-</ligne>"
                      f"<codepostal>{cp}</codepostal><ville>{escape(city)}</ville></adresse></adresse-inscription>"
                      f"<etat-recrutement>1</etat-recrutement></session>")
                w(f"<nombre-heures-total>{hs * rng.randint(8, 30)}</nombre-heures-total>"
                  f"<organisme-financeur><code-financeur>2</code-financeur>"
                  f"<nb-places-financees>{rng.randint(5, 30)}</nb-places-financees></organisme-financeur>"
                  f'<extras info="cap-numerique"><extra info="heures-semaine">{hs}</extra>'
                  f'<extra info="creneau">{creneau}</extra><extra info="equipement-requis">{equip}</extra>'
                  f'<extra info="equipement-prete">{int(rng.random() < 0.3)}</extra>'
                  + (f'<extra info="age-min">16</extra><extra info="age-max">25</extra>' if youth else "")
                  + "</extras></action>\n")
            ocity, ocp = CITY_BY_DEPARTMENT[IDF_DEPARTMENTS[org % 8]]
            w(f'<organisme-formation-responsable numero="GEN-O{org:05d}"><numero-activite>00000000000</numero-activite>'
              f"<SIRET-organisme-formation><SIRET>00000000000000</SIRET></SIRET-organisme-formation>"
              f"<nom-organisme>Organisme synthétique {org} (organisme fictif)</nom-organisme>"
              f"<raison-sociale>-</raison-sociale><coordonnees-organisme><coordonnees><adresse><ligne>-</ligne>"
              f"<codepostal>{ocp}</codepostal><ville>{escape(ocity)}</ville></adresse></coordonnees></coordonnees-organisme>"
              f"<contact-organisme><coordonnees/></contact-organisme></organisme-formation-responsable>"
              f'<extras info="cap-numerique"><extra info="organisme-fictif">1</extra>'
              f'<extra info="domaine">{domain}</extra></extras>\n</formation>\n')
        out.write("</offres>\n</lheo>\n")
    return {"formations": formations, "actions": written, "sessions": sessions, "organismes": n_orgs}
