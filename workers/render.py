"""Human-readable output of alerts and explanations; article text is untrusted, so it is defanged."""

from __future__ import annotations

import re
import textwrap
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe(text: Any, limit: int = 400) -> str:
    """Text from an article made safe for a terminal: no control or bidi characters, bounded length."""
    value = _CONTROL.sub("", str(text if text is not None else ""))
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def alert_block(alert: dict[str, Any]) -> str:
    """One alert as a readable block: settlement, old → new status, confidence, quotes and sources.

    A late alert says "(late)"; a withdrawal says "withdrawn" and names the alert it withdraws.
    """
    s = alert["settlement"]
    oblast = f", {safe(s.get('oblast'))} oblast" if s.get("oblast") else ""
    if alert.get("retracts"):
        return "\n".join([
            f"✕ {safe(s['name'])}{oblast} (geonameid {s['id']}): withdrawn: "
            f"{alert['previous_status']} → {alert['new_status']} (alert {safe(alert['retracts'])[:12]})",
            f"  {safe(alert.get('reason') or 'a late report changed the history')}",
        ])
    effective = f" · took effect {safe(alert['effective_at'])}" if alert.get("effective_at") else ""
    lines = [
        f"● {safe(s['name'])}{oblast} (geonameid {s['id']}): "
        f"{alert['previous_status']} → {alert['new_status']}" + (" (late)" if alert.get("late") else ""),
        f"  event {safe(alert['event'])} · confidence {alert['confidence']:.2f} · alert {alert['alert_id'][:12]}"
        + effective,
    ]
    for ev in alert.get("evidence", []):
        who = f" ({safe(ev['attribution'])})" if ev.get("attribution") else ""
        quote = textwrap.fill(f"“{safe(ev['quote'], 600)}”", width=96, initial_indent="    ",
                              subsequent_indent="     ")
        lines.append(quote)
        lines.append(f"    — {safe(ev['source'])}, {safe(ev['published_at'])}{who}"
                     + (f" {safe(ev['url'])}" if ev.get("url") else ""))
    for rep in alert.get("republications", []):
        lines.append(f"    republished by {safe(rep.get('source'))} ({safe(rep.get('article_id'))[:12]})")
    return "\n".join(lines)


def explain_text(doc: dict[str, Any]) -> str:
    """The `explain --json` object as text for a person."""
    lines: list[str] = [f"file: {safe(doc['file'])}"]
    if doc.get("rejected"):
        lines.append(f"REJECTED: {safe(doc['rejected']['reason'])}: {safe(doc['rejected']['detail'])}")
        return "\n".join(lines)
    lines.append(f"language: {doc['language']} (p={doc['language_probability']:.2f}); "
                 f"title: {safe(doc.get('title'))}")
    lines.append(f"main text: {len(doc['text'])} characters; reader comments set aside: {doc['comments_set_aside']}")
    lines.append("")
    lines.append(f"mentions ({len(doc['mentions'])}):")
    for m in doc["mentions"]:
        lines.append(f"  {safe(m['surface'])!s:<24} → {safe(m['settlement']['name'])} ({m['settlement']['id']}, "
                     f"{safe(m['settlement'].get('oblast'))}) at {m['span'][0]}-{m['span'][1]}")
    lines.append("")
    lines.append(f"claims ({len(doc['claims'])}):")
    for c in doc["claims"]:
        mark = "COUNTED " if c["counted"] else "set aside"
        implies = f" ⇒ {c['implies']}" if c.get("implies") else ""
        lines.append(f"  [{mark}] {safe(c['settlement']['name'])}: {safe(c['event'])}"
                     f" by {c.get('actor') or '?'}{implies}; {safe(c['reason'])}")
        lines.append(f"      “{safe(c['quote'], 300)}”")
        if c.get("clause") and c["clause"] != c["quote"]:
            lines.append(f"      clause: “{safe(c['clause'], 200)}”")
        link = c.get("link") or {}
        if link and link.get("how") != "name":
            note = f" ({safe(link['note'], 200)})" if link.get("note") else ""
            lines.append(f"      place: {safe(link.get('how'))} “{safe(link.get('text'), 80)}”{note}")
        if c.get("marker"):
            lines.append(f"      set aside by: {safe(c['marker'], 200)}")
    lines.append("")
    lines.append("verdicts: " + (", ".join(f"{safe(v['settlement']['name'])} ⇒ {v['implies']}"
                                           for v in doc["verdicts"]) or "none"))
    return "\n".join(lines)
