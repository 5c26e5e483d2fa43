"""Text folding, numbers in words, and reading requests about shown results."""
from __future__ import annotations

import doctest

import pytest

from bot.core import refine, text


@pytest.mark.parametrize("module", [text, refine])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("raw,expected", [
    ("J'ai VINGT-DEUX ans", "j'ai 22 ans"),
    ("née en deux mille quatre", "nee en 2004"),
    ("soixante-dix-sept", "77"),
    ("quatre-vingt-quinze", "95"),
    ("un ordi et une tablette", "un ordi et une tablette"),
])
def test_numbers_written_as_words(raw, expected):
    assert text.words_to_numbers(text.fold(raw)) == expected


@pytest.mark.parametrize("message,field", [
    ("plus court svp", "shorter"), ("une qui commence plus tôt", "sooner"),
    ("seulement les certifiantes", "certifying_only"), ("le soir seulement", "evening_only"),
    ("hybride ça me va", "hybrid_ok"), ("un autre domaine", "other_domain"),
])
def test_refinements(message, field):
    request = refine.parse_refinement(message)
    assert getattr(request, field) and sum(vars(request).values()) == 1


def test_no_refinement_recognised():
    assert refine.parse_refinement("bof").is_empty()
