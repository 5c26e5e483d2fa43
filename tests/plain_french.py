"""Checks that a text is plain French for people who read with difficulty.

At most 3 sentences of at most 20 words, "vous" (never "tu"), and no common word
written without its accents.
"""
from __future__ import annotations

import re

MAX_SENTENCES = 3
MAX_WORDS = 20

# Words that always carry an accent in correct French: seen bare, they are misspellings.
_UNACCENTED = {
    "deja", "tres", "apres", "etre", "ete", "diplome", "diplomes", "region", "numerique", "donnees",
    "reponse", "reponses", "securite", "metier", "metiers", "periode", "acces", "competence",
    "competences", "coute", "interesse", "eleve", "etat", "equipement", "telephone", "reseau",
    "reseaux", "premiere", "deuxieme", "derniere", "specialite", "experience", "reference",
    "desole", "possibilite", "regle", "regles", "frequente", "conseillere", "ecole", "ecrire",
    "ecrivez", "ile", "francais", "supprime", "verifiez", "preferez", "prefere",
    "duree", "debut", "remuneration", "remuneree", "resume", "categorie",
    "gere", "gerer", "creer", "cree", "entree", "entrees", "journee", "meme",
    "systeme", "probleme", "general", "generale", "elargi", "precise", "precis",
}
_INFORMAL = {"tu", "toi", "ton", "ta", "tes", "t'es", "t'as"}


def sentences(text: str) -> list[str]:
    # Lines of a list count as sentences; so do parts ended by . ! ? or …
    parts = []
    for line in text.splitlines():
        parts += [p for p in re.split(r"(?<=[.!?…])\s+", line.strip()) if p.strip()]
    return parts


def words(sentence: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", sentence) if re.search(r"\w", w)]


def problems(text: str) -> list[str]:
    found = []
    parts = sentences(text)
    if len(parts) > MAX_SENTENCES:
        found.append(f"{len(parts)} phrases (max {MAX_SENTENCES})")
    for sentence in parts:
        if len(words(sentence)) > MAX_WORDS:
            found.append(f"{len(words(sentence))} mots (max {MAX_WORDS}) : {sentence!r}")
    lowered = re.findall(r"[\w'’]+", text.lower().replace("’", "'"))
    bare = sorted({w for w in lowered if w in _UNACCENTED})
    if bare:
        found.append(f"mots sans accent : {bare}")
    informal = sorted({w for w in lowered if w in _INFORMAL})
    if informal:
        found.append(f"tutoiement : {informal}")
    return found
