"""The action server loads what the first turn needs before it listens."""
import logging
import sys
import types

from bot.tools.action_server import warm_up


def test_warm_up_runs_the_actions_hook_and_the_first_extraction_is_then_loaded():
    import bot.core.profile.jobs as jobs

    jobs.clear_cache()
    warm_up("actions")
    assert jobs._INDEX, "the ROME title index is built by the warm-up"


def test_a_failing_warm_up_is_logged_not_fatal(caplog):
    module = types.ModuleType("failing_actions_for_test")

    def warm_up_hook():
        raise RuntimeError("catalogue absent")

    module.warm_up = warm_up_hook
    sys.modules[module.__name__] = module
    with caplog.at_level(logging.WARNING, logger="bot.tools.action_server"):
        warm_up(module.__name__)
    assert "Warm-up failed (RuntimeError)" in caplog.text
    del sys.modules[module.__name__]
