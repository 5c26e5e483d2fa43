"""Advisers' accounts: scrypt hashes, sign-in rate limit (persisted), session expiry, CLI."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from bot import accounts
from bot.catalogue.db import ensure_schema, get_engine
from bot.config import PROJECT_ROOT

PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 28, 9, 0, 0)


@pytest.fixture
def engine(database_url):
    return ensure_schema(get_engine(database_url))


def test_passwords_are_hashed_with_scrypt_and_a_random_salt():
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first.startswith("scrypt$16384$8$1$")
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


def test_five_failures_lock_the_account_for_15_minutes_even_with_the_right_password(engine):
    accounts.add_adviser(engine, "a@example.fr", PASSWORD)
    for i in range(5):
        accounts.authenticate(engine, "a@example.fr", f"faux {i}", accounts.client_key(f"198.51.100.{i}"),
                              T0 + dt.timedelta(minutes=i))
    other_client = accounts.client_key("203.0.113.9")
    refused = accounts.authenticate(engine, "a@example.fr", PASSWORD, other_client, T0 + dt.timedelta(minutes=5))
    assert not refused.ok and refused.locked_until == T0 + dt.timedelta(minutes=4 + 15)
    # The limit is in the database: a new engine (another process) sees it too.
    engine.dispose()
    again = accounts.authenticate(engine, "a@example.fr", PASSWORD, other_client, T0 + dt.timedelta(minutes=18))
    assert not again.ok
    assert accounts.authenticate(engine, "a@example.fr", PASSWORD, other_client, T0 + dt.timedelta(minutes=20)).ok


def test_five_failures_from_one_client_lock_that_client_only(engine):
    accounts.add_adviser(engine, "b@example.fr", PASSWORD)
    attacker = accounts.client_key("192.0.2.66")
    for i in range(5):
        accounts.authenticate(engine, f"inconnu{i}@example.fr", "faux", attacker, T0)
    assert not accounts.authenticate(engine, "b@example.fr", PASSWORD, attacker, T0).ok
    assert accounts.authenticate(engine, "b@example.fr", PASSWORD, accounts.client_key("192.0.2.7"), T0).ok


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(engine):
    adviser = accounts.add_adviser(engine, "c@example.fr", PASSWORD)
    session = accounts.open_session(engine, adviser, T0)
    accounts.disable_adviser(engine, "c@example.fr")
    assert accounts.resume_session(engine, session.token, now=T0)[0] is None
    assert not accounts.authenticate(engine, "c@example.fr", PASSWORD, accounts.client_key("x"), T0).ok


def test_sessions_expire_after_the_idle_time(engine):
    adviser = accounts.add_adviser(engine, "d@example.fr", PASSWORD)
    session = accounts.open_session(engine, adviser, T0)
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
    session = accounts.open_session(engine, adviser, T0)
    with engine.connect() as conn:
        stored = [row.token_hash for row in conn.execute(accounts.adviser_sessions.select())]
    assert stored and session.token not in stored


def test_command_line_add_list_disable(tmp_path):
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    cli = [sys.executable, "-m", "bot.accounts", "--database-url", url]
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
