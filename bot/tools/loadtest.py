"""Load tool: many concurrent conversations through Rasa's REST channel (aiohttp).

    python -m bot.tools.loadtest run --url http://127.0.0.1:5005 [--url ...] --mode closed \\
        --concurrency 20 --duration 30 [--token T --verify]
    python -m bot.tools.loadtest run --url ... --mode open --rate 40 --duration 30

`make bench` (Cap Numérique against the stock `rasa init`, servers started for it) is bot.tools.bench.

Each conversation has its own sender and follows a real script (`CAPNUM_SCRIPTS`: greeting,
then the profile answers) until the recommendations arrive (`custom` payload of type
`recommendations`); the stock `rasa init` bot gets its own English phrases (`STOCK_SCRIPTS`).

- closed loop: `concurrency` conversations send again as soon as they get an answer
  (capacity); `--conversations N` stops after N conversations (each run once).
- open loop: messages arrive at `rate` per second (Poisson), spread over as many
  conversations as needed; a conversation never has two messages in flight (latency at a load).
- routing: `sticky` (a sender always goes to the same server) or `round-robin` (each message
  to the next server: needs a shared tracker store and lock store).

Reports throughput, p50/p95/p99 latency, errors by kind, conversations that reached the end,
and, with `--verify` (needs the HTTP API token), lost, duplicated and out-of-order user messages
read back from each conversation's tracker.

Per-process figures, read from /proc (CPU seconds of the server process, not wall time, so
they hold on a busy machine):

    python -m bot.tools.loadtest cpu --url http://127.0.0.1:5305 --pid PID [--conversations 5]
        # CPU per message by position in a 40-message conversation (1-10, 11-20, 21-30, 31-40)
    python -m bot.tools.loadtest memory --url http://127.0.0.1:5305 --pid PID --conversations 1000
        # resident memory after every 250 conversations
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

import aiohttp

CAPNUM_SCRIPTS: list[list[str]] = [
    ["Bonjour", "j'ai 21 ans", "j'habite à Bobigny", "je suis au chômage", "aucun diplôme",
     "je voudrais créer des sites internet", "à mi-temps", "j'ai un ordi portable"],
    ["bonjour", "j'ai 19 ans", "je vis à Créteil", "je suis demandeur d'emploi", "j'ai le bac",
     "la cybersécurité", "10 heures par semaine", "j'ai un ordinateur"],
    ["salut", "j'ai 25 ans", "j'habite à Argenteuil", "je suis inscrit à France Travail", "j'ai un CAP",
     "la logistique", "10 heures par semaine", "j'ai un ordinateur"],
    ["Bonjour", "j'ai 30 ans", "j'habite à Nanterre", "je suis au chômage", "j'ai un BTS",
     "le marketing digital", "12 heures par semaine", "j'ai un ordinateur portable"],
]
# Answers to questions a script did not foresee, sent in turn until the recommendations come.
CAPNUM_EXTRA = ["plutôt le soir", "100% en ligne", "peu importe", "non", "peu importe"]

STOCK_SCRIPTS: list[list[str]] = [
    ["hello", "I am sad", "yes", "are you a bot?", "hey", "great", "no", "goodbye"],
    ["hi", "my day was horrible", "no", "hello there", "I am feeling very good", "bye", "good morning",
     "see you later"],
]

APOLOGY_MARKERS = ("Désolé, un service ne répond pas", "Désolé, le service ne marche pas")


def is_recommendation(messages: list) -> bool:
    return any(isinstance(m, dict) and isinstance(m.get("custom"), dict)
               and m["custom"].get("type") == "recommendations" for m in messages)


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    # Turns that answered with recommendations: the matching query and the payload.
    recommendation_latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    messages_ok: int = 0
    conversations_started: int = 0
    conversations_done: int = 0
    conversations_failed: int = 0
    sent: dict[str, list[str]] = field(default_factory=dict)
    server_of: dict[str, str] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> dict:
        elapsed = max(1e-9, self.ended - self.started)
        lat = sorted(self.latencies)
        rec = sorted(self.recommendation_latencies)

        def pct(p: float, values: Optional[list] = None) -> Optional[float]:
            values = lat if values is None else values
            if not values:
                return None
            return round(1000 * values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1)

        return {"elapsed_s": round(elapsed, 1), "messages_ok": self.messages_ok,
                "throughput_msg_s": round(self.messages_ok / elapsed, 1),
                "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
                "mean_ms": round(1000 * statistics.fmean(lat), 1) if lat else None,
                "recommendation_turn_p50_ms": pct(50, rec), "recommendation_turn_p95_ms": pct(95, rec),
                "errors": sum(self.errors.values()), "errors_by_kind": dict(self.errors),
                "conversations_started": self.conversations_started,
                "conversations_done": self.conversations_done,
                "conversations_failed": self.conversations_failed}


class Conversation:
    def __init__(self, sender: str, script: list[str], extra: list[str], server: str, goal: str):
        self.sender, self.server, self.goal = sender, server, goal
        self.queue = list(script) + list(extra)
        self.script_len = len(script)
        self.sent = 0
        self.finished = False
        self.ok = False

    def next_text(self) -> Optional[str]:
        return self.queue[self.sent] if self.sent < len(self.queue) else None


class LoadTest:
    def __init__(self, urls: list[str], script: str = "capnum", routing: str = "sticky",
                 timeout: float = 60, prefix: Optional[str] = None, seed: int = 7):
        self.urls = [u.rstrip("/") for u in urls]
        self.scripts, self.extra, self.goal = ((CAPNUM_SCRIPTS, CAPNUM_EXTRA, "recommendations")
                                               if script == "capnum" else (STOCK_SCRIPTS, [], "end"))
        self.routing = routing
        self.timeout = timeout
        self.prefix = prefix or f"load-{int(time.time())}-{random.randrange(10**6)}"
        self.stats = Stats()
        self._ids = itertools.count()
        self._rr = itertools.count()
        self.rng = random.Random(seed)

    def new_conversation(self) -> Conversation:
        i = next(self._ids)
        sender = f"{self.prefix}-{i}"
        conv = Conversation(sender, self.scripts[i % len(self.scripts)], self.extra,
                            self.urls[i % len(self.urls)], self.goal)
        self.stats.conversations_started += 1
        self.stats.sent[sender] = []
        self.stats.server_of[sender] = conv.server
        return conv

    def _server_for(self, conv: Conversation) -> str:
        if self.routing == "round-robin":
            return self.urls[next(self._rr) % len(self.urls)]
        return conv.server

    async def send_next(self, session: aiohttp.ClientSession, conv: Conversation) -> None:
        text = conv.next_text()
        if text is None:
            conv.finished = True
            self.stats.conversations_failed += 1
            self.stats.error(f"no_{conv.goal}")
            return
        conv.sent += 1
        self.stats.sent[conv.sender].append(text)
        started = time.perf_counter()
        try:
            async with session.post(self._server_for(conv) + "/webhooks/rest/webhook",
                                    json={"sender": conv.sender, "message": text}) as resp:
                body = await resp.json(content_type=None)
                status = resp.status
        except asyncio.TimeoutError:
            self.stats.error("timeout")
            conv.finished = True
            self.stats.conversations_failed += 1
            return
        except (aiohttp.ClientError, ValueError) as exc:
            self.stats.error(type(exc).__name__)
            conv.finished = True
            self.stats.conversations_failed += 1
            return
        latency = time.perf_counter() - started
        if status != 200 or not isinstance(body, list):
            self.stats.error(f"http_{status}")
            conv.finished = True
            self.stats.conversations_failed += 1
            return
        if not body:
            self.stats.error("empty_reply")
        elif any(any(marker in (m.get("text") or "") for marker in APOLOGY_MARKERS) for m in body):
            self.stats.error("apology")
        else:
            self.stats.messages_ok += 1
            self.stats.latencies.append(latency)
        if is_recommendation(body):
            self.stats.recommendation_latencies.append(latency)
        done = (is_recommendation(body) if conv.goal == "recommendations" else conv.sent >= conv.script_len)
        if done:
            conv.finished = conv.ok = True
            self.stats.conversations_done += 1

    async def run_conversation(self, session: aiohttp.ClientSession, conv: Conversation) -> None:
        while not conv.finished:
            await self.send_next(session, conv)

    def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout),
                                     connector=aiohttp.TCPConnector(limit=0))

    async def closed_loop(self, concurrency: int, duration: Optional[float] = None,
                          conversations: Optional[int] = None, think_time: float = 0.0) -> dict:
        """`concurrency` conversations back to back; stops after `duration` s (finishing the
        turns in flight) or after `conversations` conversations. `think_time`: mean seconds a
        person takes to read and type before the next message (uniform 0.5x-1.5x; 0 = none)."""
        async with self._session() as session:
            self.stats.started = time.perf_counter()
            deadline = self.stats.started + duration if duration else None
            budget = itertools.count()

            async def worker() -> None:
                while True:
                    if conversations is not None and next(budget) >= conversations:
                        return
                    conv = self.new_conversation()
                    if think_time:  # people do not all start in the same millisecond
                        await asyncio.sleep(self.rng.uniform(0, think_time))
                    while not conv.finished:
                        if deadline and time.perf_counter() >= deadline:
                            return
                        await self.send_next(session, conv)
                        if think_time and not conv.finished:
                            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * think_time)
                    if deadline and time.perf_counter() >= deadline:
                        return

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            self.stats.ended = time.perf_counter()
        return self.stats.summary()

    async def open_loop(self, rate: float, duration: float) -> dict:
        """Messages arrive at `rate` per second (exponential gaps) over many conversations."""
        async with self._session() as session:
            idle: list[Conversation] = []
            tasks: set[asyncio.Task] = set()

            async def one_turn(conv: Conversation) -> None:
                await self.send_next(session, conv)
                if not conv.finished:
                    idle.append(conv)

            self.stats.started = time.perf_counter()
            next_at = self.stats.started
            end = self.stats.started + duration
            while next_at < end:
                now = time.perf_counter()
                if next_at > now:
                    await asyncio.sleep(next_at - now)
                conv = idle.pop(0) if idle else self.new_conversation()
                task = asyncio.create_task(one_turn(conv))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                next_at += self.rng.expovariate(rate)
            if tasks:
                await asyncio.gather(*tasks)
            self.stats.ended = time.perf_counter()
        return self.stats.summary()

    async def verify(self, token: str) -> dict:
        """Reads each conversation back: lost, duplicated, out-of-order user messages."""
        lost = duplicated = disordered = unreadable = 0
        sem = asyncio.Semaphore(8)
        async with self._session() as session:
            async def check(sender: str, sent: list[str]) -> None:
                nonlocal lost, duplicated, disordered, unreadable
                url = (f"{self.stats.server_of[sender]}/conversations/{quote(sender, safe='')}/tracker"
                       f"?token={quote(token)}&include_events=ALL")
                async with sem:
                    try:
                        async with session.get(url) as resp:
                            if resp.status != 200:  # a refused token is not a lost message
                                unreadable += 1
                                return
                            tracker = await resp.json(content_type=None)
                    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                        unreadable += 1
                        return
                stored = [e.get("text") for e in (tracker or {}).get("events") or [] if e.get("event") == "user"]
                for text in set(sent):
                    diff = sent.count(text) - stored.count(text)
                    lost += max(0, diff)
                    duplicated += max(0, -diff)
                if stored != sent and sorted(stored) == sorted(sent):
                    disordered += 1

            await asyncio.gather(*(check(s, sent) for s, sent in self.stats.sent.items() if sent))
        return {"lost": lost, "duplicated": duplicated, "out_of_order_senders": disordered,
                "unreadable_trackers": unreadable}


# After the recommendations: what people ask next, in turn, up to the 40th message.
FOLLOW_UPS = ["la 1 c'est quoi ?", "et la 2 ?", "compare la 1 et la 2", "d'autres formations ?",
              "c'est combien la 1 ?", "comment je m'inscris ?", "c'est quoi un MOOC ?", "merci",
              "et en logistique ?", "la 3", "j'ai pas d'ordinateur", "d'accord"]


# CPU by position: a cycle of ten follow-ups, so that from the 21st message on every block of
# ten messages holds the same ten messages and the blocks differ only by their position.
CPU_FOLLOW_UPS = FOLLOW_UPS[:10]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (every thread), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def cpu_per_message(url: str, pid: int, conversations: int = 5, length: int = 40,
                          prefix: Optional[str] = None) -> dict:
    """Conversations of `length` messages, one at a time, one message at a time: the server
    process's CPU seconds for each message, averaged by position (1st, 2nd, …)."""
    prefix = prefix or f"cpu-{int(time.time())}"
    by_position: list[list[float]] = [[] for _ in range(length)]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for c in range(conversations):
            texts = list(CAPNUM_SCRIPTS[c % len(CAPNUM_SCRIPTS)]) + CAPNUM_EXTRA
            texts += [CPU_FOLLOW_UPS[i % len(CPU_FOLLOW_UPS)] for i in range(length)]
            for i in range(length):
                before = process_cpu_seconds(pid)
                async with session.post(url.rstrip("/") + "/webhooks/rest/webhook",
                                        json={"sender": f"{prefix}-{c}", "message": texts[i]}) as resp:
                    await resp.read()
                by_position[i].append(process_cpu_seconds(pid) - before)
    blocks = {f"{b + 1}-{min(length, b + 10)}": round(1000 * statistics.fmean(
        [x for pos in by_position[b:b + 10] for x in pos]), 1) for b in range(0, length, 10)}
    return {"cpu_ms_per_message_by_position": blocks,
            "cpu_ms_per_message": round(1000 * statistics.fmean([x for pos in by_position for x in pos]), 1),
            "conversations": conversations, "length": length}


async def memory_after(url: str, pid: int, conversations: int = 1000, step: int = 250,
                       concurrency: int = 20) -> dict:
    """Resident memory of the server process after every `step` whole conversations."""
    rss = {0: round(process_rss_mb(pid))}
    done = 0
    while done < conversations:
        n = min(step, conversations - done)
        summary = await run_once([url], "capnum", "closed", concurrency=concurrency, conversations=n,
                                 prefix=f"mem-{int(time.time())}-{done}")
        done += n
        rss[done] = round(process_rss_mb(pid))
        print(f"{done} conversations ({summary['messages_ok']} messages, errors {summary['errors']}): "
              f"RSS {rss[done]} MB", flush=True)
    return {"rss_mb_after_conversations": rss}


def print_report(title: str, summary: dict) -> None:
    print(f"{title} : {summary['throughput_msg_s']} msg/s, p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
          f"p99 {summary['p99_ms']} ms, {summary['messages_ok']} messages réussis, erreurs {summary['errors']} "
          f"{summary['errors_by_kind'] or ''}, conversations terminées {summary['conversations_done']}/"
          f"{summary['conversations_started']}"
          + (f" ; tours avec recommandations p50 {summary['recommendation_turn_p50_ms']} ms, p95 "
             f"{summary['recommendation_turn_p95_ms']} ms" if summary.get("recommendation_turn_p50_ms") else "")
          + (f" ; perdus {summary['lost']}, en double {summary['duplicated']}, conversations dans le désordre "
             f"{summary['out_of_order_senders']}, illisibles {summary['unreadable_trackers']}"
             if "lost" in summary else ""), flush=True)


class RefusedToken(Exception):
    """The Rasa HTTP API refused the token (401/403): nothing can be read back."""


async def check_token(urls: list[str], token: Optional[str]) -> None:
    """Before a run with --verify: each server's HTTP API takes the token, or RefusedToken
    with a French sentence (so that a wrong token is not reported as lost messages)."""
    if not token:
        raise RefusedToken("--verify relit les conversations par l'API HTTP de Rasa : donnez son jeton "
                           "(--token, ou la variable RASA_AUTH_TOKEN).")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        for url in urls:
            async with session.get(f"{url.rstrip('/')}/status?token={quote(token)}") as resp:
                if resp.status in (401, 403):
                    raise RefusedToken(f"{url} refuse le jeton de l'API HTTP (réponse {resp.status}) : "
                                       "vérifiez --token ou RASA_AUTH_TOKEN (le jeton donné au serveur Rasa).")


async def _progress(stats, every: float) -> None:
    """One French line every `every` seconds while a run goes on."""
    while True:
        await asyncio.sleep(every)
        elapsed = time.perf_counter() - stats.started
        print(f"… {elapsed:.0f} s : {stats.messages_ok} messages réussis, {sum(stats.errors.values())} erreur(s), "
              f"{stats.conversations_done} conversation(s) terminée(s)", flush=True)


async def run_once(urls: list[str], script: str, mode: str, *, concurrency: int = 20, duration: float = 30,
                   conversations: Optional[int] = None, rate: float = 40, routing: str = "sticky",
                   token: Optional[str] = None, verify: bool = False, prefix: Optional[str] = None,
                   think_time: float = 0.0, progress: float = 0.0) -> dict:
    """One run; `progress`: seconds between progress lines (0: none)."""
    test = LoadTest(urls, script, routing, prefix=prefix)
    test.stats.started = time.perf_counter()
    ticker = asyncio.create_task(_progress(test.stats, progress)) if progress else None
    try:
        if mode == "closed":
            summary = await test.closed_loop(concurrency, None if conversations else duration, conversations,
                                             think_time)
        else:
            summary = await test.open_loop(rate, duration)
    finally:
        if ticker:
            ticker.cancel()
    if verify and token:
        summary.update(await test.verify(token))
    summary["senders"] = test.stats.sent
    return summary


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.loadtest", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="one load run against running servers")
    run.add_argument("--url", action="append", required=True, help="Rasa base URL (repeat for several servers)")
    run.add_argument("--script", choices=["capnum", "stock"], default="capnum")
    run.add_argument("--mode", choices=["closed", "open"], default="closed")
    run.add_argument("--concurrency", type=int, default=20)
    run.add_argument("--conversations", type=int, help="closed loop: stop after this many conversations")
    run.add_argument("--duration", type=float, default=30)
    run.add_argument("--rate", type=float, default=40, help="open loop: messages per second offered")
    run.add_argument("--routing", choices=["sticky", "round-robin"], default="sticky")
    run.add_argument("--token", default=os.environ.get("RASA_AUTH_TOKEN"))
    run.add_argument("--verify", action="store_true", help="relire les conversations (jeton --token requis)")
    run.add_argument("--progress", type=float, default=5.0, help="secondes entre deux lignes d'avancement (0 : aucune)")
    run.add_argument("--json", type=Path, help="write the summary here")
    run.add_argument("--think-time", type=float, default=0.0,
                     help="closed loop: mean seconds between a reply and the next message")
    cpu = sub.add_parser("cpu", help="CPU of the server process per message, by position in the conversation")
    cpu.add_argument("--url", required=True)
    cpu.add_argument("--pid", type=int, required=True, help="the Rasa server's process id")
    cpu.add_argument("--conversations", type=int, default=5)
    cpu.add_argument("--length", type=int, default=40)
    memory = sub.add_parser("memory", help="resident memory of the server process as conversations add up")
    memory.add_argument("--url", required=True)
    memory.add_argument("--pid", type=int, required=True)
    memory.add_argument("--conversations", type=int, default=1000)
    memory.add_argument("--step", type=int, default=250)
    for p in (cpu, memory):
        p.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.command in ("cpu", "memory"):
        figures = asyncio.run(cpu_per_message(args.url, args.pid, args.conversations, args.length)
                              if args.command == "cpu" else
                              memory_after(args.url, args.pid, args.conversations, args.step))
        print(json.dumps(figures, indent=1))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
        return 0
    if args.verify:
        try:
            asyncio.run(check_token(args.url, args.token))
        except RefusedToken as exc:
            print(f"erreur : {exc}", file=sys.stderr)
            return 2
        except aiohttp.ClientError as exc:
            print(f"erreur : le serveur Rasa ne répond pas ({exc}) : lancez `make run` ou vérifiez --url.",
                  file=sys.stderr)
            return 2
    print(f"Charge {'en boucle fermée' if args.mode == 'closed' else 'en boucle ouverte'} sur "
          f"{', '.join(args.url)} pendant {args.duration:g} s…", flush=True)
    summary = asyncio.run(run_once(args.url, args.script, args.mode, concurrency=args.concurrency,
                                   duration=args.duration, conversations=args.conversations, rate=args.rate,
                                   routing=args.routing, token=args.token, verify=args.verify,
                                   think_time=args.think_time, progress=args.progress))
    senders = summary.pop("senders")
    print_report("boucle fermée" if args.mode == "closed" else "boucle ouverte", summary)
    if args.json:
        args.json.write_text(json.dumps({**summary, "senders": senders}, indent=1), encoding="utf-8")
    bad = (summary["errors"] or summary.get("lost") or summary.get("duplicated")
           or summary.get("out_of_order_senders") or summary.get("unreadable_trackers"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
