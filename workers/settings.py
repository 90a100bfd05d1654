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


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError("is not a boolean (1/0, true/false, yes/no, on/off)")


LOG_FORMATS = ("auto", "json", "text")


def _log_format(raw: str) -> str:
    value = raw.lower()
    if value not in LOG_FORMATS:
        raise SettingsError(f"is not one of {', '.join(LOG_FORMATS)}")
    return value


def _urls(raw: str) -> tuple[str, ...]:
    urls = tuple(u for u in raw.replace(",", " ").split() if u)
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise SettingsError(f"has {url!r}, not an http(s) URL")
    return urls


def _at_least_one(raw: str) -> int:
    return max(1, _integer(raw))


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
        "prefix added to every topic name and consumer group, joined with a `.` unless it ends in `.`, `-` or `_`"
        " (`clean` gives `clean.frontwire.articles.raw`)"))
    topics_file: Path = setting("FRONTWIRE_TOPICS_FILE", PROJECT_ROOT / "topics.yaml", parse=Path,
                                shown="<project>/topics.yaml", help="the topic declarations")
    schemas_dir: Path = setting("FRONTWIRE_SCHEMAS_DIR", PROJECT_ROOT / "schemas", parse=Path,
                                shown="<project>/schemas", help="the JSON Schemas of every message")
    data_dir: Path = setting("FRONTWIRE_DATA_DIR", Path.home() / ".frontwire", parse=_user_path, shown="~/.frontwire",
                             help="worker state directory (faust table files, gazetteer cache)")
    log_level: str = setting("FRONTWIRE_LOG_LEVEL", "WARNING", parse=_upper, help="log level of workers and commands")
    log_format: str = setting("FRONTWIRE_LOG_FORMAT", "auto", parse=_log_format, help=(
        "log lines as `json` (one object a line, for services) or `text` (one human line each); `auto` is text on"
        " a terminal, json otherwise"))
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
    sources_file: Path = setting("FRONTWIRE_SOURCES_FILE", PROJECT_ROOT / "sources.yaml", parse=_user_path,
                                 shown="<project>/sources.yaml", help=(
        "the news feeds `frontwire worker ingest` polls (RSS, Atom, news sitemaps)"))
    ingest_contact: str = setting("FRONTWIRE_INGEST_CONTACT", "", help=(
        "contact (URL or e-mail) put in the ingester's User-Agent so that outlets can reach the operator"))
    ingest_host_delay_s: float = setting("FRONTWIRE_INGEST_HOST_DELAY_S", 2.0, parse=_number, help=(
        "least time between two requests to one host, seconds (a longer robots.txt Crawl-delay wins); one request"
        " at a time per host"))
    ingest_timeout_s: float = setting("FRONTWIRE_INGEST_TIMEOUT_S", 20.0, parse=_number, help=(
        "longest one feed or page request may take, seconds (connect, headers and body)"))
    ingest_retries: int = setting("FRONTWIRE_INGEST_RETRIES", 2, parse=_integer, help=(
        "retries of a request after a transient error (timeout, connection error, 5xx, 429), with exponential"
        " backoff and jitter"))
    ingest_backoff_s: float = setting("FRONTWIRE_INGEST_BACKOFF_S", 2.0, parse=_number, help=(
        "first backoff before a retry, seconds; doubled each retry, with full jitter"))
    ingest_max_retry_after_s: float = setting("FRONTWIRE_INGEST_MAX_RETRY_AFTER_S", 120.0, parse=_number, help=(
        "longest 429/503 Retry-After waited for within a poll, seconds; a longer one moves the request to a later"
        " poll"))
    ingest_max_redirects: int = setting("FRONTWIRE_INGEST_MAX_REDIRECTS", 5, parse=_integer, help=(
        "redirects followed per request"))
    ingest_max_attempts: int = setting("FRONTWIRE_INGEST_MAX_ATTEMPTS", 5, parse=_integer, help=(
        "polls an entry whose page fails is tried in before it is dead-lettered (stage ingest)"))
    ingest_lease_s: float = setting("FRONTWIRE_INGEST_LEASE_S", 600.0, parse=_number, help=(
        "how long an ingest process holds an article it is fetching before another process may take it over,"
        " seconds"))
    ingest_failing_log_s: float = setting("FRONTWIRE_INGEST_FAILING_LOG_S", 3600.0, parse=_number, help=(
        "a source failing this long is logged once more (at ERROR), then not again until it recovers, seconds"))
    ingest_allow_private: bool = setting("FRONTWIRE_INGEST_ALLOW_PRIVATE", False, parse=_boolean, shown="0", help=(
        "1 allows feeds and pages on private, loopback and link-local addresses (tests, an intranet mirror)"))
    board_host: str = setting("FRONTWIRE_BOARD_HOST", "127.0.0.1", help=(
        "address `frontwire board` binds; 0.0.0.0 in containers"))
    board_port: int = setting("FRONTWIRE_BOARD_PORT", 8080, parse=_integer, help=(
        "port of `frontwire board` (its --port wins; 0 picks a free one)"))
    board_max_alerts: int = setting("FRONTWIRE_BOARD_MAX_ALERTS", 10_000, parse=_integer, help=(
        "alert messages the board keeps in memory (feed and shift evidence); the oldest are forgotten first"))
    webhooks: tuple[str, ...] = setting("FRONTWIRE_WEBHOOKS", (), parse=_urls, shown="", secret=True, help=(
        "webhook subscriber URLs, separated by commas or spaces; each alert message is POSTed to each"))
    webhook_secret: str = setting("FRONTWIRE_WEBHOOK_SECRET", "", secret=True, help=(
        "HMAC-SHA256 key of the X-Frontwire-Signature header (required with FRONTWIRE_WEBHOOKS; never logged)"))
    webhook_attempts: int = setting("FRONTWIRE_WEBHOOK_ATTEMPTS", 5, parse=_at_least_one, help=(
        "tries per alert and subscriber before it is dead-lettered (stage webhook)"))
    webhook_backoff_s: float = setting("FRONTWIRE_WEBHOOK_BACKOFF_S", 1.0, parse=_number, help=(
        "wait before a subscriber's second try, seconds; doubled before each next one, at most 60"))
    webhook_timeout_s: float = setting("FRONTWIRE_WEBHOOK_TIMEOUT_S", 10.0, parse=_number, help=(
        "longest one webhook POST may take, seconds"))

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
