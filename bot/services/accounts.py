"""Advisers' accounts for the console: password hashing, sign-in with a rate limit, sessions.

Operators manage them with `python -m bot.tools.accounts` (add, list, disable, enable, passwd).

- Passwords are hashed with scrypt (hashlib; n=2**17, r=8, p=1, random 16-byte salt); the
  stored form is ``scrypt$n$r$p$salt$hash`` (base64); a hash with older parameters is
  replaced at the next successful sign-in.
- Sign-in is refused for 15 minutes once an account has 5 failed attempts within 15 minutes
  *from one client address* (so nobody can lock an adviser out from elsewhere), or once a
  client address has 20 failures on any accounts. Failures are kept in the database (table
  ``adviser_login_failure``), so the limit holds across restarts and gateway processes. While
  refused, the password is not even checked.
- Sessions live in the database (``adviser_session``): the browser holds a random token, the
  table only its SHA-256. A session ends after ``idle`` seconds without use (8 h by default)
  and in any case ``max_age`` seconds after sign-in (12 h); ended sessions are swept from the
  table at each sign-in and whenever an ended one is presented.

Tables are created by the Alembic revision 0003_advisers (bot/services/catalogue/migrations).
Plain Python, no Rasa import.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import (
    Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, delete, func, insert, or_, select,
    update,
)
from sqlalchemy.engine import Engine

from bot.core.clock import utcnow

ROLES = ("adviser", "admin")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

# OWASP's minimum for scrypt today: N = 2^17 (128 MiB), r = 8, p = 1. Older hashes are
# rehashed with these at the next successful sign-in. Read at each call: the tests of the
# sign-in rules lower them (tests/test_accounts.py), the product never does.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 17, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32

MAX_FAILURES = 5            # per account and client address
MAX_CLIENT_FAILURES = 20    # per client address, whatever the accounts tried
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
DEFAULT_IDLE_SECONDS = 8 * 3600
DEFAULT_MAX_SECONDS = 12 * 3600  # absolute lifetime of a session, however active

metadata = MetaData()

advisers = Table(
    "adviser", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(255), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
)
adviser_sessions = Table(
    "adviser_session", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("adviser_id", Integer, ForeignKey("adviser.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
)
login_failures = Table(
    "adviser_login_failure", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(255), nullable=False),
    Column("client_key", String(64), nullable=False),
    Column("failed_at", DateTime, nullable=False),
)


class AccountError(ValueError):
    """A French, one-line explanation of why an account operation was refused."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def client_key(address: Optional[str]) -> str:
    """What the failure table stores for a client: a hash of its address, not the address."""
    return hashlib.sha256(("capnum-client:" + (address or "inconnu")).encode()).hexdigest()


# -- passwords ---------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: Optional[int] = None, r: Optional[int] = None,
                  p: Optional[int] = None) -> str:
    """A new hash, with today's parameters (SCRYPT_N, SCRYPT_R, SCRYPT_P) unless others are given."""
    n, r, p = n or SCRYPT_N, r or SCRYPT_R, p or SCRYPT_P
    salt = secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                         maxmem=128 * r * n * 2)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        n, r, p = int(n), int(r), int(p)
        expected = base64.b64decode(key)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=n, r=r, p=p,
                                dklen=len(expected), maxmem=128 * r * n * 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@functools.lru_cache(maxsize=None)
def _dummy_hash(n: int, r: int, p: int) -> str:
    """A hash to check against when the account does not exist: same cost, so that timing does
    not tell which e-mail addresses have an account. Made at the first sign-in of the process
    (whatever the address), not at import: importing this module costs no scrypt."""
    return hash_password(secrets.token_urlsafe(16), n=n, r=r, p=p)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Le mot de passe doit avoir au moins {MIN_PASSWORD_LENGTH} caractères.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError("Le mot de passe est trop long.")


# -- accounts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Adviser:
    id: int
    email: str
    role: str
    active: bool = True


def check_new_account(engine: Engine, email: str, role: str = "adviser") -> str:
    """The normalised e-mail of an account that may be created, or AccountError (invalid
    address, unknown role, an account already there): before any password is asked."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 255:
        raise AccountError("Adresse e-mail invalide.")
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : {role} (choix : {', '.join(ROLES)}).")
    with engine.connect() as conn:
        if conn.execute(select(advisers.c.id).where(advisers.c.email == email)).first():
            raise AccountError(f"Un compte existe déjà pour {email}.")
    return email


def add_adviser(engine: Engine, email: str, password: str, role: str = "adviser") -> Adviser:
    email = check_new_account(engine, email, role)
    check_new_password(password)
    hashed = hash_password(password)
    with engine.begin() as conn:
        if conn.execute(select(advisers.c.id).where(advisers.c.email == email)).first():
            raise AccountError(f"Un compte existe déjà pour {email}.")
        new_id = conn.execute(insert(advisers).values(
            email=email, password_hash=hashed, role=role, active=True, created_at=utcnow(),
        )).inserted_primary_key[0]
    return Adviser(new_id, email, role)


def list_advisers(engine: Engine) -> list[Adviser]:
    with engine.connect() as conn:
        rows = conn.execute(select(advisers.c.id, advisers.c.email, advisers.c.role, advisers.c.active)
                            .order_by(advisers.c.email)).all()
    return [Adviser(r.id, r.email, r.role, bool(r.active)) for r in rows]


def _set_active(engine: Engine, email: str, active: bool) -> None:
    email = normalise_email(email)
    with engine.begin() as conn:
        row = conn.execute(select(advisers.c.id).where(advisers.c.email == email)).first()
        if row is None:
            raise AccountError(f"Aucun compte pour {email}.")
        conn.execute(update(advisers).where(advisers.c.id == row.id).values(active=active))
        if not active:
            conn.execute(delete(adviser_sessions).where(adviser_sessions.c.adviser_id == row.id))


def disable_adviser(engine: Engine, email: str) -> None:
    """The account can no longer sign in; its open sessions end now."""
    _set_active(engine, email, False)


def enable_adviser(engine: Engine, email: str) -> None:
    """A disabled account can sign in again, with the password it had."""
    _set_active(engine, email, True)


# -- sign-in and rate limit ----------------------------------------------------------------

@dataclass(frozen=True)
class LoginResult:
    adviser: Optional[Adviser] = None
    locked_until: Optional[dt.datetime] = None  # set when refused by the rate limit

    @property
    def ok(self) -> bool:
        return self.adviser is not None


def _locked_until(times: list[dt.datetime], limit: int = MAX_FAILURES) -> Optional[dt.datetime]:
    """End of the lockout implied by these failure times (any `limit` of them within
    FAILURE_WINDOW lock for LOCKOUT after the last of them), or None."""
    times = sorted(times)
    until = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= FAILURE_WINDOW:
            until = times[i] + LOCKOUT
    return until


def lockout(engine: Engine, email: str, client: str, now: Optional[dt.datetime] = None) -> Optional[dt.datetime]:
    """When sign-in is refused for this account from this client (or for this client on any
    account): the end of the refusal. Failures from other clients never count."""
    now = now or utcnow()
    since = now - FAILURE_WINDOW - LOCKOUT
    with engine.connect() as conn:
        rows = conn.execute(select(login_failures.c.email, login_failures.c.failed_at)
                            .where(login_failures.c.failed_at >= since,
                                   login_failures.c.client_key == client)).all()
    ends = [_locked_until([r.failed_at for r in rows if r.email == email]),
            _locked_until([r.failed_at for r in rows], MAX_CLIENT_FAILURES)]
    ends = [end for end in ends if end is not None and end > now]
    return max(ends) if ends else None


def authenticate(engine: Engine, email: str, password: str, client: str,
                 now: Optional[dt.datetime] = None) -> LoginResult:
    """Checks a sign-in. client is client_key(address). Refused (with locked_until) while the
    account or the client is locked out; a wrong password is recorded as a failure."""
    now = now or utcnow()
    email = normalise_email(email)[:255]
    password = (password or "")[:MAX_PASSWORD_LENGTH]
    until = lockout(engine, email, client, now)
    if until is not None:
        return LoginResult(locked_until=until)
    dummy = _dummy_hash(SCRYPT_N, SCRYPT_R, SCRYPT_P)  # before the lookup: every first sign-in pays it
    with engine.connect() as conn:
        row = conn.execute(select(advisers).where(advisers.c.email == email)).first()
    valid = verify_password(password, row.password_hash if row is not None else dummy)
    if row is None or not valid or not row.active:
        with engine.begin() as conn:
            conn.execute(insert(login_failures).values(email=email, client_key=client, failed_at=now))
            # Old failures no longer count: keep the table small.
            conn.execute(delete(login_failures).where(login_failures.c.failed_at < now - FAILURE_WINDOW - LOCKOUT))
        return LoginResult(locked_until=lockout(engine, email, client, now))
    with engine.begin() as conn:
        conn.execute(delete(login_failures).where(login_failures.c.email == email,
                                                  login_failures.c.client_key == client))
        values = {"last_login_at": now}
        if needs_rehash(row.password_hash):
            values["password_hash"] = hash_password(password)
        conn.execute(update(advisers).where(advisers.c.id == row.id).values(**values))
    return LoginResult(adviser=Adviser(row.id, row.email, row.role, True))


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        scheme, n, r, p, _salt, _key = stored.split("$")
        return scheme != "scrypt" or int(n) < SCRYPT_N or int(r) < SCRYPT_R or int(p) < SCRYPT_P
    except ValueError:
        return True


def set_password(engine: Engine, email: str, password: str) -> None:
    """New password for an account; its open sessions end."""
    check_new_password(password)
    email = normalise_email(email)
    with engine.begin() as conn:
        row = conn.execute(select(advisers.c.id).where(advisers.c.email == email)).first()
        if row is None:
            raise AccountError(f"Aucun compte pour {email}.")
        conn.execute(update(advisers).where(advisers.c.id == row.id).values(password_hash=hash_password(password)))
        conn.execute(delete(adviser_sessions).where(adviser_sessions.c.adviser_id == row.id))


def sweep_sessions(engine: Engine, idle_seconds: float = DEFAULT_IDLE_SECONDS,
                   max_seconds: float = DEFAULT_MAX_SECONDS, now: Optional[dt.datetime] = None) -> int:
    """Deletes every session that ended (idle too long, or older than the absolute lifetime)."""
    now = now or utcnow()
    with engine.begin() as conn:
        return conn.execute(delete(adviser_sessions).where(or_(
            adviser_sessions.c.last_seen_at < now - dt.timedelta(seconds=idle_seconds),
            adviser_sessions.c.created_at < now - dt.timedelta(seconds=max_seconds)))).rowcount


# -- sessions ----------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AdviserSession:
    token: str
    adviser: Adviser
    csrf_token: str


def start_console_session(engine: Engine, adviser: Adviser, now: Optional[dt.datetime] = None,
                 idle_seconds: float = DEFAULT_IDLE_SECONDS,
                 max_seconds: float = DEFAULT_MAX_SECONDS) -> AdviserSession:
    now = now or utcnow()
    sweep_sessions(engine, idle_seconds, max_seconds, now)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(insert(adviser_sessions).values(token_hash=_token_hash(token), adviser_id=adviser.id,
                                                     csrf_token=csrf, created_at=now, last_seen_at=now))
    return AdviserSession(token, adviser, csrf)


def resume_session(engine: Engine, token: Optional[str], idle_seconds: float = DEFAULT_IDLE_SECONDS,
                   now: Optional[dt.datetime] = None,
                   max_seconds: float = DEFAULT_MAX_SECONDS) -> tuple[Optional[AdviserSession], bool]:
    """(session, expired): the live session for this token (its idle clock restarted), or
    None; expired is True when the token named a session that ended for inactivity or for
    its absolute lifetime (it is then deleted, with every other ended session)."""
    if not token or len(token) > 200:
        return None, False
    now = now or utcnow()
    key = _token_hash(token)
    with engine.begin() as conn:
        row = conn.execute(
            select(adviser_sessions.c.csrf_token, adviser_sessions.c.last_seen_at,
                   adviser_sessions.c.created_at, advisers.c.id,
                   advisers.c.email, advisers.c.role, advisers.c.active)
            .select_from(adviser_sessions.join(advisers, advisers.c.id == adviser_sessions.c.adviser_id))
            .where(adviser_sessions.c.token_hash == key)).first()
        if row is None:
            return None, False
        if not row.active or now - row.last_seen_at > dt.timedelta(seconds=idle_seconds) \
                or now - row.created_at > dt.timedelta(seconds=max_seconds):
            conn.execute(delete(adviser_sessions).where(adviser_sessions.c.token_hash == key))
            # Sweep the other sessions that ended too.
            conn.execute(delete(adviser_sessions).where(or_(
                adviser_sessions.c.last_seen_at < now - dt.timedelta(seconds=idle_seconds),
                adviser_sessions.c.created_at < now - dt.timedelta(seconds=max_seconds))))
            return None, True
        conn.execute(update(adviser_sessions).where(adviser_sessions.c.token_hash == key)
                     .values(last_seen_at=now))
    return AdviserSession(token, Adviser(row.id, row.email, row.role, True), row.csrf_token), False


def close_session(engine: Engine, token: Optional[str]) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(delete(adviser_sessions).where(adviser_sessions.c.token_hash == _token_hash(token)))


def count_sessions(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(adviser_sessions)).scalar_one()
