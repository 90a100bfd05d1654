"""Alerts stage: claims → settlement timelines (table), alerts on every shift and withdrawal, status records.

The claims topic is keyed by settlement id, so the status table is co-partitioned with it and each
settlement's claims are applied by one worker. The step folds the settlement's timeline again (see
`workers.stage5_alerts.core`); its alerts are sent before the table is written, so a crash never
loses one: the claim is redelivered and the same shifts come out with the same ids. Alert ids are
never sent twice (`unique_ids`): the binder reads the alerts topic back once per partition
assignment and skips an id already there (a crash between the alert and the table write).
"""

from __future__ import annotations

import logging

from workers.records import Claim
from workers.stage import Emit, Stage, StepResult
from workers.stage5_alerts.core import SettlementState, apply_claim
from workers.stages import spec_of
from workers.timeutil import utc_now_iso

log = logging.getLogger(__name__)


class AlertsStage(Stage):
    spec = spec_of("alerts")
    decoders = {"claims": ("claim", Claim.from_dict)}
    unique_ids = {"alerts": "alert_id"}

    def settlement(self, settlement_id: int) -> SettlementState | None:
        """One settlement's state, if it has one."""
        stored = self.state.get(str(settlement_id))
        return SettlementState.from_dict(stored) if stored else None

    def step(self, role: str, record: Claim) -> StepResult:
        key = str(record.settlement.id)
        outcome = apply_claim(self.settlement(record.settlement.id), record, utc_now_iso(),
                              self.settings.timeline_max_reports)
        if outcome.action == "beyond_horizon":
            log.warning("report older than the settlement's timeline keeps; it cannot revise the history",
                        extra={"article_id": record.article_id, "settlement": record.settlement.id,
                               "published_at": record.published_at})
        if outcome.state is None:
            return StepResult()
        emits = [Emit("alerts", key, alert.to_dict()) for alert in outcome.alerts]
        status = outcome.state.status_record()
        if status["since"] is not None:  # a timeline of republications only has no status yet
            emits.append(Emit("status", key, status))
        return StepResult(emits, [(key, outcome.state.to_dict())])
