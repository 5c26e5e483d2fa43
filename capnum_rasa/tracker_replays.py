"""Two costs of Rasa 3.6 that grew with the conversation, made constant.

- `DialogueStateTracker.copy()` replays every event of the session into a new tracker; the
  processor calls it before every action it runs (`_run_action`: a temporary tracker for the
  action). `fast_copy` copies the tracker's state instead: the same events, fresh slot objects
  with the same values, its own active loop and latest action.
- `DialogueStateTracker.applied_events()` folds every event of the session (undos, restarts,
  the form's repeated executions) on each of its several calls per message (session expiry,
  the last user message, the rule policy). `applied_events` keeps the fold on the tracker and
  continues it with the new events only, as long as the tracker only gained events and no new
  form appeared (then Rasa's own fold).

Both give what Rasa's own code gives (tests/test_rasa_speedups.py, on conversations with forms,
interruptions, undos and restarts).
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
from typing import Any, List

from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Event, Restarted, SessionStarted,
                                     UserUttered, UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

_rasa_copy = DialogueStateTracker.copy
_rasa_applied_events = DialogueStateTracker.applied_events
# Attributes other modules keep on a tracker object (the tracker store's counts, the states
# in progress): they describe that object, not its copy.
_OWN_ATTRIBUTES = ("_capnum_",)
_FOLD = "_capnum_applied_fold"


def fast_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker `copy()` returns, without replaying its events."""
    tracker = self.init_copy()
    for name, value in self.__dict__.items():
        if name in ("slots", "events") or name.startswith(_OWN_ATTRIBUTES):
            continue
        if name == "active_loop" and value is not None:
            value = dataclasses.replace(value)
        elif isinstance(value, (dict, list)):
            value = copy.copy(value)
        tracker.__dict__[name] = value
    tracker.events = copy.copy(self.events)
    for name, slot in self.slots.items():
        own = tracker.slots[name]
        own._value = copy.deepcopy(slot._value)
        own._has_been_set = slot._has_been_set
    return tracker


def _loop_names(events: Any) -> set:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _fold(tracker: DialogueStateTracker, event: Event, loop_names: set, applied: List[Event]) -> List[Event]:
    """One step of Rasa's `applied_events` loop."""
    if isinstance(event, (Restarted, SessionStarted)):
        return []
    if isinstance(event, ActionReverted):
        tracker._undo_till_previous(ActionExecuted, applied)
    elif isinstance(event, UserUtteranceReverted):
        tracker._undo_till_previous(UserUttered, applied)
        tracker._undo_till_previous(ActionExecuted, applied)
    elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
          and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
        tracker._undo_till_previous_loop_execution(event.action_name, applied)
    else:
        applied.append(event)
    return applied


@dataclasses.dataclass
class _AppliedFold:
    count: int
    first: Any
    last: Any
    loop_names: set
    applied: List[Event]


def applied_events(self: DialogueStateTracker) -> List[Event]:
    events = self.events
    fold = self.__dict__.get(_FOLD)
    if (fold is None or len(events) < fold.count or
            (fold.count and (events[0] is not fold.first or events[fold.count - 1] is not fold.last))):
        fold = _AppliedFold(0, None, None, _loop_names(events), [])
    new = list(itertools.islice(events, fold.count, None))
    if fold.count and not _loop_names(new) <= fold.loop_names:
        fold = _AppliedFold(0, None, None, _loop_names(events), [])
        new = list(events)
    for event in new:
        fold.applied = _fold(self, event, fold.loop_names, fold.applied)
    if events:
        fold.count, fold.first, fold.last = len(events), events[0], events[-1]
    self.__dict__[_FOLD] = fold
    return list(fold.applied)


def install() -> None:
    DialogueStateTracker.copy = fast_copy  # type: ignore[method-assign]
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]
