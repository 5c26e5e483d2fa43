"""k-anonymity, applied in ONE place (`protect`): see bot.services.report for the rules."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Mapping

K = 5
SMALL, MASKED = "small", "masked"
SMALL_TEXT, MASKED_TEXT = "< 5", "masqué"


@dataclass(frozen=True)
class Cell:
    value: int
    status: str = "ok"  # ok | small (< K) | masked (complementary suppression)

    @property
    def visible(self) -> bool:
        return self.status == "ok"

    @property
    def text(self) -> str:
        if self.status == SMALL:
            return SMALL_TEXT
        if self.status == MASKED:
            return MASKED_TEXT
        return str(self.value)


def protect(counts: Mapping[tuple, int], *, complementary: bool = True, k: int = K) -> dict[tuple, Cell]:
    """Cells for counts (keys: tuples of coordinates), with primary and complementary
    suppression as described in the module docstring."""
    status = {key: (SMALL if value < k else "ok") for key, value in counts.items()}
    if not complementary or not counts:
        return {key: Cell(counts[key], status[key]) for key in counts}
    dims = len(next(iter(counts)))
    lines: list[list[tuple]] = []
    # Every sum a reader could compare with a published total: along one axis (a row, a
    # column), along several (a plane of a 3-dimension table), along all (the whole table).
    for size in range(1, max(dims, 1) + 1):
        for axes in itertools.combinations(range(dims), size):
            grouped: dict[tuple, list[tuple]] = {}
            for key in counts:
                grouped.setdefault(tuple(v for i, v in enumerate(key) if i not in axes), []).append(key)
            lines.extend(grouped.values())
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [key for key in line if status[key] != "ok"]
            shown = [key for key in line if status[key] == "ok"]
            if len(hidden) == 1 and shown:
                smallest = min(shown, key=lambda key: (counts[key], str(key)))
                status[smallest] = MASKED
                changed = True
    return {key: Cell(counts[key], status[key]) for key in counts}
