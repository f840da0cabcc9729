"""One drill per environment at a time: a record in the state backend beside the drill history.

``.vigil-drills/<project>/<env>.lock`` holds who runs the drill (user, host, pid, since). A record
of a process that is gone on this machine is stale and replaced; one from another machine counts
until it is ``STALE_AFTER_S`` old (a drill is bounded well below that). The record is written, then
read back: if another drill wrote in between, the one whose record is there wins.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass

from vigil.engine.backend import Store

STALE_AFTER_S = 3 * 3600.0


class DrillBusy(RuntimeError):
    pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class DrillLock:
    store: Store
    key: str
    token: str = ""

    @classmethod
    def in_store(cls, store: Store, project_name: str, env: str) -> DrillLock:
        return cls(store, f".vigil-drills/{project_name}/{env}.lock")

    def holder(self) -> dict[str, object] | None:
        raw = self.store.read(self.key)
        if not raw:
            return None
        try:
            record = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(record, dict):
            return None
        since = float(record.get("since") or 0)
        if record.get("host") == socket.gethostname() and not _alive(int(record.get("pid") or 0)):
            return None  # a killed drill on this machine
        if time.time() - since > STALE_AFTER_S:
            return None
        return record

    def acquire(self, env: str) -> None:
        held = self.holder()
        if held is not None:
            raise DrillBusy(_busy(env, held))
        self.token = uuid.uuid4().hex
        record = {
            "token": self.token,
            "user": getpass.getuser(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": time.time(),
        }
        self.store.write(self.key, json.dumps(record).encode())
        again = self.holder()
        if again is None or again.get("token") != self.token:
            self.token = ""
            raise DrillBusy(_busy(env, again or record))

    def release(self) -> None:
        if not self.token:
            return
        held = self.holder()
        if held is not None and held.get("token") == self.token:
            self.store.delete(self.key)
        self.token = ""


def _busy(env: str, held: dict[str, object]) -> str:
    since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(str(held.get("since") or 0))))
    return (
        f"a drill of '{env}' is already running: {held.get('user')}@{held.get('host')} "
        f"(pid {held.get('pid')}) since {since}"
    )
