"""A one-action package for the launcher's tests (they test restarts, not the actions)."""
from rasa_sdk import Action


class ActionPing(Action):
    def name(self):
        return "action_ping"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="pong")
        return []
