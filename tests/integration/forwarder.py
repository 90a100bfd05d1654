"""A TCP forwarder on loopback that can cut every connection and refuse new ones: a broker outage.

The broker behind it keeps running (and keeps its topics and offsets, as a restarted Apache Kafka
broker does; the embedded broker's memory storage would lose them in a real restart). Clients see
what they see when a broker goes away: connections reset, then refused, then accepted again.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from workers.kafka.broker import free_port

CHUNK = 65536


class Forwarder:
    """Forward 127.0.0.1:`port` to 127.0.0.1:`target_port`; `cut()` and `restore()` from any thread."""

    def __init__(self, target_port: int, port: int = 0) -> None:
        self.target_port = target_port
        self.port = port or free_port()
        self.connections = 0  # accepted so far
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="forwarder", daemon=True)

    def __enter__(self) -> "Forwarder":
        self._thread.start()
        self.restore()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def restore(self) -> None:
        """Listen (again) on the same port."""
        self._call(self._listen())

    def cut(self) -> None:
        """Stop listening and reset every open connection."""
        self._call(self._cut())

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()
        if server is not None:
            await server.wait_closed()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            broker_r, broker_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.transport.abort()
            return
        self._writers.update((client_w, broker_w))
        await asyncio.gather(self._pipe(client_r, broker_w), self._pipe(broker_r, client_w))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()
