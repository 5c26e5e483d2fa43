"""The advisers' accounts, from the command line (bot.services.accounts holds the rules).

    python -m bot.tools.accounts add conseillere@mission-locale.fr [--role adviser|admin] [--password-stdin]
    python -m bot.tools.accounts list
    python -m bot.tools.accounts disable|enable conseillere@mission-locale.fr
    python -m bot.tools.accounts passwd conseillere@mission-locale.fr [--password-stdin]
"""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Callable, Optional

from bot.services.accounts import (
    ROLES, AccountError, add_adviser, check_new_account, disable_adviser, enable_adviser, list_advisers,
    normalise_email, set_password,
)


def _read_password(args, prompt: Callable[[str], str] = getpass.getpass) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = prompt("Mot de passe : ")
    second = prompt("Mot de passe (encore) : ")
    if first != second:
        raise AccountError("Les deux mots de passe sont différents.")
    return first


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.accounts",
                                     description="Comptes des conseillers (console /conseiller).")
    parser.add_argument("--database-url", help="base de données (par défaut DATABASE_URL, sinon var/catalogue.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="créer un compte")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, default="adviser")
    add.add_argument("--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    sub.add_parser("list", help="lister les comptes")
    disable = sub.add_parser("disable", help="désactiver un compte (et fermer ses sessions)")
    disable.add_argument("email")
    enable = sub.add_parser("enable", help="réactiver un compte désactivé (même mot de passe)")
    enable.add_argument("email")
    passwd = sub.add_parser("passwd", help="changer le mot de passe d'un compte (et fermer ses sessions)")
    passwd.add_argument("email")
    passwd.add_argument("--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard")
    args = parser.parse_args(argv)

    from bot.services.catalogue.db import ensure_schema, get_engine

    engine = ensure_schema(get_engine(args.database_url))
    try:
        if args.command == "add":
            check_new_account(engine, args.email, args.role)  # before the password is typed twice
            adviser = add_adviser(engine, args.email, _read_password(args), args.role)
            print(f"Compte créé : {adviser.email} ({adviser.role}).")
        elif args.command == "list":
            rows = list_advisers(engine)
            if not rows:
                print("Aucun compte.")
            for adviser in rows:
                print(f"{adviser.email}\t{adviser.role}\t{'actif' if adviser.active else 'désactivé'}")
        elif args.command == "disable":
            disable_adviser(engine, args.email)
            print(f"Compte désactivé : {normalise_email(args.email)}.")
        elif args.command == "enable":
            enable_adviser(engine, args.email)
            print(f"Compte réactivé : {normalise_email(args.email)}.")
        elif args.command == "passwd":
            set_password(engine, args.email, _read_password(args))
            print(f"Mot de passe changé : {normalise_email(args.email)} (ses sessions sont fermées).")
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("Abandon.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
