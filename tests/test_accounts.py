"""Advisers' accounts: scrypt hashes, sign-in rate limit (persisted), session expiry, CLI.

The rules of sign-in (limits, lock-outs, sessions) do not depend on what a hash costs: those tests
hash with N = 2^10 (`cheap_hashes`, a few milliseconds) instead of the product's 2^17 (128 MiB,
about 0.35 s on a quiet core, 3 s on a loaded one), or they would spend minutes hashing. The
tests marked `REAL_COST` keep the product's parameters: what a stored hash is, the rehash of an
older one, the unknown address checked at the same cost, and the command line (another process).
They are `slow`, left out of `make test-fast`."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from bot.core.config import PROJECT_ROOT
from bot.services import accounts
from bot.services.catalogue.db import ensure_schema, get_engine
from bot.tools import accounts as accounts_cli

PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 28, 9, 0, 0)
REAL_COST = pytest.mark.slow  # scrypt with the product's parameters (module docstring)
CHEAP_N = 2 ** 10


@pytest.fixture(autouse=True)
def cheap_hashes(request, monkeypatch):
    if request.node.get_closest_marker("slow") is None:
        monkeypatch.setattr(accounts, "SCRYPT_N", CHEAP_N)


@pytest.fixture
def engine(database_url):
    return ensure_schema(get_engine(database_url))


@REAL_COST
def test_passwords_are_hashed_with_scrypt_and_a_random_salt():
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first.startswith("scrypt$131072$8$1$")
    assert PASSWORD not in first
    assert first != second  # random salt
    assert accounts.verify_password(PASSWORD, first)
    assert not accounts.verify_password(PASSWORD + "!", first)
    assert not accounts.verify_password(PASSWORD, "not-a-hash")


def test_a_short_password_is_refused(engine):
    with pytest.raises(accounts.AccountError, match="au moins"):
        accounts.add_adviser(engine, "a@example.fr", "court")


def test_sign_in_with_the_right_password_only(engine):
    accounts.add_adviser(engine, "Conseillere@Example.fr", PASSWORD)
    client = accounts.client_key("192.0.2.1")
    assert accounts.authenticate(engine, "conseillere@example.fr", PASSWORD, client, T0).ok
    wrong = accounts.authenticate(engine, "conseillere@example.fr", "mauvais mot de passe", client, T0)
    assert not wrong.ok and wrong.locked_until is None
    assert not accounts.authenticate(engine, "personne@example.fr", PASSWORD, client, T0).ok


def test_five_failures_from_one_client_lock_that_account_for_that_client_for_15_minutes(engine):
    accounts.add_adviser(engine, "a@example.fr", PASSWORD)
    attacker = accounts.client_key("198.51.100.1")
    for i in range(5):
        accounts.authenticate(engine, "a@example.fr", f"faux {i}", attacker, T0 + dt.timedelta(minutes=i))
    refused = accounts.authenticate(engine, "a@example.fr", PASSWORD, attacker, T0 + dt.timedelta(minutes=5))
    assert not refused.ok and refused.locked_until == T0 + dt.timedelta(minutes=4 + 15)
    # The limit is in the database: a new engine (another process) sees it too.
    engine.dispose()
    assert not accounts.authenticate(engine, "a@example.fr", PASSWORD, attacker, T0 + dt.timedelta(minutes=18)).ok
    assert accounts.authenticate(engine, "a@example.fr", PASSWORD, attacker, T0 + dt.timedelta(minutes=20)).ok


def test_nobody_can_lock_an_adviser_out_from_elsewhere(engine):
    accounts.add_adviser(engine, "a@example.fr", PASSWORD)
    # Failures for the account from many addresses (or from one): the adviser's own address
    # is not locked.
    for i in range(30):
        accounts.authenticate(engine, "a@example.fr", f"faux {i}", accounts.client_key(f"198.51.100.{i % 6}"), T0)
    assert accounts.authenticate(engine, "a@example.fr", PASSWORD, accounts.client_key("203.0.113.9"), T0).ok


def test_twenty_failures_from_one_client_lock_that_client_on_every_account(engine):
    accounts.add_adviser(engine, "b@example.fr", PASSWORD)
    attacker = accounts.client_key("192.0.2.66")
    for i in range(accounts.MAX_CLIENT_FAILURES):
        accounts.authenticate(engine, f"inconnu{i}@example.fr", "faux", attacker, T0)
    assert not accounts.authenticate(engine, "b@example.fr", PASSWORD, attacker, T0).ok
    assert accounts.authenticate(engine, "b@example.fr", PASSWORD, accounts.client_key("192.0.2.7"), T0).ok


@REAL_COST
def test_an_unknown_address_is_checked_against_a_hash_of_the_same_cost(engine, monkeypatch):
    checked = []
    real_verify = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda password, stored: checked.append(stored)
                        or real_verify(password, stored))
    accounts.add_adviser(engine, "known@example.fr", PASSWORD)
    assert not accounts.authenticate(engine, "inconnu@example.fr", PASSWORD, accounts.client_key("x"), T0).ok
    assert accounts.authenticate(engine, "known@example.fr", PASSWORD, accounts.client_key("x"), T0).ok
    unknown, known = checked
    assert unknown != known and unknown.split("$")[1:4] == known.split("$")[1:4] == ["131072", "8", "1"]


def test_the_cheap_hashes_of_these_tests_are_what_they_say(engine):
    """The rules below run with CHEAP_N; a hash made now says so, and sign-in does not rehash it."""
    from sqlalchemy import select

    accounts.add_adviser(engine, "cheap@example.fr", PASSWORD)
    assert accounts.authenticate(engine, "cheap@example.fr", PASSWORD, accounts.client_key("x"), T0).ok
    with engine.connect() as conn:
        stored = conn.execute(select(accounts.advisers.c.password_hash)).scalar_one()
    assert stored.startswith(f"scrypt${CHEAP_N}$8$1$") and not accounts.needs_rehash(stored)


@REAL_COST
def test_an_old_hash_is_replaced_at_sign_in_and_passwd_changes_the_password(engine):
    from sqlalchemy import select, update

    adviser = accounts.add_adviser(engine, "old@example.fr", PASSWORD)
    with engine.begin() as conn:
        conn.execute(update(accounts.advisers).where(accounts.advisers.c.id == adviser.id)
                     .values(password_hash=accounts.hash_password(PASSWORD, n=2 ** 14)))
    assert accounts.authenticate(engine, "old@example.fr", PASSWORD, accounts.client_key("x"), T0).ok
    with engine.connect() as conn:
        stored = conn.execute(select(accounts.advisers.c.password_hash)
                              .where(accounts.advisers.c.id == adviser.id)).scalar_one()
    assert stored.startswith("scrypt$131072$8$1$") and not accounts.needs_rehash(stored)
    session = accounts.start_console_session(engine, adviser, T0)
    accounts.set_password(engine, "old@example.fr", "un tout nouveau mot de passe")
    assert accounts.resume_session(engine, session.token, now=T0)[0] is None  # sessions ended
    assert not accounts.authenticate(engine, "old@example.fr", PASSWORD, accounts.client_key("x"), T0).ok
    assert accounts.authenticate(engine, "old@example.fr", "un tout nouveau mot de passe",
                                 accounts.client_key("x"), T0).ok


def test_a_session_ends_after_its_absolute_lifetime_however_active(engine):
    adviser = accounts.add_adviser(engine, "abs@example.fr", PASSWORD)
    session = accounts.start_console_session(engine, adviser, T0)
    for hour in range(1, 12):
        assert accounts.resume_session(engine, session.token, now=T0 + dt.timedelta(hours=hour))[0] is not None
    assert accounts.resume_session(engine, session.token, now=T0 + dt.timedelta(hours=12, minutes=1)) == (None, True)


def test_ended_sessions_are_swept_at_sign_in(engine):
    adviser = accounts.add_adviser(engine, "sweep@example.fr", PASSWORD)
    for _ in range(3):
        accounts.start_console_session(engine, adviser, T0)
    assert accounts.count_sessions(engine) == 3
    accounts.start_console_session(engine, adviser, T0 + dt.timedelta(hours=9))  # the 3 others idle for 9 h
    assert accounts.count_sessions(engine) == 1


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(engine):
    adviser = accounts.add_adviser(engine, "c@example.fr", PASSWORD)
    session = accounts.start_console_session(engine, adviser, T0)
    accounts.disable_adviser(engine, "c@example.fr")
    assert accounts.resume_session(engine, session.token, now=T0)[0] is None
    assert not accounts.authenticate(engine, "c@example.fr", PASSWORD, accounts.client_key("x"), T0).ok


def test_sessions_expire_after_the_idle_time(engine):
    adviser = accounts.add_adviser(engine, "d@example.fr", PASSWORD)
    session = accounts.start_console_session(engine, adviser, T0)
    alive, expired = accounts.resume_session(engine, session.token, 600, T0 + dt.timedelta(seconds=599))
    assert alive is not None and not expired and alive.adviser.email == "d@example.fr"
    # Using it restarted the idle clock.
    alive, _ = accounts.resume_session(engine, session.token, 600, T0 + dt.timedelta(seconds=1100))
    assert alive is not None
    gone, expired = accounts.resume_session(engine, session.token, 600, T0 + dt.timedelta(seconds=1701))
    assert gone is None and expired
    assert accounts.resume_session(engine, session.token, 600, T0 + dt.timedelta(seconds=1702)) == (None, False)
    assert accounts.resume_session(engine, "jeton-inconnu", 600, T0) == (None, False)


def test_the_session_table_holds_no_usable_token(engine):
    adviser = accounts.add_adviser(engine, "e@example.fr", PASSWORD)
    session = accounts.start_console_session(engine, adviser, T0)
    with engine.connect() as conn:
        stored = [row.token_hash for row in conn.execute(accounts.adviser_sessions.select())]
    assert stored and session.token not in stored


@REAL_COST
def test_command_line_add_list_disable(tmp_path):
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    cli = [sys.executable, "-m", "bot.tools.accounts", "--database-url", url]
    env_run = dict(cwd=PROJECT_ROOT, capture_output=True, text=True)
    added = subprocess.run(cli + ["add", "cli@example.fr", "--role", "admin", "--password-stdin"],
                           input=PASSWORD + "\n", **env_run)
    assert added.returncode == 0, added.stderr
    assert "Compte créé : cli@example.fr (admin)." in added.stdout
    twice = subprocess.run(cli + ["add", "cli@example.fr", "--password-stdin"], input=PASSWORD + "\n", **env_run)
    assert twice.returncode == 1 and "existe déjà" in twice.stderr
    listed = subprocess.run(cli + ["list"], **env_run)
    assert "cli@example.fr\tadmin\tactif" in listed.stdout
    assert subprocess.run(cli + ["disable", "cli@example.fr"], **env_run).returncode == 0
    assert "désactivé" in subprocess.run(cli + ["list"], **env_run).stdout
    engine = ensure_schema(get_engine(url))
    assert not accounts.authenticate(engine, "cli@example.fr", PASSWORD, accounts.client_key("x")).ok


@REAL_COST
def test_passwd_on_the_command_line(tmp_path, monkeypatch, capsys):
    import io

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("premier mot de passe\n"))
    assert accounts_cli.main(["--database-url", url, "add", "cli@example.fr", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("second mot de passe\n"))
    assert accounts_cli.main(["--database-url", url, "passwd", "cli@example.fr", "--password-stdin"]) == 0
    assert "Mot de passe changé" in capsys.readouterr().out
    from bot.services.catalogue.db import get_engine

    engine = get_engine(url)
    assert accounts.authenticate(engine, "cli@example.fr", "second mot de passe", accounts.client_key("x"), T0).ok
    monkeypatch.setattr("sys.stdin", io.StringIO("court\n"))
    assert accounts_cli.main(["--database-url", url, "passwd", "cli@example.fr", "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe assez long\n"))
    assert accounts_cli.main(["--database-url", url, "passwd", "personne@example.fr", "--password-stdin"]) == 1
