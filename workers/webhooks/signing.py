"""The webhook signature: HMAC-SHA256 over the timestamp and the exact body bytes.

Header `X-Frontwire-Signature: t=<unix seconds>,sha256=<hex>`, where the MAC is taken over
`<t>.` followed by the body. A receiver recomputes it with the shared secret, compares in constant
time, and rejects a timestamp too far from its clock (a replayed delivery).
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Frontwire-Signature"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},sha256={mac}"


def verify(secret: str, body: bytes, header: str, now: float, tolerance_s: float = 300.0) -> bool:
    """Whether `header` signs `body` with `secret` and its timestamp is within `tolerance_s` of `now`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["sha256"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, body, timestamp), f"t={timestamp},sha256={given}")
