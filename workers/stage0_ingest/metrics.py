"""Prometheus metrics of one ingester, labelled by source (its own registry: no process-global state)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge


@dataclass(frozen=True)
class IngestMetrics:
    """Per source: polls, last poll and success, entries seen, articles published, errors by kind."""

    registry: CollectorRegistry
    polls: Counter
    last_poll: Gauge
    last_success: Gauge
    entries_seen: Counter
    published: Counter
    not_modified: Counter
    errors: Counter
    dead_lettered: Counter

    @classmethod
    def create(cls) -> "IngestMetrics":
        r = CollectorRegistry()
        return cls(
            registry=r,
            polls=Counter("frontwire_ingest_polls", "Polls of a source's feed", ["source"], registry=r),
            last_poll=Gauge("frontwire_ingest_last_poll_timestamp_seconds", "When a source was last polled (Unix time)",
                            ["source"], registry=r),
            last_success=Gauge("frontwire_ingest_last_success_timestamp_seconds",
                               "When a source's feed last answered usably (Unix time)", ["source"], registry=r),
            entries_seen=Counter("frontwire_ingest_entries_seen", "Feed entries seen (every poll)", ["source"],
                                 registry=r),
            published=Counter("frontwire_ingest_articles_published", "Articles published to the raw topic",
                              ["source"], registry=r),
            not_modified=Counter("frontwire_ingest_not_modified", "Feed polls answered 304 Not Modified",
                                 ["source"], registry=r),
            errors=Counter("frontwire_ingest_errors", "Failed requests and bad documents, by kind (each attempt)",
                           ["source", "kind"], registry=r),
            dead_lettered=Counter("frontwire_ingest_dead_lettered", "Entries and feed documents sent to the "
                                  "dead-letter topic (stage ingest)", ["source", "reason"], registry=r),
        )
