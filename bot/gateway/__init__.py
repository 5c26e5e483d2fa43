"""The web gateway (aiohttp, port 8080): chat page, chat API in front of Rasa, advisers' console.

No Rasa import: the gateway talks to Rasa's REST channel over HTTP (see app.py).
"""
from bot.gateway.app import create_app  # noqa: F401

__all__ = ["create_app"]
