"""python -m bot.tools.report: the report as files, and the nightly aggregation."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Iterable, Optional

from sqlalchemy.engine import Engine

from bot.services.report.figures import compute_report
from bot.services.report.render import standalone_html, to_csv


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date '{value}' invalide : écrivez AAAA-MM-JJ, par exemple 2026-01-01")


def _engine(url: Optional[str]) -> Engine:
    from bot.services.catalogue.db import ensure_schema, get_engine

    return ensure_schema(get_engine(url))


def main(argv: Optional[Iterable[str]] = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["aggregate"]:
        from bot.services.analytics import aggregate
        from bot.services.privacy import parse_duration

        parser = argparse.ArgumentParser(prog="python -m bot.tools.report aggregate",
                                         description="Agréger les événements bruts des jours passés")
        parser.add_argument("--older-than", default="1d", help="ex. 1d (défaut), 12h")
        parser.add_argument("--database-url", default=None)
        args = parser.parse_args(args_list[1:])
        try:
            older_than = parse_duration(args.older_than)
        except ValueError as exc:
            print(f"erreur : {exc}", file=sys.stderr)
            return 2
        done = aggregate(_engine(args.database_url), older_than=older_than)
        print(f"événements agrégés : {done['events']} ({done['cells']} cases)")
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m bot.tools.report", description="Rapport pour la Région",
        epilog="Chaque nuit, python -m bot.tools.report aggregate [--older-than 1d] regroupe les jours passés.")
    parser.add_argument("--since", type=_date, required=True, help="premier jour, AAAA-MM-JJ")
    parser.add_argument("--until", type=_date, default=None, help="dernier jour inclus (défaut : aujourd'hui)")
    parser.add_argument("--out", default=None, help="fichier HTML autonome")
    parser.add_argument("--csv", default=None, help="fichier CSV")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(args_list)
    if not args.out and not args.csv:
        parser.error("indiquez --out rapport.html et/ou --csv rapport.csv")
    if args.until and args.until < args.since:
        print(f"erreur : la période est à l'envers : --since {args.since.isoformat()} vient après "
              f"--until {args.until.isoformat()}. Donnez d'abord le premier jour, puis le dernier.",
              file=sys.stderr)
        return 2
    until = args.until + dt.timedelta(days=1) if args.until else None
    report = compute_report(_engine(args.database_url), args.since, until)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(standalone_html(report))
        print(f"rapport écrit : {args.out}")
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as handle:
            handle.write(to_csv(report))
        print(f"CSV écrit : {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
