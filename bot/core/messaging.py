"""Rendering bot turns for messaging apps: Telegram, Facebook Messenger, WhatsApp (Twilio).

Pure Python (no Rasa import): the Rasa channels in `capnum_rasa/channels.py` only collect the
bot's messages of a turn (Rasa dicts with `text`, `buttons`, `custom`, ...) and post what the
functions below return to the platform's API.

- Texts are split within each platform's limit, at paragraph, then line, then sentence, then
  word boundaries (a hard cut only for a single word longer than the limit).
- Buttons become an inline keyboard (Telegram), quick replies (Messenger), or a numbered list
  "Répondez 1, 2 ou 3" (WhatsApp, whose plain messages have no buttons).
- The `recommendations` custom payload (CONTRACT.md §2) becomes a numbered text list; when the
  turn's readable text already lists the courses, each course's link is added there instead of
  repeating the list.
- `ButtonMemory` keeps, per sender and for a short while, the buttons last shown, so that a
  numeric reply ("2") or a button title typed by hand maps back to the button's payload
  (for example `/inform{"niveau":"bac"}`), which is sent to the bot as is.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from bot.core.replies import course_line
from bot.core.text import fold

TELEGRAM = "telegram"
MESSENGER = "messenger"
WHATSAPP = "whatsapp"

TEXT_LIMITS = {TELEGRAM: 4096, MESSENGER: 2000, WHATSAPP: 1600}
TELEGRAM_CALLBACK_DATA_BYTES = 64
MESSENGER_MAX_QUICK_REPLIES = 13
MESSENGER_QUICK_REPLY_TITLE = 20
MESSENGER_PAYLOAD_CHARS = 1000
# Prefix of a Telegram callback_data that stands for a payload too long for the 64-byte limit.
LONG_PAYLOAD_PREFIX = "#b"


# --------------------------------------------------------------------------- splitting

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _parts(text: str, level: int) -> tuple[list[str], str]:
    if level == 0:
        return text.split("\n\n"), "\n\n"
    if level == 1:
        return text.split("\n"), "\n"
    if level == 2:
        return _SENTENCE_END.split(text), " "
    return text.split(" "), " "


def _split(text: str, limit: int, level: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    if level > 3:
        return [text[i:i + limit] for i in range(0, len(text), limit)]
    parts, joiner = _parts(text, level)
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if len(part) <= limit:
            current = part
        else:
            pieces = _split(part, limit, level + 1)
            chunks.extend(pieces[:-1])
            current = pieces[-1]
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, at the most natural boundary."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = (text or "").strip()
    if not text:
        return []
    return [piece.strip() for piece in _split(text, limit, 0) if piece.strip()]


# --------------------------------------------------------------------------- turns

@dataclass
class Block:
    """One readable message of a turn, before platform rendering."""
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def course_link_line(course: Mapping[str, Any]) -> str:
    return f"Détails et inscription : {course['url']}" if course.get("url") else ""


def course_block(rank: int, course: Mapping[str, Any]) -> str:
    """Title (organisation), mode, hours per week, start, why, link."""
    lines = [course_line(rank, course), course_link_line(course)]
    return "\n".join(line for line in lines if line)


def recommendations_text(payload: Mapping[str, Any], first_rank: int = 1) -> str:
    courses = payload.get("courses") or []
    if not courses:
        return ""
    return "\n\n".join(course_block(first_rank + i, c) for i, c in enumerate(courses))


def is_recommendations(custom: Any) -> bool:
    return isinstance(custom, Mapping) and custom.get("type") == "recommendations"


def _add_links_in_place(text: str, courses: Sequence[Mapping[str, Any]]) -> str | None:
    """The readable list with each course's link added under it, or None if a course is not in it."""
    paragraphs = text.split("\n\n")
    for course in courses:
        title = str(course.get("titre") or "")
        index = next((i for i, p in enumerate(paragraphs)
                      if title and re.match(r"\d+\. ", p) and title in p.split("\n", 1)[0]), None)
        if index is None:
            return None
        link = course_link_line(course)
        if link and link not in paragraphs[index]:
            paragraphs[index] += "\n" + link
    return "\n\n".join(paragraphs)


def _buttons_of(message: Mapping[str, Any]) -> list[dict[str, str]]:
    buttons = message.get("buttons") or message.get("quick_replies") or []
    return [{"title": str(b.get("title", "")), "payload": str(b.get("payload", b.get("title", "")))}
            for b in buttons if isinstance(b, Mapping) and (b.get("payload") or b.get("title"))]


def turn_blocks(messages: Iterable[Mapping[str, Any]]) -> list[Block]:
    """The bot messages of one turn (Rasa dicts) as readable blocks, for channels without cards.

    Unknown custom payloads are not shown (raw JSON means nothing to a reader)."""
    blocks: list[Block] = []
    for message in messages:
        text = str(message.get("text") or "").strip()
        buttons = _buttons_of(message)
        if text or buttons:
            blocks.append(Block(text, buttons))
        custom = message.get("custom")
        if is_recommendations(custom):
            courses = custom.get("courses") or []
            merged = None
            for block in reversed(blocks):
                if block.text and courses:
                    merged = _add_links_in_place(block.text, courses)
                    if merged is not None:
                        block.text = merged
                    break
            if merged is None and courses:
                blocks.append(Block(recommendations_text(custom)))
        elif isinstance(custom, Mapping) and isinstance(custom.get("text"), str):
            blocks.append(Block(custom["text"].strip()))
        for key in ("image", "attachment"):
            if isinstance(message.get(key), str) and message[key].strip():
                blocks.append(Block(message[key].strip()))
        for element in message.get("elements") or []:
            if isinstance(element, Mapping):
                line = " : ".join(str(element[k]) for k in ("title", "subtitle") if element.get(k))
                if line or element.get("buttons"):
                    blocks.append(Block(line, _buttons_of(element)))
    return [b for b in blocks if b.text or b.buttons]


# --------------------------------------------------------------------------- button memory

_NUMBER_REPLY = re.compile(r"^\s*(?:n|no|numero|choix|reponse)?\s*(\d{1,2})\s*[.)]?\s*$")


class ButtonMemory:
    """Per sender, the buttons last shown, for a short while (in this process only).

    A restart forgets them: the person then types the answer in words, which the bot
    understands too. Several processes behind a load balancer would each keep their own
    memory; the numbers would then only map back on the process that showed them."""

    def __init__(self, ttl_seconds: float = 3600, max_senders: int = 10000, clock=time.monotonic):
        self.ttl = ttl_seconds
        self.max_senders = max_senders
        self.clock = clock
        self._data: dict[str, tuple[float, list[dict[str, str]], bool]] = {}
        self._lock = threading.Lock()

    def remember(self, sender: str, buttons: Sequence[Mapping[str, str]], numbered: bool = False) -> None:
        """Replaces what `sender` was shown; `numbered` when the buttons were listed with numbers."""
        with self._lock:
            if not buttons:
                self._data.pop(sender, None)
                return
            self._data[sender] = (self.clock(), [dict(b) for b in buttons], numbered)
            if len(self._data) > self.max_senders:
                oldest = min(self._data, key=lambda s: self._data[s][0])
                del self._data[oldest]

    def _entry(self, sender: str) -> tuple[list[dict[str, str]], bool]:
        with self._lock:
            entry = self._data.get(sender)
            if entry is None:
                return [], False
            if self.clock() - entry[0] > self.ttl:
                del self._data[sender]
                return [], False
            return entry[1], entry[2]

    def buttons(self, sender: str) -> list[dict[str, str]]:
        return self._entry(sender)[0]

    def resolve(self, sender: str, text: str) -> str:
        """The payload of the button the person picked by number (when the buttons were shown
        numbered) or by title, else `text` unchanged."""
        buttons, numbered = self._entry(sender)
        if not buttons or not text:
            return text
        folded = fold(text)
        number = _NUMBER_REPLY.match(folded) if numbered else None
        if number and 1 <= int(number.group(1)) <= len(buttons):
            return buttons[int(number.group(1)) - 1]["payload"]
        for button in buttons:
            if folded and fold(button["title"]) == folded:
                return button["payload"]
        return text

    def resolve_token(self, sender: str, data: str) -> str | None:
        """A Telegram callback_data standing for a long payload ("#b3") back to the payload."""
        if not data.startswith(LONG_PAYLOAD_PREFIX):
            return data
        index = data[len(LONG_PAYLOAD_PREFIX):]
        buttons = self.buttons(sender)
        if index.isdigit() and int(index) < len(buttons):
            return buttons[int(index)]["payload"]
        return None


# --------------------------------------------------------------------------- voice notes

# The assistant reads text only: a voice note gets this answer, and nothing of the
# conversation changes (the note never reaches the bot, so no question counts it as an answer).
VOICE_NOTE_REPLY = ("Je ne peux pas écouter les messages vocaux. Je lis seulement les messages écrits. "
                    "Écrivez votre réponse en quelques mots : nous reprenons là où nous en étions.")
# When the person was shown no buttons lately: go on, or reach a person.
VOICE_NOTE_BUTTONS = (
    {"title": "Continuer", "payload": "/greet"},
    {"title": "Parler à un conseiller", "payload": "/human_handoff"},
)


def voice_note_turn(last_buttons: Sequence[Mapping[str, str]] = ()) -> list[dict[str, Any]]:
    """The bot's answer to a voice note, as one Rasa-like message: the French text, and the
    buttons the person had last (the pending question's choices), else `VOICE_NOTE_BUTTONS`."""
    buttons = [dict(b) for b in last_buttons] or [dict(b) for b in VOICE_NOTE_BUTTONS]
    return [{"text": VOICE_NOTE_REPLY, "buttons": buttons}]


def _is_audio_type(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith("audio/")


def telegram_voice_note(message: Mapping[str, Any]) -> bool:
    """A Telegram Message holding a voice note (`voice`), an audio file (`audio`) or a round
    video note (`video_note`), with no text (Bot API, Message object)."""
    if not isinstance(message, Mapping) or isinstance(message.get("text"), str) and message["text"].strip():
        return False
    return any(isinstance(message.get(key), Mapping) for key in ("voice", "audio", "video_note"))


def messenger_voice_note(event: Mapping[str, Any]) -> bool:
    """A Messenger messaging event whose message has an attachment of type "audio" and no text
    (Messenger Platform, messages webhook event: `message.attachments[].type`)."""
    message = event.get("message") if isinstance(event, Mapping) else None
    if not isinstance(message, Mapping) or message.get("is_echo"):
        return False
    if isinstance(message.get("text"), str) and message["text"].strip():
        return False
    attachments = message.get("attachments")
    return isinstance(attachments, list) and any(
        isinstance(a, Mapping) and a.get("type") == "audio" for a in attachments)


def twilio_voice_note(fields: Mapping[str, str]) -> bool:
    """A Twilio WhatsApp inbound message with media of an audio type (`NumMedia` >= 1,
    `MediaContentType0` "audio/ogg" for a WhatsApp voice note) and no `Body`."""
    if (fields.get("Body") or "").strip():
        return False
    try:
        count = int(str(fields.get("NumMedia") or "0").strip())
    except ValueError:
        return False
    return any(_is_audio_type(fields.get(f"MediaContentType{i}")) for i in range(min(count, 10)))


def reply_choices_sentence(count: int) -> str:
    """'Répondez 1, 2 ou 3.'"""
    if count == 1:
        return "Répondez 1."
    if count <= 4:
        return "Répondez " + ", ".join(str(i) for i in range(1, count)) + f" ou {count}."
    return f"Répondez par un numéro, de 1 à {count}."


def numbered_list(buttons: Sequence[Mapping[str, str]], first: int = 1) -> str:
    return "\n".join(f"{first + i}. {b['title']}" for i, b in enumerate(buttons))


def _pack(text: str, suffix: str, limit: int) -> list[str]:
    """`text` split within `limit`, with `suffix` kept whole at the end of the last piece."""
    if not suffix:
        return split_text(text, limit)
    if len(suffix) > limit:
        return split_text(text, limit) + split_text(suffix, limit)
    pieces = split_text(text, limit)
    if pieces and len(pieces[-1]) + 2 + len(suffix) <= limit:
        pieces[-1] = f"{pieces[-1]}\n\n{suffix}"
    else:
        pieces.append(suffix)
    return pieces


# --------------------------------------------------------------------------- platforms

def _all_buttons(blocks: Sequence[Block]) -> list[dict[str, str]]:
    return [b for block in blocks for b in block.buttons]


def telegram_messages(chat_id: Any, messages: Iterable[Mapping[str, Any]], memory: ButtonMemory,
                      limit: int = TEXT_LIMITS[TELEGRAM]) -> list[dict[str, Any]]:
    """Bodies of Bot API `sendMessage` calls; buttons as an inline keyboard under the last piece.

    callback_data is the button payload itself when it fits in 64 bytes, else a short token
    that `memory` maps back. The turn's buttons are remembered (typing a title also works)."""
    limit = min(limit, TEXT_LIMITS[TELEGRAM])
    blocks = turn_blocks(messages)
    turn_buttons = _all_buttons(blocks)
    memory.remember(str(chat_id), turn_buttons)
    bodies: list[dict[str, Any]] = []
    index = 0
    for block in blocks:
        pieces = split_text(block.text, limit) or ["…"]
        for piece in pieces[:-1]:
            bodies.append({"chat_id": chat_id, "text": piece})
        body: dict[str, Any] = {"chat_id": chat_id, "text": pieces[-1]}
        if block.buttons:
            keys = []
            for button in block.buttons:
                data = button["payload"]
                if len(data.encode("utf-8")) > TELEGRAM_CALLBACK_DATA_BYTES:
                    data = f"{LONG_PAYLOAD_PREFIX}{index}"
                keys.append({"text": button["title"], "callback_data": data})
                index += 1
            short = all(len(k["text"]) <= 16 for k in keys)
            width = 2 if short else 1
            body["reply_markup"] = {"inline_keyboard": [keys[i:i + width] for i in range(0, len(keys), width)]}
        bodies.append(body)
    return bodies


def quick_reply_title(title: str, limit: int = MESSENGER_QUICK_REPLY_TITLE) -> str:
    """A title within Messenger's 20 characters, cut at a word when possible."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit - 1]
    if " " in cut and cut.rfind(" ") >= limit // 2:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


def messenger_messages(recipient_id: str, messages: Iterable[Mapping[str, Any]], memory: ButtonMemory | None = None,
                       limit: int = TEXT_LIMITS[MESSENGER]) -> list[dict[str, Any]]:
    """Bodies of Send API calls; buttons as quick replies on the last piece (13 at most).

    Titles are cut to 20 characters. Beyond 13 buttons, all of them are also listed in the
    text with numbers, and `memory` maps a typed number (or title) back to the payload."""
    limit = min(limit, TEXT_LIMITS[MESSENGER])
    blocks = turn_blocks(messages)
    if memory is not None:
        memory.remember(str(recipient_id), _all_buttons(blocks),
                        numbered=any(len(b.buttons) > MESSENGER_MAX_QUICK_REPLIES for b in blocks))
    bodies: list[dict[str, Any]] = []
    first = 1
    for block in blocks:
        buttons = block.buttons
        suffix = ""
        if len(buttons) > MESSENGER_MAX_QUICK_REPLIES:
            suffix = numbered_list(buttons, first) + "\n" + reply_choices_sentence(len(buttons))
        pieces = _pack(block.text, suffix, limit) or ["…"]
        for piece in pieces[:-1]:
            bodies.append(_messenger_body(recipient_id, {"text": piece}))
        message: dict[str, Any] = {"text": pieces[-1]}
        if buttons:
            message["quick_replies"] = [
                {"content_type": "text", "title": quick_reply_title(b["title"]),
                 "payload": b["payload"][:MESSENGER_PAYLOAD_CHARS]}
                for b in buttons[:MESSENGER_MAX_QUICK_REPLIES]]
        bodies.append(_messenger_body(recipient_id, message))
        first += len(buttons)
    return bodies


def _messenger_body(recipient_id: str, message: dict[str, Any]) -> dict[str, Any]:
    return {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message}


def whatsapp_messages(to: str, from_: str, messages: Iterable[Mapping[str, Any]], memory: ButtonMemory,
                      limit: int = TEXT_LIMITS[WHATSAPP]) -> list[dict[str, str]]:
    """Form fields of Twilio `Messages.json` calls; buttons as a numbered list, numbered across
    the turn, then "Répondez 1, 2 ou 3." The numbers are remembered for the sender."""
    limit = min(limit, TEXT_LIMITS[WHATSAPP])
    blocks = turn_blocks(messages)
    turn_buttons = _all_buttons(blocks)
    memory.remember(to, turn_buttons, numbered=True)
    bodies: list[dict[str, str]] = []
    first = 1
    for block in blocks:
        suffix = ""
        if block.buttons:
            suffix = numbered_list(block.buttons, first)
            first += len(block.buttons)
            if first - 1 == len(turn_buttons):
                suffix += "\n" + reply_choices_sentence(len(turn_buttons))
        for piece in _pack(block.text, suffix, limit):
            bodies.append({"To": to, "From": from_, "Body": piece})
    return bodies
