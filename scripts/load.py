"""Load the web app's ``/ask`` API the way many users would, and report what it sustains.

Usage::

    .venv/bin/python scripts/load.py                       # start `policyqa serve` on a free port
    .venv/bin/python scripts/load.py --url http://127.0.0.1:7860/ --pid 12345
    .venv/bin/python scripts/load.py --clients 50 --per-client 5 --sequential 1000 --burst 30

It runs, against one server:

1. ``--clients`` gradio_client clients in threads, ``--per-client`` questions each (throughput,
   p50/p95 latency, answers that came back as errors);
2. ``--sequential`` questions one after the other, with the server's RSS before and after;
3. optionally ``--burst`` requests at once against a second server started with a queue of
   ``--burst-queue`` (how many are refused as "queue full" instead of hanging).

The questions are the single-turn dev questions of the evaluation set (``eval/cases/<doc>/dev/``, read by
``policyqa.eval.harness.load_cases``) of the documents the server's index holds, taken in turn from each
document and language. ``tests/test_load.py`` runs the same functions and checks the answers against the core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.tools import servers
from policyqa.tools.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
FALLBACK_QUESTIONS = [
    "Which bureau leads VOC remediation?",
    "What does 3.9.2 say?",
    "We run a 40 t/h coal boiler in the city: what applies?",
    "哪个部门牵头挥发性有机物综合治理？",
    "What is the fine for exceeding VOC limits?",
    "By how much should energy consumption per unit of GDP fall by 2025?",
]


def load_questions(n: int = 25, docs: Iterable[str] | None = None) -> list[str]:
    """``n`` distinct single-turn questions of the dev split of the documents ``docs`` (default: every
    document with evaluation cases), one from each document and language in turn; the few questions
    about the corpus plan above when none of them has cases."""
    from policyqa.eval.harness import CASES_DIR, load_cases

    docs = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir()) if docs is None else list(docs)
    pools: dict[tuple[str, str], list[str]] = {}
    for doc in docs:
        dev = CASES_DIR / doc / "dev"
        for case in load_cases(dev) if dev.is_dir() else []:
            if not case.get("history") and case.get("question", "").strip():
                pools.setdefault((doc, case["lang"]), []).append(case["question"])
    mixed: list[str] = []
    for i in range(max((len(p) for p in pools.values()), default=0)):  # interleave documents and languages
        mixed.extend(p[i] for p in pools.values() if i < len(p))
    return list(dict.fromkeys(mixed or FALLBACK_QUESTIONS))[:n]


def indexed_docs(data_dir: Path | None = None) -> list[str] | None:
    """The doc ids the index in ``data_dir`` (default: ``POLICYQA_DATA_DIR``) holds; None before any ingest."""
    from policyqa.engine.store import read_state
    from policyqa.settings import get_settings

    state = read_state(data_dir or get_settings().data_dir)
    return list(state.docs) if state is not None else None


# -- a server ----------------------------------------------------------------------------------
@dataclass
class Server:
    """A ``policyqa serve`` process on 127.0.0.1."""

    url: str
    proc: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


@contextmanager
def running_server(
    data_dir: Path | None = None, log: Path | None = None, timeout: float = 300, **env: str
) -> Iterator[Server]:
    """Start ``policyqa serve`` on a free 127.0.0.1 port; yield it once the page answers; stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    if data_dir is not None:
        full_env["POLICYQA_DATA_DIR"] = str(data_dir)
    full_env.update(env)
    log = log or Path(f"/tmp/policyqa-load-{port}.log")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "policyqa.surfaces.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(url, proc, log)
    try:
        servers.wait_ready(proc, lambda: servers.http_ok(url), timeout, "policyqa serve", log)
        yield server
    finally:
        servers.stop(proc)


# -- load ---------------------------------------------------------------------------------------
@dataclass
class Result:
    """One request: who asked what, what came back, how long it took."""

    client: int
    turn: int
    question: str
    answer: dict | None = None
    error: str = ""
    seconds: float = 0.0


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return sorted(r.seconds for r in self.results if not r.error)

    def percentile(self, p: float) -> float:
        values = self.latencies
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]

    @property
    def throughput(self) -> float:
        return len(self.results) / self.wall if self.wall else 0.0

    def summary(self, label: str) -> str:
        failed = sum(1 for r in self.results if r.error)
        text = (
            f"{label}: {len(self.results)} requests in {self.wall:.1f} s = {self.throughput:.2f} req/s; "
            f"p50 {self.percentile(50):.2f} s, p95 {self.percentile(95):.2f} s; {failed} failed"
        )
        errors = Counter(r.error for r in self.results if r.error)
        return text + "".join(f"\n  {n} x {e[:300]}" for e, n in errors.most_common(5))


def client_for(url: str, **kw):
    """A gradio_client ``Client`` whose HTTP calls wait like a browser would: httpx's default of
    5 s gives up on a busy server's join request, though the job may already be queued."""
    import httpx
    from gradio_client import Client

    timeout = httpx.Timeout(300.0, connect=30.0)
    return Client(url, verbose=False, httpx_kwargs={"timeout": timeout}, **kw)


def _ask(client, question: str, timeout: float) -> dict:
    return client.submit(question, api_name="/ask").result(timeout=timeout)


def concurrent_load(
    url: str, questions: list[str], clients: int = 50, per_client: int = 5, timeout: float = 600
) -> Report:
    """``clients`` threads, each its own gradio_client, asking ``per_client`` questions in turn.
    Client ``c`` asks questions ``c*per_client .. c*per_client+per_client-1`` (mod the list)."""
    report = Report()
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def run(c: int) -> None:
        client = client_for(url)
        start.wait()
        for t in range(per_client):
            q = questions[(c * per_client + t) % len(questions)]
            r = Result(c, t, q)
            t0 = time.perf_counter()
            try:
                r.answer = _ask(client, q, timeout)
            except Exception as exc:  # counted and reported, never hidden
                r.error = f"{type(exc).__name__}: {exc}"
            r.seconds = time.perf_counter() - t0
            with lock:
                report.results.append(r)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(run, range(clients)))
    report.wall = time.perf_counter() - t0
    return report


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB."""
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def sequential_load(url: str, questions: list[str], n: int = 1000, timeout: float = 120) -> Report:
    """``n`` questions one after the other from one client (cycling through ``questions``)."""
    client = client_for(url)
    report = Report()
    t0 = time.perf_counter()
    for i in range(n):
        q = questions[i % len(questions)]
        r = Result(0, i, q)
        t1 = time.perf_counter()
        try:
            r.answer = _ask(client, q, timeout)
        except Exception as exc:
            r.error = f"{type(exc).__name__}: {exc}"
        r.seconds = time.perf_counter() - t1
        report.results.append(r)
    report.wall = time.perf_counter() - t0
    return report


def burst(url: str, question: str, n: int = 30, timeout: float = 300) -> Report:
    """``n`` requests submitted at once (each from its own client); errors are kept per request."""
    clients = [client_for(url) for _ in range(n)]
    report = Report()
    t0 = time.perf_counter()
    jobs = [(i, c.submit(question, api_name="/ask"), time.perf_counter()) for i, c in enumerate(clients)]
    for i, job, started in jobs:
        r = Result(i, 0, question)
        try:
            r.answer = job.result(timeout=timeout)
        except Exception as exc:
            r.error = f"{type(exc).__name__}: {exc}"
        r.seconds = time.perf_counter() - started
        report.results.append(r)
    report.wall = time.perf_counter() - t0
    return report


def is_queue_full(error: str) -> bool:
    """Whether an error is the server's "queue is full, try again" refusal."""
    low = error.lower()
    return "queue is full" in low or "busy" in low


# -- command line -------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="an already running server (default: start one)")
    p.add_argument("--pid", type=int, help="its process id, for RSS (with --url)")
    p.add_argument("--data-dir", help="index for the started server (default: POLICYQA_DATA_DIR)")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--per-client", type=int, default=5)
    p.add_argument("--sequential", type=int, default=1000)
    p.add_argument("--questions", type=int, default=25, help="distinct questions used")
    p.add_argument("--burst", type=int, default=0, help="requests at once against a small queue (0: skip)")
    p.add_argument("--burst-queue", type=int, default=2)
    args = p.parse_args(argv)
    data_dir = Path(args.data_dir) if args.data_dir else None
    questions = load_questions(args.questions, indexed_docs(data_dir))

    def run(url: str, pid: int | None) -> None:
        print(f"{len(questions)} distinct questions against {url}")
        rep = concurrent_load(url, questions, args.clients, args.per_client)
        print(rep.summary(f"{args.clients} clients x {args.per_client}"))
        if args.sequential:
            before = rss_mb(pid) if pid else float("nan")
            rep = sequential_load(url, questions, args.sequential)
            after = rss_mb(pid) if pid else float("nan")
            print(rep.summary(f"{args.sequential} sequential"))
            print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after ({after - before:+.0f} MB)")

    if args.url:
        run(args.url, args.pid)
    else:
        with running_server(data_dir) as server:
            run(server.url, server.pid)
    if args.burst:
        env = {"POLICYQA_QUEUE_SIZE": str(args.burst_queue), "POLICYQA_CONCURRENCY": "1"}
        with running_server(data_dir, **env) as server:
            rep = burst(server.url, questions[0], args.burst)
            refused = sum(1 for r in rep.results if is_queue_full(r.error))
            print(rep.summary(f"burst of {args.burst} (queue {args.burst_queue})"))
            print(f"  refused as queue full: {refused}, answered: {sum(1 for r in rep.results if not r.error)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
