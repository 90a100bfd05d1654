"""Run a faust worker for some stages until SIGTERM/SIGINT (or until told to stop).

A worker may start before its broker (containers, systemd, a cluster being restarted): it waits
for the broker with exponential backoff, logging one line per attempt, then creates any missing
topic (faust is configured not to declare topics) and only then starts consuming.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from typing import Any, Awaitable, Callable

from workers.app import build_app
from workers.kafka.admin import ApplyReport, apply_topics
from workers.kafka.reach import EXIT_UNREACHABLE, describe, is_fatal, quiet_client_logs
from workers.kafka.retry import backoff_delays
from workers.logs import logging_config
from workers.settings import Settings
from workers.topics import load_topics

log = logging.getLogger(__name__)

ATTEMPT_TIMEOUT_S = 20.0


class BrokerUnavailable(RuntimeError):
    """The broker did not answer within the wait budget, or refused us for good (auth, TLS)."""


def wait_for_broker(settings: Settings, bootstrap: str, *, timeout_s: float | None = None,
                    attempt: Callable[[], Awaitable[ApplyReport]] | None = None,
                    sleep: Callable[[float], None] = time.sleep) -> ApplyReport:
    """Retry until the broker answers and every declared topic exists; raise BrokerUnavailable on timeout."""
    budget = settings.broker_wait_s if timeout_s is None else timeout_s
    specs = list(load_topics(settings.topics_file, settings.topic_prefix).values())

    async def apply_once() -> ApplyReport:
        return await asyncio.wait_for(apply_topics(settings, bootstrap, specs), ATTEMPT_TIMEOUT_S)

    run_attempt = attempt or apply_once
    deadline = time.monotonic() + budget
    delays = backoff_delays()
    number = 0
    while True:
        number += 1
        try:
            with quiet_client_logs():
                report = asyncio.run(run_attempt())
        except Exception as exc:  # noqa: BLE001 - anything the broker or network throws at start-up
            reason = describe(exc)
            if is_fatal(exc):
                raise BrokerUnavailable(f"the broker at {bootstrap} refused the connection: {reason}") from exc
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrokerUnavailable(f"no broker answered at {bootstrap} within {budget:g}s "
                                        f"({number} attempts; last error {reason}); "
                                        "FRONTWIRE_BROKER_WAIT_S or --timeout sets the wait") from exc
            delay = min(next(delays), left)
            log.warning(f"waiting for the broker at {bootstrap} (attempt {number}, retry in {delay:.1f}s)",
                        extra={"bootstrap": bootstrap, "attempt": number, "retry_in_s": round(delay, 2),
                               "error": reason})
            sleep(delay)
            continue
        if number > 1:
            log.warning(f"the broker at {bootstrap} answered (attempt {number})",
                        extra={"bootstrap": bootstrap, "attempt": number})
        for line in report.drift:
            log.warning("topic drift", extra={"drift": line})
        if report.created:
            log.info("created topics", extra={"topics": report.created})
        return report


def run_worker(settings: Settings, bootstrap: str, stages: list[str]) -> None:
    """Wait for the broker, create missing topics, then run `stages` until a signal stops the worker."""
    try:
        wait_for_broker(settings, bootstrap)
    except BrokerUnavailable as exc:
        # one line, in the log format of the service (JSON) or of a terminal (text)
        log.error(str(exc), extra={"bootstrap": bootstrap, "exit_code": EXIT_UNREACHABLE})
        raise SystemExit(EXIT_UNREACHABLE) from exc
    web_port = settings.web_port or None
    app = build_app(settings, bootstrap, stages, web_port=web_port)
    log.info("worker starting", extra={"stages": stages, "bootstrap": bootstrap, "group": app.conf.id})
    execute(app, settings)


def execute(app: Any, settings: Settings) -> None:
    """Run a built faust App as a worker until a signal stops it, then remove its state directory."""
    from faust.worker import Worker

    class PromptWorker(Worker):
        async def _sentinel_task(self) -> None:
            # mode sleeps a whole second here before it closes the event loop (measured: a second of every
            # stop); one turn of the loop lets the callbacks still pending run
            await asyncio.sleep(0)

    worker: Any = PromptWorker(app, loglevel=settings.log_level, quiet=True,
                         logging_config=logging_config(settings.log_level, settings.log_repeat_s, settings.log_format), redirect_stdouts=False)
    worker.spinner = None
    try:
        worker.execute_from_commandline()
    except SystemExit:
        pass
    finally:
        shutil.rmtree(str(app.conf.datadir), ignore_errors=True)
