"""Command line: python -m bot.tools.catalogue {import,stats,export,seed-demo,generate,migrate}.

Errors are shown in French, one line each, without traceback; the exit status is non-zero
when an import is aborted or a file is unusable.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional

from bot.core import config


def _engine(url: Optional[str]):
    from bot.services.catalogue.db import ensure_schema, get_engine

    return ensure_schema(get_engine(url))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    from bot.services.catalogue.importers import FileError, ImportAborted, import_file

    try:
        engine = _engine(args.database_url)
        report = import_file(Path(args.file), engine=engine, fmt=args.format, on_error=args.on_error,
                             progress=None if not args.no_progress else False,
                             warn=lambda m: _say(f"avertissement : {m}"),
                             report_error=lambda m: _say(f"rejeté : {m}"))
    except FileError as exc:
        _say(f"erreur : {exc}")
        _say("import annulé : le catalogue existant est inchangé.")
        return 2
    except ImportAborted as exc:
        _say(f"erreur : {exc}")
        _say("import annulé (--on-error abort) : le catalogue existant est inchangé.")
        return 3
    print(report.summary())
    return 0


def cmd_seed_demo(args) -> int:
    from bot.services.catalogue.demo import seed_demo
    from bot.services.catalogue.importers.base import FileError, ImportAborted

    try:
        report = seed_demo(_engine(args.database_url))
    except (FileError, ImportAborted) as exc:
        _say(f"erreur : catalogue de démonstration : {exc}")
        return 3
    print("catalogue de démonstration chargé : " + report.summary())
    return 0


def cmd_stats(args) -> int:
    from bot.services.catalogue.export import stats

    data = stats(_engine(args.database_url))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"organismes : {data['organismes']}\nformations : {data['formations']}\n"
          f"actions : {data['actions']}\nsessions : {data['sessions']}")
    print("actions par modalité : " + ", ".join(f"{k} {v}" for k, v in data["actions_par_modalite"].items()))
    print("actions par domaine : " + ", ".join(f"{k} {v}" for k, v in data["actions_par_domaine"].items()))
    return 0


def cmd_export(args) -> int:
    from bot.services.catalogue.export import export_text

    content = export_text(_engine(args.database_url), args.format)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(content, encoding="utf-8")
        _say(f"catalogue exporté dans {args.out}")
    else:
        sys.stdout.write(content)
    return 0


def cmd_generate(args) -> int:
    import time

    from bot.tools.generate_catalogue import generate

    out = Path(args.out) if args.out else config.VAR_DIR / f"bench-{args.actions}.xml"
    start = time.perf_counter()
    counts = generate(out, args.actions, seed=args.seed)
    print(f"{counts['actions']} actions ({counts['formations']} formations, {counts['sessions']} sessions) "
          f"écrites dans {out} en {time.perf_counter() - start:.1f} s ; importez-les avec : "
          f"python -m bot.tools.catalogue import {out}")
    return 0


def cmd_migrate(args) -> int:
    from bot.services.catalogue.db import get_engine, upgrade

    engine = get_engine(args.database_url)
    upgrade(engine, args.revision)
    print(f"schéma du catalogue à jour ({args.revision}) : {engine.url.render_as_string(hide_password=True)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.catalogue", description="Catalogue des formations Cap Numérique")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=None, help="défaut : DATABASE_URL ou var/catalogue.db")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", parents=[common], help="importer un fichier LHÉO XML, CSV Mon Compte Formation ou YAML")
    p.add_argument("file")
    p.add_argument("--format", choices=("auto", "lheo", "mcf-csv", "yaml"), default="auto")
    p.add_argument("--on-error", choices=("skip", "abort"), default="skip",
                   help="skip : ignorer les enregistrements invalides ; abort : tout annuler")
    p.add_argument("--no-progress", action="store_true", help="sans barre de progression")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("stats", parents=[common], help="compter le contenu du catalogue")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("export", parents=[common], help="exporter le catalogue (format lisible)")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument("--out", default=None)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("seed-demo", parents=[common], help="charger le catalogue de démonstration")
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("generate", help="écrire un gros catalogue synthétique (LHÉO XML)")
    p.add_argument("--actions", type=int, required=True)
    p.add_argument("--out", default=None)
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("migrate", parents=[common], help="créer ou mettre à jour le schéma (Alembic)")
    p.add_argument("--revision", default="head")
    p.set_defaults(func=cmd_migrate)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = args.func(args)
        sys.stdout.flush()  # inside the try: a reader that left (`| head`) is seen here
        return status
    except BrokenPipeError:
        # The reader has what it wanted (`stats | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        _say("interrompu : le catalogue existant est inchangé.")
        return 130
    except Exception as exc:  # operator-facing: one French line, no traceback
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            _say(f"erreur : base de données : {str(exc).splitlines()[0]}")
            return 4
        if isinstance(exc, OSError):
            _say(f"erreur : {exc}")
            return 4
        raise


if __name__ == "__main__":
    sys.exit(main())
