"""Recognising a voice note in each platform's payload (bot/core/messaging.py), and the answer."""
from __future__ import annotations

from bot.core.messaging import (
    VOICE_NOTE_BUTTONS, VOICE_NOTE_REPLY, messenger_voice_note, telegram_voice_note, twilio_voice_note,
    voice_note_turn,
)

VOICE = {"file_id": "AwACAgQAAx", "file_unique_id": "AgAD", "duration": 3, "mime_type": "audio/ogg"}


def test_telegram_voice_audio_and_round_video_are_voice_notes():
    assert telegram_voice_note({"message_id": 1, "chat": {"id": 5}, "voice": VOICE})
    assert telegram_voice_note({"message_id": 1, "chat": {"id": 5}, "audio": {**VOICE, "title": "x"}})
    assert telegram_voice_note({"message_id": 1, "chat": {"id": 5}, "video_note": {"file_id": "x", "length": 240}})
    assert not telegram_voice_note({"message_id": 1, "chat": {"id": 5}, "text": "bonjour"})
    assert not telegram_voice_note({"message_id": 1, "chat": {"id": 5}, "photo": [{"file_id": "x"}]})
    assert not telegram_voice_note({"message_id": 1, "chat": {"id": 5}, "voice": "not an object"})


def test_messenger_audio_attachment_is_a_voice_note():
    audio = {"sender": {"id": "1"}, "message": {"mid": "m", "attachments": [{"type": "audio", "payload": {"url": "https://x"}}]}}
    assert messenger_voice_note(audio)
    image = {"sender": {"id": "1"}, "message": {"mid": "m", "attachments": [{"type": "image", "payload": {"url": "https://x"}}]}}
    assert not messenger_voice_note(image)
    echo = {"sender": {"id": "1"}, "message": {"is_echo": True, "attachments": [{"type": "audio"}]}}
    assert not messenger_voice_note(echo)
    assert not messenger_voice_note({"sender": {"id": "1"}, "message": {"text": "bonjour"}})
    assert not messenger_voice_note({"sender": {"id": "1"}, "postback": {"payload": "/greet"}})


def test_twilio_audio_media_without_body_is_a_voice_note():
    assert twilio_voice_note({"NumMedia": "1", "MediaContentType0": "audio/ogg", "Body": ""})
    assert twilio_voice_note({"NumMedia": "2", "MediaContentType0": "image/jpeg", "MediaContentType1": "audio/mpeg"})
    assert not twilio_voice_note({"NumMedia": "1", "MediaContentType0": "image/jpeg", "Body": ""})
    assert not twilio_voice_note({"NumMedia": "1", "MediaContentType0": "audio/ogg", "Body": "bonjour"})
    assert not twilio_voice_note({"NumMedia": "0", "Body": "bonjour"})
    assert not twilio_voice_note({"NumMedia": "deux", "MediaContentType0": "audio/ogg"})


def test_the_answer_keeps_the_last_buttons_else_offers_to_go_on():
    last = [{"title": "Bac", "payload": '/inform{"niveau":"bac"}'}]
    assert voice_note_turn(last) == [{"text": VOICE_NOTE_REPLY, "buttons": last}]
    assert voice_note_turn([]) == [{"text": VOICE_NOTE_REPLY, "buttons": [dict(b) for b in VOICE_NOTE_BUTTONS]}]
