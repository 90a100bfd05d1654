"""The `frontwire` command line."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from workers.cli_broker import EXIT_SKIPPED, on_broker, timeout_option
from workers.cli_help import PlainCommand, plain
from workers.cli_operations import settings_or_exit
from workers.settings import PROJECT_ROOT

cli = typer.Typer(**plain(
    help="frontwire: live war reporting in, settlement control-status alerts out (Kafka pipeline).\n\n"
    "Broker: KAFKA_BOOTSTRAP_SERVERS if set, otherwise an embedded Tansu broker on loopback. "
    "Exit codes: 0 done, 1 failed, 2 usage or settings, 3 broker unreachable, 4 replay --strict skipped input.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
))
topics_cli = typer.Typer(**plain(help="Create and inspect the topics declared in topics.yaml.", no_args_is_help=True))
alerts_cli = typer.Typer(**plain(help="Follow the alerts topic.", no_args_is_help=True))
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


def _progress(count: Callable[[], int], label: str) -> Any:
    """A progress bar on a terminal (stderr), nothing otherwise; `count()` (its length) is called only for a bar."""
    if not sys.stderr.isatty():
        return None
    total = count()
    if total <= 1:
        return None
    bar = typer.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()
    return bar


@cli.command(cls=PlainCommand)
def run(
    directory: Optional[Path] = typer.Argument(None, metavar="DIR", help="Replay directory (default: seeds/)."),
    json_out: bool = typer.Option(False, "--json", help="Print the alerts as JSON, one per line, and nothing else."),
    rate: Optional[float] = typer.Option(None, "--rate", min=0.01, metavar="N",
                                         help="Articles per second (default: no pacing)."),
    extractors: Optional[int] = typer.Option(None, "--extractors", min=1, max=4, metavar="N",
                                             help="Extraction processes beside the one running the other stages "
                                                  "(default: one per core but one, at least 1; the raw topic has 4 "
                                                  "partitions)."),
    board: bool = typer.Option(False, "--board", help="Once drained, print the alerts and leave the broker, the "
                                                      "workers and the status board up until interrupted (the "
                                                      "board's address and KAFKA_BOOTSTRAP_SERVERS go to stderr)."),
    port: Optional[int] = typer.Option(None, "--port", min=0, max=65535, metavar="PORT",
                                       help="With --board: the board's port (default FRONTWIRE_BOARD_PORT; 0: any "
                                            "free port)."),
    timeout: float = timeout_option(),
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
    bar = None if json_out else _progress(
        lambda: sum(1 for _ in read_replay_dir(directory, settings.max_message_bytes)), "replaying")

    def show(result: Any) -> None:
        nonlocal bar
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None
        if json_out:
            import orjson

            for alert in result.alerts:
                sys.stdout.write(orjson.dumps(alert).decode() + "\n")
            sys.stdout.flush()
            return
        typer.echo(result.replay.summary(), err=True)
        revised = (f" ({result.late} sent late, {result.withdrawn} withdrawn on the topic)"
                   if result.withdrawn or result.late else "")
        typer.echo(f"{len(result.alerts)} alert(s) from {directory} in {result.seconds:.1f}s{revised}\n")
        for alert in result.alerts:
            typer.echo(alert_block(alert) + "\n")

    try:
        with bootstrap_servers(settings) as bootstrap:
            async def hold(result: Any) -> None:
                from workers.board.run import serve_board

                show(result)
                sys.stdout.flush()
                await serve_board(settings, bootstrap, port,
                                  announce=lambda b: typer.echo(f"KAFKA_BOOTSTRAP_SERVERS={bootstrap}\n"
                                                                f"board at {b.url} (Ctrl-C to stop)", err=True))
            result = on_broker(settings, bootstrap, timeout, lambda: _until_signal(run_pipeline(
                settings, bootstrap, directory, rate=rate, on_item=(lambda _i: bar.update(1)) if bar else None,
                plan=run_plan(extractors or default_extractors()), on_drained=hold if board else None)))
    except PipelineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if result is None:
        raise typer.Exit(130)  # interrupted
    if not board:
        show(result)


async def _until_signal(coro: Any) -> Any:
    """Await coro, cancelled cleanly by SIGINT or SIGTERM (then None)."""
    import signal

    task = asyncio.ensure_future(coro)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        return None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


@cli.command("board", cls=PlainCommand)
def board_cmd(
    port: Optional[int] = typer.Option(None, "--port", min=0, max=65535, metavar="PORT",
                                       help="Port to listen on (default FRONTWIRE_BOARD_PORT, 8080; 0: any free "
                                            "port, printed on start)."),
    timeout: float = timeout_option(),
) -> None:
    """Serve the status board (map, live feed, history), its HTTP API and webhooks, following the topics.

    Reads the compacted status topic from its start, then follows the status and alerts topics. Needs
    KAFKA_BOOTSTRAP_SERVERS (`frontwire run DIR --board` serves one on its embedded broker).
    """
    from workers.board.run import serve_board

    settings = settings_or_exit()
    if not settings.bootstrap_servers:
        typer.echo("error: set KAFKA_BOOTSTRAP_SERVERS to the cluster to follow "
                   "(`frontwire run DIR --board` serves a board on its embedded broker)", err=True)
        raise typer.Exit(2)

    def announce(b: Any) -> None:
        typer.echo(f"board at {b.url}")
        sys.stdout.flush()

    on_broker(settings, settings.bootstrap_servers, timeout,
              lambda: _until_signal(serve_board(settings, settings.bootstrap_servers, port, announce=announce)))


@cli.command(cls=PlainCommand)
def replay(
    directory: Path = typer.Argument(..., metavar="DIR",
                                     help="Directory of .txt/.html articles (with .meta.json sidecars) or .jsonl."),
    rate: Optional[float] = typer.Option(None, "--rate", min=0.01, metavar="N",
                                         help="Articles per second (default: no pacing)."),
    strict: bool = typer.Option(False, "--strict", help=f"Exit with code {EXIT_SKIPPED} when any file or line "
                                                        "was skipped (after publishing the rest)."),
    follow_symlinks: bool = typer.Option(False, "--follow-symlinks",
                                         help="Read symbolic links to regular files inside DIR (links that "
                                              "leave DIR are never read)."),
    timeout: float = timeout_option(),
) -> None:
    """Publish a directory of articles to the raw topic, in lexical order of file names.

    Only regular files inside DIR are read. A file or line that is skipped (a symbolic link, an oversize
    file, an invalid sidecar, a malformed .jsonl line, ...) is reported once and sent to the dead-letter
    topic with stage `replay` and its reason (`frontwire dlq list --stage replay`).
    """
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
    bar = _progress(lambda: sum(1 for _ in read_replay_dir(directory, settings.max_message_bytes,
                                                           follow_symlinks=follow_symlinks)), "replaying")

    async def go(bootstrap: str) -> Any:
        await apply_topics(settings, bootstrap, list(topics.values()))
        return await replay_directory(settings, bootstrap, topics["raw"].name, directory, rate=rate,
                                      on_item=(lambda _i: bar.update(1)) if bar else None,
                                      follow_symlinks=follow_symlinks)

    try:
        with bootstrap_servers(settings) as bootstrap:
            report = on_broker(settings, bootstrap, timeout, lambda: go(bootstrap))
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    typer.echo(report.summary())
    if strict and report.skipped:
        typer.echo(f"error: --strict: {len(report.skipped)} file(s) or line(s) skipped", err=True)
        raise typer.Exit(EXIT_SKIPPED)


def _sources_or_exit(path: Path) -> Any:
    from workers.stage0_ingest.sources import SourcesError, load_sources

    try:
        return load_sources(path)
    except SourcesError as exc:
        typer.echo(f"error: {exc.args[0].split(': ', 1)[0]}:", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(2) from exc


@cli.command(cls=PlainCommand)
def ingest(
    sources_file: Path = typer.Argument(..., help="The sources file (sources.yaml): name, feed, language, "
                                                   "fetch_pages, interval_s per outlet."),
    once: bool = typer.Option(False, "--once", help="Poll each source once, publish, print what was done and exit "
                                                    "(for cron and tests)."),
    timeout: float = timeout_option(),
) -> None:
    """Poll news feeds (RSS, Atom, news sitemaps) and publish new articles to the raw topic, exactly once.

    Each source is polled on its interval_s. New entries' pages are fetched politely (robots.txt,
    one request at a time per host, FRONTWIRE_INGEST_HOST_DELAY_S apart, conditional GET, backoff)
    and published in the raw-topic format replay uses. What was published is remembered on the
    compacted ingest_state topic, so a second run, a restart or a second process publishes nothing
    twice. Failed pages are tried again at the next poll; pages that cannot be used, and feeds that
    cannot be read, go to the dead-letter topic with stage `ingest`.
    """
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.stage0_ingest.run import run_ingest

    settings = settings_or_exit()
    sources = _sources_or_exit(sources_file)
    if not settings.bootstrap_servers:
        typer.echo("note: KAFKA_BOOTSTRAP_SERVERS is not set; ingesting into a throw-away embedded broker "
                   "(use `frontwire broker` and set KAFKA_BOOTSTRAP_SERVERS to keep the messages)", err=True)
    with bootstrap_servers(settings) as bootstrap:
        reports = on_broker(settings, bootstrap, timeout, lambda: run_ingest(settings, bootstrap, sources, once=once))
    if once:
        for report in reports:
            typer.echo(report.line())
        typer.echo(f"published {sum(r.published for r in reports)} article(s) from {len(reports)} source(s)")


@cli.command(cls=PlainCommand)
def worker(
    stage: str = typer.Argument(..., metavar="STAGE", help="extract, dedup, normalize, claims, alerts, a comma list, "
                                                          "or all; or ingest (the feeds of FRONTWIRE_SOURCES_FILE, in its own process)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS", min=0.1,
                                            help="How long to wait for the broker at start before failing with "
                                                 "exit code 3 (default: FRONTWIRE_BROKER_WAIT_S, 300)."),
) -> None:
    """Run one stage (its own consumer group; run more processes to scale) or all stages in one process."""
    from workers.stages import STAGE_NAMES, stage_specs
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.runner import run_worker

    settings = settings_or_exit()
    if timeout is not None:
        settings = replace(settings, broker_wait_s=timeout)
    if stage == "ingest":
        _ingest_worker(settings)
        return
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


def _ingest_worker(settings: Any) -> None:
    """`frontwire worker ingest`: wait for the broker, then poll FRONTWIRE_SOURCES_FILE until a signal."""
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.stage0_ingest.run import run_ingest

    sources = _sources_or_exit(settings.sources_file)
    with bootstrap_servers(settings) as bootstrap:
        on_broker(settings, bootstrap, settings.broker_wait_s, lambda: run_ingest(settings, bootstrap, sources, once=False),
                  wait_setting="FRONTWIRE_BROKER_WAIT_S or --timeout")


@cli.command(cls=PlainCommand)
def broker(
    port: int = typer.Option(9092, "--port", metavar="PORT", help="Loopback port to listen on (0: any free port)."),
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


@cli.command("webhooks", cls=PlainCommand)
def webhooks_cmd(timeout: float = timeout_option()) -> None:
    """POST every alert, signed, to each FRONTWIRE_WEBHOOKS URL until interrupted (`frontwire board` does
    this too when they are set); each subscriber apart, retried with backoff, then dead-lettered."""
    from workers.settings import SettingsError
    from workers.webhooks.dispatch import run_webhooks

    settings = settings_or_exit()
    if not settings.bootstrap_servers or not settings.webhooks:
        typer.echo("error: set KAFKA_BOOTSTRAP_SERVERS and FRONTWIRE_WEBHOOKS (and FRONTWIRE_WEBHOOK_SECRET)", err=True)
        raise typer.Exit(2)
    try:
        on_broker(settings, settings.bootstrap_servers, timeout,
                  lambda: _until_signal(run_webhooks(settings, settings.bootstrap_servers)))
    except SettingsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@topics_cli.command("apply", cls=PlainCommand)
def topics_apply(timeout: float = timeout_option()) -> None:
    """Create missing topics and report drift from topics.yaml (idempotent; never alters a topic)."""
    from workers.kafka.admin import apply_topics
    from workers.kafka.bootstrap import bootstrap_servers
    from workers.topics import load_topics

    settings = settings_or_exit()
    specs = list(load_topics(settings.topics_file, settings.topic_prefix).values())
    with bootstrap_servers(settings) as bootstrap:
        report = on_broker(settings, bootstrap, timeout, lambda: apply_topics(settings, bootstrap, specs))
    for line in report.lines():
        typer.echo(line)
    if report.drift:
        typer.echo(f"{len(report.drift)} drift(s): fix them on the cluster or in topics.yaml", err=True)


@topics_cli.command("list", cls=PlainCommand)
def topics_list() -> None:
    """Print the topics declared in topics.yaml (no broker needed)."""
    from workers.topics import load_topics

    settings = settings_or_exit()
    for spec in load_topics(settings.topics_file, settings.topic_prefix).values():
        typer.echo(f"{spec.role:<12} {spec.name:<44} p={spec.partitions} {spec.cleanup_policy:<8} "
                   f"key={spec.key} value={spec.value_schema} {','.join(spec.writer)} → {','.join(spec.readers)}")


@cli.command(cls=PlainCommand)
def explain(
    file: Path = typer.Argument(..., metavar="FILE", help="One article file (.txt or .html), its sidecar beside it."),
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


@alerts_cli.command("tail", cls=PlainCommand)
def alerts_tail(
    json_out: bool = typer.Option(False, "--json", help="One JSON object per line, exactly the topic's messages."),
    from_beginning: bool = typer.Option(False, "--from-beginning", help="Start at the oldest retained alert "
                                                                         "(same as --offset beginning)."),
    offset: Optional[str] = typer.Option(None, "--offset", metavar="N|beginning|end",
                                         help="Start at this offset on every partition, or at the oldest retained "
                                              "alert, or at the end (the default: only new alerts)."),
    since: Optional[str] = typer.Option(None, "--since", metavar="TIME",
                                        help="Start at the first alert sent at or after TIME (ISO 8601, "
                                             "e.g. 2022-09-10T18:00:00Z)."),
    settlement: Optional[int] = typer.Option(None, "--settlement", metavar="ID",
                                             help="Only alerts of this settlement (GeoNames id, e.g. 707292)."),
    exit_at_end: bool = typer.Option(False, "--exit-at-end", "-e",
                                     help="Stop after the last alert on the topic when the tail started, "
                                          "the last of every partition included (like kcat -e)."),
    timeout: float = timeout_option(),
) -> None:
    """Print alerts as they arrive until interrupted, or up to the end of the topic with --exit-at-end."""
    from workers.subscribe import StartAt, parse_offset, parse_since, tail_alerts

    settings = settings_or_exit()
    if not settings.bootstrap_servers:
        typer.echo("error: set KAFKA_BOOTSTRAP_SERVERS to the cluster to follow "
                   "(`frontwire broker` prints one for development)", err=True)
        raise typer.Exit(2)
    if sum(x is not None and x is not False for x in (offset, since, from_beginning or None)) > 1:
        typer.echo("error: give one of --from-beginning, --offset, --since", err=True)
        raise typer.Exit(2)
    try:
        start = (parse_offset(offset) if offset is not None else parse_since(since) if since is not None
                 else StartAt("beginning") if from_beginning else StartAt("end"))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        on_broker(settings, settings.bootstrap_servers, timeout,
                  lambda: tail_alerts(settings, settings.bootstrap_servers, json_out=json_out, start=start,
                                      exit_at_end=exit_at_end, settlement=settlement))
    except KeyboardInterrupt:
        pass


@cli.command("eval", cls=PlainCommand)
def eval_cmd(
    directory: Path = typer.Argument(..., metavar="DIR", help="A scenario folder with gold.json, or a folder of them."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every difference from the gold."),
    broker_mode: bool = typer.Option(False, "--broker", help="Score alerts from the real pipeline too "
                                                               "(slower; mentions still in-process)."),
    timeout: float = timeout_option(),
) -> None:
    """Score scenarios against their gold.json: alert P/R, final status, mention P/R (CONTRACT §5)."""
    from workers.evaluate import evaluate_scenarios, format_table, gold_scenarios

    settings = settings_or_exit()
    scenarios = gold_scenarios(_check_dir(directory))
    if not scenarios:
        typer.echo(f"error: no gold.json in {directory} or its sub-folders", err=True)
        raise typer.Exit(2)
    if broker_mode and settings.bootstrap_servers:  # fail in one line now, not after the in-process scores
        on_broker(settings, settings.bootstrap_servers, timeout, lambda: asyncio.sleep(0))
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
