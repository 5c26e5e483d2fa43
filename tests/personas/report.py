"""Figures of a bench-dialogue run: success, turns, follow-ups, failure classes; held-out first."""
from __future__ import annotations

import collections
import statistics

FAILURE_CLASSES = ("no_recommendation", "loop", "broken_constraint", "wrong_slot", "followup_details",
                   "followup_compare", "followup_more", "followup_change", "server_error")
FOLLOWUP_KINDS = ("details", "compare", "more", "change")


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q * (len(values) - 1))))
    return values[k]


def summarise(results) -> dict:
    n = len(results)
    ok = [r for r in results if r.success]
    reached = [r.user_turns for r in results if r.outcome in ("recommendations", "outside_region")]
    classes = collections.Counter()
    details = collections.defaultdict(collections.Counter)
    for r in results:
        for cls in {c for c, _ in r.failures}:
            classes[cls] += 1  # personas with at least one failure of this class
        for cls, detail in r.failures:
            if cls in ("broken_constraint", "wrong_slot"):
                details[cls][detail.split(":")[0]] += 1
    follow = {}
    for kind in FOLLOWUP_KINDS:
        played = [r.followups[kind] for r in results if kind in r.followups]
        follow[kind] = {"passed": sum(played), "played": len(played),
                        "rate": round(sum(played) / len(played), 3) if played else None}
    all_played = sum(v["played"] for v in follow.values())
    all_passed = sum(v["passed"] for v in follow.values())
    outcomes = collections.Counter(r.outcome for r in results)
    return {
        "personas": n,
        "success": len(ok), "success_rate": round(len(ok) / n, 3) if n else None,
        "turns_to_first_answer": {"median": statistics.median(reached) if reached else None,
                                  "p90": percentile(reached, 0.9), "over": len(reached)},
        "followups": follow,
        "followups_rate": round(all_passed / all_played, 3) if all_played else None,
        "failure_classes": {c: classes.get(c, 0) for c in FAILURE_CLASSES},
        "broken_constraint_by_fact": dict(details["broken_constraint"].most_common()),
        "wrong_slot_by_slot": dict(details["wrong_slot"].most_common()),
        "outcomes": dict(outcomes.most_common()),
        "empty_answers": sum(r.empty_answers for r in results),
    }


def print_summary(name: str, s: dict) -> None:
    def pct(x):
        return "-" if x is None else f"{100 * x:.1f} %"
    t = s["turns_to_first_answer"]
    print(f"== {name}: {s['personas']} personas")
    print(f"  success {s['success']}/{s['personas']} ({pct(s['success_rate'])})"
          f"   user turns to the first answer: median {t['median']}, p90 {t['p90']} (over {t['over']})")
    print("  follow-ups " + pct(s["followups_rate"]) + ": " + ", ".join(
        f"{k} {v['passed']}/{v['played']}" for k, v in s["followups"].items()))
    print("  failures (personas): " + ", ".join(f"{k} {v}" for k, v in s["failure_classes"].items()))
    if s["broken_constraint_by_fact"]:
        print("    broken constraint by fact: " + ", ".join(f"{k} {v}" for k, v in s["broken_constraint_by_fact"].items()))
    if s["wrong_slot_by_slot"]:
        print("    wrong slot by slot: " + ", ".join(f"{k} {v}" for k, v in s["wrong_slot_by_slot"].items()))
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in s["outcomes"].items())
          + (f"; empty answers {s['empty_answers']}" if s["empty_answers"] else ""))


def print_conversation(result) -> None:
    print(f"--- {result.id} ({result.split}, {result.register}) outcome {result.outcome}, "
          f"{result.user_turns} user turns")
    for cls, detail in result.failures:
        print(f"    ! {cls}: {detail}")
    for i, turn in enumerate(result.transcript, 1):
        print(f"  {i:2d} user: {turn['user']}")
        bot = turn["bot"].replace("\n", " / ")
        print(f"     bot [{turn['requested_slot']}]: {bot[:400]}"
              + (f"  buttons={turn['buttons']}" if turn["buttons"] else "")
              + (f"  courses={turn['courses']}" if turn["courses"] else ""))
