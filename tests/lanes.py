"""Which lane runs the tests: `make test` (everything, at full strength) or `make test-fast`
(CAPNUM_TEST_LANE=fast, the developers' loop), where property tests try fewer examples, sweeps
over reference data take a sample and the stored services run on SQLite only (`make test` runs
them on PostgreSQL too)."""
from __future__ import annotations

import os

FAST = os.environ.get("CAPNUM_TEST_LANE") == "fast"


def examples(full: int) -> int:
    """Hypothesis examples: `full` in `make test`, a tenth (at least 10) in the fast lane."""
    return max(10, full // 10) if FAST else full


def sweep(items: list) -> list:
    """A sweep over reference data (every commune, …): every item in `make test`, every tenth
    in the fast lane."""
    return items[::10] if FAST else items


# The back ends every storage test runs on.
BACK_ENDS = ["sqlite"] if FAST else ["sqlite", "postgresql"]
