"""Canonical article URLs, article ids from them, and which addresses the ingester may fetch."""

from __future__ import annotations

import hashlib
import ipaddress
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track a click; two URLs differing in them are the same article.
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "ref_src",
                   "_hsenc", "_hsmi", "mkt_tok", "cmpid", "ocid", "at_medium", "at_campaign", "rss"}
TRACKING_PREFIXES = ("utm_",)


class BadURL(ValueError):
    """An address the ingester will not fetch (not http/https, no host, or a blocked address)."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        super().__init__(detail)


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL with scheme and host lower-cased, default port, fragment and tracking parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)])
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def article_id_for_entry(url: str | None, guid: str | None) -> str:
    """The article id of a feed entry: its canonical URL, or its GUID when it has no link."""
    if url:
        basis = "url\0" + canonical_url(url)
    elif guid:
        basis = "guid\0" + guid.strip()
    else:
        raise ValueError("an entry needs a link or a GUID")
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def blocked_ip(address: str) -> bool:
    """A private, loopback, link-local, multicast, reserved or unspecified address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified)


def check_url(url: str, allow_private: bool) -> str:
    """`url` if the ingester may fetch it; raises BadURL (scheme, host, or a literal blocked address)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise BadURL("bad_url", f"only http and https are fetched, not {parts.scheme or 'a relative address'!r}")
    host = parts.hostname
    if not host:
        raise BadURL("bad_url", "the address has no host")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not allow_private and blocked_ip(str(literal)):
        raise BadURL("blocked_address", f"{host} is a private, loopback or link-local address "
                                        "(FRONTWIRE_INGEST_ALLOW_PRIVATE=1 allows it)")
    if not allow_private and host.lower() in ("localhost", "localhost.localdomain"):
        raise BadURL("blocked_address", f"{host} is a loopback name (FRONTWIRE_INGEST_ALLOW_PRIVATE=1 allows it)")
    return url
