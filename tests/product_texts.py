"""Every French text the product can send or show, for the plain-language check.

Two ways in, so that nothing is missed:
- rendered: the texts built by code, called with real inputs (each slot's question at each
  attempt, the handoff for each kind of person, every course of the demonstration catalogue
  as a list line, its details, each fact asked about it, comparisons, what changed after a
  new search, the end of the list, the voice-note answer);
- static: every French string literal (f-strings with their placeholders) of the Python code
  the person or the adviser meets (bot/, actions/, capnum_rasa/), the domain's responses and
  buttons, and the text of the gateway's pages (index.html, chat.js, the privacy notice, the
  console and the Region report, tags removed).

Each item is (where, text, kind): "message" (a text sent or shown as such) or "label" (a button,
a heading, a form label: short by nature).
"""
from __future__ import annotations

import ast
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

import yaml

ROOT = Path(__file__).resolve().parent.parent
Item = tuple[str, str, str]

# Code the person or an adviser never reads: tools for the operator and developers, whose
# texts are English or technical (benchmarks, load tests, catalogue import reports, CLIs).
OPERATOR_ONLY = {
    "bot/tools",  # every command: launchers, benchmarks, load tests, import reports, command lines
    "bot/gateway/__main__.py", "bot/core/logsafe.py", "bot/core/config.py", "bot/core/text.py", "bot/core/vocab.py",
    "bot/core/french.py", "bot/core/profile", "bot/core/geo", "bot/services/catalogue", "bot/services/accounts.py",
    "bot/services/directory.py", "bot/services/privacy.py",
}
_FRENCH_MARKERS = {
    "le", "la", "les", "de", "des", "du", "un", "une", "vous", "votre", "vos", "pour", "et", "est", "pas",
    "à", "en", "au", "aux", "ce", "cette", "qui", "que", "sur", "par", "avec", "dans", "ne", "je", "nous",
    "il", "elle", "ou", "mais", "plus", "rien", "aucun", "aucune", "sans", "voici", "bonjour", "merci",
}
_ENGLISH_MARKERS = {"the", "is", "of", "and", "to", "not", "for", "with", "this", "that", "be", "are", "an"}
_TAG = re.compile(r"<[^>]+>")


def _clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", html.unescape(_TAG.sub(" ", text))).strip()


def is_french_text(text: str) -> bool:
    """A French sentence or label for people, not an identifier, a payload, a pattern or English."""
    text = _clean(text)
    if not re.search(r"[A-Za-zÀ-ÿ]{2}", text) or " " not in text.strip():
        return False
    if re.search(r"(^/[a-z_]+|\\[dswb]|\(\?|\{\"|^[a-z_]+\.[a-z_]+|%\(|SELECT |INSERT |CREATE )", text):
        return False
    tokens = re.findall(r"[a-zà-ÿ']+", text.lower())
    if len(tokens) < 2:
        return False
    words = set(tokens)
    if words & _ENGLISH_MARKERS:
        return False
    return bool(words & _FRENCH_MARKERS) or bool(re.search(r"[àâçéèêëîïôûùü]", text.lower()))


# --------------------------------------------------------------------------- static

def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append("{x}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Docstrings, log calls, and the parts of concatenations (the whole is kept)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                skip.add(id(body[0].value))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            # Log lines, and the words a pattern looks for (bot.core.text.any_word): read, never shown.
            if owner in ("logger", "logging", "log") or name in ("debug", "info", "warning", "error", "exception",
                                                                   "any_word"):
                for sub in ast.walk(node):
                    skip.add(id(sub))
        if isinstance(node, ast.BinOp) and _literal(node) is not None:
            for sub in (node.left, node.right):
                for part in ast.walk(sub):
                    skip.add(id(part))
        if isinstance(node, ast.JoinedStr):
            for part in ast.walk(node):
                if part is not node:
                    skip.add(id(part))
    return skip


def _is_operator_only(relative: str) -> bool:
    return any(relative == entry or relative.startswith(entry + "/") for entry in OPERATOR_ONLY)


def python_files() -> list[Path]:
    files = []
    for folder in ("bot", "actions", "capnum_rasa"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not _is_operator_only(relative) and "/migrations/" not in relative:
                files.append(path)
    return files


def python_literals() -> Iterator[Item]:
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _skipped_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            text = _literal(node)
            if text is None or not is_french_text(text):
                continue
            for piece in _html_texts(text) if _TAG.search(text) else [_clean(text)]:
                if is_french_text(piece):
                    yield f"{relative}:{node.lineno}", piece, "message"


_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "label", "button", "summary", "td", "th", "option", "title",
           "legend", "caption", "a", "dt", "dd", "div", "section", "article", "figcaption", "span"}


class _Texts(HTMLParser):
    """Text of each block of a page (a paragraph, a list item, a label…), with its alt and
    aria-label texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip = 0

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in _BLOCKS or tag == "br":
            self.flush()
        for name, value in attrs:
            if name in ("aria-label", "alt", "title", "placeholder") and value:
                self.blocks.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)


def _html_texts(markup: str) -> list[str]:
    parser = _Texts()
    parser.feed(markup)
    parser.close()
    parser.flush()
    return parser.blocks


def page_texts() -> Iterator[Item]:
    from bot.services.privacy import notice_html

    pages = {"bot/gateway/static/index.html": (ROOT / "bot/gateway/static/index.html").read_text(encoding="utf-8"),
             "bot/services/privacy_notice.html (notice_html)": notice_html()}
    for where, markup in pages.items():
        for text in _html_texts(markup):
            if is_french_text(text):
                yield where, text, "message"
    for name in ("chat.js", "reading.js"):
        script = (ROOT / "bot/gateway/static" / name).read_text(encoding="utf-8")
        script = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
        script = re.sub(r'"\s*\+\s*\n\s*"', "", script)  # "a " +\n "b": one text
        for match in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', script):
            text = match.group(1).replace('\\"', '"')
            if is_french_text(text):
                yield f"bot/gateway/static/{name}:{script[:match.start()].count(chr(10)) + 1}", text, "message"


def domain_texts() -> Iterator[Item]:
    files = [ROOT / "domain.yml"] + sorted((ROOT / "data").rglob("*.yml"))
    for path in files:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(content, dict):
            continue
        for name, variants in (content.get("responses") or {}).items():
            for i, variant in enumerate(variants):
                if variant.get("text"):
                    yield f"{path.name}:{name}[{i}]", variant["text"], "message"
                for button in variant.get("buttons") or []:
                    yield f"{path.name}:{name}[{i}] button", button["title"], "label"


# --------------------------------------------------------------------------- rendered

def demo_courses() -> list[dict]:
    """Every action of the demonstration catalogue as MatchingEngine.course() gives it."""
    import tempfile

    from bot.services.catalogue.db import dispose_engine, ensure_schema, get_engine
    from bot.services.catalogue.demo import seed_demo
    from bot.services.search import MatchingEngine

    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{work}/catalogue.db"
        engine = ensure_schema(get_engine(url))
        seed_demo(engine)
        matching = MatchingEngine(engine)
        from sqlalchemy import text

        with engine.connect() as connection:
            ids = [row[0] for row in connection.execute(text("SELECT id FROM action ORDER BY id"))]
        courses = [c for c in (matching.course(i) for i in ids) if c]
        matching.close()
        dispose_engine(url)
    return courses


# Free text that comes from the catalogue (the organisations write it, not this product): the
# product's sentences are measured with a placeholder in its place.
CATALOGUE_TEXT_FIELDS = ("titre", "organisme", "objectif", "contenu", "modalites_inscription", "contact",
                         "cout_stagiaire", "url", "lien")


def as_product_text(course: dict) -> dict:
    return {k: (f"{{{k}}}" if k in CATALOGUE_TEXT_FIELDS and v else v) for k, v in course.items()}


def rendered_texts(courses: list[dict]) -> Iterator[Item]:
    from bot.core import course_facts, dialogue, handoff, messaging, questions, replies
    from bot.core.refine import COURSE_TOPICS

    for slot in questions.ASKABLE_SLOTS:
        for attempts in (0, 1, 2):
            question = questions.question(slot, attempts)
            yield f"questions.question({slot}, {attempts})", question.text, "message"
            for button in question.buttons:
                yield f"questions.question({slot}) button", button.title, "label"
    for name, text in dialogue.LEADS.items():
        yield f"dialogue.LEADS[{name}]", text, "message"
    yield "dialogue.outside_region_message()", dialogue.outside_region_message(), "message"
    for profile in ({}, {"age": 19}, {"age": 40}, {"age": 30, "handicap": True}, {"age": 20, "handicap": True}):
        yield f"handoff.handoff_text({profile})", handoff.handoff_text(profile), "message"
    for name, value in vars(replies).items():
        if name.isupper() and isinstance(value, str):
            yield f"replies.{name}", value, "message"
        if name.isupper() and isinstance(value, questions.Button):
            yield f"replies.{name}", value.title, "label"
        if name.endswith("_BUTTONS") and isinstance(value, tuple):
            for button in value:
                yield f"replies.{name}", button.title, "label"
    yield "replies.details_button()", replies.details_button(2, "X").title, "label"
    yield "dialogue.correction_text()", dialogue.correction_text({"age": 24, "departement": "93"}), "message"
    yield "replies.no_result_text()", replies.no_result_text(), "message"
    for profile in ({}, {"creneau": "journee", "modalite": "distance", "certification": "oui"},
                    {"creneau": "soir_weekend", "heures_semaine": 5, "domaine": "cybersecurite"}):
        yield f"replies.no_more_text({profile})", replies.no_more_text(profile), "message"
    for count in (1, 3):
        for more in (False, True):
            yield f"replies.list_intro({count}, {more})", replies.list_intro(count, more), "message"
    yield "messaging.VOICE_NOTE_REPLY", messaging.VOICE_NOTE_REPLY, "message"
    for button in messaging.VOICE_NOTE_BUTTONS:
        yield "messaging.VOICE_NOTE_BUTTONS", button["title"], "label"
    for count in (1, 3, 6):
        yield f"messaging.reply_choices_sentence({count})", messaging.reply_choices_sentence(count), "message"
    courses = [as_product_text(c) for c in courses]
    for rank, course in enumerate(courses, start=1):
        cid = course.get("id")
        yield f"replies.course_line({cid})", replies.course_line(rank % 5 + 1, course), "message"
        yield f"replies.course_details_text({cid})", replies.course_details_text(course), "details"
        for topic in COURSE_TOPICS:
            yield f"course_facts.course_fact_text({cid}, {topic})", course_facts.course_fact_text(course, topic, rank % 3 + 1), "message"
        yield f"course_facts.unknown_fact_text({cid})", course_facts.unknown_fact_text(course), "message"
    for first, second in zip(courses[::2], courses[1::2]):
        yield (f"replies.comparison_text({first.get('id')}, {second.get('id')})",
               replies.comparison_text(first, second, [1, 2]), "message")
    before = {"age": 21, "departement": "93", "domaine": "developpement_web", "heures_semaine": 20,
              "creneau": "journee", "modalite": "distance", "certification": "oui"}
    for after in ({**before, "domaine": "cybersecurite"}, {**before, "heures_semaine": 10, "creneau": "soir_weekend"},
                  {**before, "departement": "75", "modalite": "hybride", "certification": "indifferent"}):
        text = replies.profile_change_text(before, after)
        if text:
            yield "replies.profile_change_text()", text, "message"
    for button in replies.result_buttons([{**c, "id": c.get("id")} for c in courses[:3]]):
        yield "replies.result_buttons()", button.title, "label"


def all_texts(courses: list[dict] | None = None) -> list[Item]:
    """Every French text, deduplicated (the first place each is found)."""
    courses = demo_courses() if courses is None else courses
    seen: set[str] = set()
    items = []
    for source in (domain_texts(), rendered_texts(courses), python_literals(), page_texts()):
        for where, text, kind in source:
            key = text.strip()
            if key and key not in seen:
                seen.add(key)
                items.append((where, text, kind))
    return items
