"""`make bench`: Cap Numérique, then the stock `rasa init` assistant, on the same machine in
the same run, through the load tool (bot.tools.loadtest), and the ratio of the two.

    python -m bot.tools.bench [--servers 2] [--concurrency 20] [--duration 30] [--rates 20,30,40]
        [--cpu-conversations 20 --cpu-length 40] [--memory-conversations 1250 --memory-step 250] [--without-stock]

After Cap Numérique's load measures, one of its Rasa servers is measured alone from /proc: CPU per
message by position in a 40-message conversation, and resident memory every 250 conversations.

The servers are started by the one launcher (bot.tools.serve: build_replicas, servers_running);
results go to var/bench/results.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Optional

from bot.core import config
from bot.tools.loadtest import cpu_per_message, memory_after, print_report, run_once
from bot.tools.serve import (
    BIN, Server, ServersDidNotStart, build_replicas, latest_model, port_is_free, server_environment,
    servers_running,
)

TOKEN = "bench-token"


def _measure(name: str, urls: list[str], script: str, args: argparse.Namespace) -> dict:
    """Warm-up, then a closed loop and one open loop per rate, read back (--verify)."""
    print(f"--- {name}: warm-up", flush=True)
    asyncio.run(run_once(urls, script, "closed", concurrency=2 * len(urls), conversations=4 * len(urls),
                         prefix=f"warm-{name}-{int(time.time())}"))
    closed = asyncio.run(run_once(urls, script, "closed", concurrency=args.concurrency, duration=args.duration,
                                  token=TOKEN, verify=True, prefix=f"closed-{name}-{int(time.time())}"))
    closed.pop("senders")
    print_report(f"{name} closed loop, {args.concurrency} conversations", closed)
    figures = {"closed": closed}
    for rate in args.rates:
        opened = asyncio.run(run_once(urls, script, "open", rate=rate, duration=args.duration, token=TOKEN,
                                      verify=True, prefix=f"open{rate:g}-{name}-{int(time.time())}"))
        opened.pop("senders")
        print_report(f"{name} open loop at {rate:g} msg/s offered", opened)
        figures[f"open_{rate:g}"] = opened
    return figures


def _process_figures(replica, args: argparse.Namespace) -> dict:
    """On one Rasa server, read from /proc: CPU seconds per message by position in 40-message
    conversations, then resident memory as whole conversations add up."""
    pid = replica.rasa.process.pid
    figures = {}
    if args.cpu_conversations:
        print(f"--- capnum: CPU of one Rasa server per message ({args.cpu_conversations} conversations "
              f"of {args.cpu_length} messages, one message at a time)", flush=True)
        figures["cpu"] = asyncio.run(cpu_per_message(replica.url, pid, args.cpu_conversations, args.cpu_length))
        blocks = ", ".join(f"{k}: {v} ms" for k, v in figures["cpu"]["cpu_ms_per_message_by_position"].items())
        print(f"CPU per message by position: {blocks}; mean {figures['cpu']['cpu_ms_per_message']} ms", flush=True)
    if args.memory_conversations:
        print(f"--- capnum: resident memory of one Rasa server over {args.memory_conversations} conversations",
              flush=True)
        figures["memory"] = asyncio.run(memory_after(replica.url, pid, args.memory_conversations, args.memory_step))
    return figures


def _stock_model(env: dict) -> str:
    """The stock `rasa init` assistant's model, created under var/stock_bot the first time."""
    stock_dir = config.VAR_DIR / "stock_bot"
    models = sorted((stock_dir / "models").glob("*.tar.gz")) if stock_dir.exists() else []
    if not models:
        print("Création du bot de référence (rasa init) dans var/stock_bot…", flush=True)
        stock_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(stock_dir)], env=env,
                       cwd=config.VAR_DIR, check=True, stdout=subprocess.DEVNULL)
        models = sorted((stock_dir / "models").glob("*.tar.gz"))
    return str(models[-1])


def _stock_servers(count: int, model: str, ports, work) -> list[Server]:
    stock_dir = config.VAR_DIR / "stock_bot"
    servers = []
    for i in range(count):
        port = next(ports)
        cmd = [str(BIN / "rasa"), "run", "--enable-api", "--auth-token", TOKEN, "--port", str(port),
               "--interface", "127.0.0.1", "--model", model, "--credentials", str(stock_dir / "credentials.yml")]
        servers.append(Server(f"stock Rasa {i}", cmd, port, "/", work / f"stock-{i}.log", cwd=stock_dir))
    return servers


def _ratios(results: dict, args: argparse.Namespace) -> dict:
    print("--- Ratio Cap Numérique / stock rasa init (same run, same machine)")
    ours, stock = results["capnum"], results["stock"]
    ratios = {"capacity": round(ours["closed"]["throughput_msg_s"] / max(1e-9, stock["closed"]["throughput_msg_s"]), 2)}
    print(f"capacity (closed loop, {args.concurrency} conversations): {ours['closed']['throughput_msg_s']} vs "
          f"{stock['closed']['throughput_msg_s']} msg/s → ratio {ratios['capacity']}")
    for rate in args.rates:
        key = f"open_{rate:g}"
        a, b = ours[key]["p95_ms"], stock[key]["p95_ms"]
        if a and b:
            ratios[f"p95_at_{rate:g}"] = round(a / b, 2)
        print(f"p95 at {rate:g} msg/s offered: {a} vs {b} ms → ratio {ratios.get(f'p95_at_{rate:g}')}")
    return ratios


def bench(args: argparse.Namespace) -> int:
    work = config.VAR_DIR / "bench"
    work.mkdir(parents=True, exist_ok=True)
    env = server_environment()
    model = latest_model()
    if model is None:
        print("Aucun modèle entraîné dans models/ : lancez `make train`.", file=sys.stderr)
        return 1

    def ports(base: int):
        return iter([p for p in range(base, base + 200) if port_is_free(p)][: 2 * args.servers])

    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "servers": args.servers}
    # 1. Cap Numérique: the embedded default (SQLite tracker store under var/bench, in-memory
    #    lock store, sticky routing) unless TRACKER_DB_URL / REDIS_URL are set.
    env.setdefault("TRACKER_DB_URL", f"sqlite:///{work / 'conversations.db'}")
    replicas = build_replicas(args.servers, model, TOKEN, work, env, ports(args.base_port))
    print(f"Starting {args.servers} Rasa servers + {args.servers} action servers "
          f"(tracker store {env['TRACKER_DB_URL'].split(':')[0]}, lock store "
          f"{'redis' if env.get('REDIS_URL') else 'in-memory'})…", flush=True)
    # 2. The stock `rasa init` assistant, same machine, same number of servers.
    runs = [("capnum", [s for r in replicas for s in r.servers], [r.url for r in replicas])]
    if not args.without_stock:
        stock = _stock_servers(args.servers, _stock_model(env), ports(args.base_port + 300), work)
        runs.append(("stock", stock, [f"http://127.0.0.1:{s.port}" for s in stock]))
    for name, servers, urls in runs:
        try:
            with servers_running(servers, env, timeout=600):
                results[name] = _measure(name, urls, name, args)
                if name == "capnum":
                    results["capnum_process"] = _process_figures(replicas[0], args)
        except ServersDidNotStart as exc:
            print(exc, file=sys.stderr)
            return 1
    if "stock" in results:
        results["ratios"] = _ratios(results, args)
    out = work / "results.json"
    out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"Résultats : {out}")
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")], default=[20.0, 30.0, 40.0])
    parser.add_argument("--base-port", type=int, default=15005)
    parser.add_argument("--cpu-conversations", type=int, default=20, help="0: no CPU-per-message measure")
    parser.add_argument("--cpu-length", type=int, default=40, help="messages per conversation for the CPU measure")
    parser.add_argument("--memory-conversations", type=int, default=1250, help="0: no memory measure")
    parser.add_argument("--memory-step", type=int, default=250)
    parser.add_argument("--without-stock", action="store_true", help="Cap Numérique alone (no ratio): a quick check")
    return bench(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
