"""Operator commands: `frontwire status`, `frontwire dlq list`, `frontwire dlq replay`.

They inspect a running cluster, so they need KAFKA_BOOTSTRAP_SERVERS (an embedded broker started
for one command would be empty). `register(cli)` adds them to the main `frontwire` command.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from workers.cli_broker import on_broker, timeout_option
from workers.cli_help import PlainCommand, plain
from workers.settings import Settings, SettingsError

dlq_cli = typer.Typer(**plain(help="Inspect and replay the dead-letter topic (inputs a stage or replay rejected, "
                                   "with the reason).", no_args_is_help=True))


def settings_or_exit() -> Settings:
    """Settings from the environment with logging set up, or exit 2 saying what is wrong (every command)."""
    from workers.logs import setup_logging

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    setup_logging(settings.log_level, settings.log_repeat_s, settings.log_format)
    return settings


def _cluster_settings(what: str) -> Settings:
    """Settings with a bootstrap address, or exit 2 saying these commands need a running cluster."""
    settings = settings_or_exit()
    if not settings.bootstrap_servers:
        typer.echo(f"error: {what} needs a running cluster: set KAFKA_BOOTSTRAP_SERVERS "
                   "(`frontwire broker` prints one for development)", err=True)
        raise typer.Exit(2)
    return settings


def _stage_option(stage: Optional[str]) -> Optional[str]:
    from workers.operations.deadletters import REPLAY_STAGE, WEBHOOK_STAGE
    from workers.stage0_ingest.core import INGEST_STAGE
    from workers.stages import STAGE_NAMES

    known = (REPLAY_STAGE, INGEST_STAGE, *STAGE_NAMES, WEBHOOK_STAGE)
    if stage is not None and stage not in known:
        typer.echo(f"error: unknown stage {stage!r}; stages are {', '.join(known)}", err=True)
        raise typer.Exit(2)
    return stage


def status(
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
    timeout: float = timeout_option(),
) -> None:
    """Show each stage's consumer lag (per group and partition) and dead letters by reason, and each
    ingest source's last poll, last success and last error."""
    import orjson

    from workers.operations.status import format_status, pipeline_status

    settings = _cluster_settings("`frontwire status`")
    result = on_broker(settings, settings.bootstrap_servers, timeout,
                       lambda: pipeline_status(settings, settings.bootstrap_servers))
    if json_out:
        sys.stdout.write(orjson.dumps(result.to_dict()).decode() + "\n")
    else:
        typer.echo(format_status(result))


@dlq_cli.command("list", cls=PlainCommand)
def dlq_list(
    stage: Optional[str] = typer.Option(None, "--stage", metavar="STAGE",
                                        help="Only dead letters of this stage (replay, ingest, extract, dedup, normalize, "
                                             "claims, alerts)."),
    reason: Optional[str] = typer.Option(None, "--reason", metavar="REASON",
                                         help="Only dead letters with this reason, e.g. invalid_json, "
                                              "schema_violation, raw_too_large, symlink."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Each dead letter as a block with its whole "
                                                                "detail and a longer payload preview."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per dead letter (the topic's message "
                                                         "plus dlq_partition and dlq_offset), nothing else."),
    timeout: float = timeout_option(),
) -> None:
    """List dead letters as a table: position, stage, reason, where the input came from, detail, payload preview."""
    import orjson

    from workers.operations.deadletters import counts, entry_block, entry_table, read_dead_letters, select
    from workers.topics import load_topics

    settings = _cluster_settings("`frontwire dlq list`")
    spec = load_topics(settings.topics_file, settings.topic_prefix)["deadletter"]
    chosen_stage = _stage_option(stage)
    entries = select(on_broker(settings, settings.bootstrap_servers, timeout,
                               lambda: read_dead_letters(settings, settings.bootstrap_servers, spec)),
                     chosen_stage, reason)
    if json_out:
        for entry in entries:
            sys.stdout.write(orjson.dumps(entry.to_dict()).decode() + "\n")
        return
    if verbose:
        for entry in entries:
            typer.echo(entry_block(entry))
    elif entries:
        typer.echo(entry_table(entries))
    summary = ", ".join(f"{s}/{r} {n}" for (s, r), n in counts(entries).items())
    typer.echo(f"{len(entries)} dead letter(s)" + (f": {summary}" if summary else ""))


@dlq_cli.command("replay", cls=PlainCommand)
def dlq_replay(
    reason: str = typer.Option(..., "--reason", metavar="REASON",
                               help="Replay dead letters with this reason (required), after fixing what caused it; "
                                    "an unknown reason is refused with the list of known ones."),
    stage: Optional[str] = typer.Option(None, "--stage", metavar="STAGE", help="Only dead letters of this stage."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be replayed; publish nothing."),
    timeout: float = timeout_option(),
) -> None:
    """Re-publish the original payload of matching dead letters to the topic they came from, with their key.

    Each distinct input is published once per replay; replaying again is harmless (stages are idempotent).
    An input that is still bad lands on the dead-letter topic again. Dead letters of stage `webhook`
    (an alert a subscriber never took) are POSTed again to that subscriber only.
    """
    from workers.stages import STAGES
    from workers.operations.deadletters import (WEBHOOK_STAGE, ReplayReport, known_reasons, read_dead_letters,
                                                replay_dead_letters, select)
    from workers.topics import load_topics

    settings = _cluster_settings("`frontwire dlq replay`")
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    inputs = {topics[s.reads].name for s in STAGES}
    chosen_stage = _stage_option(stage)

    async def go() -> list[ReplayReport] | set[str]:
        from workers.webhooks.replay import replay_webhooks

        entries = await read_dead_letters(settings, settings.bootstrap_servers, topics["deadletter"])
        present = {e.reason for e in entries}
        if reason not in known_reasons() and reason not in present:
            return present
        chosen = select(entries, chosen_stage, reason)
        hooks = [e for e in chosen if e.stage == WEBHOOK_STAGE]
        others = [e for e in chosen if e.stage != WEBHOOK_STAGE]
        reports = []
        if others or not hooks:
            reports.append(await replay_dead_letters(settings, settings.bootstrap_servers, others, inputs,
                                                     dry_run=dry_run))
        if hooks:
            reports.append(await replay_webhooks(settings, settings.bootstrap_servers, hooks, dry_run=dry_run))
        return reports

    reports = on_broker(settings, settings.bootstrap_servers, timeout, go)
    if isinstance(reports, set):
        typer.echo(f"error: unknown reason {reason!r}; known reasons: {', '.join(known_reasons())}"
                   + (f"; on the topic now: {', '.join(sorted(reports))}" if reports else ""), err=True)
        raise typer.Exit(2)
    for report in reports:
        typer.echo(report.summary())
        for line in report.positions:
            if not line.startswith(tuple(f"{t}[" for t in inputs)):
                typer.echo(f"  {line}")


def register(cli: typer.Typer) -> None:
    """Add `status` and the `dlq` group to the main command."""
    cli.command("status", cls=PlainCommand)(status)
    cli.add_typer(dlq_cli, name="dlq")
