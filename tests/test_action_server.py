"""The action server registers every action of the domain, and nothing without a name."""
from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from tests.rasa_trackers import DOMAIN


def test_every_domain_action_is_registered():
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {a for a in DOMAIN["actions"] if a.startswith(("action_", "validate_"))}
    assert custom <= set(executor.actions)
    # Nothing without a name, and nothing the domain does not know (a stray or misnamed action).
    assert all(name for name in executor.actions)
    assert set(executor.actions) <= set(DOMAIN["actions"]), set(executor.actions) - set(DOMAIN["actions"])
