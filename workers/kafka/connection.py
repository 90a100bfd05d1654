"""Connection settings for aiokafka and faust from Settings (TLS, SASL)."""

from __future__ import annotations

import ssl
from typing import Any

from workers.settings import Settings


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A TLS context when the security protocol asks for one."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    ctx = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    if settings.ssl_certfile:
        ctx.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile or None)
    return ctx


def aiokafka_kwargs(settings: Settings, bootstrap: str) -> dict[str, Any]:
    """Keyword arguments shared by every aiokafka client."""
    kw: dict[str, Any] = {"bootstrap_servers": bootstrap, "security_protocol": settings.security_protocol}
    ctx = ssl_context(settings)
    if ctx is not None:
        kw["ssl_context"] = ctx
    if settings.security_protocol.startswith("SASL"):
        kw["sasl_mechanism"] = settings.sasl_mechanism
        kw["sasl_plain_username"] = settings.sasl_username
        kw["sasl_plain_password"] = settings.sasl_password
    return kw


def faust_credentials(settings: Settings) -> Any:
    """`broker_credentials` for a faust App, or None for plaintext."""
    import faust

    ctx = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(username=settings.sasl_username, password=settings.sasl_password,
                                     ssl_context=ctx, mechanism=settings.sasl_mechanism)
    if ctx is not None:
        return faust.SSLCredentials(ctx)
    return None
