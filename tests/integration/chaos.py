"""Worker fleets for chaos tests: worker processes that a loop SIGKILLs and restarts while articles flow."""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from pathlib import Path

from tests.integration.conftest import worker_env
from workers.pipeline import spawn_worker, stop_worker
from workers.settings import Settings

# a killed member leaves its group after the session timeout: short, so the survivors take over quickly
CHAOS_WORKER_ENV = {"FRONTWIRE_SESSION_TIMEOUT_S": "6"}


class Fleet:
    """Named worker processes, each running some stages in their own consumer group; kill and restart at will."""

    def __init__(self, settings: Settings, bootstrap: str, logs: Path, members: dict[str, list[str]],
                 env: dict[str, str] | None = None) -> None:
        self.settings, self.bootstrap, self.logs = settings, bootstrap, logs
        self.members = members  # process name -> its stages
        self.env = dict(worker_env(settings), **CHAOS_WORKER_ENV, **(env or {}))
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.kills = 0
        self.restarts = 0
        for name in members:
            self.start(name)

    def start(self, name: str) -> None:
        with open(self.logs / f"{name}.log", "ab") as log:
            self.procs[name] = spawn_worker(self.settings, self.bootstrap, self.members[name], self.env, stdout=log)

    def kill_one(self, rng: random.Random) -> str:
        name = rng.choice(sorted(self.procs))
        proc = self.procs[name]
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            self.kills += 1
        self.start(name)
        self.restarts += 1
        return name

    def dead(self) -> list[str]:
        return [name for name, p in self.procs.items() if p.poll() is not None]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            stop_worker(proc, timeout_s=20)

    def log_count(self, text: str) -> int:
        return sum(p.read_text(errors="replace").count(text) for p in self.logs.glob("*.log"))


def chaos(fleet: Fleet, replay_done: threading.Event, deadline: float, rng: random.Random, every_s: float,
          max_kills: int, min_kills: int = 3) -> None:
    """Kill a random worker every few seconds until the replay is done (and at least `min_kills`), bounded."""
    while fleet.kills < max_kills and time.monotonic() < deadline:
        if replay_done.is_set() and fleet.kills >= min_kills:
            return
        time.sleep(every_s * rng.uniform(0.6, 1.4))
        fleet.kill_one(rng)
