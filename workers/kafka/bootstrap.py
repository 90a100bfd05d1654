"""Which broker to talk to: KAFKA_BOOTSTRAP_SERVERS if set, otherwise the embedded one."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from workers.kafka.broker import EmbeddedBroker
from workers.settings import Settings

log = logging.getLogger(__name__)


@contextmanager
def bootstrap_servers(settings: Settings) -> Iterator[str]:
    """Yield the bootstrap address; start (and finally stop) the embedded broker when none is set."""
    if settings.bootstrap_servers:
        yield settings.bootstrap_servers
        return
    with EmbeddedBroker() as broker:
        log.info("using the embedded broker", extra={"bootstrap": broker.bootstrap_servers})
        yield broker.bootstrap_servers
