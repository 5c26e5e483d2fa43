"""The operators' command lines, tried as a newcomer would (issue 15): they check their
arguments, say what is wrong in French, and warn about what no one will be shown."""
from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


# -- bot.tools.report ----------------------------------------------------------------------------------

def test_report_help_names_aggregate(capsys):
    from bot.tools.report import main

    with pytest.raises(SystemExit):
        main(["--help"])
    assert "python -m bot.tools.report aggregate" in capsys.readouterr().out


def test_report_refuses_a_period_upside_down(tmp_path, capsys):
    from bot.tools.report import main

    status = main(["--since", "2026-06-30", "--until", "2026-01-01", "--csv", str(tmp_path / "r.csv"),
                   "--database-url", sqlite_url(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and "à l'envers" in err and "2026-06-30" in err and "Traceback" not in err
    assert not (tmp_path / "r.csv").exists()


# -- bot.tools.catalogue -----------------------------------------------------------------------------

def test_catalogue_stats_into_a_closed_pipe_stays_quiet(tmp_path):
    """`stats | head -1`: the reader leaves before the output is written."""
    proc = subprocess.Popen([sys.executable, "-m", "bot.tools.catalogue", "stats", "--database-url", sqlite_url(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before Python has even started: every write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Broken pipe" not in err and "Traceback" not in err and "BrokenPipeError" not in err


def _catalogue(tmp_path, actions) -> Path:
    formation = {"id": "FOR-1", "intitule": "Formation test", "organisme": "ORG-1", "domaine": "logistique",
                 "actions": actions}
    data = {"organismes": [{"id": "ORG-1", "nom": "Organisme test (fictif)", "fictif": True}],
            "formations": [formation]}
    path = tmp_path / "catalogue.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _action(ident, **kw):
    action = {"id": ident, "modalite": "distance", "sessions": [{"id": f"S-{ident}", "debut_dans_jours": 14}]}
    action.update(kw)
    return action


def _import(tmp_path, path):
    from bot.services.catalogue.db import ensure_schema, get_engine
    from bot.services.catalogue.importers import import_file

    warnings, errors = [], []
    engine = ensure_schema(get_engine(sqlite_url(tmp_path)))
    report = import_file(path, engine=engine, on_error="skip", progress=False,
                         warn=warnings.append, report_error=errors.append)
    return report, warnings, errors


def test_on_error_skip_leaves_out_the_bad_action_only(tmp_path):
    path = _catalogue(tmp_path, [_action("GOOD"), _action("BAD", modalite="par pigeon"), _action("ALSO-GOOD")])
    report, _warnings, errors = _import(tmp_path, path)
    assert report.formations == 1 and report.actions == 2 and report.sessions == 2
    assert len(errors) == 1 and "action BAD" in errors[0]


def test_import_warns_about_offers_no_one_will_be_shown(tmp_path):
    import datetime as dt

    from bot.services.catalogue.db import ensure_schema, get_engine
    from bot.services.catalogue.importers.base import Bundle
    from bot.services.catalogue.importers.writer import store

    soon = dt.date.today() + dt.timedelta(days=14)
    bundle = Bundle(
        location="offres.xml ligne 1",
        formation={"id": "FOR-1", "intitule": "Formation test", "organisme_responsable_id": "ORG-1",
                   "domaine": "logistique"},
        organismes=[{"id": "ORG-1", "nom": "Organisme test"}],
        actions=[{"id": "AWAY", "modalite": "hybride", "departement_lieu": "69"},  # Lyon
                 {"id": "PAST", "modalite": "distance"}, {"id": "FINE", "modalite": "distance"}],
        sessions=[{"id": "S-AWAY", "action_id": "AWAY", "debut": soon},
                  {"id": "S-PAST", "action_id": "PAST", "debut": dt.date(2020, 1, 6), "fin": dt.date(2020, 6, 30)},
                  {"id": "S-FINE", "action_id": "FINE", "debut": soon}])
    warnings, errors = [], []
    report = store(ensure_schema(get_engine(sqlite_url(tmp_path))), [bundle], "offres.xml",
                   warn=warnings.append, report_error=errors.append)
    assert errors == [] and report.actions == 3
    away = [w for w in warnings if "action AWAY" in w]
    past = [w for w in warnings if "action PAST" in w]
    assert len(away) == 1 and "hors Île-de-France" in away[0] and "proposée à personne" in away[0]
    assert len(past) == 1 and "passées" in past[0] and "proposée à personne" in past[0]
    assert not [w for w in warnings if "action FINE" in w]


def test_undecided_domain_warning_speaks_french():
    from bot.core.labels import DOMAIN_LABELS
    from bot.services.catalogue.importers.base import undecided_domain_warning

    warning = undecided_domain_warning("offres.xml ligne 3", "F-1")
    assert "indecis" not in warning and f"« {DOMAIN_LABELS['indecis']} »" in warning
    for parser in ("lheo_xml.py", "mcf_csv.py"):  # both parsers say it so
        source = (ROOT / "bot" / "services" / "catalogue" / "importers" / parser).read_text(encoding="utf-8")
        assert "indecis »" not in source and "undecided_domain_warning(" in source


# -- bot.tools.directory ----------------------------------------------------------------------------

HEADER = "type,nom,departement,communes,adresse,telephone,url,fictif\n"


@pytest.mark.parametrize("communes, problem", [
    ("Bobignyville", "commune inconnue 'Bobignyville'"),
    ("Versailles", "la commune 'Versailles' est dans le département 78, pas dans le 93"),
    ("78646", "la commune '78646' est dans le département 78, pas dans le 93"),
])
def test_directory_refuses_a_commune_unknown_or_elsewhere(tmp_path, communes, problem):
    from bot.services.directory import DirectoryError, read_directory

    path = tmp_path / "annuaire.csv"
    path.write_text(HEADER + f"mission_locale,ML test,93,{communes},1 rue A,,https://a.example.fr,non\n",
                    encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        read_directory(path)
    assert problem in str(caught.value) and "ligne 2" in str(caught.value)


def test_directory_takes_a_commune_of_its_department(tmp_path):
    from bot.services.directory import read_directory

    path = tmp_path / "annuaire.csv"
    path.write_text(HEADER + "mission_locale,ML test,93,Bobigny;93048,1 rue A,,https://a.example.fr,non\n",
                    encoding="utf-8")
    assert read_directory(path)[0]["communes"] == "bobigny;montreuil"


# -- bot.tools.accounts -----------------------------------------------------------------------------

def test_accounts_add_refuses_a_duplicate_before_asking_the_password(tmp_path, monkeypatch, capsys):
    from bot.services import accounts
    from bot.services.catalogue.db import ensure_schema, get_engine
    from bot.tools import accounts as accounts_cli

    url = sqlite_url(tmp_path)
    accounts.add_adviser(ensure_schema(get_engine(url)), "deja@example.fr", "un mot de passe assez long")

    def no_password(*_args, **_kw):
        raise AssertionError("the password was asked for an account that exists")

    monkeypatch.setattr(accounts_cli, "_read_password", no_password)
    assert accounts_cli.main(["--database-url", url, "add", "Deja@example.fr"]) == 1
    assert "Un compte existe déjà pour deja@example.fr" in capsys.readouterr().err


def test_accounts_enable_gives_back_a_disabled_account(tmp_path, capsys):
    from bot.services import accounts
    from bot.services.catalogue.db import ensure_schema, get_engine
    from bot.tools import accounts as accounts_cli

    url = sqlite_url(tmp_path)
    engine = ensure_schema(get_engine(url))
    accounts.add_adviser(engine, "a@example.fr", "un mot de passe assez long")
    assert accounts_cli.main(["--database-url", url, "disable", "a@example.fr"]) == 0
    assert not accounts.authenticate(engine, "a@example.fr", "un mot de passe assez long", "k").ok
    assert accounts_cli.main(["--database-url", url, "enable", "a@example.fr"]) == 0
    assert "Compte réactivé : a@example.fr." in capsys.readouterr().out
    assert accounts.authenticate(engine, "a@example.fr", "un mot de passe assez long", "k").ok
    assert accounts_cli.main(["--database-url", url, "enable", "personne@example.fr"]) == 1


# -- bot.tools.loadtest --------------------------------------------------------------------------

class _RefusingRasa(BaseHTTPRequestHandler):
    """A Rasa HTTP API whose token is "le-bon": anything else gets 401."""

    def do_GET(self):  # noqa: N802
        ok = "token=le-bon" in self.path
        self.send_response(200 if ok else 401)
        self.end_headers()
        self.wfile.write(b"{}")

    def do_POST(self):  # noqa: N802
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_rasa():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RefusingRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_loadtest_verify_with_a_wrong_token_says_so(refusing_rasa, capsys):
    from bot.tools.loadtest import main

    status = main(["run", "--url", refusing_rasa, "--token", "le-mauvais", "--verify", "--duration", "1",
                   "--concurrency", "1"])
    out, err = capsys.readouterr()
    assert status == 2
    assert "refuse le jeton" in err and "401" in err
    assert "lost" not in out + err and "perdus" not in out


def test_loadtest_speaks_french_and_shows_progress(refusing_rasa, capsys):
    from bot.tools.loadtest import main

    main(["run", "--url", refusing_rasa, "--duration", "2", "--concurrency", "1", "--progress", "0.5"])
    out = capsys.readouterr().out
    assert "messages réussis" in out and "… " in out and "boucle fermée" in out
    assert "finished" not in out and "errors" not in out


# -- README ---------------------------------------------------------------------------------

def test_readme_commands_work_pasted_into_a_fresh_clone():
    import re

    from tests.test_integration_scale import THINK_TIME_S

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"(?<!\.venv/bin/)\bpython3? -m bot", readme) == []  # the packages are in .venv
    evaluations = [line for line in readme.splitlines() if "converse.py ../shared/eval/public_cases.json" in line]
    assert evaluations and all('--token "$RASA_AUTH_TOKEN"' in line for line in evaluations)
    assert f"{THINK_TIME_S:g} s think time" in readme and "(12 s think time)" not in readme
