"""The `frontwire` command line."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from workers.cli_operations import settings_or_exit
from workers.settings import PROJECT_ROOT

cli = typer.Typer(
    help="frontwire: live war reporting in, settlement control-status alerts out (Kafka pipeline).\n\n"
    "Broker: KAFKA_BOOTSTRAP_SERVERS if set, otherwise an embedded Tansu broker on loopback.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
topics_cli = typer.Typer(help="Create and inspect the topics declared in topics.yaml.", no_args_is_help=True)
alerts_cli = typer.Typer(help="Follow the alerts topic.", no_args_is_help=True)
cli.add_typer(topics_cli, name="topics")
cli.add_typer(alerts_cli, name="alerts")


def _default_dir() -> Path:
    local = Path("seeds")
    return local if local.is_dir() else PROJECT_ROOT / "seeds"


def _check_dir(directory: Path) -> Path:
    if not directory.is_dir():
        typer.echo(f"error: {directory} is not a directory", err=True)
        raise typer.Exit(2)
    return directory


def _progress(total: int, label: str) -> Any:
    """A progress bar on a terminal (stderr), nothing otherwise."""
    if not sys.stderr.isatty() or total <= 1:
        return None
    bar = typer.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()
    return bar


@cli.command()
def run(
    directory: Optional[Path] = typer.Argument(None, help="Replay directory (default: seeds/)."),
    json_out: bool = typer.Option(False, "--json", help="Print the alerts as JSON, one per line, and nothing else."),
    rate: Optional[float] = typer.Option(None, "--rate", min=0.01, help="Articles per second (default: no pacing)."),
    extractors: Optional[int] = typer.Option(None, "--extractors", min=1, max=4,
                                             help="Extraction processes beside the one running the other stages "
                                                  "(default: one per core but one, at least 1; the raw topic has 4 "
                                                  "partitions)."),
) -> None:
    """Run the whole pipeline on DIR and print the alerts it produced (embedded broker unless set).

    Articles stream through the stages at full speed, in any order: the alerts are ordered by the
    reports' publication time (then article id), so they are those `frontwire eval` gives. A shift
    found after newer reports had arrived is sent late, and one a late report removes is withdrawn
    on the alerts topic; what is printed is the alerts that stand, in the order they took effect.
    """
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.pipeline import PipelineError, default_extractors, run_pipeline, run_plan
    from workers.render import alert_block
    from workers.stage0_replay.core import read_replay_dir

    settings = settings_or_exit()
    directory = _check_dir(directory or _default_dir())
    total = sum(1 for _ in read_replay_dir(directory, settings.max_message_bytes))
    bar = None if json_out else _progress(total, "replaying")
    try:
        with bootstrap_servers(settings) as bootstrap:
            result = asyncio.run(run_pipeline(settings, bootstrap, directory, rate=rate,
                                              on_item=(lambda _i: bar.update(1)) if bar else None,
                                              plan=run_plan(extractors or default_extractors())))
    except PipelineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if json_out:
        import orjson

        for alert in result.alerts:
            sys.stdout.write(orjson.dumps(alert).decode() + "\n")
        sys.stdout.flush()
        return
    typer.echo(result.replay.summary(), err=True)
    revised = f" ({result.late} sent late, {result.withdrawn} withdrawn on the topic)" if result.withdrawn or result.late else ""
    typer.echo(f"{len(result.alerts)} alert(s) from {directory} in {result.seconds:.1f}s{revised}\n")
    for alert in result.alerts:
        typer.echo(alert_block(alert) + "\n")


@cli.command()
def replay(
    directory: Path = typer.Argument(..., help="Directory of .txt/.html articles (with .meta.json sidecars) or .jsonl."),
    rate: Optional[float] = typer.Option(None, "--rate", min=0.01, help="Articles per second (default: no pacing)."),
) -> None:
    """Publish a directory of articles to the raw topic, in lexical order of file names."""
    from workers.kafka.admin import apply_topics
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.stage0_replay.core import read_replay_dir
    from workers.stage0_replay.publish import replay_directory
    from workers.topics import load_topics

    settings = settings_or_exit()
    directory = _check_dir(directory)
    if not settings.bootstrap_servers:
        typer.echo("note: KAFKA_BOOTSTRAP_SERVERS is not set; replaying into a throw-away embedded broker "
                   "(use `frontwire broker` and set KAFKA_BOOTSTRAP_SERVERS to keep the messages)", err=True)
    topics = load_topics(settings.topics_file, settings.topic_prefix)
    total = sum(1 for _ in read_replay_dir(directory, settings.max_message_bytes))
    bar = _progress(total, "replaying")

    async def go(bootstrap: str) -> Any:
        await apply_topics(settings, bootstrap, list(topics.values()))
        return await replay_directory(settings, bootstrap, topics["raw"].name, directory, rate=rate,
                                      on_item=(lambda _i: bar.update(1)) if bar else None)

    try:
        with bootstrap_servers(settings) as bootstrap:
            report = asyncio.run(go(bootstrap))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    typer.echo(report.summary())


@cli.command()
def worker(
    stage: str = typer.Argument(..., help="extract, dedup, normalize, claims, alerts, a comma list, or all."),
) -> None:
    """Run one stage (its own consumer group; run more processes to scale) or all stages in one process."""
    from workers.stages import STAGE_NAMES, stage_specs
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.runner import run_worker

    settings = settings_or_exit()
    names = list(STAGE_NAMES) if stage == "all" else [s.strip() for s in stage.split(",") if s.strip()]
    try:
        stage_specs(names)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with bootstrap_servers(settings) as bootstrap:
        if not settings.bootstrap_servers:
            typer.echo(f"embedded broker at {bootstrap} (KAFKA_BOOTSTRAP_SERVERS={bootstrap})", err=True)
        run_worker(settings, bootstrap, [s.name for s in stage_specs(names)])


@cli.command()
def broker(
    port: int = typer.Option(9092, "--port", help="Loopback port to listen on (0: any free port)."),
) -> None:
    """Run the embedded Tansu broker in the foreground (memory storage) and print its address."""
    import signal
    import time

    from workers.kafka.broker import BrokerError, EmbeddedBroker

    settings_or_exit()
    try:
        b = EmbeddedBroker(port=port).start()
    except BrokerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"KAFKA_BOOTSTRAP_SERVERS={b.bootstrap_servers}")
    typer.echo("embedded broker running (memory storage: topics are lost when it stops); Ctrl-C to stop", err=True)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"] and b.process is not None and b.process.poll() is None:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        b.stop()


@topics_cli.command("apply")
def topics_apply() -> None:
    """Create missing topics and report drift from topics.yaml (idempotent; never alters a topic)."""
    from workers.kafka.admin import apply_topics
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.topics import load_topics

    settings = settings_or_exit()
    specs = list(load_topics(settings.topics_file, settings.topic_prefix).values())
    with bootstrap_servers(settings) as bootstrap:
        report = asyncio.run(apply_topics(settings, bootstrap, specs))
    for line in report.lines():
        typer.echo(line)
    if report.drift:
        typer.echo(f"{len(report.drift)} drift(s): fix them on the cluster or in topics.yaml", err=True)


@topics_cli.command("list")
def topics_list() -> None:
    """Print the topics declared in topics.yaml (no broker needed)."""
    from workers.topics import load_topics

    settings = settings_or_exit()
    for spec in load_topics(settings.topics_file, settings.topic_prefix).values():
        typer.echo(f"{spec.role:<12} {spec.name:<44} p={spec.partitions} {spec.cleanup_policy:<8} "
                   f"key={spec.key} value={spec.value_schema} {','.join(spec.writer)} → {','.join(spec.readers)}")


@cli.command()
def explain(
    file: Path = typer.Argument(..., help="One article file (.txt or .html), its sidecar beside it."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object (CONTRACT §4b)."),
) -> None:
    """Show why one article does or does not alert: text, language, mentions, claims (no broker)."""
    from workers.chain import explain_file, explain_json
    from workers.render import explain_text

    settings = settings_or_exit()
    if not file.is_file():
        typer.echo(f"error: {file} is not a file", err=True)
        raise typer.Exit(2)
    if file.suffix.lower() not in (".txt", ".html"):
        typer.echo(f"error: {file.name}: expected a .txt or .html article", err=True)
        raise typer.Exit(2)
    doc = explain_json(explain_file(file, settings))
    if json_out:
        import orjson

        sys.stdout.write(orjson.dumps(doc).decode() + "\n")
    else:
        typer.echo(explain_text(doc))


@alerts_cli.command("tail")
def alerts_tail(
    json_out: bool = typer.Option(False, "--json", help="One JSON object per line, exactly the topic's messages."),
    from_beginning: bool = typer.Option(False, "--from-beginning", help="Start at the oldest retained alert."),
) -> None:
    """Print alerts as they arrive until interrupted."""
    from workers.subscribe import tail_alerts

    settings = settings_or_exit()
    if not settings.bootstrap_servers:
        typer.echo("error: set KAFKA_BOOTSTRAP_SERVERS to the cluster to follow "
                   "(`frontwire broker` prints one for development)", err=True)
        raise typer.Exit(2)
    try:
        asyncio.run(tail_alerts(settings, settings.bootstrap_servers, json_out=json_out, from_beginning=from_beginning))
    except KeyboardInterrupt:
        pass


@cli.command("eval")
def eval_cmd(
    directory: Path = typer.Argument(..., help="A scenario folder with gold.json, or a folder of them."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every difference from the gold."),
    broker_mode: bool = typer.Option(False, "--broker", help="Score alerts from the real pipeline too "
                                                               "(slower; mentions still in-process)."),
) -> None:
    """Score scenarios against their gold.json: alert P/R, final status, mention P/R (CONTRACT §5)."""
    from workers.evaluate import evaluate_scenarios, format_table, gold_scenarios

    settings = settings_or_exit()
    scenarios = gold_scenarios(_check_dir(directory))
    if not scenarios:
        typer.echo(f"error: no gold.json in {directory} or its sub-folders", err=True)
        raise typer.Exit(2)
    scores = evaluate_scenarios(scenarios, settings)
    typer.echo("in-process chain (the stage cores, no broker):")
    typer.echo(format_table(scores, verbose))
    if broker_mode:
        from workers.evaluate import evaluate_on_broker

        typer.echo("\nreal pipeline (embedded broker unless KAFKA_BOOTSTRAP_SERVERS):")
        typer.echo(format_table([evaluate_on_broker(s, settings) for s in scenarios], verbose))


def _register_operations() -> None:
    from workers.cli_operations import register

    register(cli)


_register_operations()


def main() -> None:
    """Console-script entry point."""
    cli()
