"""Where the Rasa server and the action server may listen: loopback, unless the deployment
says otherwise in the way the README documents.

- Rasa (REST channel, HTTP API): 127.0.0.1. Another address only when `RASA_INTERFACE` names
  exactly that address, and with `RASA_AUTH_TOKEN` set (otherwise Rasa's HTTP API, which reads
  and rewrites every conversation, would answer anyone on the network). A `--interface` given
  on a command line alone never opens Rasa to the network.
- Action server: 127.0.0.1 (or `ACTION_INTERFACE` / `--interface`). Another address only with
  `CAPNUM_ACTION_TOKEN` set (16 characters or more): every call then carries the secret.

A refused address raises `RefusedAddress` before anything listens; its message is French,
then English, and says which variable to set.
"""
from __future__ import annotations

import ipaddress
import os
from typing import Mapping, Optional

LOOPBACK = "127.0.0.1"
ACTION_TOKEN_VAR = "CAPNUM_ACTION_TOKEN"
MIN_ACTION_TOKEN = 16


class RefusedAddress(ValueError):
    """A server was asked to listen where the deployment did not allow it."""


def is_loopback(host: str) -> bool:
    host = (host or "").strip()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _env(environ: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def rasa_address(requested: Optional[str] = None, environ: Optional[Mapping[str, str]] = None,
                 token: Optional[str] = None) -> str:
    """The address the Rasa server may listen on, or RefusedAddress.

    `requested`: an address asked for on a command line (None: RASA_INTERFACE, else loopback).
    `token`: the HTTP API token Rasa is started with (default RASA_AUTH_TOKEN)."""
    env = _env(environ)
    named = (env.get("RASA_INTERFACE") or "").strip()
    address = (requested or named or LOOPBACK).strip()
    if is_loopback(address):
        return address
    if address != named:
        raise RefusedAddress(
            f"Le serveur Rasa refuse d'écouter sur {address} : hors de l'adresse de bouclage, il "
            f"n'écoute que sur l'adresse que RASA_INTERFACE nomme. Définissez RASA_INTERFACE={address} "
            f"si c'est voulu. / Rasa listens on loopback only unless RASA_INTERFACE names the address.")
    token = token if token is not None else env.get("RASA_AUTH_TOKEN")
    if not (token or "").strip():
        raise RefusedAddress(
            f"Le serveur Rasa refuse d'écouter sur {address} sans RASA_AUTH_TOKEN : son API HTTP "
            f"serait ouverte à tout le réseau. Définissez RASA_AUTH_TOKEN. / Rasa refuses a "
            f"non-loopback address without RASA_AUTH_TOKEN.")
    return address


def action_address(requested: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> str:
    """The address the action server may listen on, or RefusedAddress."""
    env = _env(environ)
    address = (requested or env.get("ACTION_INTERFACE") or LOOPBACK).strip()
    if is_loopback(address):
        return address
    token = (env.get(ACTION_TOKEN_VAR) or "").strip()
    if not token:
        raise RefusedAddress(
            f"Le serveur d'actions refuse d'écouter sur {address} sans jeton : définissez "
            f"{ACTION_TOKEN_VAR} (le même pour Rasa). / The action server refuses a non-loopback "
            f"address without {ACTION_TOKEN_VAR}.")
    if len(token) < MIN_ACTION_TOKEN:
        raise RefusedAddress(f"{ACTION_TOKEN_VAR} est trop court : {MIN_ACTION_TOKEN} caractères au moins. / "
                             f"{ACTION_TOKEN_VAR} is too short.")
    return address
