"""Timestamps: every time in a message is ISO 8601 UTC with a trailing Z."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now_iso() -> str:
    """Now, as ISO 8601 UTC with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_iso(moment: datetime) -> str:
    """A datetime as ISO 8601 UTC seconds with Z (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 timestamp (Z or offset; a date alone is midnight UTC)."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def normalize_time(text: str) -> str:
    """Any ISO 8601 timestamp rewritten as UTC with Z; raises ValueError when unparseable."""
    return to_iso(parse_time(text))
