"""Rasa's RabbitMQ event broker, without the person's words in the log.

When a publish fails (RabbitMQ restarting, a missed heartbeat on a busy machine), Rasa 3.6's
`PikaEventBroker` logs "a reduced version of the failed event" at ERROR: the event itself, with
what the person wrote, their slots and their sender id. This broker does the same work
(the event is kept and published again once the connection is back) and logs only the kind of
failure. `bot/tools/endpoints.py` names it in var/endpoints.yml (`type:
capnum_rasa.broker.PikaEventBroker`) whenever RABBITMQ_URL is set.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.pika import PikaEventBroker as RasaPikaEventBroker

logger = logging.getLogger(__name__)


class PikaEventBroker(RasaPikaEventBroker):
    async def _publish(self, event: Dict[Text, Any], headers: Optional[Dict[Text, Text]] = None) -> None:
        if self._exchange is None:
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception as exc:
            logger.error("Event broker: an event was not published (%s); it is kept and sent again "
                         "once RabbitMQ answers.", type(exc).__name__)
            if self.should_keep_unpublished_messages:
                self._unpublished_events.append(event)
            if self.raise_on_failure:
                await self.close()
                raise
