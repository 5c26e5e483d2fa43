"""data/lexicons/: word lists as data, validated when loaded (issue 12)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from bot.core import config, lexicons
from bot.core.lexicons import LexiconError
from bot.core.profile import jobs

SHIPPED = config.PROJECT_ROOT / "data" / "lexicons"


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "lexicons"
    shutil.copytree(SHIPPED, target)
    lexicons.clear_cache()
    yield target
    lexicons.clear_cache()


def _append(path, line):
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    return sum(1 for _ in path.open(encoding="utf-8"))


def test_every_shipped_lexicon_loads():
    assert lexicons.validate_all(SHIPPED) > 800


def test_every_value_file_uses_contract_values_only():
    for name in lexicons.VALUE_FILES:
        entries = lexicons.value_entries(name, SHIPPED)
        assert entries, name
        assert all(e.where.startswith(str(SHIPPED / f"{name}.csv:")) for e in entries)


# (file, the row appended, what the error says: {line} is the row's line number)
BAD_ROWS = {
    "a_value_outside_the_contract_names_file_and_line": (
        "domaine", "sante,infirmier de bloc,", r"domaine\.csv:{line}: value 'sante' is not a contract value"),
    "a_malformed_row_names_file_and_line": (
        "creneau", "soir_weekend,le soir,question,en trop", r"creneau\.csv:{line}: expected 3 columns"),
    "a_broken_regular_expression_names_file_and_line": (
        "modalite", "distance,(?:en ligne,", r"modalite\.csv:{line}: .*not a valid regular expression"),
    "a_regular_expression_must_be_folded": ("modalite", "distance,(?:télé)travail,", "must be written folded"),
    "an_unknown_condition_is_refused": ("equipement", "ordinateur,mon pc,parfois", "quand must be"),
    "hours_must_be_in_the_contract_range": ("heures", "60,à fond,", "heures.csv:.*from 1 to 45"),
}


@pytest.mark.parametrize("name, row, message", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_refused(copy, name, row, message):
    line = _append(copy / f"{name}.csv", row)
    with pytest.raises(LexiconError, match=message.replace("{line}", str(line))):
        lexicons.value_entries(name, copy)


def test_a_wrong_header_is_refused(copy):
    (copy / "sms.csv").write_text("form,replacement\njsui,je suis\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"sms\.csv:1: header must be forme,remplacement"):
        lexicons.sms_tokens(copy)


def test_rome_overrides_are_checked(copy):
    _append(copy / "rome_domaines.csv", "M18,cybersecurite")
    with pytest.raises(LexiconError, match="not a ROME code"):
        lexicons.rome_overrides(copy)


BAD_CODES = {
    "an_unknown_nomenclature": ("cpf,12345,langues,", r"codes_domaines\.csv:{line}: nomenclature 'cpf'"),
    "a_code_of_the_wrong_form": ("rome,M18,cybersecurite,", r"codes_domaines\.csv:{line}: code 'M18' is not a rome"),
    "a_value_outside_the_contract": ("nsf,999,indecis,", r"codes_domaines\.csv:{line}: value 'indecis'"),
    "no_domain_is_for_rome_only": ("nsf,999,aucun,", r"codes_domaines\.csv:{line}: value 'aucun'"),
    "a_code_mapped_twice": ("rome,M1866,aucun,Pentesteur", r"codes_domaines\.csv:{line}: rome code M1866 is already"),
}


@pytest.mark.parametrize("row, message", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_course_domain_codes_are_checked(copy, row, message):
    line = _append(copy / "codes_domaines.csv", row)
    with pytest.raises(LexiconError, match=message.replace("{line}", str(line))):
        lexicons.course_domains(copy)


def test_a_missing_file_says_which_setting(tmp_path):
    with pytest.raises(LexiconError, match="CAPNUM_LEXICONS_DIR"):
        lexicons.value_entries("domaine", tmp_path)


def test_plain_phrases_are_folded_and_escaped(copy):
    _append(copy / "domaine.csv", "logistique,Agent de quai (nuit),")
    with pytest.raises(LexiconError):  # parentheses make it a regex, and it is not folded
        lexicons.value_entries("domaine", copy)
    lexicons.clear_cache()
    (copy / "domaine.csv").write_text(
        (SHIPPED / "domaine.csv").read_text(encoding="utf-8") + "logistique,Préparateur de quai,\n",
        encoding="utf-8")
    entry = lexicons.value_entries("domaine", copy)[-1]
    assert entry.plain and entry.pattern == "preparateur de quai"


def test_an_adviser_word_is_understood_after_a_reload(copy):
    """The lexicon folder comes from CAPNUM_LEXICONS_DIR; a new line is read on the next load."""
    (copy / "domaine.csv").write_text(
        (SHIPPED / "domaine.csv").read_text(encoding="utf-8") + "drones,aéromodélisme,\n",
        encoding="utf-8")
    code = ("from bot.core.profile import extract_profile\n"
            "print(extract_profile('je veux faire de l aeromodelismes').values.get('domaine'))")
    env = dict(os.environ, CAPNUM_LEXICONS_DIR=str(copy), PYTHONPATH=str(config.PROJECT_ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=config.PROJECT_ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "drones"


def test_the_tables_read_for_every_message_are_read_once_and_read_only(copy):
    """Every clause of every message looks up the SMS words and the approximate quantities: read
    once per folder (they were rebuilt on each call: 5 ms of every extraction), and shared, so
    nobody may change them; a reload reads the folder again."""
    for table in (lexicons.sms_tokens, lexicons.approximations):
        first = table(copy)
        assert first and table(copy) is first
        with pytest.raises(TypeError):
            first["nouveau"] = first[next(iter(first))]
    (copy / "sms.csv").write_text((copy / "sms.csv").read_text(encoding="utf-8") + "stp2,s'il te plait\n",
                                  encoding="utf-8")
    assert "stp2" not in lexicons.sms_tokens(copy)
    lexicons.clear_cache()
    assert lexicons.sms_tokens(copy)["stp2"] == "s'il te plait"


@pytest.mark.parametrize("word, expected", [
    ("caissieres", "caissier"), ("vendeuse", "vendeur"), ("conductrice", "conducteur"),
    ("technicienne", "technicien"), ("aide", "aid"), ("hotesse", "hot"), ("hote", "hot"),
    ("soignantes", "soignant"), ("employee", "employ"), ("employe", "employ"), ("cheffe", "chef"),
])
def test_stemmer_joins_feminine_and_plural_forms(word, expected):
    assert jobs.stem(word) == expected


def test_title_variants_give_both_genders():
    assert jobs.title_variants("Hôte / Hôtesse de caisse") == ["hotesse de caisse", "hote de caisse"]
    assert jobs.title_variants("Magasinier(e) en négoce") == ["magasinier en negoce"]
    assert "aide soignant" in jobs.title_variants("Aide-soignant / Aide-soignante")


def test_the_title_index_is_built_from_thousands_of_titles():
    index = jobs.title_index()
    assert len(index.keys) > 3000
    rome_keys = [k for k, (_, source) in index.keys.items() if source == "rome"]
    assert len(rome_keys) > 2500
