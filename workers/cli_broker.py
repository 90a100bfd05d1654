"""Run a command's work against the broker: probe it first, and turn every broker failure into one line.

Exit codes of the commands: 0 done, 1 failed, 2 usage or settings, 3 the broker could not be reached
(`EXIT_UNREACHABLE`), 4 `replay --strict` skipped something (`EXIT_SKIPPED`).
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, TypeVar

import typer

from workers.kafka.reach import DEFAULT_TIMEOUT_S, EXIT_UNREACHABLE, BrokerUnreachable, describe, ensure_reachable
from workers.settings import Settings

T = TypeVar("T")

EXIT_SKIPPED = 4


def timeout_option(default: float = DEFAULT_TIMEOUT_S) -> Any:
    """The `--timeout SECONDS` option of every command that talks to the broker."""
    return typer.Option(default, "--timeout", metavar="SECONDS", min=0.1,
                        help=f"How long to wait for the broker before failing with exit code {EXIT_UNREACHABLE} "
                             f"(default {default:g}).")


def on_broker(settings: Settings, bootstrap: str, timeout_s: float, work: Callable[[], Awaitable[T]],
              *, wait_setting: str = "--timeout") -> T:
    """Probe the broker (up to `timeout_s`), then await `work()`; a broker failure exits with one line on stderr."""
    from aiokafka.errors import KafkaConnectionError, KafkaError

    async def go() -> T:
        await ensure_reachable(settings, bootstrap, timeout_s, wait_setting)
        return await work()

    try:
        return asyncio.run(go())
    except BrokerUnreachable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNREACHABLE) from None
    except KafkaConnectionError as exc:
        typer.echo(f"error: lost the broker at {bootstrap}: {describe(exc)}", err=True)
        raise typer.Exit(EXIT_UNREACHABLE) from None
    except KafkaError as exc:
        typer.echo(f"error: the broker at {bootstrap} answered with an error: {describe(exc)}", err=True)
        raise typer.Exit(1) from None
    except asyncio.TimeoutError as exc:
        typer.echo(f"error: the broker at {bootstrap} did not answer in time: {describe(exc)}", err=True)
        raise typer.Exit(EXIT_UNREACHABLE) from None
