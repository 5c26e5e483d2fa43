"""Recap codes (bot/services/recap.py): alphabet, length, storage, expiry, rate limit."""
from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from sqlalchemy import func, select

from bot.services.catalogue.db import database_session, dispose_engine
from bot.services.people import Recap, RecapLookupFailure
from bot.services.recap import (
    ALPHABET, CODE_LENGTH, FAILURE_WINDOW, MAX_FAILED_LOOKUPS, TooManyAttempts, create_recap,
    delete_expired_recaps, lookup_recap, normalise_code,
)

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone.utc)
PROFILE = {"age": 21.0, "departement": "93", "commune": "Bobigny", "niveau": "sans_diplome"}


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CAPNUM_SECRET", "test-secret")


@pytest.fixture
def session(database_url):
    with database_session(database_url) as s:
        yield s
    dispose_engine(database_url)


def test_the_alphabet_has_no_look_alike_and_the_codes_are_unguessable():
    assert not set("01IO") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 32
    assert len(ALPHABET) ** CODE_LENGTH >= 10 ** 9
    assert math.log2(len(ALPHABET) ** CODE_LENGTH) >= 40


def test_a_code_is_short_easy_to_read_and_found_again(session):
    code = create_recap(session, "person-1", {**PROFILE, "unknown": "x"}, ["ACT-1", "ACT-2", "ACT-1"], now=NOW)
    assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code)
    for typed in (code, code.lower(), code.replace("-", ""), " " + code.replace("-", " ").lower() + " "):
        recap = lookup_recap(session, typed, client_key="adviser", now=NOW + dt.timedelta(days=1))
        assert recap is not None
        assert recap.profile == PROFILE
        assert recap.course_ids == ["ACT-1", "ACT-2"]
        assert recap.expires_at - recap.created_at == dt.timedelta(days=30)


def test_codes_differ_and_only_hashes_are_stored(session):
    codes = {create_recap(session, f"person-{i}", PROFILE, [], now=NOW) for i in range(50)}
    assert len(codes) == 50
    stored = session.execute(select(Recap.code_hash, Recap.sender_hash)).all()
    text = repr(stored)
    assert all(normalise_code(c) not in text and c not in text for c in codes)
    assert "person-1" not in text
    assert all(len(h) == 64 for row in stored for h in row)


def test_a_code_expires_after_30_days_and_is_deleted(session):
    code = create_recap(session, "person-1", PROFILE, ["ACT-1"], now=NOW)
    assert lookup_recap(session, code, "adviser", now=NOW + dt.timedelta(days=29, hours=23)) is not None
    assert lookup_recap(session, code, "adviser", now=NOW + dt.timedelta(days=30)) is None
    assert session.execute(select(func.count()).select_from(Recap)).scalar_one() == 0
    # Refused again later: it is gone.
    assert lookup_recap(session, code, "adviser", now=NOW + dt.timedelta(days=1)) is None


def test_too_many_wrong_lookups_are_refused_then_allowed_again(session, database_url):
    code = create_recap(session, "person-1", PROFILE, ["ACT-1"], now=NOW)
    wrong = "ZZZZ-ZZZZ" if normalise_code(code) != "ZZZZZZZZ" else "YYYY-YYYY"
    at = NOW
    for attempt in range(MAX_FAILED_LOOKUPS):
        at += dt.timedelta(seconds=10)
        assert lookup_recap(session, wrong if attempt % 2 else "pas un code", "adviser-1", now=at) is None
    # Blocked, even with the right code, and in another process (a new engine and session).
    with pytest.raises(TooManyAttempts):
        lookup_recap(session, code, "adviser-1", now=at + dt.timedelta(seconds=1))
    dispose_engine(database_url)
    with database_session(database_url) as other:
        with pytest.raises(TooManyAttempts) as refused:
            lookup_recap(other, code, "adviser-1", now=at + dt.timedelta(minutes=1))
        assert refused.value.retry_after.replace(tzinfo=dt.timezone.utc) > at
        # Another adviser is not blocked.
        assert lookup_recap(other, code, "adviser-2", now=at) is not None
        # Once the window has passed, the right code works again.
        later = at + FAILURE_WINDOW + dt.timedelta(seconds=1)
        assert lookup_recap(other, code, "adviser-1", now=later) is not None


def test_failures_are_stored_without_the_client_key(session):
    lookup_recap(session, "AAAA-AAAA", "adviser-secret-name", now=NOW)
    stored = session.execute(select(RecapLookupFailure.client_hash)).scalars().all()
    assert len(stored) == 1 and "adviser-secret-name" not in stored[0]


def test_expired_recaps_and_old_failures_are_purged(session):
    old = create_recap(session, "person-old", PROFILE, [], now=NOW - dt.timedelta(days=31))
    new = create_recap(session, "person-new", PROFILE, [], now=NOW)
    lookup_recap(session, "AAAA-AAAA", "adviser", now=NOW - dt.timedelta(hours=1))
    assert delete_expired_recaps(session, now=NOW) == 1
    assert lookup_recap(session, new, "adviser", now=NOW) is not None
    assert lookup_recap(session, old, "adviser", now=NOW) is None
    assert session.execute(select(func.count()).select_from(RecapLookupFailure)).scalar_one() == 1  # the one just made
