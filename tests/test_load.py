"""Load on the real web server: many gradio_client clients at once, a thousand questions in a row,
and a burst beyond the queue bound. The figures are printed (run with ``-s`` to see them).

``scripts/load.py`` runs the same load from the command line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts.load import (
    burst,
    concurrent_load,
    is_queue_full,
    load_questions,
    rss_mb,
    running_server,
    sequential_load,
)

pytestmark = pytest.mark.slow

CLIENTS, PER_CLIENT = 50, 5
SEQUENTIAL = int(os.environ.get("POLICYQA_LOAD_SEQUENTIAL", "1000"))
RSS_GROWTH_MB = 100


def _key(ans: dict) -> tuple:
    """What must be the same wherever a question is answered: text, citations, abstention."""
    return ans["answer"], [c["clause_id"] for c in ans["citations"]], ans["abstained"]


@pytest.fixture(scope="module")
def questions() -> list[str]:
    return load_questions(25)


@pytest.fixture(scope="module")
def expected(qa, questions) -> dict[str, tuple]:
    """The core's answer to each question (the CLI prints the same object)."""
    return {q: _key(qa.answer(q).to_dict()) for q in questions}


@pytest.fixture(scope="module")
def server(index_dir: Path, tmp_path_factory):
    with running_server(index_dir, tmp_path_factory.mktemp("load") / "server.log") as s:
        yield s


def test_concurrent_clients_get_their_own_answers(server, questions, expected) -> None:
    report = concurrent_load(server.url, questions, CLIENTS, PER_CLIENT, timeout=600)
    print(f"\n{report.summary(f'{CLIENTS} clients x {PER_CLIENT} questions')}")
    assert len(report.results) == CLIENTS * PER_CLIENT, "requests lost"
    assert sorted((r.client, r.turn) for r in report.results) == [
        (c, t) for c in range(CLIENTS) for t in range(PER_CLIENT)
    ]
    errors = [r for r in report.results if r.error or "error" in (r.answer or {})]
    assert not errors, errors[:3]
    for r in report.results:
        assert r.answer["question"] == r.question, "an answer went to the wrong client"
        assert _key(r.answer) == expected[r.question], r.question
    assert "Traceback" not in server.log_text()


def test_memory_stays_flat_over_sequential_questions(server, questions, expected) -> None:
    sequential_load(server.url, questions, len(questions))  # every code path warmed up once
    before = rss_mb(server.pid)
    report = sequential_load(server.url, questions, SEQUENTIAL)
    after = rss_mb(server.pid)
    print(f"\n{report.summary(f'{SEQUENTIAL} sequential questions')}")
    print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after ({after - before:+.1f} MB)")
    assert not [r for r in report.results if r.error or "error" in (r.answer or {})]
    assert all(_key(r.answer) == expected[r.question] for r in report.results)
    assert after - before < RSS_GROWTH_MB


def test_burst_beyond_the_queue_is_refused_not_hung(index_dir: Path, tmp_path: Path, questions) -> None:
    env = {"POLICYQA_QUEUE_SIZE": "2", "POLICYQA_CONCURRENCY": "1"}
    with running_server(index_dir, tmp_path / "busy.log", **env) as small:
        report = burst(small.url, questions[0], n=30, timeout=300)
    refused = [r for r in report.results if r.error]
    answered = [r for r in report.results if not r.error]
    print(f"\n{report.summary('burst of 30 on a queue of 2')}\n{len(refused)} refused, {len(answered)} answered")
    assert len(report.results) == 30
    assert refused and all(is_queue_full(r.error) for r in refused), refused[:3]
    assert answered and all("error" not in r.answer for r in answered)
    assert max(r.seconds for r in refused) < 60, "a refusal must come at once, not after a wait"
