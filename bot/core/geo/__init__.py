"""Where the user lives: communes of Île-de-France, postal codes, Paris arrondissements,
department names, numbers and nicknames, and well-known places outside the region.

Public interface:

- ``find_place(text, expecting_place=False) -> Place | None`` (``bot.core.geo.find``)
- ``commune_index() -> CommuneIndex`` (built once from ``bot.core.config.COMMUNES_CSV``, cached; ``bot.core.geo.index``)
- ``department_label(code) -> str`` (``bot.core.geo.names``)

The package: ``names`` (place types and hand-written name data), ``index`` (the communes of the
CSV), ``numbers`` (postal codes, arrondissements, department numbers), ``find`` (the ranking).

Behaviour choices (see also the tests in ``tests/test_geo.py``):

- Every comparison is made on ``bot.core.text.fold`` output, split into tokens (apostrophes split too),
  with "st"/"ste" read as "saint"/"sainte", "s/" as "sur" and "ss" as "sous".
- A commune is known by its official name, the name without its leading article ("Courneuve"),
  the name glued together ("saintdenis"), a few usual short or old forms (``COMMUNE_ALIASES``)
  and the generic short forms obtained by cutting the name before a linking word
  ("Champigny-sur-Marne" -> "Champigny", "Issy-les-Moulineaux" -> "Issy") or after its first word
  ("Boulogne-Billancourt" -> "Boulogne"). A short form shared by several communes is ambiguous:
  it gives nothing ("Villeneuve", "Noisy"), or the department when all of them are in the same one
  or when the user also names one department ("Noisy-le-Grand" and "Noisy-le-Sec": "Noisy 93" -> 93).
- The longest name wins ("Seine-Saint-Denis" over "Saint-Denis", "Noisy-le-Sec" over "Noisy").
- Names that are also everyday French words or first names (``GUARDED_NAMES``: "Us", "Marines",
  "Moisson", "Lilas", "Tours", "Orange"...) count only right after a place cue ("à", "habite",
  "vis", "près de", "en"...), before a department number, or when the bot asked for the place.
- Typos: one edit (insertion, deletion, substitution or swap of two letters, after a light phonetic
  folding: y=i, doubled letters, final e/s/x) on names of at least 6 letters, only right after a
  place cue or when the bot asked for the place, never on a common French word, and never when two
  places are equally close.
- La Défense -> Hauts-de-Seine, commune None (it spans Puteaux, Courbevoie and Nanterre); the same
  for a few other areas that are not communes (Marne-la-Vallée, Cergy-Pontoise, Saint-Quentin-en-Yvelines).
- A commune wins over a department given in the same message ("dans le 93, à Saint-Denis"); the
  department of the commune is the one of the CSV even when the user gave another.
- Postal codes: a known IDF postal code always counts (one commune -> that commune, several -> the
  department); any other 5-digit code counts only in a place answer (bot asked, "code postal", "cp",
  "habite"..., or the message is just the code): an unknown code of an IDF department gives that
  department, a code of another department gives ``hors_idf``.
- Paris arrondissements: "Paris 18e", "paris 18", "18ème arrondissement", "dans le 18eme",
  "dans le 18" (a number 1..20 after "dans le" is read as an arrondissement, not as a department
  of the provinces), "75018" -> Place("75", "Paris", "Paris 18e (75)").
- Department numbers count after "dans le", "du", "département"..., IDF numbers also after "le"
  and "en", and a bare number only when the bot asked for the place. Numbers followed by a unit
  ("ans", "heures", "euros"...) or a month are never places.
- Places outside the region (``OUTSIDE_PLACES``: large cities, other departments, regions,
  countries, "à l'étranger", "en province") give Place("hors_idf", None, "<name> (hors Île-de-France)").
- A place right after "né(e) à", "originaire de" or a negation ("ne ... pas") is not where the
  user lives: it is ignored.
"""
from bot.core.geo.find import find_place
from bot.core.geo.index import CSV_ENV_VAR, CommuneIndex, clear_cache, commune_index
from bot.core.geo.names import Commune, CommunesFileError, Place, department_label

__all__ = [
    "Place", "Commune", "CommuneIndex", "CommunesFileError", "find_place", "commune_index",
    "department_label", "clear_cache", "CSV_ENV_VAR",
]
