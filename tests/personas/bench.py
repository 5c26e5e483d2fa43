"""`make bench-dialogue`: plays every generated persona and prints the figures (held-out first).

    python -m tests.personas.bench                       # starts its own assistant on free ports
    python -m tests.personas.bench --url http://localhost:5005 --token "$RASA_AUTH_TOKEN"
    python -m tests.personas.bench --limit 40 --only heldout -v

Always exits 0 (it is a measure); writes results/bench_dialogue.json.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from tests.personas import report
from tests.personas.generate import DEFAULT_COUNT, DEFAULT_SEED, generate
from tests.personas.simulator import Bot, play

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def own_assistant():
    from tests.servers import running_assistant  # needs the project's venv (Rasa, pytest)

    work_dir = Path(tempfile.mkdtemp(prefix="capnum-bench-dialogue-"))
    return running_assistant(work_dir)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="an assistant already running (default: start one on free ports)")
    ap.add_argument("--token", default="", help="the Rasa HTTP API token (with --url)")
    ap.add_argument("--limit", type=int, help="play only the first N personas of each split")
    ap.add_argument("--only", choices=["heldout", "build"])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--no-followups", action="store_true")
    ap.add_argument("--out", default=str(PROJECT_ROOT / "results" / "bench_dialogue.json"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print the failing conversations")
    args = ap.parse_args(argv)

    personas = generate(args.seed, args.count)
    if args.only:
        personas = [p for p in personas if p["split"] == args.only]
    if args.limit:
        kept, seen = [], {}
        for p in personas:
            seen[p["split"]] = seen.get(p["split"], 0) + 1
            if seen[p["split"]] <= args.limit:
                kept.append(p)
        personas = kept

    started = time.time()
    context = nullcontext(None) if args.url else own_assistant()
    with context as assistant:
        bot = Bot(args.url, args.token) if args.url else Bot(assistant.url, assistant.token)
        print(f"bench-dialogue: {len(personas)} personas against {bot.url}, {args.concurrency} at a time",
              flush=True)
        results = []
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            futures = [pool.submit(play, bot, p, not args.no_followups) for p in personas]
            for i, future in enumerate(futures, 1):
                results.append(future.result())
                if i % 25 == 0:
                    print(f"  {i}/{len(personas)} played ({time.time() - started:.0f} s)", flush=True)
    elapsed = time.time() - started

    summaries = {}
    for split in ("heldout", "build"):
        part = [r for r in results if r.split == split]
        if part:
            summaries[split] = report.summarise(part)
    summaries["all"] = report.summarise(results)
    if args.verbose:
        for r in results:
            if not r.success or any(not ok for ok in r.followups.values()):
                report.print_conversation(r)
    for name, summary in summaries.items():
        report.print_summary(name, summary)
    print(f"{len(results)} personas in {elapsed:.0f} s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"seed": args.seed, "count": args.count, "elapsed_s": round(elapsed),
                               "url": bot.url, "summary": summaries,
                               "conversations": [r.as_dict() for r in results]},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"report: {out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
