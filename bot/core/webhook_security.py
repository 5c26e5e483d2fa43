"""Authenticity checks of messaging webhooks (pure, constant-time comparisons).

- Telegram: header `X-Telegram-Bot-Api-Secret-Token` equals the `secret_token` given to
  `setWebhook`.
- Messenger: header `X-Hub-Signature-256` is "sha256=" + hex HMAC-SHA256(app secret, raw body).
- Twilio: header `X-Twilio-Signature` is base64(HMAC-SHA1(auth token, URL + each POST
  parameter's name and value, sorted by name)). The URL is the public one Twilio called, which
  differs from what the server sees behind a proxy: it comes from the configuration.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable, Mapping
from urllib.parse import parse_qsl


def telegram_secret_ok(expected: str | None, header: str | None) -> bool:
    if not expected or not header:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), header.encode("utf-8"))


def messenger_signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def messenger_signature_ok(app_secret: str | None, body: bytes, header: str | None) -> bool:
    if not app_secret or not header:
        return False
    return hmac.compare_digest(messenger_signature(app_secret, body).encode("ascii"),
                               header.strip().encode("utf-8", "replace"))


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    data = url + "".join(key + value for key, value in sorted(pairs))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    """The fields of an application/x-www-form-urlencoded body, repeated names kept."""
    return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)


def twilio_signature_ok(auth_token: str | None, url: str, params, header: str | None) -> bool:
    if not auth_token or not header:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("utf-8", "replace"))
