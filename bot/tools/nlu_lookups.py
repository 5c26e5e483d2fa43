"""Generates the NLU lookup table of commune names at training time.

The communes list ships in data/reference/geo/ (bot.core.config.COMMUNES_CSV, overridable with
CAPNUM_COMMUNES_CSV); the lookup derived from it is written under var/ and passed to
`rasa train --data`, so that the training data and the reference file never disagree.

    python -m bot.tools.nlu_lookups var/nlu/communes.yml
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bot.core.geo import commune_index

# Where `make train` writes it (the Makefile's GENERATED_NLU), from the project's folder.
DEFAULT_OUT = Path("var") / "nlu" / "communes.yml"


def communes_lookup() -> dict:
    names = sorted({commune.name for commune in commune_index().communes.values()})
    return {"version": "3.1", "nlu": [{"lookup": "lieu", "examples": "".join(f"- {n}\n" for n in names)}]}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(communes_lookup(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{out} : table de recherche des communes écrite.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
