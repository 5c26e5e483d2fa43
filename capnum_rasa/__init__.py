"""Extensions loaded by the Rasa server itself (tracker store, channels). Thin: logic lives in `bot/`.

Importing the package (Rasa does, for the tracker store and the channels it is configured
with) also installs the faster check of action server answers (see action_responses.py).
"""
from capnum_rasa.action_responses import install as _install_answer_check

_install_answer_check()
