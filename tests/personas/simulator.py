"""Plays a persona through the REST channel and the tracker API, and says what went wrong.

Same logic as ../shared/eval/converse.py (written again here: ../shared may be absent): after each
bot turn read `requested_slot`, answer it in the persona's words (the first phrasing, then the
second when asked again), press a yes/continue button when one is offered, nudge otherwise; stop
at the first `recommendations` payload and check its courses against the persona's facts
(CONTRACT.md §2, the `violations` rules of converse.py) and the slots against the facts
(CONTRACT.md §1; commune, creneau, modalite, certification, handicap may stay unknown when never
asked). Then the follow-ups (details, compare, more, one change), each checked as documented in
README.md. Standard library only.
"""
from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from tests.personas.generate import render_followup

LEVELS = ["sans_diplome", "cap_bep", "bac", "bac+2", "bac+3", "bac+5"]
EQUIPMENT_OK = {"ordinateur": {"ordinateur", "smartphone", "aucun"},
                "smartphone": {"smartphone", "aucun"},
                "aucun": {"aucun"}}
MAY_STAY_UNKNOWN = {"commune", "creneau", "modalite", "certification", "handicap"}
NO_MORE = re.compile(r"pas d'autres?|aucune autre|plus d'autres?|c'est tout|toutes les formations", re.I)
YES = re.compile(r"\b(oui|d'accord|ok|accepte|j'accepte|commencer|c'est parti|continuer|valider)\b", re.I)
HUMAN = re.compile(r"conseill|mission locale|France Travail", re.I)
DETAIL_WORDS = re.compile(r"Organisme|Début|inscri|Rythme|Durée", re.I)
MAX_USER_TURNS = 20  # more than this before the first courses is a loop
NUDGE = "je cherche une formation"


class ServerError(Exception):
    pass


class Bot:
    def __init__(self, url: str, token: str = "", timeout: float = 90):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise ServerError(f"HTTP {exc.code} on {method} {path.split('?')[0]}") from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, json.JSONDecodeError) as exc:
            raise ServerError(f"{type(exc).__name__} on {method} {path.split('?')[0]}: {exc}") from None

    def say(self, sender, text):
        return self._call("POST", "/webhooks/rest/webhook", {"sender": sender, "message": text}) or []

    def slots(self, sender):
        q = "?" + urllib.parse.urlencode({"token": self.token}) if self.token else ""
        return self._call("GET", f"/conversations/{urllib.parse.quote(sender)}/tracker{q}")["slots"]


def recommendations(messages):
    for m in messages:
        custom = m.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "recommendations":
            return custom
    return None


def text_of(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def buttons_of(messages):
    return [b for m in messages for b in (m.get("buttons") or [])]


def same(expected, got):
    if isinstance(expected, list):
        return any(same(e, got) for e in expected)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return abs(float(got) - expected) < 0.51
        except (TypeError, ValueError):
            return False
    if isinstance(expected, str) and isinstance(got, str):
        return expected.casefold() == got.casefold()
    return expected == got


def violations(course, facts, relaxed):
    """(fact, description) for each hard constraint of the persona this course breaks."""
    out = []
    age = facts.get("age")
    if age is not None:
        lo, hi = course.get("age_min") or 0, course.get("age_max") or 200
        if not lo <= age <= hi:
            out.append(("age", f"age {age} outside {lo}-{hi}"))
    dep = facts.get("departement")
    if dep and dep not in (course.get("departements") or []):
        out.append(("departement", f"departement {dep} not served"))
    lvl, need = facts.get("niveau"), course.get("niveau_entree")
    if lvl in LEVELS and need in LEVELS and LEVELS.index(need) > LEVELS.index(lvl):
        out.append(("niveau", f"needs {need}, has {lvl}"))
    eq, req = facts.get("equipement"), course.get("equipement_requis")
    if eq in EQUIPMENT_OK and req and req not in EQUIPMENT_OK[eq] and "equipement" not in relaxed:
        out.append(("equipement", f"needs {req}, has {eq}"))
    dom = facts.get("domaine")
    if dom and dom != "indecis" and course.get("domaine") != dom and "domaine" not in relaxed:
        out.append(("domaine", f"domaine {course.get('domaine')} != {dom}"))
    hours, load = facts.get("heures_semaine"), course.get("heures_semaine")
    if hours and load and load > hours * 1.1 and "heures_semaine" not in relaxed:
        out.append(("heures_semaine", f"{load} h/week > {hours}"))
    slot, when = facts.get("creneau"), course.get("creneau")
    if slot in ("journee", "soir_weekend") and when not in (slot, "indifferent", None) and "creneau" not in relaxed:
        out.append(("creneau", f"creneau {when} != {slot}"))
    if facts.get("modalite") == "distance" and course.get("modalite") != "distance" and "modalite" not in relaxed:
        out.append(("modalite", f"modalite {course.get('modalite')} != distance"))
    if facts.get("certification") == "oui" and not course.get("certifiante") and "certification" not in relaxed:
        out.append(("certification", "not certifying"))
    return out


def broken_constraints(recos, facts):
    relaxed = set(recos.get("relaxed") or [])
    return {c.get("id"): v for c in recos.get("courses") or [] if (v := violations(c, facts, relaxed))}


def wrong_slots(got, facts, accept, all_may_stay_unknown=False):
    """Slots whose value is not the fact. `all_may_stay_unknown`: outside the region the
    assistant stops asking, so any slot may stay unknown (a wrong value still counts)."""
    wrong = {}
    for slot, value in facts.items():
        want = [value] + list(accept.get(slot, []))
        unknown_ok = slot in MAY_STAY_UNKNOWN or all_may_stay_unknown
        if not same(want, got.get(slot)) and not (unknown_ok and got.get(slot) is None):
            wrong[slot] = {"expected": value, "got": got.get(slot)}
    return wrong


@dataclass
class Result:
    id: str
    split: str
    register: str
    outcome: str = ""  # recommendations | outside_region | nothing_fits | gave_up | loop | server_error
    success: bool = False
    user_turns: int = 0
    failures: list = field(default_factory=list)  # [(class, detail)]
    followups: dict = field(default_factory=dict)  # kind -> True/False (absent: not played)
    transcript: list = field(default_factory=list)  # [{user, bot, requested_slot}]
    empty_answers: int = 0

    def as_dict(self):
        return {"id": self.id, "split": self.split, "register": self.register, "outcome": self.outcome,
                "success": self.success, "user_turns": self.user_turns,
                "failures": [list(f) for f in self.failures], "followups": self.followups,
                "empty_answers": self.empty_answers, "transcript": self.transcript}


class Conversation:
    def __init__(self, bot: Bot, persona: dict, result: Result):
        self.bot, self.persona, self.result = bot, persona, result
        self.sender = f"bench-{persona['id']}-{uuid.uuid4().hex[:8]}"

    def say(self, text, log_slot=True):
        messages = self.bot.say(self.sender, text)
        if not messages:
            self.result.empty_answers += 1
        asked = self.bot.slots(self.sender).get("requested_slot") if log_slot else None
        self.result.transcript.append({"user": text, "bot": text_of(messages),
                                       "buttons": [b.get("title") for b in buttons_of(messages)],
                                       "requested_slot": asked, "courses": [c.get("id") for c in
                                                                            (recommendations(messages) or {}).get("courses", [])]})
        return messages, asked


def play(bot: Bot, persona: dict, followups: bool = True) -> Result:
    result = Result(persona["id"], persona["split"], persona["register"])
    conv = Conversation(bot, persona, result)
    try:
        first = _profile_phase(conv)
        if first is not None and followups and persona["facts"].get("departement") != "hors_idf":
            _followup_phase(conv, first)
    except ServerError as exc:
        result.failures.append(("server_error", str(exc)))
        if not result.outcome:
            result.outcome = "server_error"
        result.success = False
    return result


def _profile_phase(conv: Conversation):
    """Plays up to the first courses; returns their payload (None when none came)."""
    persona, result = conv.persona, conv.result
    facts, answers, accept = persona["facts"], persona["answers"], persona.get("accept", {})
    used = {k: 0 for k in answers}
    messages, asked = conv.say(persona["opening"])
    turns, recent = 1, [text_of(messages)]
    outside = facts.get("departement") == "hors_idf"
    while recommendations(messages) is None:
        if len(recent) >= 3 and recent[-1] == recent[-2] == recent[-3]:
            result.outcome = "loop"
            result.failures.append(("loop", f"same bot text three times in a row after {turns} user turns"))
            break
        if turns > MAX_USER_TURNS:
            result.outcome = "loop"
            result.failures.append(("loop", f"no courses after {MAX_USER_TURNS} user turns"))
            break
        buttons = buttons_of(messages)
        text = text_of(messages)
        if asked in answers:
            options = answers[asked]
            reply = options[min(used[asked], len(options) - 1)]
            used[asked] += 1
        else:
            yes = [b for b in buttons if YES.search(b.get("title", ""))]
            if yes:
                reply = yes[0].get("payload") or yes[0]["title"]
            elif asked:
                reply = "oui"
            elif HUMAN.search(text) and buttons:
                # The bot ended the search: no course, a human next step.
                result.outcome = "outside_region" if outside else "nothing_fits"
                break
            else:
                reply = NUDGE
        messages, asked = conv.say(reply)
        turns += 1
        recent.append(text_of(messages))
    result.user_turns = turns
    recos = recommendations(messages)
    got = conv.bot.slots(conv.sender)
    wrong = wrong_slots(got, facts, accept, all_may_stay_unknown=outside and recommendations(messages) is None)
    for slot, detail in sorted(wrong.items()):
        result.failures.append(("wrong_slot", f"{slot}: expected {detail['expected']!r}, got {detail['got']!r}"))
    if recos is not None and recos.get("courses"):
        result.outcome = "recommendations"
        broken = broken_constraints(recos, facts)
        for cid, problems in broken.items():
            for fact, desc in problems:
                result.failures.append(("broken_constraint", f"{fact}: {cid} {desc}"))
        # Outside the region, no course can be right: any shown is a broken departement.
        result.success = not broken and not wrong and not outside
        return recos
    if recos is not None:
        result.outcome = "outside_region" if outside else "nothing_fits"
    if result.outcome == "outside_region":
        result.success = not wrong
        return None
    if result.outcome in ("nothing_fits", ""):
        result.outcome = result.outcome or "gave_up"
        result.failures.append(("no_recommendation", f"{result.outcome} after {turns} user turns: "
                                                     f"{text_of(messages)[:160]!r}"))
    return None


def _known_facts(conv: Conversation, facts: dict, changed: str | None = None) -> dict:
    """The facts a follow-up must respect: those the assistant holds (a wrong or missing value
    already failed the first list, as a wrong slot) and the one the step just changed. A
    follow-up is judged on doing what was asked, as converse.py judges it."""
    slots = conv.bot.slots(conv.sender)
    return {k: v for k, v in facts.items() if slots.get(k) is not None or k == changed}


def _followup_phase(conv: Conversation, first: dict):
    persona, result = conv.persona, conv.result
    facts = dict(persona["facts"])
    current = list(first.get("courses") or [])
    shown = {c.get("id") for c in current}
    for step in persona["followups"]:
        kind = step["kind"]
        key = "change" if kind.startswith("change") else kind
        if kind == "compare" and len(current) < 2:
            continue  # nothing to compare: not played
        if kind in ("details", "compare"):
            say, ranks = render_followup(step, len(current), persona["register"])
        else:
            say, ranks = step["say"], []
        messages, _ = conv.say(say, log_slot=False)
        text, recos = text_of(messages), recommendations(messages)
        courses = (recos or {}).get("courses") or []
        problems = []
        if kind == "details":
            course = current[ranks[0] - 1]
            if course.get("titre", "") not in text:
                problems.append(f"title of course {ranks[0]} missing")
            if not DETAIL_WORDS.search(text):
                problems.append("no detail (Organisme/Début/inscri/Rythme/Durée)")
            if recos is not None and len(courses) > 1:
                problems.append("a list instead of one course's details")
        elif kind == "compare":
            for r in ranks:
                if current[r - 1].get("titre", "") not in text:
                    problems.append(f"title of course {r} missing")
            others = [c.get("titre") for i, c in enumerate(current, 1)
                      if i not in ranks and c.get("titre") not in {current[r - 1].get("titre") for r in ranks}]
            if any(t and t in text for t in others):
                problems.append("other courses in the answer (a list, not a comparison)")
            if re.search(r"Demandez d'abord", text):
                problems.append("asks for courses first")
        elif kind == "more":
            ids = [c.get("id") for c in courses]
            if ids and shown & set(ids):
                problems.append("courses repeated")
            elif not ids and not NO_MORE.search(text):
                problems.append("neither new courses nor an honest 'no more'")
            if ids:
                problems += [f"{f}: {cid} {d}" for cid, v in
                             broken_constraints(recos, _known_facts(conv, facts)).items() for f, d in v]
        else:
            slot, value = (("domaine", step["new_domain"]) if kind == "change_domain"
                           else ("heures_semaine", step["new_hours"]))
            facts[slot] = value
            if not courses:
                problems.append("no recommendations")
            else:
                problems += [f"{f}: {cid} {d}" for cid, v in
                             broken_constraints(recos, _known_facts(conv, facts, slot)).items() for f, d in v]
            got = conv.bot.slots(conv.sender).get(slot)
            if not same(value, got):
                problems.append(f"slot {slot} is {got!r}, expected {value!r}")
        if courses:
            current = list(courses)
        shown |= {c.get("id") for c in courses}
        result.followups[key] = not problems
        if problems:
            result.failures.append((f"followup_{key}", f"{say!r}: {'; '.join(problems)}"))
