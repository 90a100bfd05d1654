"""Alerts agent: claims → settlement status (table + compacted topic) and alerts on every shift.

The claims topic is keyed by settlement id, so the status table is co-partitioned with it and each
settlement's claims are applied in order by one worker. The alert is sent before the table is
updated, so a crash never loses one: the claim is redelivered and shifts again with the same
`alert_id`. Before sending, the agent reads the alerts topic back (`PublishedLedger`) and does not
send an `alert_id` that is already there, so subscribers see each shift once even after a crash
between the alert and the table write (the table and status topic are still updated).

Claims of republications (`duplicate_of` set) never alert: they update the table and the status
record's `republications` (see `workers.stage5_alerts.core`). A republication that arrives before
any status exists for its settlement is kept in the table only, until a status is published.
"""

from __future__ import annotations

import logging
from typing import Any

from workers.operations.ledger import ledger_for
from workers.records import Claim, Rejection
from workers.settings import Settings
from workers.stage5_alerts.core import SettlementState, apply_claim
from workers.streaming import Incoming, StageIO
from workers.timeutil import utc_now_iso
from workers.topics import load_topics

log = logging.getLogger(__name__)


def make_agent(io: StageIO, settings: Settings, table: Any) -> Any:
    """The agent function bound to the claims topic by `workers.app`; `table` holds the statuses."""

    async def alerts(stream: Any) -> None:
        partitions = load_topics(settings.topics_file, settings.topic_prefix)["alerts"].partitions
        ledger = ledger_for(io.outputs["alerts"], settings, partitions)
        try:
            async for event in stream.events():
                incoming = Incoming.from_event(event)
                async with io.guard(incoming):
                    claim = io.parse(incoming, "claim", Claim.from_dict)
                    if isinstance(claim, Rejection):
                        await io.dead_letter(incoming, claim)
                        continue
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
        finally:
            await ledger.close()

    return alerts
