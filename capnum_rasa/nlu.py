"""NLU components of our own, registered with Rasa's default recipe (see config.yml)."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_NAME_KEY, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


def top_intent(message: Message) -> str | None:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    """Rasa's ResponseSelector, run only on the messages the intent classifier put in its
    retrieval intent (`faq`).

    The stock component picks an answer for every message, a second neural network call
    per message (about 8 % of a Rasa server's CPU under load), although only an `faq`
    message ever uses that answer (`utter_faq`). Training is unchanged.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        asked = [message for message in messages if top_intent(message) == self.retrieval_intent]
        if asked:
            super().process(asked)
        return messages


# --- Without TensorFlow: knowledge answers by a linear model ------------------------------

def _sentence_blocks(message: Message, sparse: bool) -> List[Any]:
    """The message's sentence features of the text, sparse or dense, in the featurizers' order:
    what `Message.get_sparse_features` / `get_dense_features` join, without their deep copies
    and without joining the token-level features as well (two thirds of this component's time)."""
    return [f.features for f in message.features
            if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse() == sparse]


def sentence_features(messages: List[Message]) -> Any:
    """One row per message: the sparse sentence features (words, character n-grams, regexes and
    lookups), then the dense ones (spaCy's mean vector), each block scaled to unit length so
    that neither drowns the other and a linear model converges in a second."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    blocks = []
    sparse = [_sentence_blocks(m, sparse=True) for m in messages]
    if all(sparse):
        blocks.append(normalize(sp.vstack([sp.hstack(parts, format="csr") for parts in sparse], format="csr")))
    dense = [_sentence_blocks(m, sparse=False) for m in messages]
    if all(dense):
        blocks.append(sp.csr_matrix(normalize(np.vstack([np.hstack([np.asarray(part).reshape(1, -1) for part in parts])
                                                         for parts in dense]))))
    return sp.hstack(blocks).tocsr()


def _softmax_ranking(scores: Any, classes: Any, temperature: float) -> List[List[tuple]]:
    import numpy as np

    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:  # two classes: one score, for classes[1]
        scores = np.column_stack([-scores, scores])
    scores = scores * temperature
    scores = scores - scores.max(axis=1, keepdims=True)
    probabilities = np.exp(scores)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return [sorted(zip(classes, map(float, row)), key=lambda pair: -pair[1]) for row in probabilities]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    """The intent, without a neural network: a linear support vector machine (liblinear) over the
    sentence features above; confidences are a softmax of its scores (`temperature`), so that the
    FallbackClassifier's threshold keeps its meaning. Trains in about two seconds on this
    project's data, against minutes for Rasa's LogisticRegressionClassifier on raw counts."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 3.0, "temperature": 5.0}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        from sklearn.svm import LinearSVC

        self.clf = LinearSVC(C=self.config["C"], class_weight="balanced", random_state=self.config["random_state"])

    def _create_X(self, messages: List[Message]) -> Any:
        return sentence_features(messages)

    def persist(self) -> None:
        """The fitted model as three plain arrays (numpy's .npz, no pickle), nothing when unfitted.
        Rasa's parent class stores it with skops, whose import alone cost every Rasa server about
        12 s of CPU at start (it walks every public name of scikit-learn and SciPy)."""
        import numpy as np

        if not hasattr(self.clf, "classes_"):
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / f"{self._resource.name}.npz", coef=self.clf.coef_, intercept=self.clf.intercept_,
                     classes=np.asarray(self.clf.classes_, dtype=str))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        import numpy as np

        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / f"{resource.name}.npz", allow_pickle=False) as stored:
                    component.clf.coef_ = stored["coef"]
                    component.clf.intercept_ = stored["intercept"]
                    component.clf.classes_ = stored["classes"]
            component.clf.n_features_in_ = component.clf.coef_.shape[1]
        except (ValueError, OSError):
            logger.debug("No fitted model stored for %s: it predicts nothing.", cls.__name__)
        return component

    def _ranked(self, messages: List[Message]) -> List[List[tuple]]:
        return _softmax_ranking(self.clf.decision_function(self._create_X(messages)), self.clf.classes_,
                                self.config["temperature"])

    def process(self, messages: List[Message]) -> List[Message]:
        if not messages or not hasattr(self.clf, "classes_"):
            return messages
        length = self.config.get("ranking_length") or 10
        for message, ranked in zip(messages, self._ranked(messages)):
            ranking = [{INTENT_NAME_KEY: str(name), PREDICTED_CONFIDENCE_KEY: p} for name, p in ranked]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:length], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqLinearSelector(LinearIntentClassifier):
    """The answer to a knowledge question, without a neural network: the same linear model over
    the same sentence features as LinearIntentClassifier, trained on the examples of the
    retrieval intent (`faq/cout`, …).

    Runs only on messages classified as the retrieval intent, and sets exactly what Rasa's
    ResponseSelector sets (`response_selector.<intent>.response.{responses, confidence,
    intent_response_key, utter_action}` and its ranking), so that `utter_faq`, the rule
    policy and `rasa test nlu` work unchanged.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LinearIntentClassifier.get_default_config(), "retrieval_intent": "faq"}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.retrieval_intent = self.config["retrieval_intent"]
        self.responses: Dict[Text, Any] = {}
        self.all_retrieval_intents: list = []

    def train(self, training_data: TrainingData) -> Resource:
        self.responses = training_data.responses
        self.all_retrieval_intents = sorted(training_data.retrieval_intents)
        examples = [e for e in training_data.intent_examples
                    if e.get(INTENT) == self.retrieval_intent and e.get(INTENT_RESPONSE_KEY) and e.get(TEXT)]
        if examples:
            self.clf.fit(self._create_X(examples), [e.get(INTENT_RESPONSE_KEY) for e in examples])
        self.persist()
        return self._resource

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / "faq_responses.json").write_text(
                json.dumps({"responses": self.responses, "retrieval_intents": self.all_retrieval_intents}),
                encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "FaqLinearSelector":
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                stored = json.loads((model_dir / "faq_responses.json").read_text(encoding="utf-8"))
            component.responses = stored["responses"]
            component.all_retrieval_intents = stored["retrieval_intents"]
        except (ValueError, OSError):
            logger.debug("No stored answers for %s.", cls.__name__)
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        asked = [m for m in messages if top_intent(m) == self.retrieval_intent]
        if not asked or not hasattr(self.clf, "classes_"):
            return messages
        for message, ranked in zip(asked, self._ranked(asked)):
            ranking = [{"id": i, PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: str(key)}
                       for i, (key, p) in enumerate(ranked)]
            top = ranking[0]
            utter_action = f"utter_{top[INTENT_RESPONSE_KEY]}"
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
            properties[self.retrieval_intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(utter_action)
                    or [{TEXT: top[INTENT_RESPONSE_KEY]}],
                    PREDICTED_CONFIDENCE_KEY: top[PREDICTED_CONFIDENCE_KEY],
                    INTENT_RESPONSE_KEY: top[INTENT_RESPONSE_KEY],
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: ranking[: self.config.get("ranking_length") or 10],
            }
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages
