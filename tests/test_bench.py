"""Bench: the synthetic corpus generator, and a smoke run of ``run_bench`` on the real plan."""

from __future__ import annotations

import json

import pytest
from policyqa.engine.agencies import registry_for
from policyqa.ingest.documents import parse_document
from policyqa.settings import Settings
from policyqa.tools.synthetic import CLAUSES_PER_DOC, synthetic_sources

KEYS = {"clauses", "chunks", "ingest_s", "encode_s", "open_s", "p50_ms", "p95_ms", "rss_mb", "disk_mb", "mode"}


def test_synthetic_plans_are_deterministic_parseable_and_sized():
    corpus = Settings().corpus_dir
    registry = registry_for(corpus)
    first, again = synthetic_sources(160, corpus), synthetic_sources(160, corpus)
    assert [(s.doc_id, s.text) for s in first] == [(s.doc_id, s.text) for s in again]
    assert [s.text for s in synthetic_sources(160, corpus, seed=7)] != [s.text for s in first]
    ids = [s.doc_id for s in first]
    assert len(ids) == len(set(ids)) == 4  # the real plan, then 50 + 50 + 11 clauses
    parsed = [parse_document(s, registry) for s in first]
    assert sum(len(p.clauses) for p in parsed) == 160
    assert [len(p.clauses) for p in parsed] == [49, CLAUSES_PER_DOC, CLAUSES_PER_DOC, 11]
    for p in parsed[1:]:
        assert not p.warnings
        items = p.clauses[1:]
        assert all(c.responsibility_text and (c.lead or c.responsible) for c in items)
        assert all(len(c.clause_id.split(".")) == 3 for c in items)  # chapter.section.item
    assert [s.doc_id for s in synthetic_sources(49, corpus)] == ["chongqing-14fyp-energy-emissions"]
    with pytest.raises(ValueError):
        synthetic_sources(10, corpus)


@pytest.mark.slow
def test_run_bench_writes_sane_json_and_a_chart(tmp_path):
    from policyqa.settings import get_settings
    from policyqa.tools.bench import bench_questions, run_bench

    asked = bench_questions(get_settings().corpus_dir)

    out = tmp_path / "bench"
    result = run_bench([49], out_dir=out)
    assert json.loads((out / "bench.json").read_text(encoding="utf-8")) == result
    png = (out / "bench.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    (row,) = result["sizes"]
    assert KEYS <= set(row)
    assert row["clauses"] == 49 and row["chunks"] >= 49 and row["mode"] == "embedded"
    assert row["ingest_s"] > 0 and row["encode_s"] > 0 and row["open_s"] >= 0
    assert 0 < row["p50_ms"] <= row["p95_ms"]
    assert 100 < row["rss_mb"] < 8192 and row["disk_mb"] > 0
    assert row["detail"]["questions"] == len(asked.questions) >= 50
    assert 0 < result["ingest_vs_encode"] <= 1.5
    assert {k.split("/")[1] for k in result["reading"]} == {"structure", "targets", "deadlines", "actors"}
    assert result["machine"]["nproc"] >= 1 and result["machine"]["torch_threads"] >= 1


def test_bench_asks_the_corpus_plans_own_dev_questions(tmp_path):
    from policyqa.errors import PolicyQAError
    from policyqa.eval.harness import CASES_DIR, load_cases
    from policyqa.tools.bench import PER_TYPE, PROFILE_COUNT, ZH_COUNT, bench_questions

    corpus = Settings().corpus_dir
    asked = bench_questions(corpus)
    dev = {c["question"]: c for c in load_cases(CASES_DIR / "chongqing-14fyp-energy-emissions" / "dev")}
    assert len(asked.questions) == 4 * PER_TYPE and set(asked.questions) <= set(dev)
    assert {dev[q]["type"] for q in asked.questions} == {"lead", "target", "obligation", "fact"}
    assert len(asked.zh_questions) == ZH_COUNT and all(dev[q]["lang"] == "zh" for q in asked.zh_questions)
    assert len(asked.profiles) == PROFILE_COUNT

    other = tmp_path / "corpus"
    other.mkdir()
    (other / "plan.txt").write_text("1. Energy\nThe Office shall save energy.\n", encoding="utf-8")
    manifest = "documents:\n  - doc_id: no-cases-plan\n    file: plan.txt\n"
    (other / "manifest.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(PolicyQAError, match="eval/cases"):
        bench_questions(other)


def test_reading_speed_times_every_stage_on_both_long_texts():
    from policyqa.tools.bench import reading_speed

    reading = reading_speed(Settings().corpus_dir, long_chars=20_000)
    stages = ("structure", "targets", "deadlines", "actors")
    assert set(reading) == {f"{text}/{stage}" for text in ("plan", "act") for stage in stages}
    for figures in reading.values():
        assert figures["chars"] == 20_000 and figures["ms"] > 0 and figures["tenth_ms"] > 0 and figures["ratio"] > 0
