#!/usr/bin/env python3
"""Container health check: exit 0 when the worker's `GET /healthz` answers 200, 1 otherwise.

Installed in the image as `frontwire-healthcheck` (used by compose; Kubernetes probes the
HTTP endpoint directly). Standard library only, so it starts fast and needs no frontwire import.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from typing import Mapping, Sequence


def healthz_url(env: Mapping[str, str]) -> str | None:
    """The worker's health URL from FRONTWIRE_WEB_PORT, or None when the endpoint is disabled."""
    raw = env.get("FRONTWIRE_WEB_PORT", "") or "0"
    try:
        port = int(raw)
    except ValueError:
        return None
    if port <= 0:
        return None
    return f"http://127.0.0.1:{port}/healthz"


def check(url: str, timeout_s: float = 3.0) -> tuple[bool, str]:
    """Whether `url` answers 200 within `timeout_s`, and what was seen."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 (loopback URL)
            return response.status == 200, f"{url}: HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"{url}: HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return False, f"{url}: {exc}"


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Check the URL given as the only argument, or the one FRONTWIRE_WEB_PORT implies."""
    args = list(sys.argv[1:] if argv is None else argv)
    url = args[0] if args else healthz_url(os.environ if env is None else env)
    if url is None:
        print("unhealthy: FRONTWIRE_WEB_PORT is 0 or invalid, so the worker serves no /healthz", file=sys.stderr)
        return 1
    ok, detail = check(url)
    print(("healthy: " if ok else "unhealthy: ") + detail, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
