"""Personal data from the command line: erase one person, purge old conversations
(bot.services.privacy holds the rules).

    python -m bot.tools.privacy purge --older-than 90d [--tracker-db-url URL] [--database-url URL] [--dry-run]
    python -m bot.tools.privacy erase SENDER_ID [--tracker-db-url URL] [--database-url URL]
                                           # with RABBITMQ_URL: the erasure event on the broker too
"""
from __future__ import annotations

import argparse
import sys
from typing import Iterable, Optional

from bot.services.privacy import erase_person, parse_duration, publish_erasure, purge


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.privacy", description="Données personnelles Cap Numérique")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--tracker-db-url", default=None,
                        help="conversations ; défaut : TRACKER_DB_URL, DATABASE_URL ou var/conversations.db")
    common.add_argument("--database-url", default=None, help="codes récapitulatifs ; défaut : DATABASE_URL ou var/catalogue.db")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("purge", parents=[common], help="effacer les conversations anciennes et les codes expirés")
    p.add_argument("--older-than", required=True, help="ex. 90d, 12h, 30m")
    p.add_argument("--dry-run", action="store_true", help="compter sans effacer")
    p = sub.add_parser("erase", parents=[common], help="effacer tout ce qui concerne une personne")
    p.add_argument("sender_id")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "erase":
        report = erase_person(args.sender_id, args.database_url, args.tracker_db_url, erase_events=True)
        print(f"effacé : {report.events} événements de conversation, {report.recaps} codes récapitulatifs.")
        try:
            if publish_erasure(args.sender_id):
                print("Les consommateurs de RabbitMQ sont prévenus : ils effacent leur copie.")
        except OSError as exc:
            print(f"RabbitMQ injoignable ({exc}) : ses consommateurs ne sont pas prévenus. "
                  f"Relancez la commande quand il répond.", file=sys.stderr)
            return 1
        return 0
    try:
        older_than = parse_duration(args.older_than)
    except ValueError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    report = purge(older_than, args.tracker_db_url, args.database_url, dry_run=args.dry_run)
    verb = "à effacer (simulation, rien n'est effacé)" if args.dry_run else "effacées"
    print(f"conversations {verb} : {report.conversations} ({report.events} événements)\n"
          f"codes récapitulatifs expirés {'à effacer' if args.dry_run else 'effacés'} : {report.recaps}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
