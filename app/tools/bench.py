"""``policyqa bench``: ingest time, encode floor, cold open, answer latency, memory and disk by corpus size.

Each size is ingested into its own temporary data dir from :mod:`policyqa.tools.synthetic` plans. The open,
the answer latencies and the peak RSS are measured in a fresh subprocess per size (:func:`probe_main`),
so they describe a cold process holding that index and nothing else.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policyqa.errors import PolicyQAError
from policyqa.settings import PROJECT_ROOT, Settings, get_settings
from policyqa.tools.servers import chroma_server

SERVER_CLAUSES = 5000
ENCODE_SAMPLE = 12_000  # chunks encoded for the raw-encode floor; larger corpora are sampled
WARMUP = 3
PER_TYPE = 14  # English dev questions per type timed (lead, target, obligation, fact)
ZH_COUNT = 20  # Chinese dev questions, timed on their own line (the Chinese issue's p95 bar)
PROFILE_COUNT = 12  # enterprise profiles, timed on their own line (the obligations issue's 100 ms p95 bar)
LONG_CHARS = 150_000  # the long text reading speed is measured on


@dataclass(frozen=True)
class BenchQuestions:
    """What the bench asks: the corpus plans' own dev questions and profiles (the synthetic plans are made
    of those plans' sentences, so their questions find matter of the same kind)."""

    questions: tuple[str, ...]
    zh_questions: tuple[str, ...]
    profiles: tuple[str, ...]


def bench_questions(corpus_dir: Path) -> BenchQuestions:
    """The first :data:`PER_TYPE` single-turn English dev questions of each type, :data:`ZH_COUNT` Chinese
    ones and :data:`PROFILE_COUNT` obligations profiles of the documents in ``corpus_dir``, in file order."""
    from policyqa.eval.harness import CASES_DIR, load_cases
    from policyqa.eval.obligations import load_profiles
    from policyqa.ingest.documents import corpus_documents

    by_type: dict[str, list[str]] = {t: [] for t in ("lead", "target", "obligation", "fact")}
    zh: list[str] = []
    profiles: list[str] = []
    for doc in (s.doc_id for s in corpus_documents(corpus_dir)):
        dev = CASES_DIR / doc / "dev"
        for case in load_cases(dev) if dev.is_dir() else []:
            if case.get("history") or case.get("abstain"):
                continue
            if case["lang"] == "zh":
                zh.append(case["question"])
            elif case.get("type") in by_type:
                by_type[case["type"]].append(case["question"])
        profiles += [p["profile"] for p in load_profiles("dev", doc)]
    questions = [q for qs in by_type.values() for q in dict.fromkeys(qs[:PER_TYPE])]
    if not questions:
        raise PolicyQAError(
            f"No evaluation questions for the documents in {corpus_dir}: the bench asks the dev questions of "
            f"eval/cases/<doc_id>/dev/. Write some for these documents, or bench the bundled corpus."
        )
    return BenchQuestions(tuple(questions), tuple(zh[:ZH_COUNT]), tuple(profiles[:PROFILE_COUNT]))


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (linear interpolation, like numpy's default)."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory (``VmHWM``) of a process, in MiB.

    Not ``ru_maxrss``: Linux carries the parent's peak over into a child across fork and exec,
    so a probe started by a bench holding a large index would report the bench's memory.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # pragma: no cover


def disk_mb(*paths: Path) -> float:
    """Space the files under ``paths`` take on disk, like ``du`` (allocated blocks)."""
    total = 0
    for root in paths:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                try:
                    total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
                except OSError:
                    pass
    return round(total / 2**20, 1)


def machine() -> dict:
    """The machine the figures were taken on."""
    import chromadb
    import torch

    cpu = ""
    try:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), ""
        )
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": round(mem, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "chromadb": chromadb.__version__,
    }


def _release_chroma() -> None:
    """Close the embedded Chroma systems this process holds (before their files are deleted)."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # pragma: no cover - best effort
        pass


def _encode_floor(settings: Settings) -> tuple[int, float, int]:
    """(chunks, seconds, chunks encoded) of a raw ``SentenceTransformer.encode`` over the index's chunk texts.

    Up to :data:`ENCODE_SAMPLE` chunks all are encoded. Past that an evenly spaced sample is, and its time
    is scaled by the word pieces of all chunks over those of the sample (encode time is linear in them),
    which keeps a 50,000-clause run inside an hour on two cores.
    """
    from policyqa.engine.embeddings import get_embeddings
    from policyqa.engine.store import load_chunks, read_state

    state = read_state(settings.data_dir)
    texts = [row["text"] for row in load_chunks(settings.data_dir / state.chunks_file)]
    model = get_embeddings(settings.embedding_model, settings.embedding_batch_size)._client
    step = max(1, -(-len(texts) // ENCODE_SAMPLE))
    sample = texts[::step]
    t0 = time.perf_counter()
    model.encode(sample, batch_size=settings.embedding_batch_size, normalize_embeddings=True, show_progress_bar=False)
    seconds = time.perf_counter() - t0
    if step > 1:
        pieces = [len(ids) for ids in model.tokenizer(texts, truncation=True)["input_ids"]]
        seconds *= sum(pieces) / sum(pieces[::step])
    return len(texts), seconds, len(sample)


def _probe(settings: Settings) -> dict:
    """Open, latency and peak RSS, measured in a fresh interpreter over ``settings``' index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env.update({"POLICYQA_DATA_DIR": str(settings.data_dir), "POLICYQA_CORPUS_DIR": str(settings.corpus_dir)})
    if settings.chroma_host:
        env.update({"POLICYQA_CHROMA_HOST": settings.chroma_host, "POLICYQA_CHROMA_PORT": str(settings.chroma_port)})
    cmd = [sys.executable, "-c", "from policyqa.tools.bench import probe_main; probe_main()"]
    done = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"bench probe failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe_main() -> None:
    """Subprocess side of :func:`_probe`: prints one JSON line of figures."""
    t0 = time.perf_counter()
    from policyqa.engine.core import PolicyQA
    from policyqa.engine.index import LiveIndex

    settings = get_settings()
    t1 = time.perf_counter()
    qa = PolicyQA(settings)  # as the app opens it: questions are embedded by ONNX Runtime, no torch
    t2 = time.perf_counter()
    asked = bench_questions(settings.corpus_dir)  # (reading the cases is no part of import or open)
    assert isinstance(qa.index, LiveIndex)
    model_ms = [0.0]  # time spent in the embedding model during the current answer
    for name in ("embed_query", "text_vectors"):
        setattr(qa.index, name, _timed(getattr(qa.index, name), model_ms))
    first = time.perf_counter()
    qa.answer(asked.questions[0], use_llm=False)
    first_ms = (time.perf_counter() - first) * 1000
    for q in asked.questions[1:WARMUP]:
        qa.answer(q, use_llm=False)
    latencies, without_model, abstained = [], [], 0
    for q in asked.questions:
        model_ms[0] = 0.0
        s = time.perf_counter()
        ans = qa.answer(q, use_llm=False)
        latencies.append((time.perf_counter() - s) * 1000)
        without_model.append(latencies[-1] - model_ms[0])
        abstained += bool(ans.abstained)
    zh = []
    for q in asked.zh_questions:
        s = time.perf_counter()
        qa.answer(q, use_llm=False)
        zh.append((time.perf_counter() - s) * 1000)
    first_obl = time.perf_counter()
    qa.obligations(asked.profiles[0])  # embeds the documents' phrases once, as a server's first profile does
    obligations_first_ms = (time.perf_counter() - first_obl) * 1000
    obligations = []
    for p in asked.profiles:
        s = time.perf_counter()
        qa.obligations(p)
        obligations.append((time.perf_counter() - s) * 1000)
    embeds = []  # the model's share of an answer: one query embedding
    for q in asked.questions:
        s = time.perf_counter()
        qa.index.embed_query(q)
        embeds.append((time.perf_counter() - s) * 1000)
    out = {
        "import_s": round(t1 - t0, 2),
        "open_s": round(t2 - t1, 2),
        "torch_loaded": "torch" in sys.modules,
        "first_answer_ms": round(first_ms, 1),
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
        "p50_ms_without_model": round(_percentile(without_model, 50), 1),
        "p95_ms_without_model": round(_percentile(without_model, 95), 1),
        "embed_query_p50_ms": round(_percentile(embeds, 50), 1),
        "embed_query_p95_ms": round(_percentile(embeds, 95), 1),
        "zh_p50_ms": round(_percentile(zh, 50), 1),
        "zh_p95_ms": round(_percentile(zh, 95), 1),
        "questions": len(latencies),
        "zh_questions": len(zh),
        "obligations_first_ms": round(obligations_first_ms, 1),
        "obligations_p50_ms": round(_percentile(obligations, 50), 1),
        "obligations_p95_ms": round(_percentile(obligations, 95), 1),
        "profiles": len(obligations),
        "abstained": abstained,
        "rss_mb": peak_rss_mb(),
    }
    print(json.dumps(out))


def _timed(fn: Callable, total: list[float]) -> Callable:
    """``fn``, adding the milliseconds each call takes to ``total[0]``."""

    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            total[0] += (time.perf_counter() - t0) * 1000

    return wrapper


def bench_size(
    clauses: int, base: Settings, workdir: Path, chroma_port: int | None = None, server_pid: int | None = None
) -> dict:
    """All figures for one corpus size, in a data dir under ``workdir`` (Chroma server if a port is given).

    ``rss_mb`` is the answering process's peak; in server mode the server's own peak is in the detail.
    """
    from policyqa.ingest.build import ingest
    from policyqa.tools.synthetic import synthetic_sources

    mode = "server" if chroma_port else "embedded"
    update: dict = {"data_dir": workdir / "data", "chroma_host": None}
    if chroma_port:
        update.update(chroma_host="127.0.0.1", chroma_port=chroma_port)
    settings = base.model_copy(update=update)
    load_before = os.getloadavg()[0]
    _log(f"{clauses} clauses ({mode}): generating documents")
    sources = synthetic_sources(clauses, settings.corpus_dir)
    _log(f"{clauses} clauses ({mode}): ingesting {len(sources)} documents")
    t0 = time.perf_counter()
    report = ingest(settings, sources=sources, rebuild=True, progress=True)
    ingest_s = time.perf_counter() - t0
    _log(f"{clauses} clauses ({mode}): ingest {ingest_s:.1f} s ({report.chunks} chunks); encoding floor")
    chunks, encode_s, encoded = _encode_floor(settings)
    _release_chroma()
    _log(f"{clauses} clauses ({mode}): encode {encode_s:.1f} s; opening and answering in a fresh process")
    probe = _probe(settings)
    _log(
        f"{clauses} clauses ({mode}): open {probe['open_s']} s, p50 {probe['p50_ms']} ms, p95 {probe['p95_ms']} ms; "
        f"obligations p95 {probe.get('obligations_p95_ms')} ms"
    )
    return {
        "clauses": report.clauses,
        "chunks": chunks,
        "ingest_s": round(ingest_s, 2),
        "encode_s": round(encode_s, 2),
        "ingest_encode_s": round(report.encode_seconds, 2),
        "open_s": probe["open_s"],
        "p50_ms": probe["p50_ms"],
        "p95_ms": probe["p95_ms"],
        "rss_mb": probe["rss_mb"],
        "disk_mb": disk_mb(workdir),
        "mode": mode,
        "detail": {
            **{k: v for k, v in probe.items() if k not in {"open_s", "p50_ms", "p95_ms", "rss_mb"}},
            "documents": len(sources),
            "encode_sampled_chunks": encoded,
            "load_avg_before": round(load_before, 2),
            "load_avg_after": round(os.getloadavg()[0], 2),
            **({"server_rss_mb": peak_rss_mb(server_pid)} if server_pid else {}),
        },
    }


def chart(result: dict, path: Path) -> None:
    """p50/p95 answer latency and ingest time against corpus size (log x), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, left = plt.subplots(figsize=(8, 4.5))
    right = left.twinx()
    for mode, marker in (("embedded", "o"), ("server", "s")):
        rows = sorted((r for r in result["sizes"] if r["mode"] == mode), key=lambda r: r["clauses"])
        if not rows:
            continue
        x = [r["clauses"] for r in rows]
        left.plot(x, [r["p50_ms"] for r in rows], marker=marker, color="tab:blue", label=f"p50 answer ({mode})")
        left.plot(x, [r["p95_ms"] for r in rows], marker=marker, color="tab:orange", label=f"p95 answer ({mode})")
        right.plot(
            x, [r["ingest_s"] for r in rows], marker=marker, ls="--", color="tab:green", label=f"ingest ({mode})"
        )
    left.set_xscale("log")
    left.set_xlabel("corpus size (clauses)")
    left.set_ylabel("answer latency (ms)")
    right.set_ylabel("ingest time (s)")
    handles = left.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    left.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left", fontsize=8)
    left.set_title(f"PolicyQA bench ({result['machine']['nproc']} CPUs)")
    left.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _reading_stages() -> dict[str, Callable[[str], object]]:
    """What ingest reads from a plan's text, stage by stage (no embedding)."""
    from policyqa.ingest.actors import provision_roles, read_actors
    from policyqa.ingest.deadlines import extract_deadlines
    from policyqa.ingest.structure import split_provisions
    from policyqa.ingest.targets import document_horizon, extract_targets

    def actors(text: str) -> None:
        registry = read_actors(text)
        for paragraph in text.split("\n\n"):
            provision_roles(paragraph, "", registry)

    return {
        "structure": split_provisions,
        "targets": lambda text: extract_targets("x", text, document_horizon(text)),
        "deadlines": extract_deadlines,
        "actors": actors,
    }


def reading_speed(corpus_dir: Path, long_chars: int = LONG_CHARS) -> dict:
    """Milliseconds each reading stage takes on long texts, and on a tenth of each as the baseline.

    Two texts: the corpus's first plan repeated to ``long_chars`` characters, and a generated act of
    numbered sections as long. ``ratio`` is the long text's time per character over the tenth's: about
    1 while a stage stays linear in the length of a plan, about 10 if it went quadratic.
    """
    from policyqa.ingest.documents import corpus_documents
    from policyqa.tools.synthetic import numbered_act

    plan = corpus_documents(corpus_dir)[0].text
    texts = {
        "plan": "\n\n".join([plan] * (long_chars // len(plan) + 1))[:long_chars],
        "act": numbered_act(long_chars // 205 + 1)[:long_chars],
    }
    out: dict = {}
    for name, text in texts.items():
        tenth = text[: len(text) // 10]
        for stage, read in _reading_stages().items():
            timings = []
            for part in (tenth, text):
                t0 = time.perf_counter()
                read(part)
                timings.append((time.perf_counter() - t0) * 1000)
            short_ms, long_ms = timings
            out[f"{name}/{stage}"] = {
                "chars": len(text),
                "ms": round(long_ms, 1),
                "tenth_ms": round(short_ms, 1),
                "ratio": round((long_ms / len(text)) / (short_ms / len(tenth)), 2) if short_ms else None,
            }
    return out


def summarise(rows: list[dict], reading: dict | None = None) -> dict:
    """The bench result: the rows, encode/ingest time at the largest size, reading speed and the machine."""
    largest = max(rows, key=lambda r: (r["clauses"], r["mode"] == "embedded"))
    ratio = largest["encode_s"] / largest["ingest_s"] if largest["ingest_s"] else 0.0
    return {"sizes": rows, "ingest_vs_encode": round(ratio, 3), "reading": reading or {}, "machine": machine()}


def run_bench(sizes: list[int], server: bool = False, out_dir: Path | None = None) -> dict:
    """Benchmark each corpus size (and 5,000 clauses on a Chroma server with ``server``).

    Writes ``bench.json`` and ``bench.png`` to ``out_dir`` (default: the data dir's ``bench``).
    """
    from policyqa.engine.embeddings import get_embeddings

    base = get_settings()
    out_dir = Path(out_dir) if out_dir else base.data_dir / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    _log("loading the embedding model")
    get_embeddings(base.embedding_model, base.embedding_batch_size)  # not counted in any ingest
    rows: list[dict] = []
    partial = out_dir / "bench.partial.json"  # the sizes done so far, should a long run stop
    plan = [(n, False) for n in sizes] + ([(SERVER_CLAUSES, True)] if server else [])
    for n, on_server in plan:
        with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
            if on_server:
                with chroma_server(Path(tmp) / "chroma-server") as (port, proc):
                    rows.append(bench_size(n, base, Path(tmp), chroma_port=port, server_pid=proc.pid))
            else:
                rows.append(bench_size(n, base, Path(tmp)))
        partial.write_text(json.dumps({"sizes": rows}, indent=2) + "\n", encoding="utf-8")
    _log("reading speed on long texts")
    reading = reading_speed(base.corpus_dir)
    for name, figures in reading.items():
        _log(f"  {name}: {figures['ms']} ms for {figures['chars']:,} characters (x{figures['ratio']} a tenth's rate)")
    result = summarise(rows, reading)
    (out_dir / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    chart(result, out_dir / "bench.png")
    partial.unlink(missing_ok=True)
    _log(f"wrote {out_dir / 'bench.json'} and {out_dir / 'bench.png'}")
    return result
