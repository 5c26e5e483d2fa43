"""Actions whose work touches a database run in a worker thread.

The action server serves many conversations on one event loop; a blocking query there would
make every other conversation wait. `DatabaseAction` subclasses write a plain `act` method,
and `run` executes it off the loop.
"""
from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class DatabaseAction(Action):
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return await asyncio.get_running_loop().run_in_executor(None, self.act, dispatcher, tracker, domain)

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        raise NotImplementedError
