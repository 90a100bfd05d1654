"""A source's health after each poll, and which polls deserve a log line (not every failing one)."""

from __future__ import annotations

from dataclasses import dataclass

from workers.stage0_ingest.state import SourceState
from workers.timeutil import parse_time


@dataclass(frozen=True)
class HealthEvent:
    """A line to log about a source: `failing` (first failure), `failing_long` (once), `recovered`."""

    kind: str
    since: str | None = None


def record_success(state: SourceState, now_iso: str) -> HealthEvent | None:
    """Update `state` after a poll that worked; `recovered` if it was failing."""
    was_failing = state.failing_since
    state.last_poll = state.last_success = now_iso
    state.failing_since = None
    state.failing_long_logged = False
    return HealthEvent("recovered", was_failing) if was_failing else None


def record_failure(state: SourceState, now_iso: str, kind: str, detail: str, long_after_s: float) -> HealthEvent | None:
    """Update `state` after a failed poll; a line on the first failure and one more once it has lasted
    `long_after_s`, nothing for the polls in between or after."""
    state.last_poll = now_iso
    record_entry_error(state, now_iso, kind, detail)
    if state.failing_since is None:
        state.failing_since = now_iso
        return HealthEvent("failing", now_iso)
    lasted = parse_time(now_iso).timestamp() - parse_time(state.failing_since).timestamp()
    if lasted >= long_after_s and not state.failing_long_logged:
        state.failing_long_logged = True
        return HealthEvent("failing_long", state.failing_since)
    return None


def record_entry_error(state: SourceState, now_iso: str, kind: str, detail: str) -> None:
    """Count an error of one entry (a page): the source itself is still answering."""
    state.last_error = {"kind": kind, "detail": detail[:500], "at": now_iso}
    state.errors[kind] = state.errors.get(kind, 0) + 1
