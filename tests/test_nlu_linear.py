"""The NLU components without TensorFlow (capnum_rasa/nlu.py): the intent and the knowledge
answer from linear models, in exactly the format Rasa's own components give (the rule policy,
`actions/turn.py` and `rasa test nlu` read it), saved and loaded with the model."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

# Rasa (and TensorFlow under it) is imported when this module runs, not when pytest collects it:
# the worker that does not run it never pays for it (tests/conftest.py, RASA_MODULES).
ExecutionContext = GraphSchema = LocalModelStorage = Resource = Features = Message = TrainingData = None
FaqLinearSelector = LinearIntentClassifier = sentence_features = None


@pytest.fixture(autouse=True, scope="module")
def _rasa_names():
    global ExecutionContext, GraphSchema, LocalModelStorage, Resource, Features, Message, TrainingData
    global FaqLinearSelector, LinearIntentClassifier, sentence_features
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from capnum_rasa.nlu import FaqLinearSelector, LinearIntentClassifier, sentence_features

WORDS = ["bonjour", "salut", "prix", "gratuit", "payer", "durée", "semaines", "longtemps"]
EXAMPLES = [("bonjour", "greet", None), ("salut", "greet", None),
            ("prix gratuit", "faq", "faq/cout"), ("payer prix", "faq", "faq/cout"), ("gratuit payer", "faq", "faq/cout"),
            ("durée semaines", "faq", "faq/duree"), ("longtemps durée", "faq", "faq/duree"),
            ("semaines longtemps", "faq", "faq/duree")]


def featurized(text: str, intent: str | None = None, key: str | None = None):
    data = {"text": text}
    if intent:
        data["intent"] = intent
    if key:
        data["intent_response_key"] = key
    message = Message(data=data)
    counts = np.array([[text.split().count(w) for w in WORDS]], dtype=float)
    message.add_features(Features(sp.coo_matrix(counts), "sentence", "text", "counts"))
    message.add_features(Features(counts + 0.1, "sentence", "text", "vectors"))
    return message


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context():
    return ExecutionContext(GraphSchema({}), "test")


def training_data():
    return TrainingData([featurized(*e) for e in EXAMPLES], responses={
        "utter_faq/cout": [{"text": "C'est gratuit."}], "utter_faq/duree": [{"text": "Quelques semaines."}]})


def test_each_block_of_features_has_unit_length():
    X = sentence_features([featurized("prix gratuit gratuit"), featurized("bonjour")]).toarray()
    assert X.shape == (2, 2 * len(WORDS))
    for row in X:
        assert np.linalg.norm(row[:len(WORDS)]) == pytest.approx(1.0)
        assert np.linalg.norm(row[len(WORDS):]) == pytest.approx(1.0)


def test_features_are_the_ones_rasa_joins_in_its_order():
    """Several featurizers, token-level features beside the sentence ones: the same row as
    Rasa's own `get_sparse_features` / `get_dense_features` give, scaled."""
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(7)
    message = Message(data={"text": "trois mots ici"})
    for origin, width in (("words", 5), ("ngrams", 11), ("regex", 3)):
        message.add_features(Features(sp.coo_matrix(rng.integers(0, 3, (3, width)).astype(float)), "sequence", "text", origin))
        message.add_features(Features(sp.coo_matrix(rng.integers(0, 3, (1, width)).astype(float)), "sentence", "text", origin))
    message.add_features(Features(rng.random((1, 4)), "sentence", "text", "vectors"))
    message.add_features(Features(rng.random((3, 4)), "sequence", "text", "vectors"))
    message.add_features(Features(sp.coo_matrix(np.ones((1, 2))), "sentence", "intent", "other attribute"))
    rasa_sparse = message.get_sparse_features("text")[1].features.toarray()
    rasa_dense = np.asarray(message.get_dense_features("text")[1].features).reshape(1, -1)
    expected = np.hstack([normalize(rasa_sparse), normalize(rasa_dense)])
    assert np.allclose(sentence_features([message]).toarray(), expected)


def test_intent_and_answer_in_rasas_format_after_saving_and_loading(storage):
    intents = LinearIntentClassifier.create({}, storage, Resource("intents"), context())
    answers = FaqLinearSelector.create({}, storage, Resource("answers"), context())
    intents.train(training_data())
    answers.train(training_data())
    intents = LinearIntentClassifier.load({}, storage, Resource("intents"), context())
    answers = FaqLinearSelector.load({}, storage, Resource("answers"), context())

    question, hello = featurized("gratuit prix"), featurized("salut")
    answers.process(intents.process([question, hello]))
    intent = question.get("intent")
    assert intent["name"] == "faq" and 0.45 < intent["confidence"] <= 1.0
    ranking = question.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "faq" and sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    selected = question.get("response_selector")
    assert selected["all_retrieval_intents"] == ["faq"]
    response = selected["faq"]["response"]
    assert response["intent_response_key"] == "faq/cout" and response["utter_action"] == "utter_faq/cout"
    assert response["responses"] == [{"text": "C'est gratuit."}]
    assert selected["faq"]["ranking"][0]["intent_response_key"] == "faq/cout"
    # A message of another intent gets no answer picked (as capnum_rasa.nlu.FaqResponseSelector).
    assert hello.get("intent")["name"] == "greet" and hello.get("response_selector") is None


def test_saved_model_is_plain_arrays_and_scores_as_trained(storage, tmp_path):
    """Saved without pickle or skops (whose import cost every Rasa server about 12 s of CPU at
    start), loaded back to the same scores; an untrained one saves nothing and predicts nothing."""
    trained = LinearIntentClassifier.create({}, storage, Resource("intents"), context())
    trained.train(training_data())
    with storage.read_from(Resource("intents")) as model_dir:
        assert sorted(p.name for p in model_dir.iterdir()) == ["intents.npz"]
        with np.load(model_dir / "intents.npz", allow_pickle=False) as stored:
            assert sorted(stored.files) == ["classes", "coef", "intercept"]
    loaded = LinearIntentClassifier.load({}, storage, Resource("intents"), context())
    probe = [featurized(text) for text in ("gratuit prix", "salut", "durée longtemps semaines")]
    assert list(loaded.clf.classes_) == ["faq", "greet"]
    assert np.array_equal(loaded.clf.decision_function(loaded._create_X(probe)),
                          trained.clf.decision_function(trained._create_X(probe)))

    LinearIntentClassifier.create({}, storage, Resource("untrained"), context()).persist()
    empty = LinearIntentClassifier.load({}, storage, Resource("untrained"), context())
    message = featurized("salut")
    assert empty.process([message]) == [message] and message.get("intent") is None
