"""The one place that reads the environment: each setting declared once, with its variable, default and meaning.

A setting is a field of `Settings` declared with `setting(...)`: the environment variable, the
default, how the variable's text becomes the value, and the help line. `Settings.from_env` reads
every field from it, and the tables of README.md and deploy/README.md are generated from it
(`settings_table_markdown`, `SETTINGS_DOC`; tests check both tables are current).
"""

from __future__ import annotations

import os
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting in the environment has a value that cannot be used."""


def _integer(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise SettingsError("is not an integer") from None


def _number(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise SettingsError("is not a number") from None


def _upper(raw: str) -> str:
    return raw.upper()


def _user_path(raw: str) -> Path:
    return Path(raw).expanduser()


def setting(env: str, default: Any, *, help: str, parse: Callable[[str], Any] = str, shown: str | None = None,
            secret: bool = False) -> Any:
    """A `Settings` field read from the variable `env` (unset or empty: `default`), turned into its value by
    `parse`; `shown` is the default as the docs write it (default: the value itself); a secret is never
    shown in repr or logs."""
    return field(default=default, repr=not secret,
                 metadata={"env": env, "help": help, "parse": parse, "shown": shown, "secret": secret})


@dataclass(frozen=True)
class Settings:
    """All frontwire settings; build with `Settings.from_env()`."""

    bootstrap_servers: str = setting("KAFKA_BOOTSTRAP_SERVERS", "", help=(
        "host:port[,host:port]; empty means start the embedded Tansu broker"))
    security_protocol: str = setting("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", parse=_upper, help=(
        "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"))
    sasl_mechanism: str = setting("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", parse=_upper, help=(
        "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"))
    sasl_username: str = setting("KAFKA_SASL_USERNAME", "", help="SASL user name")
    sasl_password: str = setting("KAFKA_SASL_PASSWORD", "", secret=True, help="SASL password (never logged)")
    ssl_cafile: str = setting("KAFKA_SSL_CAFILE", "", help="CA bundle for TLS; empty uses the system store")
    ssl_certfile: str = setting("KAFKA_SSL_CERTFILE", "", help="client certificate for mutual TLS")
    ssl_keyfile: str = setting("KAFKA_SSL_KEYFILE", "", help="client key for mutual TLS")
    topic_prefix: str = setting("FRONTWIRE_TOPIC_PREFIX", "", help=(
        "prefix added to every topic name and consumer group (tests use it to isolate runs)"))
    topics_file: Path = setting("FRONTWIRE_TOPICS_FILE", PROJECT_ROOT / "topics.yaml", parse=Path,
                                shown="<project>/topics.yaml", help="the topic declarations")
    schemas_dir: Path = setting("FRONTWIRE_SCHEMAS_DIR", PROJECT_ROOT / "schemas", parse=Path,
                                shown="<project>/schemas", help="the JSON Schemas of every message")
    data_dir: Path = setting("FRONTWIRE_DATA_DIR", Path.home() / ".frontwire", parse=_user_path, shown="~/.frontwire",
                             help="worker state directory (faust table files, gazetteer cache)")
    log_level: str = setting("FRONTWIRE_LOG_LEVEL", "WARNING", parse=_upper, help="log level of workers and commands")
    log_repeat_s: float = setting("FRONTWIRE_LOG_REPEAT_S", 10.0, parse=_number, help=(
        "a Kafka client message that repeats (a broker outage) is logged once per this many seconds, with the"
        " count held back; 0 logs every one"))
    web_port: int = setting("FRONTWIRE_WEB_PORT", 0, parse=_integer, help=(
        "HTTP port of a worker for GET /healthz and GET /metrics (Prometheus); 0 disables it"))
    web_host: str = setting("FRONTWIRE_WEB_HOST", "127.0.0.1", help=(
        "address the /healthz and /metrics endpoint binds; 0.0.0.0 in containers"))
    fetch_max_wait_ms: int = setting("FRONTWIRE_FETCH_MAX_WAIT_MS", 100, parse=_integer, help=(
        "longest a worker's fetch waits for new data, ms (the latency of an idle hop)"))
    broker_wait_s: float = setting("FRONTWIRE_BROKER_WAIT_S", 300.0, parse=_number, help=(
        "how long a worker waits for the broker at start, seconds"))
    commit_interval_s: float = setting("FRONTWIRE_COMMIT_INTERVAL_S", 0.5, parse=_number, help=(
        "how often workers commit consumed offsets, seconds"))
    session_timeout_s: float = setting("FRONTWIRE_SESSION_TIMEOUT_S", 10.0, parse=_number, help=(
        "consumer-group session timeout, seconds"))
    max_message_bytes: int = setting("FRONTWIRE_MAX_MESSAGE_BYTES", 8_000_000, parse=_integer, help=(
        "largest message producers send; replay skips larger files"))
    max_raw_bytes: int = setting("FRONTWIRE_MAX_RAW_BYTES", 5_000_000, parse=_integer, help=(
        "largest raw article body accepted by extraction, bytes"))
    max_text_chars: int = setting("FRONTWIRE_MAX_TEXT_CHARS", 200_000, parse=_integer, help=(
        "largest extracted main text kept, characters"))
    min_text_chars: int = setting("FRONTWIRE_MIN_TEXT_CHARS", 40, parse=_integer, help=(
        "shortest main text accepted, characters"))
    langdetect_sample_chars: int = setting("FRONTWIRE_LANGDETECT_SAMPLE_CHARS", 2000, parse=_integer, help=(
        "characters of main text given to language detection"))
    dedup_threshold: float = setting("FRONTWIRE_DEDUP_THRESHOLD", 0.55, parse=_number, help=(
        "estimated share of an article's shingles found in one published before it (containment) at or above "
        "which it is a near-duplicate"))
    dedup_shingle: int = setting("FRONTWIRE_DEDUP_SHINGLE", 4, parse=_integer, help="word shingle size for MinHash")
    dedup_permutations: int = setting("FRONTWIRE_DEDUP_PERMUTATIONS", 128, parse=_integer, help="MinHash permutations")
    dedup_window_days: float = setting("FRONTWIRE_DEDUP_WINDOW_DAYS", 7.0, parse=_number, help=(
        "how long an article is remembered for duplicate detection after it arrived (processing time), days; "
        "copies are found whatever the gap between publication dates"))
    dedup_keep_articles: int = setting("FRONTWIRE_DEDUP_KEEP_ARTICLES", 2000, parse=_integer, help=(
        "originals whose extracted article dedup keeps, to re-label one as a copy when an earlier original "
        "arrives after it"))
    timeline_max_reports: int = setting("FRONTWIRE_TIMELINE_MAX_REPORTS", 100, parse=_integer, help=(
        "reports kept per settlement timeline; older ones are folded into the status and a report older than "
        "them can no longer revise the history"))
    drain_timeout_s: float = setting("FRONTWIRE_DRAIN_TIMEOUT_S", 120.0, parse=_number, help=(
        "how long `frontwire run` waits for the pipeline to drain"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Read every setting from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            name, raw = f.metadata["env"], env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            try:
                values[f.name] = f.metadata["parse"](raw)
            except SettingsError as exc:
                raise SettingsError(f"{name}={raw!r} {exc}") from None
        return cls(**values)

    def redacted(self) -> dict[str, object]:
        """Settings as a dict safe to log: secrets replaced."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = "***" if f.metadata["secret"] and value else str(value)
        return out


def setting_default(name: str) -> Any:
    """The default of one setting (for configs of a stage's core that take it as theirs)."""
    return next(f.default for f in fields(Settings) if f.name == name)


@dataclass(frozen=True)
class Setting:
    """Documentation of one environment variable (rendered into README and deploy docs)."""

    env: str
    default: str
    help: str

    @classmethod
    def of(cls, f: Field[Any]) -> "Setting":
        shown = f.metadata["shown"]
        if shown is None:
            shown = f"{f.default:g}" if isinstance(f.default, float) else str(f.default)
        return cls(f.metadata["env"], shown, f.metadata["help"])


# Every variable the settings module reads, with its default and meaning, in declaration order.
SETTINGS_DOC: tuple[Setting, ...] = tuple(Setting.of(f) for f in fields(Settings))


def settings_table_markdown() -> str:
    """The settings as a Markdown table (kept in README.md; a test checks it is current)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.env}` | `{s.default}` | {s.help} |" if s.default else f"| `{s.env}` | (empty) | {s.help} |"
             for s in SETTINGS_DOC]
    return "\n".join(rows)
