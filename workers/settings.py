"""The one place that reads the environment: every setting, its variable and its default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_str(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name)
    return default if value is None or value == "" else value


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not an integer") from exc


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not a number") from exc


def _env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (1/0, true/false, yes/no, on/off)")


LOG_FORMATS = ("auto", "json", "text")


def _env_choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env_str(env, name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value
def _env_urls(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    urls = tuple(u for u in env.get(name, "").replace(",", " ").split() if u)
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise SettingsError(f"{name}: {url!r} is not an http(s) URL")
    return urls


class SettingsError(ValueError):
    """A setting in the environment has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    """Documentation of one environment variable (rendered into README and deploy docs)."""

    env: str
    default: str
    help: str


# Every variable the settings module reads, with its default and meaning.
SETTINGS_DOC: tuple[Setting, ...] = (
    Setting("KAFKA_BOOTSTRAP_SERVERS", "", "host:port[,host:port]; empty means start the embedded Tansu broker"),
    Setting("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
    Setting("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"),
    Setting("KAFKA_SASL_USERNAME", "", "SASL user name"),
    Setting("KAFKA_SASL_PASSWORD", "", "SASL password (never logged)"),
    Setting("KAFKA_SSL_CAFILE", "", "CA bundle for TLS; empty uses the system store"),
    Setting("KAFKA_SSL_CERTFILE", "", "client certificate for mutual TLS"),
    Setting("KAFKA_SSL_KEYFILE", "", "client key for mutual TLS"),
    Setting("FRONTWIRE_TOPIC_PREFIX", "", "prefix added to every topic name and consumer group, joined with a `.` unless it ends in `.`, `-` or `_` (`clean` gives `clean.frontwire.articles.raw`)"),
    Setting("FRONTWIRE_TOPICS_FILE", "<project>/topics.yaml", "the topic declarations"),
    Setting("FRONTWIRE_SCHEMAS_DIR", "<project>/schemas", "the JSON Schemas of every message"),
    Setting("FRONTWIRE_DATA_DIR", "~/.frontwire", "worker state directory (faust table files, gazetteer cache)"),
    Setting("FRONTWIRE_LOG_LEVEL", "WARNING", "log level of workers and commands"),
    Setting("FRONTWIRE_LOG_FORMAT", "auto", "log lines as `json` (one object a line, for services) or `text` (one human line each); `auto` is text on a terminal, json otherwise"),
    Setting("FRONTWIRE_LOG_REPEAT_S", "10", "a Kafka client message that repeats (a broker outage) is logged once per this many seconds, with the count held back; 0 logs every one"),
    Setting("FRONTWIRE_WEB_PORT", "0", "HTTP port of a worker for GET /healthz and GET /metrics (Prometheus); 0 disables it"),
    Setting("FRONTWIRE_WEB_HOST", "127.0.0.1", "address the /healthz and /metrics endpoint binds; 0.0.0.0 in containers"),
    Setting("FRONTWIRE_FETCH_MAX_WAIT_MS", "100", "longest a worker's fetch waits for new data, ms (the latency of an idle hop)"),
    Setting("FRONTWIRE_BROKER_WAIT_S", "300", "how long a worker waits for the broker at start, seconds"),
    Setting("FRONTWIRE_COMMIT_INTERVAL_S", "0.5", "how often workers commit consumed offsets, seconds"),
    Setting("FRONTWIRE_SESSION_TIMEOUT_S", "10", "consumer-group session timeout, seconds"),
    Setting("FRONTWIRE_MAX_MESSAGE_BYTES", "8000000", "largest message producers send; replay skips larger files"),
    Setting("FRONTWIRE_MAX_RAW_BYTES", "5000000", "largest raw article body accepted by extraction, bytes"),
    Setting("FRONTWIRE_MAX_TEXT_CHARS", "200000", "largest extracted main text kept, characters"),
    Setting("FRONTWIRE_MIN_TEXT_CHARS", "40", "shortest main text accepted, characters"),
    Setting("FRONTWIRE_LANGDETECT_SAMPLE_CHARS", "2000", "characters of main text given to language detection"),
    Setting("FRONTWIRE_DEDUP_THRESHOLD", "0.55", "estimated share of an article's shingles found in one published before it (containment) at or above which it is a near-duplicate"),
    Setting("FRONTWIRE_DEDUP_SHINGLE", "4", "word shingle size for MinHash"),
    Setting("FRONTWIRE_DEDUP_PERMUTATIONS", "128", "MinHash permutations"),
    Setting("FRONTWIRE_DEDUP_WINDOW_DAYS", "7", "how long an article is remembered for duplicate detection after it arrived (processing time), days; copies are found whatever the gap between publication dates"),
    Setting("FRONTWIRE_DEDUP_KEEP_ARTICLES", "2000", "originals whose extracted article dedup keeps, to re-label one as a copy when an earlier original arrives after it"),
    Setting("FRONTWIRE_TIMELINE_MAX_REPORTS", "100", "reports kept per settlement timeline; older ones are folded into the status and a report older than them can no longer revise the history"),
    Setting("FRONTWIRE_DRAIN_TIMEOUT_S", "120", "how long `frontwire run` waits for the pipeline to drain"),
    Setting("FRONTWIRE_SOURCES_FILE", "<project>/sources.yaml", "the news feeds `frontwire worker ingest` polls (RSS, Atom, news sitemaps)"),
    Setting("FRONTWIRE_INGEST_CONTACT", "", "contact (URL or e-mail) put in the ingester's User-Agent so that outlets can reach the operator"),
    Setting("FRONTWIRE_INGEST_HOST_DELAY_S", "2", "least time between two requests to one host, seconds (a longer robots.txt Crawl-delay wins); one request at a time per host"),
    Setting("FRONTWIRE_INGEST_TIMEOUT_S", "20", "longest one feed or page request may take, seconds (connect, headers and body)"),
    Setting("FRONTWIRE_INGEST_RETRIES", "2", "retries of a request after a transient error (timeout, connection error, 5xx, 429), with exponential backoff and jitter"),
    Setting("FRONTWIRE_INGEST_BACKOFF_S", "2", "first backoff before a retry, seconds; doubled each retry, with full jitter"),
    Setting("FRONTWIRE_INGEST_MAX_RETRY_AFTER_S", "120", "longest 429/503 Retry-After waited for within a poll, seconds; a longer one moves the request to a later poll"),
    Setting("FRONTWIRE_INGEST_MAX_REDIRECTS", "5", "redirects followed per request"),
    Setting("FRONTWIRE_INGEST_MAX_ATTEMPTS", "5", "polls an entry whose page fails is tried in before it is dead-lettered (stage ingest)"),
    Setting("FRONTWIRE_INGEST_LEASE_S", "600", "how long an ingest process holds an article it is fetching before another process may take it over, seconds"),
    Setting("FRONTWIRE_INGEST_FAILING_LOG_S", "3600", "a source failing this long is logged once more (at ERROR), then not again until it recovers, seconds"),
    Setting("FRONTWIRE_INGEST_ALLOW_PRIVATE", "0", "1 allows feeds and pages on private, loopback and link-local addresses (tests, an intranet mirror)"),
    Setting("FRONTWIRE_BOARD_HOST", "127.0.0.1", "address `frontwire board` binds; 0.0.0.0 in containers"),
    Setting("FRONTWIRE_BOARD_PORT", "8080", "port of `frontwire board` (its --port wins; 0 picks a free one)"),
    Setting("FRONTWIRE_BOARD_MAX_ALERTS", "10000", "alert messages the board keeps in memory (feed and shift evidence); the oldest are forgotten first"),
    Setting("FRONTWIRE_WEBHOOKS", "", "webhook subscriber URLs, separated by commas or spaces; each alert message is POSTed to each"),
    Setting("FRONTWIRE_WEBHOOK_SECRET", "", "HMAC-SHA256 key of the X-Frontwire-Signature header (required with FRONTWIRE_WEBHOOKS; never logged)"),
    Setting("FRONTWIRE_WEBHOOK_ATTEMPTS", "5", "tries per alert and subscriber before it is dead-lettered (stage webhook)"),
    Setting("FRONTWIRE_WEBHOOK_BACKOFF_S", "1", "wait before a subscriber's second try, seconds; doubled before each next one, at most 60"),
    Setting("FRONTWIRE_WEBHOOK_TIMEOUT_S", "10", "longest one webhook POST may take, seconds"),
)


@dataclass(frozen=True)
class Settings:
    """All frontwire settings; build with `Settings.from_env()`."""

    bootstrap_servers: str = ""
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "SCRAM-SHA-512"
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    topic_prefix: str = ""
    topics_file: Path = PROJECT_ROOT / "topics.yaml"
    schemas_dir: Path = PROJECT_ROOT / "schemas"
    data_dir: Path = Path.home() / ".frontwire"
    log_level: str = "WARNING"
    log_format: str = "auto"
    log_repeat_s: float = 10.0
    web_port: int = 0
    web_host: str = "127.0.0.1"
    fetch_max_wait_ms: int = 100
    broker_wait_s: float = 300.0
    commit_interval_s: float = 0.5
    session_timeout_s: float = 10.0
    max_message_bytes: int = 8_000_000
    max_raw_bytes: int = 5_000_000
    max_text_chars: int = 200_000
    min_text_chars: int = 40
    langdetect_sample_chars: int = 2000
    dedup_threshold: float = 0.55
    dedup_shingle: int = 4
    dedup_permutations: int = 128
    dedup_window_days: float = 7.0
    dedup_keep_articles: int = 2000
    timeline_max_reports: int = 100
    drain_timeout_s: float = 120.0
    sources_file: Path = PROJECT_ROOT / "sources.yaml"
    ingest_contact: str = ""
    ingest_host_delay_s: float = 2.0
    ingest_timeout_s: float = 20.0
    ingest_retries: int = 2
    ingest_backoff_s: float = 2.0
    ingest_max_retry_after_s: float = 120.0
    ingest_max_redirects: int = 5
    ingest_max_attempts: int = 5
    ingest_lease_s: float = 600.0
    ingest_failing_log_s: float = 3600.0
    ingest_allow_private: bool = False
    board_host: str = "127.0.0.1"
    board_port: int = 8080
    board_max_alerts: int = 10_000
    webhooks: tuple[str, ...] = field(default=(), repr=False)
    webhook_secret: str = field(default="", repr=False)
    webhook_attempts: int = 5
    webhook_backoff_s: float = 1.0
    webhook_timeout_s: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Read every setting from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        d = cls()
        return cls(
            bootstrap_servers=_env_str(env, "KAFKA_BOOTSTRAP_SERVERS", d.bootstrap_servers),
            security_protocol=_env_str(env, "KAFKA_SECURITY_PROTOCOL", d.security_protocol).upper(),
            sasl_mechanism=_env_str(env, "KAFKA_SASL_MECHANISM", d.sasl_mechanism).upper(),
            sasl_username=_env_str(env, "KAFKA_SASL_USERNAME", d.sasl_username),
            sasl_password=_env_str(env, "KAFKA_SASL_PASSWORD", d.sasl_password),
            ssl_cafile=_env_str(env, "KAFKA_SSL_CAFILE", d.ssl_cafile),
            ssl_certfile=_env_str(env, "KAFKA_SSL_CERTFILE", d.ssl_certfile),
            ssl_keyfile=_env_str(env, "KAFKA_SSL_KEYFILE", d.ssl_keyfile),
            topic_prefix=_env_str(env, "FRONTWIRE_TOPIC_PREFIX", d.topic_prefix),
            topics_file=Path(_env_str(env, "FRONTWIRE_TOPICS_FILE", str(d.topics_file))),
            schemas_dir=Path(_env_str(env, "FRONTWIRE_SCHEMAS_DIR", str(d.schemas_dir))),
            data_dir=Path(_env_str(env, "FRONTWIRE_DATA_DIR", str(d.data_dir))).expanduser(),
            log_level=_env_str(env, "FRONTWIRE_LOG_LEVEL", d.log_level).upper(),
            log_format=_env_choice(env, "FRONTWIRE_LOG_FORMAT", d.log_format, LOG_FORMATS),
            log_repeat_s=_env_float(env, "FRONTWIRE_LOG_REPEAT_S", d.log_repeat_s),
            web_port=_env_int(env, "FRONTWIRE_WEB_PORT", d.web_port),
            web_host=_env_str(env, "FRONTWIRE_WEB_HOST", d.web_host),
            fetch_max_wait_ms=_env_int(env, "FRONTWIRE_FETCH_MAX_WAIT_MS", d.fetch_max_wait_ms),
            broker_wait_s=_env_float(env, "FRONTWIRE_BROKER_WAIT_S", d.broker_wait_s),
            commit_interval_s=_env_float(env, "FRONTWIRE_COMMIT_INTERVAL_S", d.commit_interval_s),
            session_timeout_s=_env_float(env, "FRONTWIRE_SESSION_TIMEOUT_S", d.session_timeout_s),
            max_message_bytes=_env_int(env, "FRONTWIRE_MAX_MESSAGE_BYTES", d.max_message_bytes),
            max_raw_bytes=_env_int(env, "FRONTWIRE_MAX_RAW_BYTES", d.max_raw_bytes),
            max_text_chars=_env_int(env, "FRONTWIRE_MAX_TEXT_CHARS", d.max_text_chars),
            min_text_chars=_env_int(env, "FRONTWIRE_MIN_TEXT_CHARS", d.min_text_chars),
            langdetect_sample_chars=_env_int(env, "FRONTWIRE_LANGDETECT_SAMPLE_CHARS", d.langdetect_sample_chars),
            dedup_threshold=_env_float(env, "FRONTWIRE_DEDUP_THRESHOLD", d.dedup_threshold),
            dedup_shingle=_env_int(env, "FRONTWIRE_DEDUP_SHINGLE", d.dedup_shingle),
            dedup_permutations=_env_int(env, "FRONTWIRE_DEDUP_PERMUTATIONS", d.dedup_permutations),
            dedup_window_days=_env_float(env, "FRONTWIRE_DEDUP_WINDOW_DAYS", d.dedup_window_days),
            dedup_keep_articles=_env_int(env, "FRONTWIRE_DEDUP_KEEP_ARTICLES", d.dedup_keep_articles),
            timeline_max_reports=_env_int(env, "FRONTWIRE_TIMELINE_MAX_REPORTS", d.timeline_max_reports),
            drain_timeout_s=_env_float(env, "FRONTWIRE_DRAIN_TIMEOUT_S", d.drain_timeout_s),
            sources_file=Path(_env_str(env, "FRONTWIRE_SOURCES_FILE", str(d.sources_file))).expanduser(),
            ingest_contact=_env_str(env, "FRONTWIRE_INGEST_CONTACT", d.ingest_contact),
            ingest_host_delay_s=_env_float(env, "FRONTWIRE_INGEST_HOST_DELAY_S", d.ingest_host_delay_s),
            ingest_timeout_s=_env_float(env, "FRONTWIRE_INGEST_TIMEOUT_S", d.ingest_timeout_s),
            ingest_retries=_env_int(env, "FRONTWIRE_INGEST_RETRIES", d.ingest_retries),
            ingest_backoff_s=_env_float(env, "FRONTWIRE_INGEST_BACKOFF_S", d.ingest_backoff_s),
            ingest_max_retry_after_s=_env_float(env, "FRONTWIRE_INGEST_MAX_RETRY_AFTER_S", d.ingest_max_retry_after_s),
            ingest_max_redirects=_env_int(env, "FRONTWIRE_INGEST_MAX_REDIRECTS", d.ingest_max_redirects),
            ingest_max_attempts=_env_int(env, "FRONTWIRE_INGEST_MAX_ATTEMPTS", d.ingest_max_attempts),
            ingest_lease_s=_env_float(env, "FRONTWIRE_INGEST_LEASE_S", d.ingest_lease_s),
            ingest_failing_log_s=_env_float(env, "FRONTWIRE_INGEST_FAILING_LOG_S", d.ingest_failing_log_s),
            ingest_allow_private=_env_bool(env, "FRONTWIRE_INGEST_ALLOW_PRIVATE", d.ingest_allow_private),
            board_host=_env_str(env, "FRONTWIRE_BOARD_HOST", d.board_host),
            board_port=_env_int(env, "FRONTWIRE_BOARD_PORT", d.board_port),
            board_max_alerts=_env_int(env, "FRONTWIRE_BOARD_MAX_ALERTS", d.board_max_alerts),
            webhooks=_env_urls(env, "FRONTWIRE_WEBHOOKS"),
            webhook_secret=_env_str(env, "FRONTWIRE_WEBHOOK_SECRET", d.webhook_secret),
            webhook_attempts=max(1, _env_int(env, "FRONTWIRE_WEBHOOK_ATTEMPTS", d.webhook_attempts)),
            webhook_backoff_s=_env_float(env, "FRONTWIRE_WEBHOOK_BACKOFF_S", d.webhook_backoff_s),
            webhook_timeout_s=_env_float(env, "FRONTWIRE_WEBHOOK_TIMEOUT_S", d.webhook_timeout_s),
        )

    def redacted(self) -> dict[str, object]:
        """Settings as a dict safe to log: secrets replaced."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            secret = f.name in ("sasl_password", "webhook_secret")
            if f.name == "webhooks":  # a subscriber URL may carry a token
                out[f.name] = f"{len(value)} URL(s)"
            else:
                out[f.name] = "***" if secret and value else str(value)
        return out


def settings_table_markdown() -> str:
    """The settings as a Markdown table (kept in README.md; a test checks it is current)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{s.env}` | `{s.default}` | {s.help} |" if s.default else f"| `{s.env}` | (empty) | {s.help} |"
             for s in SETTINGS_DOC]
    return "\n".join(rows)
