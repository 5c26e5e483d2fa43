"""The action server registers every action of the domain, and nothing without a name."""
from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from tests.rasa_trackers import DOMAIN


def test_every_domain_action_is_registered():
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {a for a in DOMAIN["actions"] if a.startswith(("action_", "validate_"))}
    assert custom <= set(executor.actions)
    assert "action_ask_" not in executor.actions
