"""The command line as a user runs it: readable output, --json, clear errors, no tracebacks."""

from __future__ import annotations

import json

from tests.conftest import free_port, run_cli


def test_ask_prints_answer_citations_and_quotes(index_dir):
    r = run_cli("ask", "Which bureau leads VOC remediation?", data_dir=index_dir)
    assert r.returncode == 0, r.stderr
    assert "Municipal Bureau of Ecology and Environment takes the lead" in r.stdout
    assert "[3.9.2]" in r.stdout and '"By 2025, we will complete comprehensive remediation' in r.stdout
    assert "Loading weights" not in r.stderr


def test_ask_json_and_json_lines_from_stdin(index_dir):
    r = run_cli("ask", "--json", "Which bureau leads VOC remediation?", data_dir=index_dir)
    d = json.loads(r.stdout)
    assert d["citations"][0]["clause_id"] == "3.9.2" and d["abstained"] is False
    questions = [
        "Which bureau leads VOC remediation?",
        "",
        "What is the fine for VOC?",
        "哪个部门牵头挥发性有机物综合治理？",
    ]
    r = run_cli("ask", "--json", data_dir=index_dir, stdin="\n".join(questions) + "\n")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["question"] for row in rows] == [q for q in questions if q]
    assert rows[1]["abstained"] is True and rows[2]["citations"][0]["clause_id"] == "3.9.2"


def test_empty_question_is_a_clear_error(index_dir):
    r = run_cli("ask", "   ", data_dir=index_dir)
    assert r.returncode == 1 and "question is empty" in r.stderr and "Traceback" not in r.stderr


def test_clauses_json_lists_49_with_agencies(index_dir):
    r = run_cli("clauses", "--json", data_dir=index_dir)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 49
    voc = next(x for x in rows if x["clause_id"] == "3.9.2")
    assert voc["lead"] == ["Municipal Bureau of Ecology and Environment"]
    assert voc["responsible"] == ["Municipal Economic and Information Commission"]
    assert {"doc_id", "heading", "text", "scope", "targets"} <= set(voc)


def test_show_targets_agencies(index_dir):
    r = run_cli("show", "3.8.2", data_dir=index_dir)
    assert "35 tons/hour" in r.stdout and "Lead:" in r.stdout
    targets = [json.loads(x) for x in run_cli("targets", "--json", data_dir=index_dir).stdout.splitlines()]
    assert any(t["clause_id"] == "2" and t["value_text"] == "14 percent" for t in targets)
    agencies = [json.loads(x) for x in run_cli("agencies", "--json", data_dir=index_dir).stdout.splitlines()]
    eeb = next(a for a in agencies if a["agency"] == "Municipal Bureau of Ecology and Environment")
    assert "3.9.2" in eeb["leads"] and "3.9.1" in eeb["shares"] and eeb["zh"] == "市生态环境局"


def test_errors_name_the_problem_and_the_fix(tmp_path):
    r = run_cli("clauses", data_dir=tmp_path / "empty")
    assert r.returncode == 1 and "No index yet" in r.stderr and "policyqa ingest" in r.stderr
    r = run_cli("ask", "who leads VOC?", data_dir=tmp_path / "empty")
    assert r.returncode == 1 and "No index yet" in r.stderr and "Traceback" not in r.stderr


def test_unknown_clause(index_dir):
    r = run_cli("show", "9.9.9", data_dir=index_dir)
    assert r.returncode == 1 and "No clause '9.9.9'" in r.stderr


def test_unreachable_chroma_server(index_dir):
    port = free_port()
    r = run_cli(
        "ingest",
        "--rebuild",
        data_dir=index_dir,
        env={"POLICYQA_CHROMA_HOST": "127.0.0.1", "POLICYQA_CHROMA_PORT": str(port)},
    )
    assert r.returncode == 1 and "not reachable" in r.stderr and "Traceback" not in r.stderr


def test_config_masks_secrets(index_dir):
    r = run_cli("config", "--json", data_dir=index_dir, env={"POLICYQA_LLM_API_KEY": "sk-very-secret"})
    d = json.loads(r.stdout)
    assert d["POLICYQA_LLM_API_KEY"] == "********" and "sk-very-secret" not in r.stdout
