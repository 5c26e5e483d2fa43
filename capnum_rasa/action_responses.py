"""Checking the action server's answers without rebuilding the checker on every call.

Rasa 3.6 checks each answer of the action server (`RemoteAction._validate_action_result`)
with `jsonschema.validate(answer, schema)`. That call checks the schema itself against the
JSON Schema meta-schema and builds a new validator every time: about 20 ms of CPU per
action call on these machines, over half of a Rasa server's time under load (py-spy, see
README "Performance"). `install()` makes Rasa check the answers against the very same
schema with one validator built once (under 1 ms per call). An invalid answer is still
refused with the same `jsonschema.ValidationError`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction

_INVALID_ANSWER_HINT = (
    ". Failed to validate Action server response from API, make sure your response "
    "from the Action endpoint is valid."
)


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """The validator for Rasa's own action response schema, built once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_answer(_action: RemoteAction, answer: Any) -> bool:
    """Same contract as `RemoteAction._validate_action_result`: True, or ValidationError."""
    try:
        response_validator().validate(answer)
    except jsonschema.ValidationError as error:
        error.message += _INVALID_ANSWER_HINT
        raise
    return True


def install() -> None:
    """Makes every RemoteAction of this process use the validator built once."""
    RemoteAction._validate_action_result = validate_action_answer  # type: ignore[method-assign]
