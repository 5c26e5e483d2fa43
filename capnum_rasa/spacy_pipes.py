"""spaCy without its named-entity recogniser, inside the Rasa server.

Rasa's `SpacyNLP` loads `fr_core_news_md` with every pipe but the parser, and runs them
all on each message. The pipeline uses tokens, lemmas (morphologizer, attribute ruler,
lemmatizer) and word vectors, never spaCy's named entities (ours come from the CRF extractor
over the regexes and lookup tables), yet the `ner` pipe is about two thirds of spaCy's time
per message: some 15 % of a Rasa server's CPU under load. `install()` disables that pipe when
the Rasa server loads the model. Tokens, lemmas and vectors are unchanged
(tests/test_rasa_speedups.py), so a model trained with the full pipeline gives the same
predictions.
"""
from __future__ import annotations

from typing import Any

from rasa.nlu.utils.spacy_utils import SpacyNLP

UNUSED_PIPES = ("ner",)


def _load_without_unused_pipes(load_model: Any) -> Any:
    def load_model_without_unused_pipes(spacy_model_name: str) -> Any:
        model = load_model(spacy_model_name)
        for pipe in UNUSED_PIPES:
            if pipe in model.model.pipe_names:
                model.model.disable_pipe(pipe)
        return model

    load_model_without_unused_pipes.wrapped = load_model  # type: ignore[attr-defined]
    return load_model_without_unused_pipes


def install() -> None:
    """Makes SpacyNLP, in this process, load spaCy models without the unused pipes."""
    if not hasattr(SpacyNLP.load_model, "wrapped"):
        SpacyNLP.load_model = staticmethod(_load_without_unused_pipes(SpacyNLP.load_model))
