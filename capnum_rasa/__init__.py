"""Extensions loaded by the Rasa server itself (tracker store, channels). Thin: logic lives in `bot/`.

Importing the package (Rasa does, for the tracker store and the channels it is configured
with) also installs five measured speed-ups of Rasa 3.6 that change no result:
- action_calls.py: the request to the action server carries the recent events, not the
  whole session;
- action_responses.py: the action server's answers are checked with a validator built once;
- spacy_pipes.py: spaCy's named-entity pipe, unused here, is not run on every message;
- tracker_replays.py: copying a tracker and listing its applied events no longer replay
  the whole session;
- tracker_states.py: the dialogue states the policies read are computed once per event, not
  replayed from the start of the conversation on every prediction.
"""
from capnum_rasa.action_calls import install as _install_short_action_calls
from capnum_rasa.action_responses import install as _install_answer_check
from capnum_rasa.spacy_pipes import install as _install_spacy_without_ner
from capnum_rasa.tracker_replays import install as _install_tracker_replays
from capnum_rasa.tracker_states import install as _install_incremental_states

_install_short_action_calls()
_install_answer_check()
_install_spacy_without_ner()
_install_incremental_states()
_install_tracker_replays()
