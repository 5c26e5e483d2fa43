"""The action server, authenticated: rasa_sdk's Sanic app with a shared secret in front.

    python -m bot.tools.action_server --actions actions --port 5055 [--interface 127.0.0.1]
    python -m bot.tools.action_server --actions actions --replica N     # port 5055 + N (systemd units)

- Listens on 127.0.0.1 unless `--interface` (or ACTION_INTERFACE) names another interface.
- When CAPNUM_ACTION_TOKEN is set, every call but GET /health must carry it (Rasa sends the
  `token` of endpoints.yml's action_endpoint as the query parameter `token`; a header
  `Authorization: Bearer …` is accepted too). A call without it, or with a wrong one, gets 401
  before anything runs: no action, no database access. rasa_sdk 3.6 does not check the token
  itself, hence this wrapper.
- Listening on another interface than loopback without a token is refused at start
  (bot.tools.listen.action_address).
- Errors answer {"error": "…"} without echoing the request body (rasa_sdk's own handler
  returns the whole request, profile included); every log line goes through bot.core.logsafe.
"""
from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Optional

from bot.tools.listen import RefusedAddress, action_address, is_loopback  # noqa: F401 (is_loopback: old name)

TOKEN_ENV_VAR = "CAPNUM_ACTION_TOKEN"
OPEN_PATHS = {"/health"}

logger = logging.getLogger(__name__)


def token_ok(expected: str, request) -> bool:
    given = request.args.get("token")
    if not given:
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def create_app(actions: str = "actions", token: Optional[str] = None):
    """rasa_sdk's app (no CORS: only Rasa calls it) with the token check before every route."""
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    app = sdk_app(actions, cors_origins=None)

    if token:
        @app.on_request
        async def check_token(request):
            if request.path in OPEN_PATHS:
                return None
            if not token_ok(token, request):
                logger.warning("Action server call refused: missing or wrong token (from %s).",
                               request.ip)
                return response.json({"error": "Appel refusé : jeton manquant ou invalide."}, status=401)
            return None

    @app.exception(Exception)
    async def no_echo(request, exception: Exception):
        from sanic.exceptions import SanicException

        status = exception.status_code if isinstance(exception, SanicException) else 500
        if status >= 500:
            logger.error("Action failed: %s", type(exception).__name__, exc_info=exception)
        return response.json({"error": "Erreur du serveur d'actions."}, status=status)

    return app


def warm_up(actions: str) -> None:
    """Runs the actions package's `warm_up()` when it has one, before listening: /health then
    means "ready to answer in time", not "process started". A failure is logged, not fatal
    (the first call then pays the loading)."""
    import importlib

    try:
        hook = getattr(importlib.import_module(actions), "warm_up", None)
        if hook is not None:
            hook()
    except Exception as exc:  # noqa: BLE001 - the server must still start
        logger.warning("Warm-up failed (%s); the first call will load what it needs.", type(exc).__name__)


def main(argv: Optional[list[str]] = None) -> int:
    from bot.core.logsafe import install

    install()
    parser = argparse.ArgumentParser(prog="python -m bot.tools.action_server",
                                     description="Serveur d'actions authentifié de Cap Numérique.")
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=None, help="défaut : 5055 + N avec --replica, sinon ACTION_PORT ou 5055")
    parser.add_argument("--replica", type=int, default=None,
                        help="numéro de la réplique N (unités systemd) : port 5055 + N")
    parser.add_argument("--interface", default=os.environ.get("ACTION_INTERFACE", "127.0.0.1"))
    args = parser.parse_args(argv)
    if args.port is None:
        args.port = 5055 + args.replica if args.replica is not None else int(os.environ.get("ACTION_PORT", "5055"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    token = (os.environ.get(TOKEN_ENV_VAR) or "").strip() or None
    try:  # loopback, or another address with the secret (bot.tools.listen)
        args.interface = action_address(args.interface)
    except RefusedAddress as exc:
        print(exc, file=sys.stderr)
        return 2
    if token and len(token) < 16:
        print(f"{TOKEN_ENV_VAR} est trop court : 16 caractères au moins.", file=sys.stderr)
        return 2
    try:
        app = create_app(args.actions, token)
    except Exception as exc:
        print(f"Le serveur d'actions ne peut pas démarrer : {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    warm_up(args.actions)
    logger.info("Action server on %s:%s (%s).", args.interface, args.port,
                "token required" if token else "loopback, no token")
    try:
        app.run(args.interface, args.port, workers=1, access_log=False, motd=False)
    except OSError as exc:
        print(f"Le serveur d'actions ne peut pas écouter sur le port {args.port} : {exc.strerror}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
