"""The board's state, built from the status and alerts topics: pure functions over their JSON values.

The status topic (compacted) holds each settlement's current status with its `history` of shifts; the
alerts topic holds every shift with its evidence, late shifts (`late: true`) and withdrawals
(`retracts: <alert_id>`). The board keeps the latest status of each settlement and the last message of
each alert id (so a shift withdrawn and later brought back counts as standing), bounded in number.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from workers.timeutil import parse_time

STATUSES = ("ukrainian_control", "russian_control", "contested")


_NEVER = datetime.min.replace(tzinfo=timezone.utc)


def _time_key(value: str | None) -> datetime:
    """An ISO-8601 time as a comparable moment (strings do not compare: '…00.5Z' sorts before '…00Z');
    a missing or unreadable time is the earliest moment."""
    try:
        return parse_time(value) if value else _NEVER
    except (ValueError, TypeError):
        return _NEVER


@dataclass
class FeedItem:
    """One alerts-topic message as the feed shows it."""

    seq: int  # arrival order on the board
    message: dict[str, Any]

    @property
    def alert_id(self) -> str:
        return str(self.message.get("alert_id"))


@dataclass
class BoardState:
    """Current statuses by settlement id and the alert messages seen, newest last."""

    max_alerts: int = 10_000
    statuses: dict[int, dict[str, Any]] = field(default_factory=dict)
    feed: "OrderedDict[int, FeedItem]" = field(default_factory=OrderedDict)  # seq -> item, arrival order
    last_of: dict[str, int] = field(default_factory=dict)  # alert_id (shift or withdrawal) -> seq of its last message
    withdrawn: dict[str, int] = field(default_factory=dict)  # alert_id of a shift -> seq of the withdrawal that stands
    seq: int = 0

    def apply_status(self, key: bytes | str | None, value: dict[str, Any] | None) -> None:
        """One status-topic record; a tombstone (None value) removes the settlement."""
        if value is None:
            if key is not None:
                try:
                    self.statuses.pop(int(key.decode() if isinstance(key, bytes) else key), None)
                except ValueError:
                    pass
            return
        self.statuses[int(value["settlement"]["id"])] = value

    def apply_alert(self, message: dict[str, Any]) -> FeedItem:
        """One alerts-topic message (a shift, a late shift or a withdrawal); returns its feed item."""
        self.seq += 1
        item = FeedItem(self.seq, message)
        alert_id = item.alert_id
        old = self.last_of.pop(alert_id, None)
        if old is not None:
            self.feed.pop(old, None)
        self.feed[self.seq] = item
        self.last_of[alert_id] = self.seq
        if message.get("retracts"):
            self.withdrawn[str(message["retracts"])] = self.seq
        else:
            self.withdrawn.pop(alert_id, None)  # a withdrawn shift sent again stands again
        while len(self.feed) > self.max_alerts:
            _, dropped = self.feed.popitem(last=False)
            if self.last_of.get(dropped.alert_id) == dropped.seq:
                del self.last_of[dropped.alert_id]
            if dropped.message.get("retracts") and self.withdrawn.get(dropped.message["retracts"]) == dropped.seq:
                del self.withdrawn[dropped.message["retracts"]]
        return item

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        """The last message of a shift's alert id (None when never seen or forgotten)."""
        seq = self.last_of.get(alert_id)
        return self.feed[seq].message if seq is not None else None


def _matches(value: dict[str, Any], oblast: str | None, status: str | None) -> bool:
    s = value["settlement"]
    return ((oblast is None or (s.get("oblast") or "").casefold() == oblast.casefold())
            and (status is None or value.get("status") == status))


def current_settlements(state: BoardState, oblast: str | None = None, status: str | None = None
                        ) -> list[dict[str, Any]]:
    """The status-topic values, filtered by oblast and status, ordered by settlement name."""
    values = [v for v in state.statuses.values() if v.get("status") in STATUSES and _matches(v, oblast, status)]
    return sorted(values, key=lambda v: (v["settlement"]["name"], v["settlement"]["id"]))


def status_as_of(value: dict[str, Any], as_of: str) -> dict[str, Any] | None:
    """A settlement as it stood at `as_of` from its status value's history; None while it had no status.

    The shift in force is the last of the history that took effect at or before `as_of`.
    """
    cut = _time_key(as_of)
    shifts = [h for h in value.get("history") or [] if _time_key(h.get("effective_at")) <= cut]
    if not shifts:
        return None
    shift = shifts[-1]
    return {"settlement": value["settlement"], "status": shift["new_status"], "since": shift["effective_at"],
            "alert_id": shift["alert_id"], "as_of": as_of}


def settlements_as_of(state: BoardState, as_of: str, oblast: str | None = None, status: str | None = None
                      ) -> list[dict[str, Any]]:
    """Every settlement's status at `as_of` (see `status_as_of`), with the shift's confidence when the
    board has its alert, filtered and ordered like `current_settlements`."""
    out = []
    for value in state.statuses.values():
        then = status_as_of(value, as_of)
        if then is None or not _matches(then, oblast, status):
            continue
        alert = state.alert(then["alert_id"])
        then["confidence"] = alert.get("confidence") if alert else None
        out.append(then)
    return sorted(out, key=lambda v: (v["settlement"]["name"], v["settlement"]["id"]))


def settlement_detail(state: BoardState, settlement_id: int) -> dict[str, Any] | None:
    """One settlement's current status and history: every shift with its alert (evidence, sources,
    republications, late), and the shifts of this settlement that late reports withdrew."""
    value = state.statuses.get(settlement_id)
    if value is None:
        return None
    history = []
    for shift in value.get("history") or []:
        alert = state.alert(shift["alert_id"])
        history.append({**shift, "late": bool(alert and alert.get("late")),
                        "confidence": alert.get("confidence") if alert else None,
                        "event": alert.get("event") if alert else None,
                        "evidence": alert.get("evidence", []) if alert else [],
                        "republications": alert.get("republications", []) if alert else []})
    withdrawn = []
    for alert_id, seq in state.withdrawn.items():
        message = state.feed[seq].message
        if message["settlement"]["id"] == settlement_id:
            withdrawn.append(message)
    return {"settlement": value["settlement"], "current": value, "history": history, "withdrawn": withdrawn}


def alerts_since(state: BoardState, since: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Alert messages (shifts, late shifts and withdrawals) emitted at or after `since`, oldest first;
    with `limit`, the newest `limit` of them."""
    cut = _time_key(since)
    out = [i.message for i in state.feed.values() if _time_key(i.message.get("emitted_at")) >= cut]
    return out[-limit:] if limit else out


def oblasts(state: BoardState) -> list[str]:
    """The oblasts of the settlements with a status, sorted."""
    return sorted({v["settlement"].get("oblast") for v in state.statuses.values()
                   if v["settlement"].get("oblast") and v.get("status") in STATUSES})


def time_range(state: BoardState) -> tuple[str | None, str | None]:
    """Earliest and latest `effective_at` of the shifts in the statuses' histories (the date slider's range)."""
    times = [h["effective_at"] for v in state.statuses.values() for h in v.get("history") or [] if h.get("effective_at")]
    if not times:
        return None, None
    return min(times, key=_time_key), max(times, key=_time_key)
