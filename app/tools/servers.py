"""Helper servers on loopback (``chroma run``, ``policyqa serve``, llama.cpp): start, wait, stop.

Used by the bench, the load script and the tests, so each starts its servers the same way: a free
port on 127.0.0.1, a readiness check polled until a deadline, the log's tail in the error when the
server exits or never answers, and terminate-then-kill on the way out.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

CHROMA = Path(sys.executable).parent / "chroma"


class ServerStartError(RuntimeError):
    """A helper server exited, or did not answer in time; the message carries its log's tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """Whether ``url`` answers 200 (any failure to connect is just "not yet")."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def chroma_ready(port: int) -> Callable[[], bool]:
    """The readiness check of a ``chroma run`` on ``port``: its heartbeat answers."""
    return lambda: http_ok(f"http://127.0.0.1:{port}/api/v2/heartbeat")


def chroma_command(port: int, path: Path) -> list[str]:
    """``chroma run`` on 127.0.0.1:``port`` storing in ``path``."""
    return [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)]


CHROMA_ENV = {"ANONYMIZED_TELEMETRY": "False", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def stop(proc: subprocess.Popen, timeout: float = 15.0, kill: bool = False) -> None:
    """End ``proc``: SIGTERM and wait (``kill``: SIGKILL at once), SIGKILL if it lingers."""
    if proc.poll() is None:
        proc.kill() if kill else proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_ready(
    proc: subprocess.Popen, ready: Callable[[], bool], timeout: float, name: str, log: Path | None = None
) -> float:
    """Poll ``ready()`` until true; returns the seconds it took. Raises :class:`ServerStartError`."""
    started = time.monotonic()
    while True:
        if proc.poll() is not None:
            raise ServerStartError(f"{name} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            if ready():
                return time.monotonic() - started
        except Exception:  # a check that raises means "not yet"
            pass
        if time.monotonic() - started > timeout:
            raise ServerStartError(f"{name} did not answer within {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.25)


def _tail(log: Path | None) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log and log.exists() else ""


@contextmanager
def started(
    cmd: Sequence[str],
    ready: Callable[[], bool],
    *,
    name: str,
    timeout: float = 120.0,
    log: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    kill: bool = False,
) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` (output to ``log``, or discarded) until the block ends; yields once ``ready()``."""
    out = log.open("wb") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    finally:
        if log:
            out.close()
    try:
        wait_ready(proc, ready, timeout, name, log)
        yield proc
    finally:
        stop(proc, kill=kill)


@contextmanager
def chroma_server(path: Path, port: int | None = None, kill: bool = False) -> Iterator[tuple[int, subprocess.Popen]]:
    """A ``chroma run`` on loopback over ``path`` for the block; yields (port, process)."""
    port = port or free_port()
    with started(
        chroma_command(port, path), chroma_ready(port), name="chroma run", timeout=60, env=CHROMA_ENV, kill=kill
    ) as proc:
        yield port, proc
