"""Matching engine latency: p50 / p95 / p99 per query on the demo and on a generated catalogue.

    python -m bot.tools.bench_matching [--actions 100000] [--queries 500] [--decisive]

--decisive measures MatchingEngine.decisive_slots (run on every turn while questions remain)
instead of recommend(): each profile asks about the preference slots it does not know.

The demo catalogue is seeded into a temporary SQLite file. The generated catalogue is built
by bot.tools.generate_catalogue + the LHÉO importer into var/bench_<n>.db, reused when present
(with --actions 100000 the file is var/bench_100k.db). Profiles are random but realistic and
seeded, so two runs ask the same questions.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.core import config
from bot.core.vocab import CRENEAUX, DOMAIN_SLOT_VALUES, IDF_DEPARTMENTS, LEVELS, MODALITES
from bot.services.search import MatchingEngine, Profile


def random_profiles(n: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        def maybe(value, p=0.85):
            return value if rng.random() < p else None
        out.append(Profile(
            situation=maybe(rng.choice(("demandeur_emploi", "demandeur_emploi", "jeune_decrocheur",
                                        "salarie", "autre"))),
            age=maybe(float(rng.randint(16, 60))),
            departement=maybe(rng.choice(IDF_DEPARTMENTS), 0.95),
            niveau=maybe(rng.choice(LEVELS)),
            domaine=maybe(rng.choice(DOMAIN_SLOT_VALUES)),
            heures_semaine=maybe(float(rng.choice((4, 6, 8, 10, 15, 20, 25, 35)))),
            creneau=maybe(rng.choice(CRENEAUX)),
            equipement=maybe(rng.choice(("ordinateur", "ordinateur", "smartphone", "aucun"))),
            modalite=maybe(rng.choice(MODALITES)),
            certification=maybe(rng.choice(("oui", "indifferent"))),
            handicap=maybe(rng.random() < 0.1),
        ))
    return out


QUESTION_SLOTS = ("situation", "age", "niveau", "heures_semaine", "equipement", "creneau", "modalite",
                  "certification", "handicap")


def unknown_slots(profile: Profile) -> tuple:
    return tuple(s for s in QUESTION_SLOTS if getattr(profile, s) is None)


def measure(matcher: MatchingEngine, profiles: list, warmup: int = 20, decisive: bool = False) -> dict:
    """decisive: time decisive_slots(profile, its unknown slots) instead of recommend();
    "empty" then counts profiles with no decisive slot, "relaxed" those with some."""
    if decisive:
        # The case decisive_slots is for: the preferences are not asked yet.
        profiles = [replace(p, creneau=None, modalite=None, certification=None, handicap=None)
                    for p in profiles]
    matcher.warm_up()
    for p in profiles[:warmup]:
        matcher.decisive_slots(p, unknown_slots(p)) if decisive else matcher.recommend(p)
    times, cpu, empty, relaxed = [], [], 0, 0
    for p in profiles:
        t0, c0 = time.perf_counter(), time.thread_time()
        if decisive:
            found = matcher.decisive_slots(p, unknown_slots(p))
            cpu.append((time.thread_time() - c0) * 1000)
            times.append((time.perf_counter() - t0) * 1000)
            empty += not found
            relaxed += bool(found)
            continue
        result = matcher.recommend(p)
        cpu.append((time.thread_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
        empty += not result.courses
        relaxed += bool(result.relaxed)
    q = statistics.quantiles(times, n=100, method="inclusive")
    qc = statistics.quantiles(cpu, n=100, method="inclusive")
    return {"n": len(times), "p50": q[49], "p95": q[94], "p99": q[98], "max": max(times),
            "cpu_p50": qc[49], "cpu_p95": qc[94], "empty": empty, "relaxed": relaxed}


def report(name: str, stats: dict) -> str:
    """Wall-clock percentiles (what a caller waits), then CPU time of the calling thread
    (SQLite runs in it), which other processes on a busy machine do not inflate."""
    return (f"{name:<28} {stats['n']} requêtes  p50 {stats['p50']:.2f} ms  p95 {stats['p95']:.2f} ms  "
            f"p99 {stats['p99']:.2f} ms  max {stats['max']:.1f} ms  | CPU p50 {stats['cpu_p50']:.2f} ms  "
            f"p95 {stats['cpu_p95']:.2f} ms  (sans résultat {stats['empty']}, "
            f"avec élargissement {stats['relaxed']})")


def demo_engine(directory: Path):
    from bot.services.catalogue.db import create_catalogue_engine
    from bot.services.catalogue.demo import seed_demo

    engine = create_catalogue_engine(f"sqlite:///{directory / 'demo.db'}")
    seed_demo(engine)
    return engine


def generated_engine(actions: int):
    """var/bench_<n>.db, generated and imported when missing."""
    from sqlalchemy import text

    from bot.services.catalogue.db import create_catalogue_engine, ensure_schema
    from bot.services.catalogue.importers import import_file
    from bot.tools.generate_catalogue import generate

    label = f"{actions // 1000}k" if actions % 1000 == 0 else str(actions)
    path = config.VAR_DIR / f"bench_{label}.db"
    engine = create_catalogue_engine(f"sqlite:///{path}")
    if path.exists():
        try:
            with engine.connect() as conn:
                count = conn.execute(text("SELECT count(*) FROM action")).scalar()
                # Sessions are generated relative to the generation day: regenerate when
                # most of them have started since.
                ahead = conn.execute(text("SELECT avg(CASE WHEN debut >= :d THEN 1.0 ELSE 0 END) "
                                          "FROM session"), {"d": dt.date.today().isoformat()}).scalar()
            if count == actions and (ahead or 0) >= 0.5:
                print(f"catalogue généré réutilisé : {path} ({count} actions)", flush=True)
                return engine
        except Exception:  # noqa: BLE001 - rebuilt below
            pass
        engine.dispose()
        path.unlink()
        engine = create_catalogue_engine(f"sqlite:///{path}")
    print(f"génération de {actions} actions dans {path} (quelques minutes)...", flush=True)
    ensure_schema(engine)
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "bench.xml"
        generate(xml, actions)
        import_file(xml, engine=engine, fmt="auto", on_error="skip", progress=False)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return engine


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--actions", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--decisive", action="store_true", help="measure decisive_slots instead of recommend")
    ap.add_argument("--cap", type=int, default=MatchingEngine.DEFAULT_CAP,
                    help="actions fetched per domain tier (MatchingEngine.cap)")
    args = ap.parse_args(argv)
    profiles = random_profiles(args.queries)
    lines = []
    if not args.skip_demo:
        with tempfile.TemporaryDirectory() as tmp:
            engine = demo_engine(Path(tmp))
            lines.append(report("catalogue de démonstration", measure(MatchingEngine(engine, cap=args.cap), profiles,
                                                                      decisive=args.decisive)))
            engine.dispose()
            print(lines[-1], flush=True)
    if args.actions:
        engine = generated_engine(args.actions)
        lines.append(report(f"catalogue généré ({args.actions} actions)",
                            measure(MatchingEngine(engine, cap=args.cap), profiles, decisive=args.decisive)))
        print(lines[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
