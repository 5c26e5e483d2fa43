"""Rasa custom actions: thin translations between Rasa (rasa_sdk) and the core in `bot/`."""


def warm_up() -> None:
    """Loads what the first turn needs (lexicons, ROME titles, communes, the catalogue engine)
    before the action server says it is up, so the first person after a (re)start is not
    answered with the "service ne répond pas" apology. Called by bot.tools.action_server."""
    from actions.results import matching_engine
    from bot.core.profile import extract_profile

    extract_profile("j'ai 21 ans, je suis au chômage à Bobigny, je cherche une formation en informatique")
    matching_engine()
