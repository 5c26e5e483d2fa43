"""Extensions loaded by the Rasa server itself (tracker store). Thin: logic lives in `bot/`."""
