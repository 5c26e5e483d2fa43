"""Answers written fresh (tests/data/fresh_phrasings/), read as the answer to their question.

They were written after the build bank, as a check that the readers generalise (a job title
held -> salarie, "je bosse la journée" -> evenings, "rester chez moi" -> distance, ...), and
never from the held-out bank. One file per slot: `expected|text`; `none`: nothing may be read
("bientôt 30": an approximate age is no age)."""
from pathlib import Path

import pytest

from bot.core.profile import extract_profile

FOLDER = Path(__file__).parent / "data" / "fresh_phrasings"


def _cases():
    for path in sorted(FOLDER.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                expected, text = line.split("|", 1)
                yield pytest.param(path.stem, expected, text, id=f"{path.stem}:{text}")


@pytest.mark.parametrize("slot,expected,text", list(_cases()))
def test_a_fresh_answer_is_read(slot, expected, text):
    got = extract_profile(text, requested_slot=slot).values.get(slot)
    if expected == "none":
        assert got is None
    elif slot == "age":
        assert got is not None and abs(float(got) - float(expected)) < 0.51
    else:
        assert str(got) == expected
