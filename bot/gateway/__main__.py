"""python -m bot.gateway: runs the web gateway.

GATEWAY_PORT (8080), GATEWAY_HOST (127.0.0.1; 0.0.0.0 behind a reverse proxy), RASA_URL
(http://127.0.0.1:$RASA_PORT), DATABASE_URL, CONSOLE_SESSION_IDLE_SECONDS (28800),
GATEWAY_SECURE_COOKIES (set to 1 behind HTTPS), GATEWAY_TRUSTED_PROXIES (number of reverse
proxies in front; GATEWAY_TRUST_PROXY=1 means one), GATEWAY_CHAT_LIMIT, GATEWAY_LOGIN_LIMIT.
"""
from __future__ import annotations

import logging
import os
import sys

from aiohttp import web


def main() -> int:
    from bot.core.logsafe import install

    install()  # no token or password in any log line
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.gateway.app import create_app

    port = int(os.environ.get("GATEWAY_PORT", "8080"))
    host = os.environ.get("GATEWAY_HOST", "127.0.0.1")
    rasa_url = os.environ.get("RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    try:
        app = create_app(rasa_url)
    except Exception as exc:  # the database cannot be opened or migrated
        print(f"La passerelle web ne peut pas démarrer : {exc}", file=sys.stderr)
        return 1
    try:
        web.run_app(app, host=host, port=port, access_log=None, print=None)
    except OSError as exc:
        print(f"La passerelle web ne peut pas écouter sur le port {port} : {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
