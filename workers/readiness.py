"""Worker readiness: ready while the group has assigned input partitions and the stages consume them.

faust rebalances in steps: the group assigns partitions, tables recover from their changelogs,
then the streams seek to the committed offsets and resume. A worker is ready after the last step,
while it holds at least one partition of its stages' input topics. It logs one line each time it
becomes ready (stage, group, partitions) and `GET /readyz` answers 200 only then (503 otherwise, with
the reason), so a readiness probe holds traffic and rollouts until consumption has started.
"""

from __future__ import annotations

import logging
from typing import Any

from workers.logs import READY_LOGGER

log = logging.getLogger(READY_LOGGER)

CHECK_INTERVAL_S = 0.5


class Readiness:
    """Tracks a faust App's assignment of its input topics and whether its streams are running."""

    def __init__(self, app: Any, stages: list[str], input_topics: set[str]) -> None:
        self.app = app
        self.stages = stages
        self.input_topics = input_topics
        self.assigned: set[Any] = set()
        self.was_ready = False

    async def on_assigned(self, sender: Any = None, assigned: Any = (), **_: Any) -> None:
        self.assigned = {tp for tp in assigned if tp.topic in self.input_topics}

    async def on_revoked(self, sender: Any = None, revoked: Any = (), **_: Any) -> None:
        self.assigned -= set(revoked)
        self.was_ready = False

    def _consuming(self) -> bool:
        recovery = getattr(getattr(self.app, "tables", None), "recovery", None)
        completed = getattr(recovery, "completed", None)
        return not getattr(self.app, "rebalancing", False) and completed is not None and completed.is_set()

    def partitions(self) -> list[str]:
        """The input partitions held, as `topic[partition]`."""
        return [f"{tp.topic}[{tp.partition}]" for tp in sorted(self.assigned)]

    def state(self) -> dict[str, Any]:
        """{"ready": bool, "group", "stages", "partitions", "reason" when not ready}."""
        doc: dict[str, Any] = {"ready": False, "group": self.app.conf.id, "stages": self.stages,
                               "partitions": self.partitions()}
        if not self.assigned:
            doc["reason"] = "no input partition assigned (joining the consumer group, or more workers than partitions)"
        elif not self._consuming():
            doc["reason"] = "partitions assigned; recovering tables and seeking to the committed offsets"
        else:
            doc["ready"] = True
        return doc

    async def check(self) -> None:
        """Log one line when the worker becomes ready (called periodically)."""
        doc = self.state()
        if doc["ready"] and not self.was_ready:
            log.info(f"ready: {','.join(self.stages)} in group {doc['group']} consuming {len(doc['partitions'])} "
                     f"partition(s): {' '.join(doc['partitions'])}",
                     extra={"group": doc["group"], "stages": self.stages, "partitions": doc["partitions"]})
        self.was_ready = doc["ready"]


def attach(app: Any, stages: list[str], input_topics: set[str]) -> Readiness:
    """Track readiness of `app` (signals and a periodic check); returns the tracker for `/readyz`."""
    readiness = Readiness(app, stages, input_topics)
    app.on_partitions_assigned.connect(readiness.on_assigned)
    app.on_partitions_revoked.connect(readiness.on_revoked)

    async def check_ready() -> None:
        await readiness.check()

    app.timer(CHECK_INTERVAL_S, name="frontwire.readiness")(check_ready)
    return readiness
