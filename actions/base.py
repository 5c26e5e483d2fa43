"""Actions whose work touches a database run in a worker thread.

The action server serves many conversations on one event loop; a blocking query there would
make every other conversation wait. `DatabaseAction` subclasses write a plain `act` method,
and `run` executes it off the loop.
"""
from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class DatabaseAction(Action, ABC):
    """Abstract: the action server registers only its concrete subclasses."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return await asyncio.get_running_loop().run_in_executor(None, self.act, dispatcher, tracker, domain)

    @abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        """The action's work, run in a worker thread."""
