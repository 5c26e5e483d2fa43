"""Tokens and passwords never reach a log line (bot.core.logsafe, installed in every server)."""
from __future__ import annotations

import subprocess
import sys

from bot.core import config


def test_every_log_line_of_a_process_is_redacted(tmp_path):
    script = r'''
import logging, os
from bot.core.logsafe import install
install()
logging.basicConfig(level=logging.INFO, format="%(message)s")
log = logging.getLogger("any.module")
log.error("Messaging API https://api.telegram.org/bot123456789:AAH-secret_token-xyz/sendMessage failed")
log.info("connect %s", "postgresql://capnum:pg-Secret-42@db:5432/capnum")
log.warning("call /webhook?token=%s&x=1", os.environ["CAPNUM_ACTION_TOKEN"])
log.info("env token %s", os.environ["RASA_AUTH_TOKEN"])
log.info("Authorization: Bearer abcdef123456")
try:
    raise ValueError("password=hunter2-long " + os.environ["TWILIO_AUTH_TOKEN"])
except ValueError:
    log.exception("failed")
'''
    env = {"PYTHONPATH": str(config.PROJECT_ROOT), "CAPNUM_ACTION_TOKEN": "action-token-0123456789",
           "RASA_AUTH_TOKEN": "rasa-token-abcdef", "TWILIO_AUTH_TOKEN": "twilio-auth-987654",
           "DATABASE_URL": "postgresql://capnum:pg-Secret-42@db:5432/capnum"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    out = done.stderr
    assert "Messaging API https://api.telegram.org/bot[masqué]/sendMessage" in out
    for secret in ("AAH-secret_token-xyz", "pg-Secret-42", "action-token-0123456789", "rasa-token-abcdef",
                   "abcdef123456", "hunter2-long", "twilio-auth-987654"):
        assert secret not in out, out
    assert out.count("[masqué]") >= 7
