"""Operator commands: `frontwire status`, `frontwire dlq list`, `frontwire dlq replay`.

They inspect a running cluster, so they need KAFKA_BOOTSTRAP_SERVERS (an embedded broker started
for one command would be empty). `register(cli)` adds them to the main `frontwire` command.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Optional

import typer

from workers.settings import Settings, SettingsError

dlq_cli = typer.Typer(help="Inspect and replay the dead-letter topic (inputs a stage rejected, with the reason).",
                      no_args_is_help=True)


def settings_or_exit() -> Settings:
    """Settings from the environment with logging set up, or exit 2 saying what is wrong (every command)."""
    from workers.logs import setup_logging

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    setup_logging(settings.log_level, settings.log_repeat_s)
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
    from workers.stages import STAGE_NAMES

    if stage is not None and stage not in (*STAGE_NAMES, "webhook"):
        typer.echo(f"error: unknown stage {stage!r}; stages are {', '.join(STAGE_NAMES)}, webhook", err=True)
        raise typer.Exit(2)
    return stage


def status(
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object instead of text."),
) -> None:
    """Show each stage's consumer lag (per group and partition) and dead letters by reason."""
    import orjson

    from workers.operations.status import format_status, pipeline_status

    settings = _cluster_settings("`frontwire status`")
    result = asyncio.run(pipeline_status(settings, settings.bootstrap_servers))
    if json_out:
        sys.stdout.write(orjson.dumps(result.to_dict()).decode() + "\n")
    else:
        typer.echo(format_status(result))


@dlq_cli.command("list")
def dlq_list(
    stage: Optional[str] = typer.Option(None, "--stage", help="Only dead letters of this stage "
                                                              "(extract, dedup, normalize, claims, alerts)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Only dead letters with this reason, "
                                                                "e.g. invalid_json, schema_violation, raw_too_large."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per dead letter (the topic's message "
                                                         "plus dlq_partition and dlq_offset), nothing else."),
) -> None:
    """List dead letters: where the input came from, stage, reason, detail and a safe payload preview."""
    import orjson

    from workers.operations.deadletters import counts, entry_block, read_dead_letters, select
    from workers.topics import load_topics

    settings = _cluster_settings("`frontwire dlq list`")
    spec = load_topics(settings.topics_file, settings.topic_prefix)["deadletter"]
    entries = select(asyncio.run(read_dead_letters(settings, settings.bootstrap_servers, spec)),
                     _stage_option(stage), reason)
    if json_out:
        for entry in entries:
            sys.stdout.write(orjson.dumps(entry.to_dict()).decode() + "\n")
        return
    for entry in entries:
        typer.echo(entry_block(entry))
    summary = ", ".join(f"{s}/{r} {n}" for (s, r), n in counts(entries).items())
    typer.echo(f"{len(entries)} dead letter(s)" + (f": {summary}" if summary else ""))


@dlq_cli.command("replay")
def dlq_replay(
    reason: str = typer.Option(..., "--reason", help="Replay dead letters with this reason (required), "
                                                     "after fixing what caused it."),
    stage: Optional[str] = typer.Option(None, "--stage", help="Only dead letters of this stage."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be replayed; publish nothing."),
) -> None:
    """Re-publish the original payload of matching dead letters to the topic they came from, with their key.

    Each distinct input is published once per replay; replaying again is harmless (stages are idempotent).
    An input that is still bad lands on the dead-letter topic again. Dead letters of stage `webhook`
    (an alert a subscriber never took) are POSTed again to that subscriber only.
    """
    from workers.stages import STAGES
    from workers.operations.deadletters import ReplayReport, read_dead_letters, replay_dead_letters, select
    from workers.topics import load_topics

    settings = _cluster_settings("`frontwire dlq replay`")
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    inputs = {topics[s.reads].name for s in STAGES}

    async def go() -> list[ReplayReport]:
        from workers.webhooks.replay import replay_webhooks

        entries = await read_dead_letters(settings, settings.bootstrap_servers, topics["deadletter"])
        chosen = select(entries, _stage_option(stage), reason)
        hooks = [e for e in chosen if e.stage == "webhook"]
        others = [e for e in chosen if e.stage != "webhook"]
        reports = []
        if others or not hooks:
            reports.append(await replay_dead_letters(settings, settings.bootstrap_servers, others, inputs,
                                                     dry_run=dry_run))
        if hooks:
            reports.append(await replay_webhooks(settings, settings.bootstrap_servers, hooks, dry_run=dry_run))
        return reports

    for report in asyncio.run(go()):
        typer.echo(report.summary())
        for line in report.positions:
            if not line.startswith(tuple(f"{t}[" for t in inputs)):
                typer.echo(f"  {line}")


def register(cli: typer.Typer) -> None:
    """Add `status` and the `dlq` group to the main command."""
    cli.command("status")(status)
    cli.add_typer(dlq_cli, name="dlq")
