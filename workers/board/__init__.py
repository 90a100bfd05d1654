"""The status board: a web page, an HTTP API and server-sent events over the status and alerts topics."""
