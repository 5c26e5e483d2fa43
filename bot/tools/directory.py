"""The directory of help places from the command line (bot.services.directory holds
the rules and the CSV format).

    python -m bot.tools.directory import FILE [--database-url URL]   # replaces the directory
    python -m bot.tools.directory stats [--database-url URL]
    python -m bot.tools.directory seed-demo [--if-empty]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterable, Optional

from bot.services.directory import DEMO_DIRECTORY, DirectoryError, count_places, directory_engine, import_directory


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _summary(counts: dict[str, int]) -> str:
    return (f"missions locales : {counts.get('mission_locale', 0)}, "
            f"France Travail : {counts.get('france_travail', 0)}, Cap emploi : {counts.get('cap_emploi', 0)}")


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.directory",
                                     description="Annuaire des lieux d'accompagnement Cap Numérique")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=None, help="défaut : DATABASE_URL ou var/catalogue.db")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import", parents=[common], help="remplacer l'annuaire par un fichier CSV")
    p.add_argument("file")
    sub.add_parser("stats", parents=[common], help="compter les lieux de l'annuaire")
    p = sub.add_parser("seed-demo", parents=[common], help="charger l'annuaire de démonstration (fictif)")
    p.add_argument("--if-empty", action="store_true", help="seulement si l'annuaire est vide")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        engine = directory_engine(args.database_url)
        if args.command == "stats":
            print(_summary(count_places(engine)))
            return 0
        if args.command == "seed-demo":
            if args.if_empty and sum(count_places(engine).values()):
                print("annuaire déjà chargé : inchangé.")
                return 0
            count = import_directory(DEMO_DIRECTORY, engine)
            print(f"annuaire de démonstration (fictif) chargé : {count} lieux.")
            return 0
        count = import_directory(Path(args.file), engine)
    except DirectoryError as exc:
        for line in str(exc).splitlines():
            _say(f"erreur : {line}")
        _say("import annulé : l'annuaire existant est inchangé.")
        return 2
    print(f"annuaire importé : {count} lieux ({_summary(count_places(engine))}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
