"""Plain `--help` for every command: arguments as `DIR`, flags without type noise, the environment it reads.

typer's own help writes every flag's type (`--json <bool>`, even `--help <bool>`) and a required
argument as `{directory}`; these command classes write click's plain layout instead, with option
values named by their metavar (`--rate N`) and, last, the environment variables the command reads.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

CONNECTION = ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME",
              "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CAFILE", "KAFKA_SSL_CERTFILE", "KAFKA_SSL_KEYFILE")
TOPICS = ("FRONTWIRE_TOPIC_PREFIX", "FRONTWIRE_TOPICS_FILE")
LOGS = ("FRONTWIRE_LOG_LEVEL", "FRONTWIRE_LOG_FORMAT", "FRONTWIRE_LOG_REPEAT_S")
STAGE_LIMITS = ("FRONTWIRE_SCHEMAS_DIR", "FRONTWIRE_DATA_DIR", "FRONTWIRE_MAX_RAW_BYTES", "FRONTWIRE_MAX_TEXT_CHARS",
                "FRONTWIRE_MIN_TEXT_CHARS", "FRONTWIRE_LANGDETECT_SAMPLE_CHARS", "FRONTWIRE_DEDUP_THRESHOLD",
                "FRONTWIRE_DEDUP_SHINGLE", "FRONTWIRE_DEDUP_PERMUTATIONS", "FRONTWIRE_DEDUP_WINDOW_DAYS",
                "FRONTWIRE_DEDUP_KEEP_ARTICLES", "FRONTWIRE_TIMELINE_MAX_REPORTS")
WORKER = ("FRONTWIRE_WEB_PORT", "FRONTWIRE_WEB_HOST", "FRONTWIRE_FETCH_MAX_WAIT_MS", "FRONTWIRE_BROKER_WAIT_S",
          "FRONTWIRE_COMMIT_INTERVAL_S", "FRONTWIRE_SESSION_TIMEOUT_S", "FRONTWIRE_MAX_MESSAGE_BYTES")

BOARD = ("FRONTWIRE_BOARD_HOST", "FRONTWIRE_BOARD_PORT", "FRONTWIRE_BOARD_MAX_ALERTS")
WEBHOOKS = ("FRONTWIRE_WEBHOOKS", "FRONTWIRE_WEBHOOK_SECRET", "FRONTWIRE_WEBHOOK_ATTEMPTS", "FRONTWIRE_WEBHOOK_BACKOFF_S",
            "FRONTWIRE_WEBHOOK_TIMEOUT_S")
INGEST = ("FRONTWIRE_INGEST_CONTACT", "FRONTWIRE_INGEST_HOST_DELAY_S", "FRONTWIRE_INGEST_TIMEOUT_S",
          "FRONTWIRE_INGEST_RETRIES", "FRONTWIRE_INGEST_BACKOFF_S", "FRONTWIRE_INGEST_MAX_RETRY_AFTER_S",
          "FRONTWIRE_INGEST_MAX_REDIRECTS", "FRONTWIRE_INGEST_MAX_ATTEMPTS", "FRONTWIRE_INGEST_LEASE_S",
          "FRONTWIRE_INGEST_FAILING_LOG_S", "FRONTWIRE_INGEST_ALLOW_PRIVATE", "FRONTWIRE_MAX_RAW_BYTES")

# The environment variables each command reads, by group (command path without the program name).
COMMAND_ENV: dict[str, dict[str, tuple[str, ...]]] = {
    "run": {"broker": CONNECTION, "topics": TOPICS,
            "run": ("FRONTWIRE_DRAIN_TIMEOUT_S", "FRONTWIRE_MAX_MESSAGE_BYTES", "FRONTWIRE_COMMIT_INTERVAL_S",
                    "FRONTWIRE_SESSION_TIMEOUT_S"),
            "stages": STAGE_LIMITS, "board (--board)": BOARD, "logs": LOGS},
    "replay": {"broker": CONNECTION, "topics": TOPICS, "replay": ("FRONTWIRE_MAX_MESSAGE_BYTES",), "logs": LOGS},
    "ingest": {"broker": CONNECTION, "topics": TOPICS, "ingest": INGEST, "logs": LOGS},
    "worker": {"broker": CONNECTION, "topics": TOPICS, "worker": WORKER, "stages": STAGE_LIMITS,
               "ingest (worker ingest)": ("FRONTWIRE_SOURCES_FILE", *INGEST), "logs": LOGS},
    "broker": {"logs": LOGS},
    "board": {"broker": CONNECTION, "topics": TOPICS, "board": BOARD, "webhooks": WEBHOOKS, "logs": LOGS},
    "webhooks": {"broker": CONNECTION, "topics": TOPICS, "webhooks": WEBHOOKS, "logs": LOGS},
    "topics apply": {"broker": CONNECTION, "topics": TOPICS, "logs": LOGS},
    "topics list": {"topics": TOPICS},
    "explain": {"stages": STAGE_LIMITS, "logs": LOGS},
    "alerts tail": {"broker": CONNECTION, "topics": TOPICS, "logs": LOGS},
    "eval": {"broker (--broker)": CONNECTION, "topics": TOPICS, "stages": STAGE_LIMITS,
             "run": ("FRONTWIRE_DRAIN_TIMEOUT_S",), "logs": LOGS},
    "status": {"broker": CONNECTION, "topics": TOPICS, "logs": LOGS},
    "dlq list": {"broker": CONNECTION, "topics": TOPICS, "logs": LOGS},
    "dlq replay": {"broker": CONNECTION, "topics": TOPICS, "replay": ("FRONTWIRE_MAX_MESSAGE_BYTES",), "logs": LOGS},
}


def command_key(ctx: Any) -> str:
    """`dlq list` for `frontwire dlq list`: the command path without the program name."""
    return " ".join(ctx.command_path.split()[1:])


def _is(param: Any, kind: str) -> bool:
    """Whether a click parameter is an `argument` or an `option` (typer may vendor its own click)."""
    return getattr(param, "param_type_name", None) == kind


def _metavar(param: Any) -> str:
    return param.metavar or (param.name or "value").upper()


def option_record(option: Any) -> tuple[str, str]:
    """(`--rate N`, help) for an option; a flag shows no value."""
    names = ", ".join([*option.opts, *getattr(option, "secondary_opts", [])])
    if not getattr(option, "is_flag", False) and not getattr(option, "count", False):
        names += f" {_metavar(option)}"
    return names, option.help or ""


class PlainCommand(TyperCommand):
    """A command whose help has plain argument names, no types, and an Environment section."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if _is(param, "argument"):
                name = _metavar(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            if _is(param, "argument"):
                args.append((_metavar(param), getattr(param, "help", None) or ""))
            elif _is(param, "option") and not getattr(param, "hidden", False):
                opts.append(option_record(param))
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        if opts:
            with formatter.section("Options"):
                formatter.write_dl(opts)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        groups = COMMAND_ENV.get(command_key(ctx))
        if groups:
            with formatter.section("Environment (defaults and meanings: README, Settings)"):
                formatter.write_dl([(label, ", ".join(names)) for label, names in groups.items()])
        super().format_epilog(ctx, formatter)


class PlainGroup(TyperGroup):
    """A command group whose own help is click's plain layout."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        opts = [option_record(p) for p in self.get_params(ctx) if _is(p, "option") and not getattr(p, "hidden", False)]
        if opts:
            with formatter.section("Options"):
                formatter.write_dl(opts)
        self.format_commands(ctx, formatter)


def plain(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments for `typer.Typer(...)` that give plain help to the group and its commands."""
    return {"cls": PlainGroup, "rich_markup_mode": None, **kwargs}
