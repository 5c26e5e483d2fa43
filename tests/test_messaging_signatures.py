"""Webhook authenticity checks (pure) and the credentials file written from the environment."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.core import config
from bot.core.webhook_security import (
    form_pairs, messenger_signature, messenger_signature_ok, telegram_secret_ok, twilio_signature,
    twilio_signature_ok,
)
from bot.tools.credentials import (
    MESSENGER_CHANNEL, REST_CHANNEL, TELEGRAM_CHANNEL, WHATSAPP_CHANNEL, credentials_settings, write_credentials,
)

WEBHOOKS = config.SHARED_DIR / "reference" / "webhooks"


def test_twilio_published_test_vector():
    vector = json.loads((WEBHOOKS / "twilio_signature_test_vector.json").read_text(encoding="utf-8"))
    expected = vector["expected_X-Twilio-Signature"]
    assert twilio_signature(vector["auth_token"], vector["url"], vector["params"]) == expected
    assert twilio_signature_ok(vector["auth_token"], vector["url"], vector["params"], expected)
    assert not twilio_signature_ok("wrong", vector["url"], vector["params"], expected)
    assert not twilio_signature_ok(vector["auth_token"], vector["url"].replace("https", "http"), vector["params"], expected)
    tampered = {**vector["params"], "Digits": "9999"}
    assert not twilio_signature_ok(vector["auth_token"], vector["url"], tampered, expected)
    assert not twilio_signature_ok(vector["auth_token"], vector["url"], vector["params"], None)


def test_twilio_signature_over_the_real_whatsapp_form():
    body = (WEBHOOKS / "twilio_whatsapp_inbound.form").read_bytes().strip()
    pairs = form_pairs(body)
    assert dict(pairs)["Body"] == "Olá" and dict(pairs)["From"] == "whatsapp:+550000000000"
    url = "https://capnum.example.fr/webhooks/whatsapp/webhook"
    signature = twilio_signature("secret", url, pairs)
    assert twilio_signature_ok("secret", url, pairs, signature)
    assert not twilio_signature_ok("secret", "http://127.0.0.1:5005/webhooks/whatsapp/webhook", pairs, signature)


def test_messenger_signature_on_raw_bytes():
    body = (WEBHOOKS / "messenger_text_message_post_body.json").read_bytes()
    header = messenger_signature("app-secret", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert messenger_signature_ok("app-secret", body, header)
    assert not messenger_signature_ok("other", body, header)
    assert not messenger_signature_ok("app-secret", body + b" ", header)
    # the same JSON re-serialised differently is not the signed body
    assert not messenger_signature_ok("app-secret", json.dumps(json.loads(body)).encode(), header)
    assert not messenger_signature_ok("app-secret", body, None)
    assert not messenger_signature_ok("app-secret", body, "sha1=" + header[7:])


def test_telegram_secret_token():
    assert telegram_secret_ok("s3cret_token-1", "s3cret_token-1")
    assert not telegram_secret_ok("s3cret_token-1", "s3cret_token-2")
    assert not telegram_secret_ok("s3cret_token-1", None)
    assert not telegram_secret_ok("s3cret_token-1", "")
    assert not telegram_secret_ok(None, "")
    assert not telegram_secret_ok("é", "e")


# ------------------------------------------------------------------ credentials

ALL = {"TELEGRAM_TOKEN": "123:abc", "TELEGRAM_SECRET_TOKEN": "tg-secret",
       "MESSENGER_PAGE_TOKEN": "page", "MESSENGER_APP_SECRET": "app", "MESSENGER_VERIFY_TOKEN": "verify",
       "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tw", "TWILIO_WHATSAPP_NUMBER": "+14155238886",
       "PUBLIC_URL": "https://capnum.example.fr/"}


def test_only_rest_without_variables():
    assert credentials_settings({}) == {REST_CHANNEL: None}


def test_every_channel_with_its_variables_and_real_apis_by_default():
    settings = credentials_settings(ALL)
    assert settings[TELEGRAM_CHANNEL] == {"access_token": "123:abc", "secret_token": "tg-secret",
                                          "api_url": "https://api.telegram.org"}
    assert settings[MESSENGER_CHANNEL]["api_url"] == "https://graph.facebook.com/v19.0"
    assert settings[WHATSAPP_CHANNEL] == {"account_sid": "AC1", "auth_token": "tw",
                                          "whatsapp_number": "whatsapp:+14155238886",
                                          "public_url": "https://capnum.example.fr",
                                          "api_url": "https://api.twilio.com"}
    assert REST_CHANNEL in settings


def test_a_channel_missing_one_variable_stays_off():
    env = {k: v for k, v in ALL.items() if k not in ("PUBLIC_URL", "TELEGRAM_SECRET_TOKEN")}
    settings = credentials_settings(env)
    assert TELEGRAM_CHANNEL not in settings and WHATSAPP_CHANNEL not in settings
    assert MESSENGER_CHANNEL in settings


def test_api_urls_can_point_elsewhere(tmp_path: Path):
    env = {**ALL, "TELEGRAM_API_URL": "http://127.0.0.1:9999/tg/", "MESSENGER_API_URL": "http://127.0.0.1:9999/fb",
           "TWILIO_API_URL": "http://127.0.0.1:9999/tw", "MESSAGING_MAX_CHARS": "300"}
    path = write_credentials(tmp_path / "credentials.yml", env)
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written[TELEGRAM_CHANNEL]["api_url"] == "http://127.0.0.1:9999/tg"
    assert written[MESSENGER_CHANNEL]["api_url"] == "http://127.0.0.1:9999/fb"
    assert written[WHATSAPP_CHANNEL]["max_chars"] == 300
    assert REST_CHANNEL in written
    assert path.stat().st_mode & 0o077 == 0
