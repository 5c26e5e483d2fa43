"""Checks that a text is plain French for people who read with difficulty.

At most 3 sentences of at most 20 words, "vous" (never "tu"), and no common word
written without its accents. `kandel_moles` scores readability: Kandel and Moles' French
adaptation of Flesch's formula, 207 − 1.015 × words per sentence − 73.6 × syllables per word
(100: very easy; 60 and more: easy for most readers).
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


# --------------------------------------------------------------------------- readability

KANDEL_MOLES_MIN = 60
# Under this many words a text is a label (a button, a heading): the formula means nothing there.
MIN_WORDS_SCORED = 5

_VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"
_HIATUS = "ïëü"  # "naïf", "Noël", "aigüe": the diaeresis starts a new syllable
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[ ,.]\d+)*")


def syllables(word: str) -> int:
    """Spoken syllables of one French word, by vowel groups: a final mute "e" / "es" after a
    consonant is not counted ("école" 2, "formation" 3, "journée" 2, "naïf" 2); a number or
    an acronym is read as one."""
    word = word.lower().replace("’", "'")
    if not word or word[0].isdigit():
        return 1
    total = 0
    for part in re.split(r"['-]", word):
        if not part:
            continue
        if part.endswith("qu"):  # elided "qu'", "jusqu'": the u is not heard
            part = part[:-1]
        groups = 0
        previous_vowel = False
        for char in part:
            vowel = char in _VOWELS
            if vowel and (not previous_vowel or char in _HIATUS):
                groups += 1
            previous_vowel = vowel
        if groups > 1 and re.search(r"[^aeiouyàâäéèêëîïôöùûü]es?$", part):
            groups -= 1
        total += groups
    return max(1, total) if any(c.isalpha() for c in word) else 1


def readable_words(text: str) -> list[str]:
    text = _URL.sub(" lien ", _PLACEHOLDER.sub(" Paris ", text))
    return _WORD.findall(text)


def kandel_moles(text: str) -> float:
    """207 − 1.015 × words per sentence − 73.6 × syllables per word, over the whole text."""
    parts = [p for p in sentences(_PLACEHOLDER.sub("Paris", text)) if readable_words(p)]
    all_words = [w for p in parts for w in readable_words(p)]
    if not all_words:
        return 100.0
    per_sentence = len(all_words) / len(parts)
    per_word = sum(syllables(w) for w in all_words) / len(all_words)
    return round(207 - 1.015 * per_sentence - 73.6 * per_word, 1)


def long_sentences(text: str) -> list[str]:
    """Sentences of more than MAX_WORDS words."""
    return [p for p in sentences(text) if len(words(p)) > MAX_WORDS]
