"""Shared test fixtures.

``database_url`` is parametrised over SQLite and PostgreSQL so that every test using it
runs on both back ends. PostgreSQL comes from, in order:
  1. CAPNUM_TEST_POSTGRES_URL (an existing server; a fresh database is created in it),
  2. a server already listening on 127.0.0.1:5432 (user postgres, trust auth),
  3. a throwaway cluster started with Debian's binaries (/usr/lib/postgresql/*/bin) in a
     temporary directory on a free loopback port (as user postgres when running as root),
otherwise the PostgreSQL variants are skipped, and the terminal summary says so loudly.
Each test session works in its own database ``capnum_test_<random>``, dropped at the end;
each test gets an empty schema (tables dropped between tests).

Two lanes (`make test-fast`, `make test`): a test is ``integration`` when its module says so
(``pytestmark``) or starts real servers (it imports ``running_assistant``,
``running_cluster`` or the whole launcher, ``launched``): marked here at collection, so that
``-m "not integration"`` (the fast lane: pure core, SQLite, the gateway against a fake Rasa) never
waits for a Rasa server; there the storage tests run on SQLite only (``tests.lanes.BACK_ENDS``).
Modules that need the same plain assistant share one per test session (``shared_assistant``)
instead of starting their own.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from tests.lanes import BACK_ENDS  # noqa: E402
from tests.postgres_support import PostgresCluster, scratch_database  # noqa: E402
from tests.servers import free_port  # noqa: E402

pytest_plugins = ["tests.browser_support"]

DEFAULT_LOCAL_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_pg_skip_reasons: list = []


def _can_connect(url: str) -> bool:
    try:
        import psycopg2

        conn = psycopg2.connect(url, connect_timeout=3)
        conn.close()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_server_url():
    """URL of a PostgreSQL database created for this test session (dropped afterwards)."""
    cluster = None
    server = os.environ.get("CAPNUM_TEST_POSTGRES_URL")
    if server and not _can_connect(server):
        _pg_skip_reasons.append(f"CAPNUM_TEST_POSTGRES_URL={server} n'accepte pas de connexion")
        server = None
    if not server and _can_connect(DEFAULT_LOCAL_URL):
        server = DEFAULT_LOCAL_URL
    if not server:
        try:
            cluster = PostgresCluster(free_port())
            server = cluster.url
        except Exception as exc:  # no binaries, or they cannot start here
            reason = f"PostgreSQL indisponible : {exc}"
            _pg_skip_reasons.append(reason)
            pytest.skip(reason)
    try:
        with scratch_database(server, f"capnum_test_{secrets.token_hex(4)}") as url:
            yield url
    finally:
        if cluster is not None:
            cluster.destroy(quiet=False)


def _reset_postgres(url: str) -> None:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    conn.cursor().execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    conn.close()


@pytest.fixture(params=BACK_ENDS)
def database_url(request, tmp_path):
    """An empty database URL, once on SQLite (temp file) and once on PostgreSQL (SQLite only in the fast lane)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        yield url
    else:
        server_db = request.getfixturevalue("postgres_server_url")
        from bot.services.catalogue.db import dispose_engine

        dispose_engine(server_db)
        _reset_postgres(server_db)
        yield server_db
        dispose_engine(server_db)
        return
    from bot.services.catalogue.db import dispose_engine

    dispose_engine(url)


@pytest.fixture(scope="module", params=BACK_ENDS)
def module_database_url(request, tmp_path_factory):
    """An empty database for one test module (SQLite, then PostgreSQL): for modules whose tests
    only read what one setup wrote (a seeded catalogue), so that it is written once per back
    end, not once per test. On PostgreSQL a database of its own, so that the per-test resets of
    `database_url` never touch it."""
    from bot.services.catalogue.db import dispose_engine

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('module-db') / 'test.db'}"
        yield url
        dispose_engine(url)
        return
    from sqlalchemy.engine import make_url

    server = request.getfixturevalue("postgres_server_url")
    with scratch_database(server, f"{make_url(server).database}_m{secrets.token_hex(3)}") as url:
        yield url


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _pg_skip_reasons:
        line = "!" * 78
        terminalreporter.write_line(line, red=True, bold=True)
        terminalreporter.write_line("ATTENTION : les tests PostgreSQL ont été SAUTÉS (PostgreSQL tests were SKIPPED)",
                                    red=True, bold=True)
        for reason in sorted(set(_pg_skip_reasons)):
            terminalreporter.write_line(f"  raison : {reason}", red=True)
        terminalreporter.write_line(line, red=True, bold=True)


@pytest.fixture(scope="module")
def demo_matcher(tmp_path_factory):
    """The matching engine over the demo catalogue, seeded in a temporary SQLite file."""
    from bot.services.catalogue.db import create_catalogue_engine, ensure_schema
    from bot.services.catalogue.demo import seed_demo
    from bot.services.search import MatchingEngine

    engine = ensure_schema(create_catalogue_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'c.db'}"))
    seed_demo(engine)
    matcher = MatchingEngine(engine)
    yield matcher
    matcher.close()
    engine.dispose()


_SERVER_STARTERS = ("running_assistant", "running_cluster", "launched")
# Modules that start a Rasa-side server process of their own and talk to it: the action server
# (Rasa SDK) on another interface, and Rasa's messaging channels (tests/security/channel_server.py).
# Integration tests too: `make test` runs them, not the fast lane.
_RASA_SIDE_SERVER_MODULES = ("tests.security.test_action_server_auth", "tests.security.test_webhooks")


# The modules that import Rasa itself (and TensorFlow under it, 4 s of a worker's time) when they
# run: one worker runs them all (`--dist loadgroup`), so the other never imports it. They import
# it in a fixture, never at the top, so that collecting them costs nothing.
RASA_MODULES = ("tests.test_rasa_speedups", "tests.test_nlu_linear", "tests.test_tracker_store",
                "tests.test_broker_consumer")
# The modules that talk to the session's shared assistant (the `shared_assistant` fixture): one
# worker runs them all, so that it is started once (a Rasa server costs about 20 s of CPU to start).
SHARED_ASSISTANT_MODULES = ("tests.test_integration_conversation", "tests.test_dialogue_fuzz",
                            "tests.security.test_takeover", "tests.test_browser_accessibility",
                            "tests.test_browser_chat", "tests.security.test_listen_guard")
# The modules that talk to the production topology on PostgreSQL (`postgres_cluster`): the scale
# test first (its conversations pause between messages: mostly waiting), then bad input.
POSTGRES_CLUSTER_MODULES = ("tests.test_integration_scale", "tests.test_bad_input")
# The messaging modules share one assistant and its platform stub (fixtures below).
MESSAGING_MODULES = ("tests.test_integration_messaging", "tests.test_integration_voice_notes")
XDIST_GROUPS = {**dict.fromkeys(RASA_MODULES, "rasa"),
                **dict.fromkeys(SHARED_ASSISTANT_MODULES, "shared-assistant"),
                **dict.fromkeys(POSTGRES_CLUSTER_MODULES, "postgres-cluster"),
                **dict.fromkeys(MESSAGING_MODULES, "messaging")}


# The modules that take longest (wall time measured in `make test` and `make test-fast`), longest
# first: they are handed to the workers first, so that the short ones fill the end of the run
# instead of one long module running alone on one core at the end. Others keep their order.
LONGEST_FIRST = (
    "tests.test_integration_scale", "tests.test_readme_commands", "tests.test_integration_report",
    "tests.test_rasa_stories", "tests.test_rasa_validate", "tests.test_integration_faults",
    "tests.security.test_listen_guard",
    "tests.test_integration_privacy", "tests.security.test_launcher",
    "tests.test_integration_voice_notes", "tests.test_integration_conversation", "tests.test_dialogue_fuzz",
    "tests.test_integration_messaging", "tests.test_bad_input", "tests.test_browser_accessibility",
    "tests.security.test_takeover", "tests.test_browser_chat", *RASA_MODULES, "tests.test_catalogue_cli",
    "tests.test_catalogue_import", "tests.test_matching_properties", "tests.security.test_webhooks",
    "tests.security.test_action_server_auth", "tests.test_profile_fresh_phrasings",
    "tests.security.test_limits",
)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Marks `integration` every test of a module that starts real servers; puts the longest
    modules first (LONGEST_FIRST); groups each module's tests on one worker (a module's fixtures
    are set up once), and the modules of each of XDIST_GROUPS together."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(getattr(getattr(item, "module", None), "__name__", ""), len(rank)))
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        item.add_marker(pytest.mark.xdist_group(XDIST_GROUPS.get(module.__name__, module.__name__)))
        if any(name in vars(module) for name in _SERVER_STARTERS) or module.__name__ in _RASA_SIDE_SERVER_MODULES:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def shared_assistant(tmp_path_factory):
    """One Rasa server + action server (demo catalogue, embedded SQLite, default settings) for
    every module of the session that needs nothing else (SHARED_ASSISTANT_MODULES): started
    once, at first use; patient with the action server (PATIENT_ACTION_CALLS)."""
    from tests.servers import PATIENT_ACTION_CALLS, running_assistant

    work_dir = tmp_path_factory.mktemp("shared-assistant")
    with running_assistant(work_dir, PATIENT_ACTION_CALLS) as assistant:
        yield assistant


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory, postgres_server_url):
    """2 Rasa servers + 2 action servers sharing a tracker store on PostgreSQL (a database of
    their own) and, when Redis answers, a lock store on Redis: the production topology, for
    POSTGRES_CLUSTER_MODULES, patient with the action servers (PATIENT_ACTION_CALLS).
    `tracker_db` is the database's URL."""
    from tests.cluster import REDIS_URL, fresh_postgres_database, redis_available, running_cluster
    from tests.servers import PATIENT_ACTION_CALLS

    with fresh_postgres_database(postgres_server_url) as tracker_db:
        env = {"TRACKER_DB_URL": tracker_db, **PATIENT_ACTION_CALLS}
        if redis_available():
            env["REDIS_URL"] = REDIS_URL
        with running_cluster(tmp_path_factory.mktemp("postgres-cluster"), 2, env) as running:
            running.tracker_db = tracker_db
            running.redis = "REDIS_URL" in env
            yield running


@pytest.fixture(scope="session")
def messaging_stub():
    """The messaging platforms' APIs on loopback (tests/test_integration_messaging.py), for the
    session: MESSAGING_MODULES run on one worker and share it with the assistant below."""
    from tests.test_integration_messaging import PlatformStub

    platform = PlatformStub().start()
    yield platform
    platform.stop()


@pytest.fixture(scope="session")
def messaging_assistant(tmp_path_factory, messaging_stub):
    from tests.test_integration_messaging import messaging_assistant

    with messaging_assistant(tmp_path_factory.mktemp("messaging"), messaging_stub) as assistant:
        yield assistant


@pytest.fixture(autouse=True, scope="session")
def _scrypt_computed_once_per_input():
    """scrypt at the accounts' real cost (N = 2^17, about 0.3 s each) is a pure function: the
    same password, salt and parameters are computed once per test session. Hashes, parameters
    and answers are unchanged; sign-in tests that try 20 wrong passwords against the same
    stored hash stop costing 20 scrypt runs each."""
    import functools
    import hashlib

    original = hashlib.scrypt
    hashlib.scrypt = functools.lru_cache(maxsize=4096)(original)
    try:
        yield
    finally:
        hashlib.scrypt = original
