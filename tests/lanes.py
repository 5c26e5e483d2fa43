"""Which lane runs the tests: `make test` (everything, at full strength) or `make test-fast`
(CAPNUM_TEST_LANE=fast, the developers' loop), where property tests try fewer examples and the
stored services run on SQLite only (`make test` runs them on PostgreSQL too)."""
from __future__ import annotations

import os

FAST = os.environ.get("CAPNUM_TEST_LANE") == "fast"


def examples(full: int) -> int:
    """Hypothesis examples: `full` in `make test`, a tenth (at least 10) in the fast lane."""
    return max(10, full // 10) if FAST else full


# The back ends every storage test runs on.
BACK_ENDS = ["sqlite"] if FAST else ["sqlite", "postgresql"]
