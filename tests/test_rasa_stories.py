"""The test stories (tests/test_stories.yml) through Rasa's own `rasa test core`, on the trained
model: every intent reaches the turn action, with no prediction error. Run inside the test
session (as `make test-stories` runs it alone), so that it shares the cores with the tests
that wait on servers instead of running after them."""
from __future__ import annotations

import json
import subprocess

import pytest

from bot.core import config
from bot.tools.serve import BIN, server_environment
from tests.servers import trained_model

pytestmark = pytest.mark.integration

STORIES = config.PROJECT_ROOT / "tests" / "test_stories.yml"


def test_every_test_story_is_predicted_without_error(tmp_path):
    model = trained_model()
    done = subprocess.run([str(BIN / "rasa"), "test", "core", "--stories", str(STORIES), "--model", str(model),
                           "--fail-on-prediction-errors", "--out", str(tmp_path / "core")],
                          cwd=config.PROJECT_ROOT, env=server_environment(), capture_output=True, text=True,
                          timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    report = json.loads((tmp_path / "core" / "story_report.json").read_text(encoding="utf-8"))
    stories = report["conversation_accuracy"]
    assert stories["correct"] == stories["total"] >= 2, stories
    assert report["accuracy"] == 1.0 and report["micro avg"]["support"] >= 50, report["micro avg"]
