"""The command line as a user runs it: readable output, --json, clear errors, no tracebacks."""

from __future__ import annotations

import json
import shutil

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


def test_first_ask_after_install_ingests_the_bundled_corpus(tmp_path):
    r = run_cli("ask", "--json", "who leads VOC remediation?", data_dir=tmp_path / "fresh")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "No index yet" in r.stderr and "ingesting the bundled corpus first" in r.stderr
    assert "Ingested 1 document(s)" in r.stderr
    answer = json.loads(r.stdout)  # stdout stays the answer alone
    assert answer["citations"][0]["clause_id"] == "3.9.2"
    r = run_cli("clauses", data_dir=tmp_path / "fresh")
    assert r.returncode == 0 and "ingesting" not in r.stderr and "3.9.2" in r.stdout


def test_errors_name_the_problem_and_the_fix(tmp_path):
    r = run_cli("ask", "who leads VOC?", data_dir=tmp_path / "empty", env={"POLICYQA_CORPUS_DIR": str(tmp_path)})
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "has no manifest.yaml" in r.stderr and "POLICYQA_CORPUS_DIR" in r.stderr
    r = run_cli("docs", data_dir=tmp_path / "empty")
    assert r.returncode == 1 and "Nothing is indexed yet" in r.stderr and "policyqa ingest" in r.stderr


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


# -- several plans: --doc and remove ---------------------------------------------------------------
NUCLEAR = "us-eo2025-nuclear-industrial-base"
CHONGQING = "chongqing-14fyp-energy-emissions"
URANIUM = "Who has to update the excess uranium management policy?"


def test_ask_doc_answers_from_that_plan_only(plans_dir):
    both = json.loads(run_cli("ask", "--json", URANIUM, data_dir=plans_dir).stdout)
    assert both["doc_id"] == NUCLEAR and "3(d)" in [c["clause_id"] for c in both["citations"]]
    r = run_cli("ask", "--doc", CHONGQING, "--json", URANIUM, data_dir=plans_dir)
    assert r.returncode == 0, r.stderr
    only = json.loads(r.stdout)
    assert only["doc_id"] == CHONGQING and all(c["doc_id"] == CHONGQING for c in only["citations"])
    r = run_cli("ask", "--doc", NUCLEAR, "Which bureau leads VOC remediation?", data_dir=plans_dir)
    assert r.returncode == 0 and "[3.9.2]" not in r.stdout and "Municipal Bureau" not in r.stdout
    r = run_cli("ask", "--doc", "no-such-plan", URANIUM, data_dir=plans_dir)
    assert r.returncode == 1 and "No document 'no-such-plan'" in r.stderr and NUCLEAR in r.stderr
    assert "Traceback" not in r.stderr


def test_ask_labels_each_citation_with_its_plan(plans_dir, index_dir):
    r = run_cli("ask", URANIUM, data_dir=plans_dir)
    assert r.returncode == 0, r.stderr
    assert "\n[Reinvigorating the Nuclear Industrial Base Sec. 3(d)] " in r.stdout, r.stdout
    assert "\nRelated (Reinvigorating the Nuclear Industrial Base): " in r.stdout, r.stdout
    r = run_cli("ask", "compare the Chongqing plan and EO 14008 on coal", data_dir=plans_dir)
    heads = [ln for ln in r.stdout.splitlines() if ln.startswith("[")]
    assert any(h.startswith("[Chongqing plan 3.8.") for h in heads), heads
    assert any(h.startswith("[EO 14008 Sec. ") for h in heads), heads
    assert all(h.startswith(("[Chongqing plan ", "[EO 14008 Sec. ")) for h in heads), heads
    # one plan indexed: no plan to tell apart, the provision id alone
    r = run_cli("ask", "Which bureau leads VOC remediation?", data_dir=index_dir)
    assert "\n[3.9.2] " in r.stdout and "Chongqing plan" not in r.stdout


def test_remove_asks_first_then_builds_a_generation_without_the_plan(plans_dir, tmp_path):
    from policyqa.engine.store import read_state

    data = tmp_path / "data"
    shutil.copytree(plans_dir, data)
    before = read_state(data)
    r = run_cli("remove", NUCLEAR, data_dir=data, stdin="n\n")
    assert r.returncode == 1 and "Remove us-eo2025-nuclear-industrial-base (Reinvigorating" in r.stderr
    assert "Not removed." in r.stderr and read_state(data) == before
    r = run_cli("remove", NUCLEAR, data_dir=data, stdin="y\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"Removed {NUCLEAR}:") and f"generation {before.generation + 1}" in r.stdout
    docs = run_cli("docs", data_dir=data).stdout
    assert NUCLEAR not in docs and CHONGQING in docs
    after = json.loads(run_cli("ask", "--json", URANIUM, data_dir=data).stdout)
    assert all(c["doc_id"] != NUCLEAR for c in after["citations"])
    voc = json.loads(run_cli("ask", "--json", "Which bureau leads VOC remediation?", data_dir=data).stdout)
    assert voc["citations"][0]["clause_id"] == "3.9.2", "the other plans answer as before"
    r = run_cli("remove", "--yes", NUCLEAR, data_dir=data)
    assert r.returncode == 1 and f"No document '{NUCLEAR}'" in r.stderr and CHONGQING in r.stderr


def test_the_last_plan_is_not_removed(index_dir, tmp_path):
    from policyqa.engine.store import read_state

    data = tmp_path / "data"
    shutil.copytree(index_dir, data)
    before = read_state(data)
    r = run_cli("remove", "--yes", CHONGQING, data_dir=data)
    assert r.returncode == 1 and "only document indexed" in r.stderr and "policyqa ingest FILE" in r.stderr
    assert read_state(data) == before
