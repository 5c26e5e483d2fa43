"""Data at rest and in exports: a catalogue title written as a formula stays text in the
Region's CSV; report windows are whole months; files holding secrets or data are 0600;
SQLite overwrites what it deletes; SQLAlchemy never shows statement parameters."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.services.catalogue.db import create_catalogue_engine, ensure_schema, get_engine
from bot.services.report import csv_cell, snap_to_months, to_csv


@pytest.mark.parametrize("value,shown", [
    ("=HYPERLINK(\"http://x\",\"clic\")", "'=HYPERLINK(\"http://x\",\"clic\")"),
    ("+33 1 23", "'+33 1 23"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Développeur web", "Développeur web"), ("< 5", "< 5"), (12, "12"),
])
def test_csv_cells_are_neutralised(value, shown):
    assert csv_cell(value) == shown


def test_a_formula_title_from_the_catalogue_is_text_in_the_region_csv(tmp_path):
    from bot.services.report import Cell, Report, Table

    report = Report(dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.datetime(2026, 2, 1))
    report.tables["top"] = Table("top", "Formations les plus proposées", ("Formation", "Personnes"),
                                 [(("=cmd|' /C calc'!A0",), Cell(12))])
    rows = list(csv.reader(io.StringIO(to_csv(report)), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


@pytest.mark.parametrize("since,until,expected", [
    (dt.date(2026, 3, 2), dt.date(2026, 3, 20), (dt.date(2026, 3, 1), dt.date(2026, 4, 1))),
    (dt.date(2026, 3, 1), dt.date(2026, 4, 1), (dt.date(2026, 3, 1), dt.date(2026, 4, 1))),
    (dt.date(2026, 3, 1), dt.date(2026, 4, 2), (dt.date(2026, 3, 1), dt.date(2026, 5, 1))),
    (dt.date(2025, 12, 31), dt.date(2026, 1, 1), (dt.date(2025, 12, 1), dt.date(2026, 1, 1))),
])
def test_report_windows_are_whole_calendar_months(since, until, expected):
    assert snap_to_months(since, until) == expected


def test_two_windows_one_day_apart_give_the_same_report(tmp_path):
    from bot.services.report import compute_report

    engine = ensure_schema(get_engine(f"sqlite:///{tmp_path / 'r.db'}"))
    a = compute_report(engine, dt.date(2026, 1, 1), dt.date(2026, 3, 15), today=dt.date(2026, 6, 1))
    b = compute_report(engine, dt.date(2026, 1, 2), dt.date(2026, 3, 14), today=dt.date(2026, 6, 1))
    assert (a.since, a.until) == (b.since, b.until) == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_holding_secrets_or_data_are_the_owner_s_only(tmp_path, monkeypatch):
    from bot.tools.credentials import write_credentials
    from bot.tools.endpoints import write_endpoints

    monkeypatch.setattr(os, "umask", os.umask)  # (restored below)
    old = os.umask(0o022)
    try:
        env = {"DATABASE_URL": "postgresql://capnum:pg-password@db:5432/capnum",
               "REDIS_URL": "redis://:redis-password@r:6379/0", "CAPNUM_ACTION_TOKEN": "x" * 32}
        endpoints = write_endpoints("http://127.0.0.1:5055/webhook", tmp_path / "endpoints.yml", env)
        assert mode(endpoints) == 0o600 and "pg-password" in endpoints.read_text()
        assert "token: " + "x" * 32 in endpoints.read_text()
        (tmp_path / "credentials.yml").write_text("old")
        os.chmod(tmp_path / "credentials.yml", 0o644)
        assert mode(write_credentials(tmp_path / "credentials.yml", {})) == 0o600
        engine = ensure_schema(create_catalogue_engine(f"sqlite:///{tmp_path / 'catalogue.db'}"))
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        for name in ("catalogue.db", "catalogue.db-wal", "catalogue.db-shm"):
            if (tmp_path / name).exists():
                assert mode(tmp_path / name) == 0o600, name
    finally:
        os.umask(old)


def test_sqlite_overwrites_deleted_rows_and_errors_hide_parameters(tmp_path):
    engine = create_catalogue_engine(f"sqlite:///{tmp_path / 'erase.db'}")
    with engine.begin() as conn:
        assert conn.execute(text("PRAGMA secure_delete")).scalar_one() == 1
        conn.execute(text("CREATE TABLE t (body TEXT)"))
        conn.execute(text("INSERT INTO t VALUES (:b)"), {"b": "mon numéro 0612345678 " * 50})
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM t"))
    engine.dispose()
    raw = b"".join((tmp_path / n).read_bytes() for n in ("erase.db", "erase.db-wal") if (tmp_path / n).exists())
    assert b"0612345678" not in raw
    with pytest.raises(SQLAlchemyError) as error:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO nowhere VALUES (:b)"), {"b": "0698765432"})
    assert "0698765432" not in str(error.value)
