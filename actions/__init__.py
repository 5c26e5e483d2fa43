"""Rasa custom actions: thin translations between Rasa (rasa_sdk) and the core in `bot/`."""
