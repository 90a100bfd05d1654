"""Can the broker be reached? One probe with retries, and one line that says why not.

Every command that talks to the broker first probes it (a metadata request through each bootstrap
address, retried with backoff until `--timeout`), so an unreachable broker gives one line on stderr
(which address, what was tried, which setting changes the wait) and exit code `EXIT_UNREACHABLE`,
never a traceback, and no client is left open.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Iterator

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.retry import backoff_delays
from workers.settings import Settings

EXIT_UNREACHABLE = 3  # a command's exit code when no broker answered (or it refused us for good)
DEFAULT_TIMEOUT_S = 10.0  # how long a command waits for its broker unless --timeout says otherwise


class BrokerUnreachable(RuntimeError):
    """No broker answered within the wait, or it refused the connection for good (auth, TLS)."""


def is_fatal(exc: BaseException) -> bool:
    """Errors that waiting will not fix: authentication, authorization, configuration, certificates."""
    from aiokafka.errors import (AuthenticationFailedError, AuthenticationMethodNotSupported,
                                 KafkaConfigurationError)

    if isinstance(exc, (AuthenticationFailedError, AuthenticationMethodNotSupported, KafkaConfigurationError,
                        ssl.SSLCertVerificationError, FileNotFoundError)):
        return True
    return type(exc).__name__.endswith("AuthorizationFailedError")


def describe(exc: BaseException) -> str:
    """`Type: message`, short, for one line."""
    text = str(exc)[:200]
    name = type(exc).__name__
    return text if text.startswith(name) else f"{name}: {text}" if text else name


@contextmanager
def quiet_client_logs() -> Iterator[None]:
    """aiokafka logs every refused connection at ERROR; while probing, our own line says it once."""
    client_log = logging.getLogger("aiokafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        client_log.setLevel(level)


async def probe(settings: Settings, bootstrap: str, timeout_s: float) -> None:
    """One metadata request through the bootstrap addresses; raises what the client raised."""
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(**aiokafka_kwargs(settings, bootstrap),
                            request_timeout_ms=max(int(timeout_s * 1000), 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout_s)
    finally:
        await client.close()


async def ensure_reachable(settings: Settings, bootstrap: str, timeout_s: float,
                           wait_setting: str = "--timeout") -> int:
    """Probe until the broker answers (returns the attempts it took) or raise BrokerUnreachable at `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    delays = backoff_delays()
    attempts = 0
    while True:
        attempts += 1
        left = max(deadline - time.monotonic(), 0.1)
        try:
            with quiet_client_logs():
                await probe(settings, bootstrap, min(left, 10.0))
            return attempts
        except Exception as exc:  # noqa: BLE001 - anything the network or broker throws becomes one line
            if is_fatal(exc):
                raise BrokerUnreachable(f"the broker at {bootstrap} refused the connection: {describe(exc)}") from exc
            left = deadline - time.monotonic()
            if left <= 0:
                error = "no answer in time" if isinstance(exc, asyncio.TimeoutError) else describe(exc)
                raise BrokerUnreachable(
                    f"no broker answered at {bootstrap} (KAFKA_BOOTSTRAP_SERVERS) within {timeout_s:g}s: "
                    f"{attempts} metadata request(s), last error {error}; {wait_setting} sets the wait") from exc
            await asyncio.sleep(min(next(delays), left))


@asynccontextmanager
async def started(client: Any) -> AsyncIterator[Any]:
    """Start an aiokafka client and always close it, even when starting fails (no "Unclosed" warnings)."""
    stop = getattr(client, "stop", None) or client.close
    try:
        await client.start()
    except BaseException:
        try:
            await stop()
        except Exception:  # noqa: BLE001 - the start error is the one to report
            pass
        raise
    try:
        yield client
    finally:
        try:
            await stop()
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
