"""Alerts agent: claims → settlement status (table + compacted topic) and alerts on every shift.

The claims topic is keyed by settlement id, so the status table is co-partitioned with it and each
settlement's claims are applied in order by one worker. The alert is sent before the table is
updated, so a crash never loses one: the claim is redelivered and shifts again with the same
`alert_id`. Before sending, the agent reads the alerts topic back (`PublishedLedger`) and does not
send an `alert_id` that is already there, so subscribers see each shift once even after a crash
between the alert and the table write (the table and status topic are still updated).

The read-back is needed once per partition assignment, not once per alert: only alerts sent by an
earlier owner of the partitions can be unknown to this worker (claims and alerts are both keyed by
settlement id, so while this worker holds the partitions it is their only writer, and it records
every alert it sends). A catch-up costs at least one idle fetch (100 ms or more), so doing it per
alert was most of the alerts stage's latency (measured with bench/pipeline.py).

Claims of republications (`duplicate_of` set) never alert: they update the table and the status
record's `republications` (see `workers.stage5_alerts.core`). A republication that arrives before
any status exists for its settlement is kept in the table only, until a status is published.
"""

from __future__ import annotations

import logging
from typing import Any

from workers.operations.ledger import PublishedLedger, ledger_for
from workers.records import Claim
from workers.settings import Settings
from workers.stage5_alerts.core import SettlementState, apply_claim
from workers.streaming import Incoming, StageIO
from workers.timeutil import utc_now_iso
from workers.topics import load_topics

log = logging.getLogger(__name__)


class AssignmentLedger:
    """A `PublishedLedger` read back once per partition assignment, then kept by this worker's own sends."""

    def __init__(self, ledger: PublishedLedger) -> None:
        self.ledger = ledger
        self.caught_up = False  # since the last (re)assignment
        self.assignments = 0

    def reassigned(self) -> None:
        """Partitions changed hands: the next check reads the topic back again."""
        self.caught_up = False
        self.assignments += 1

    async def published(self, alert_id: str) -> bool:
        """True if the alert is already on the topic; reads it back only on the first check after an assignment."""
        if self.caught_up:
            return self.ledger.known(alert_id)
        assignment = self.assignments
        found = await self.ledger.published(alert_id)
        self.caught_up = assignment == self.assignments  # a rebalance during the read-back: read again next time
        return found

    def add(self, alert_id: str) -> None:
        self.ledger.add(alert_id)

    async def close(self) -> None:
        await self.ledger.close()


def make_agent(io: StageIO, settings: Settings, table: Any, app: Any = None) -> Any:
    """The agent function bound to the claims topic by `workers.app`; `table` holds the statuses."""
    holder: dict[str, AssignmentLedger | None] = {"ledger": None}

    if app is not None:
        @app.on_partitions_revoked.connect
        async def _revoked(*_: Any, **__: Any) -> None:
            if holder["ledger"] is not None:
                holder["ledger"].reassigned()

        @app.on_partitions_assigned.connect
        async def _assigned(*_: Any, **__: Any) -> None:
            if holder["ledger"] is not None:
                holder["ledger"].reassigned()

    async def alerts(stream: Any) -> None:
        partitions = load_topics(settings.topics_file, settings.topic_prefix)["alerts"].partitions
        ledger = AssignmentLedger(ledger_for(io.outputs["alerts"], settings, partitions))
        holder["ledger"] = ledger

        async def process(incoming: Incoming, claim: Claim) -> None:
            key = str(claim.settlement.id)
            stored = table.get(key)
            state = SettlementState.from_dict(stored) if stored else None
            outcome = apply_claim(state, claim, utc_now_iso())
            if outcome.alert is not None:
                if await ledger.published(outcome.alert.alert_id):
                    log.warning("alert already published; not sent again",
                                extra={"alert_id": outcome.alert.alert_id, "article_id": claim.article_id,
                                       **incoming.log_fields()})
                else:
                    await io.emit("alerts", key, outcome.alert.to_dict())
                    ledger.add(outcome.alert.alert_id)
            if outcome.state is not None:
                table[key] = outcome.state.to_dict()
                if outcome.state.since is not None:  # a settlement with only pending copies has no status
                    await io.emit("status", key, outcome.state.to_dict())

        try:
            await io.consume(stream, ("claim", Claim.from_dict), process)
        finally:
            await ledger.close()

    return alerts
