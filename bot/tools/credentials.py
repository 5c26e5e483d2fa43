"""Writes the Rasa credentials file (which channels are on) from the environment.

The REST channel (and whatever the project's `credentials.yml` lists) is always on. Each
messaging channel is added only when all its required variables are set:

| channel | required | optional |
| --- | --- | --- |
| Telegram | TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN | TELEGRAM_API_URL |
| Messenger | MESSENGER_PAGE_TOKEN, MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN | MESSENGER_API_URL |
| WhatsApp (Twilio) | TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_NUMBER, PUBLIC_URL | TWILIO_API_URL |

`MESSAGING_MAX_CHARS` (optional) lowers the length at which texts are split, below each
platform's own limit (tests use it to exercise splitting).
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from bot.core import config

REST_CHANNEL = "capnum_rasa.rest.RestChannel"
TELEGRAM_CHANNEL = "capnum_rasa.channels.TelegramChannel"
MESSENGER_CHANNEL = "capnum_rasa.channels.MessengerChannel"
WHATSAPP_CHANNEL = "capnum_rasa.channels.WhatsAppChannel"

TELEGRAM_API = "https://api.telegram.org"
MESSENGER_API = "https://graph.facebook.com/v19.0"
TWILIO_API = "https://api.twilio.com"

# Each messaging channel: its settings read from its required variables (setting, variable),
# then the variable of its API URL and that URL's default.
CHANNEL_SETTINGS = {
    TELEGRAM_CHANNEL: ((("access_token", "TELEGRAM_TOKEN"), ("secret_token", "TELEGRAM_SECRET_TOKEN")),
                       "TELEGRAM_API_URL", TELEGRAM_API),
    MESSENGER_CHANNEL: ((("page_access_token", "MESSENGER_PAGE_TOKEN"), ("app_secret", "MESSENGER_APP_SECRET"),
                         ("verify_token", "MESSENGER_VERIFY_TOKEN")), "MESSENGER_API_URL", MESSENGER_API),
    WHATSAPP_CHANNEL: ((("account_sid", "TWILIO_ACCOUNT_SID"), ("auth_token", "TWILIO_AUTH_TOKEN"),
                        ("whatsapp_number", "TWILIO_WHATSAPP_NUMBER"), ("public_url", "PUBLIC_URL")),
                       "TWILIO_API_URL", TWILIO_API),
}
REQUIRED = {channel: tuple(variable for _, variable in fields)
            for channel, (fields, _, _) in CHANNEL_SETTINGS.items()}

BASE_CREDENTIALS = config.PROJECT_ROOT / "credentials.yml"


def _whatsapp_address(number: str) -> str:
    number = number.strip()
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


# How a setting is read from its variable when not merely stripped.
_READERS = {"whatsapp_number": _whatsapp_address, "public_url": lambda value: value.strip().rstrip("/")}


def messaging_settings(environ: dict | None = None) -> dict:
    """Settings of each messaging channel whose variables are all set."""
    env = os.environ if environ is None else environ
    enabled = {name for name, keys in REQUIRED.items() if all((env.get(k) or "").strip() for k in keys)}
    extra = {}
    if (env.get("MESSAGING_MAX_CHARS") or "").strip().isdigit():
        extra["max_chars"] = int(env["MESSAGING_MAX_CHARS"])
    settings: dict = {}
    for channel, (fields, api_variable, api_default) in CHANNEL_SETTINGS.items():
        if channel in enabled:
            settings[channel] = {setting: _READERS.get(setting, str.strip)(env[variable])
                                 for setting, variable in fields}
            settings[channel].update(api_url=(env.get(api_variable) or api_default).rstrip("/"), **extra)
    return settings


def credentials_settings(environ: dict | None = None, base: Path | None = BASE_CREDENTIALS) -> dict:
    """The project's credentials.yml (REST at least) plus the enabled messaging channels."""
    settings: dict = {}
    if base is not None and base.exists():
        settings = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    # The REST channel is always on, as capnum_rasa.rest.RestChannel: the stock `rest` channel
    # (same URL /webhooks/rest/webhook, same answers) with input validation and fault handling.
    settings.pop("rest", None)
    settings.setdefault(REST_CHANNEL, None)
    for name in REQUIRED:
        settings.pop(name, None)
    settings.update(messaging_settings(environ))
    return settings


def write_credentials(path: Path | None = None, environ: dict | None = None) -> Path:
    from bot.tools.endpoints import write_private

    # 0600 from creation: it holds the platforms' secrets.
    return write_private(path or config.VAR_DIR / "credentials.yml",
                         yaml.safe_dump(credentials_settings(environ), sort_keys=False, allow_unicode=True))
