"""The training data, domain and configuration through Rasa's own `rasa data validate
--fail-on-warnings` (with the communes lookup generated from the reference list). Run inside
the test session (as `make validate` runs it alone), so that its 8 s of one core overlap the
other tests instead of coming before them."""
from __future__ import annotations

import subprocess

import pytest

from bot.core import config
from bot.tools.nlu_lookups import DEFAULT_OUT
from bot.tools.serve import BIN, server_environment

pytestmark = pytest.mark.slow

GENERATED_NLU = config.PROJECT_ROOT / DEFAULT_OUT


def test_the_training_data_domain_and_config_validate_without_warnings():
    if not GENERATED_NLU.exists():
        pytest.fail(f"{GENERATED_NLU} manque : lancez `make train` (ou `make test`, qui le génère).")
    done = subprocess.run([str(BIN / "rasa"), "data", "validate", "--data", "data", str(GENERATED_NLU),
                           "--config", "config.yml", "--domain", "domain.yml", "--fail-on-warnings"],
                          cwd=config.PROJECT_ROOT, env=server_environment(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
