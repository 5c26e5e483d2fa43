"""Rendering bot turns for Telegram, Messenger and WhatsApp (pure, no server)."""
from __future__ import annotations

from bot.core import messaging
from bot.core.messaging import ButtonMemory, split_text
from bot.core.replies import recommendations_text as readable_list

BUTTONS = [{"title": "Pas de diplôme", "payload": '/inform{"niveau":"sans_diplome"}'},
           {"title": "Bac", "payload": '/inform{"niveau":"bac"}'},
           {"title": "Parler à un conseiller", "payload": "/human_handoff"}]

COURSES = [
    {"id": "ACT-1", "titre": "Développeur web junior", "organisme": "École du Code", "modalite": "distance",
     "heures_semaine": 12, "creneau": "soir_weekend", "debut": "2027-01-11", "entrees_permanentes": False,
     "url": "https://exemple.fr/act-1", "raisons": ["Accessible sans diplôme", "Compatible avec 12 h par semaine"]},
    {"id": "ACT-2", "titre": "Bases du numérique", "organisme": "Les Ateliers", "modalite": "hybride",
     "heures_semaine": 6, "debut": None, "entrees_permanentes": True, "url": "https://exemple.fr/act-2",
     "raisons": ["Entrée à tout moment"]},
]
PAYLOAD = {"type": "recommendations", "relaxed": [], "courses": COURSES}


# ------------------------------------------------------------------ splitting

def test_short_text_is_one_piece():
    assert split_text("  Bonjour.  ", 100) == ["Bonjour."]
    assert split_text("", 100) == []


def test_split_at_paragraphs_first():
    text = "\n\n".join(["a" * 40, "b" * 40, "c" * 40])
    assert split_text(text, 90) == ["a" * 40 + "\n\n" + "b" * 40, "c" * 40]


def test_split_at_sentences_inside_a_long_paragraph():
    sentence = "Ceci est une phrase de test. "
    text = (sentence * 20).strip()
    pieces = split_text(text, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text


def test_split_never_exceeds_the_limit_and_loses_no_word():
    text = ("mot " * 3000) + "\n\n" + "x" * 5000
    for limit in (1600, 2000, 4096):
        pieces = split_text(text, limit)
        assert all(0 < len(p) <= limit for p in pieces)
        assert "".join(pieces).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


# ------------------------------------------------------------------ turns and recommendations

def test_recommendations_payload_becomes_a_numbered_list_with_links():
    blocks = messaging.turn_blocks([{"custom": PAYLOAD}])
    assert len(blocks) == 1
    text = blocks[0].text
    assert text.startswith("1. Développeur web junior (École du Code)")
    assert "2. Bases du numérique (Les Ateliers)" in text
    assert "12 h par semaine" in text and "11 janvier 2027" in text
    assert "Pourquoi : Accessible sans diplôme" in text
    assert "Détails et inscription : https://exemple.fr/act-1" in text
    assert "Entrée possible à tout moment" in text


def test_readable_list_already_sent_gets_the_links_not_a_second_list():
    readable = readable_list(COURSES, None)
    blocks = messaging.turn_blocks([{"text": readable}, {"custom": PAYLOAD},
                                    {"text": "Que voulez-vous faire ?", "buttons": BUTTONS}])
    assert len(blocks) == 2
    assert blocks[0].text.count("Développeur web junior") == 1
    first, second = blocks[0].text.split("\n\n")[1:3]
    assert first.endswith("https://exemple.fr/act-1") and second.endswith("https://exemple.fr/act-2")
    assert blocks[1].buttons == BUTTONS


def test_unknown_custom_payload_is_not_shown_as_json():
    assert messaging.turn_blocks([{"custom": {"type": "other", "x": 1}}]) == []


# ------------------------------------------------------------------ Telegram

def test_telegram_inline_keyboard_carries_the_payloads():
    memory = ButtonMemory()
    bodies = messaging.telegram_messages(42, [{"text": "Quel est votre diplôme ?", "buttons": BUTTONS}], memory)
    assert len(bodies) == 1
    keyboard = bodies[0]["reply_markup"]["inline_keyboard"]
    keys = [key for row in keyboard for key in row]
    assert [k["text"] for k in keys] == [b["title"] for b in BUTTONS]
    assert [k["callback_data"] for k in keys] == [b["payload"] for b in BUTTONS]
    assert bodies[0]["chat_id"] == 42 and bodies[0]["text"] == "Quel est votre diplôme ?"


def test_telegram_long_payload_goes_through_a_token():
    memory = ButtonMemory()
    long_payload = '/course_details{"course_id":"' + "X" * 80 + '"}'
    bodies = messaging.telegram_messages(7, [{"text": "Choisissez", "buttons": [{"title": "Détails", "payload": long_payload}]}],
                                         memory)
    data = bodies[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64
    assert memory.resolve_token("7", data) == long_payload
    assert memory.resolve_token("7", '/inform{"niveau":"bac"}') == '/inform{"niveau":"bac"}'


def test_telegram_splits_long_text_and_keeps_the_keyboard_on_the_last_piece():
    text = "\n\n".join(f"Paragraphe {i}. " + "texte " * 100 for i in range(12))
    bodies = messaging.telegram_messages(1, [{"text": text, "buttons": BUTTONS}], ButtonMemory())
    assert len(bodies) >= 2
    assert all(len(b["text"]) <= 4096 for b in bodies)
    assert "reply_markup" in bodies[-1] and all("reply_markup" not in b for b in bodies[:-1])


def test_typed_number_is_not_a_button_choice_on_telegram():
    memory = ButtonMemory()
    messaging.telegram_messages(1, [{"text": "Combien d'heures ?", "buttons": BUTTONS}], memory)
    assert memory.resolve("1", "2") == "2"
    assert memory.resolve("1", "bac") == '/inform{"niveau":"bac"}'  # typing the title works


# ------------------------------------------------------------------ Messenger

def test_messenger_quick_replies_within_limits():
    buttons = BUTTONS + [{"title": f"Choix {i}", "payload": f"/p{i}"} for i in range(15)]
    memory = ButtonMemory()
    bodies = messaging.messenger_messages("U1", [{"text": "Choisissez :", "buttons": buttons}], memory)
    last = bodies[-1]
    assert last["recipient"] == {"id": "U1"} and last["messaging_type"] == "RESPONSE"
    quick = last["message"]["quick_replies"]
    assert len(quick) == 13
    assert all(len(q["title"]) <= 20 and q["content_type"] == "text" for q in quick)
    assert quick[0]["payload"] == '/inform{"niveau":"sans_diplome"}'
    assert quick[2]["title"] == "Parler à un…"
    # beyond 13, the full list is written with numbers, and a number maps back
    assert "18. Choix 14" in last["message"]["text"]
    assert memory.resolve("U1", "18") == "/p14"


def test_messenger_splits_at_2000():
    text = "Une phrase assez longue pour remplir le message. " * 100
    bodies = messaging.messenger_messages("U1", [{"text": text}])
    assert len(bodies) == 3
    assert all(len(b["message"]["text"]) <= 2000 for b in bodies)


def test_quick_reply_title():
    assert messaging.quick_reply_title("Bac") == "Bac"
    assert len(messaging.quick_reply_title("x" * 40)) == 20


# ------------------------------------------------------------------ WhatsApp

def test_whatsapp_buttons_become_a_numbered_list_and_numbers_map_back():
    memory = ButtonMemory()
    bodies = messaging.whatsapp_messages("whatsapp:+33600000000", "whatsapp:+14155238886",
                                         [{"text": "Quel est votre diplôme ?", "buttons": BUTTONS}], memory)
    assert len(bodies) == 1
    body = bodies[0]
    assert body["To"] == "whatsapp:+33600000000" and body["From"] == "whatsapp:+14155238886"
    assert body["Body"] == ("Quel est votre diplôme ?\n\n1. Pas de diplôme\n2. Bac\n3. Parler à un conseiller\n"
                            "Répondez 1, 2 ou 3.")
    assert memory.resolve("whatsapp:+33600000000", "2") == '/inform{"niveau":"bac"}'
    assert memory.resolve("whatsapp:+33600000000", " 3. ") == "/human_handoff"
    assert memory.resolve("whatsapp:+33600000000", "4") == "4"
    assert memory.resolve("whatsapp:+33600000000", "j'ai le bac pro") == "j'ai le bac pro"
    assert memory.resolve("someone-else", "2") == "2"


def test_whatsapp_numbers_run_across_the_turn():
    memory = ButtonMemory()
    bodies = messaging.whatsapp_messages("w:1", "w:0", [{"text": "A", "buttons": BUTTONS[:2]},
                                                         {"text": "B", "buttons": BUTTONS[2:]}], memory)
    assert "1. Pas de diplôme\n2. Bac" in bodies[0]["Body"] and "Répondez" not in bodies[0]["Body"]
    assert "3. Parler à un conseiller\nRépondez 1, 2 ou 3." in bodies[1]["Body"]
    assert memory.resolve("w:1", "3") == "/human_handoff"


def test_whatsapp_turn_without_buttons_forgets_the_numbers():
    memory = ButtonMemory()
    messaging.whatsapp_messages("w:1", "w:0", [{"text": "A", "buttons": BUTTONS}], memory)
    messaging.whatsapp_messages("w:1", "w:0", [{"text": "Merci."}], memory)
    assert memory.resolve("w:1", "1") == "1"


def test_whatsapp_long_turn_is_split_under_1600_with_the_choices_whole_at_the_end():
    text = "\n\n".join("Une ligne de présentation de formation. " * 8 for _ in range(10))
    bodies = messaging.whatsapp_messages("w:1", "w:0", [{"text": text, "buttons": BUTTONS}], ButtonMemory())
    assert len(bodies) >= 2
    assert all(len(b["Body"]) <= 1600 for b in bodies)
    assert bodies[-1]["Body"].endswith("1. Pas de diplôme\n2. Bac\n3. Parler à un conseiller\nRépondez 1, 2 ou 3.")


def test_reply_choices_sentence():
    assert messaging.reply_choices_sentence(1) == "Répondez 1."
    assert messaging.reply_choices_sentence(2) == "Répondez 1 ou 2."
    assert messaging.reply_choices_sentence(3) == "Répondez 1, 2 ou 3."
    assert messaging.reply_choices_sentence(7) == "Répondez par un numéro, de 1 à 7."


def test_memory_expires():
    now = [0.0]
    memory = ButtonMemory(ttl_seconds=60, clock=lambda: now[0])
    memory.remember("s", BUTTONS, numbered=True)
    assert memory.resolve("s", "1") == BUTTONS[0]["payload"]
    now[0] = 61
    assert memory.resolve("s", "1") == "1"


def test_messaging_module_has_no_rasa_import():
    text = open(messaging.__file__, encoding="utf-8").read()
    assert "import rasa" not in text and "from rasa" not in text
