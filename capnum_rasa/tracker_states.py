"""The dialogue states of a tracker, computed once per event instead of once per prediction.

Rasa 3.6 policies (the rule policy here) read a conversation as the list of its states, one per
action: `Domain.states_for_tracker_history` replays every event of the session into a new
tracker and builds every state again, on each of the several calls a prediction makes (Rasa
issue #11313). The cost grows with the conversation: at the 40th message it is most of a
message's CPU.

`install()` makes it incremental. For each tracker (the tracker store keeps the same object
from one message to the next, see tracker_store.py) and each set of arguments, it keeps the
replayed tracker, the states of the turns already done and the loop's own variables; when the
tracker has only gained events since (the events seen are the same objects, in the same order,
and none of them reverts or restarts anything), it replays only the new ones. Anything else
(an undo, a restart, another tracker): Rasa's own computation. The states are the same
(tests/test_rasa_speedups.py checks it against Rasa's on whole conversations).
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text

from rasa.shared.core import constants as core_constants
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Restarted, SessionStarted,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

# Events after which `applied_events` is no longer the events in order: an undo, or a loop
# (form) whose executions Rasa folds together. Seen once: Rasa's own computation.
_REWRITING = (ActionReverted, UserUtteranceReverted, ActiveLoop)
# Events after which `applied_events` starts again from nothing.
_RESETTING = (Restarted, SessionStarted)
_rasa_states_for_tracker_history = Domain.states_for_tracker_history
STATS = {"incremental": 0, "full": 0, "events_replayed": 0}


@dataclass
class _Progress:
    """How far the states of one tracker have been computed, for one set of arguments."""

    domain: Any
    replay: DialogueStateTracker
    events: List[Any]  # the events consumed, in order (the tracker's own objects)
    states: List[Dict] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False


# Kept on the tracker object itself (trackers are not hashable): it lives as long as the tracker.
_PROGRESS = "_capnum_states_progress"


def _state_at(domain: Domain, tr: DialogueStateTracker, hide_rule_turn: bool, progress: _Progress,
              omit_unset_slots: bool, ignore_rule_only_turns: bool,
              rule_only_data: Optional[Dict[Text, Any]]) -> Optional[Dict]:
    """One step of Rasa's loop in `states_for_tracker_history`, on `progress`'s variables."""
    if ignore_rule_only_turns:
        if not progress.turn_was_hidden:
            progress.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
            progress.turn_was_hidden = hide_rule_turn
        if progress.turn_was_hidden:
            return None
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if progress.states:
            domain._substitute_rule_only_user_input(state, progress.states[-1])
        if progress.last_ml_action_sub_state:
            state[core_constants.PREVIOUS_ACTION] = progress.last_ml_action_sub_state
    return domain._clean_state(state)


def states_for_tracker_history(self: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[Dict[Text, Any]] = None) -> List[Dict]:
    if not isinstance(tracker, DialogueStateTracker) or tracker.is_rule_tracker:
        STATS["full"] += 1
        return _rasa_states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                                rule_only_data)
    key = (omit_unset_slots, ignore_rule_only_turns, repr(sorted((rule_only_data or {}).items())))
    events = tracker.events
    per_tracker = tracker.__dict__.setdefault(_PROGRESS, {})
    progress = per_tracker.get(key)
    # Rewriting events are never consumed (see below): the prefix needs no scan for them.
    if (progress is None or progress.domain is not self or len(events) < len(progress.events)
            or not _same_prefix(events, progress.events)):
        progress = _Progress(self, tracker.init_copy(), [])
        per_tracker[key] = progress
        STATS["full"] += 1
    else:
        STATS["incremental"] += 1
    new = list(itertools.islice(events, len(progress.events), None))
    if any(isinstance(e, _REWRITING) for e in new):
        per_tracker.pop(key, None)
        STATS["full"] += 1
        return _rasa_states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                                rule_only_data)
    args = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    for event in new:
        if isinstance(event, _RESETTING):
            fresh = _Progress(self, tracker.init_copy(), progress.events)
            progress.__dict__.update(fresh.__dict__)
            progress.events.append(event)
            continue
        if isinstance(event, ActionExecuted):
            state = _state_at(self, progress.replay, event.hide_rule_turn, progress, *args)
            if state is not None:
                progress.states.append(state)
        progress.replay.update(event)
        progress.events.append(event)
        STATS["events_replayed"] += 1
    # The last state (after every event) is Rasa's final step: computed on a copy of the
    # loop's variables, since the next event's step starts from the same point.
    final = copy.copy(progress)
    final.states = progress.states
    state = _state_at(self, progress.replay, False, final, *args)
    # The final state's sub-states can be the replay tracker's own (`latest_action`): copied too.
    return [_copy_state(s) for s in progress.states] + ([_copy_state(state)] if state is not None else [])


def _copy_state(state: Dict) -> Dict:
    """A copy the caller may change (Rasa's featurizer edits the last user sub-state): a state
    is a dict of sub-state dicts whose values are strings, numbers or tuples, so copying the
    two levels copies everything that can change, at a tenth of `copy.deepcopy`'s cost."""
    return {name: dict(sub_state) if isinstance(sub_state, dict) else copy.deepcopy(sub_state)
            for name, sub_state in state.items()}


def _same_prefix(events: Any, seen: List[Any]) -> bool:
    """The tracker still starts with the very events consumed (checked at both ends)."""
    if not seen:
        return True
    return events[0] is seen[0] and events[len(seen) - 1] is seen[-1]


def install() -> None:
    if getattr(Domain.states_for_tracker_history, "capnum_incremental", False):
        return
    states_for_tracker_history.capnum_incremental = True  # type: ignore[attr-defined]
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]
