"""One Rasa server (replica), with its listening address checked first.

    python -m bot.tools.rasa_server --replica N          # port 5005 + N, action server 127.0.0.1:5055 + N
    python -m bot.tools.rasa_server --port 5005 [--interface ADDR] [--model models/capnum.tar.gz]

What the systemd units (deploy/systemd/capnum-rasa@.service) start, instead of `rasa run`:
- the address: 127.0.0.1 unless RASA_INTERFACE names another one, and then only with
  RASA_AUTH_TOKEN set (bot.tools.listen.rasa_address); otherwise a French line and exit code 2,
  before anything listens;
- writes this replica's endpoints file (var/endpoints-N.yml: tracker store, lock store, event
  broker, action server URL and token, from the environment; bot.tools.endpoints) and the channels
  file (var/credentials.yml; bot.tools.credentials), both 0600;
- then becomes `rasa run --enable-api` (the same process: systemd sees one PID).

ACTION_SERVER_URL overrides the action server's URL (another machine).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional

from bot.core import config
from bot.tools.listen import RefusedAddress, rasa_address

RASA_BASE_PORT = 5005
ACTION_BASE_PORT = 5055


def rasa_command(port: int, interface: str, model: Path, endpoints: Path, credentials: Path,
                 token: Optional[str]) -> list[str]:
    command = [str(Path(sys.executable).parent / "rasa"), "run", "--enable-api", "--port", str(port),
               "--interface", interface, "--model", str(model), "--endpoints", str(endpoints),
               "--credentials", str(credentials), "--response-timeout", "30"]
    if token:
        command += ["--auth-token", token]
    return command


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.rasa_server",
                                     description="Un serveur Rasa de Cap Numérique (une réplique).")
    parser.add_argument("--replica", type=int, default=None,
                        help="numéro N de la réplique : port 5005 + N, serveur d'actions 5055 + N")
    parser.add_argument("--port", type=int, default=None, help="défaut : 5005 + N, sinon RASA_PORT ou 5005")
    parser.add_argument("--interface", default=None, help="défaut : RASA_INTERFACE, sinon 127.0.0.1")
    parser.add_argument("--model", default=None, help="défaut : le dernier modèle de models/")
    args = parser.parse_args(argv)
    replica = args.replica or 0
    port = args.port or (RASA_BASE_PORT + replica if args.replica is not None
                         else int(os.environ.get("RASA_PORT", RASA_BASE_PORT)))
    token = (os.environ.get("RASA_AUTH_TOKEN") or "").strip() or None
    try:
        interface = rasa_address(args.interface, token=token or "")
    except RefusedAddress as exc:
        print(exc, file=sys.stderr)
        return 2
    from bot.tools.serve import latest_model

    model = Path(args.model) if args.model else latest_model()
    if model is None or not model.exists():
        print("Aucun modèle entraîné dans models/ : lancez `make train`.", file=sys.stderr)
        return 1
    from bot.tools.credentials import write_credentials
    from bot.tools.endpoints import write_endpoints

    action_url = os.environ.get("ACTION_SERVER_URL") or f"http://127.0.0.1:{ACTION_BASE_PORT + replica}/webhook"
    name = "endpoints.yml" if args.replica is None else f"endpoints-{replica}.yml"
    endpoints = write_endpoints(action_url, config.VAR_DIR / name)
    credentials = write_credentials()
    command = rasa_command(port, interface, model, endpoints, credentials, token)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
