"""``policyqa eval``: the evaluation set through ``answer()``, beside the tutorial RAG."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

from policyqa.engine.core import get_policyqa
from policyqa.engine.grounding import check
from policyqa.eval.scoring import answer_correct, summarise

EVAL_DIR = Path(__file__).resolve().parent
GATE = {"answer_accuracy": 0.95, "grounded": 1.0, "abstention_accuracy": 0.95, "false_refusals": 0.05}
# Every split is held to GATE; the held-out split is never tuned on (only its aggregate figures
# are looked at), so it is what says whether a change generalises.
# The Chinese line (both splits) is held to the Chinese issue's bar.
ZH_BAR = {"answer_accuracy": 0.90, "recall@1": 0.90, "grounded": 1.0}


def load_cases(path: Path | None = None) -> list[dict]:
    """Cases from a JSONL file, or every ``cases*.jsonl`` in a folder (default: eval/)."""
    path = path or EVAL_DIR
    files = sorted(path.glob("cases*.jsonl")) if path.is_dir() else [path]
    cases = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                case.setdefault("lang", "zh" if case["id"].startswith("zh") else "en")
                cases.append(case)
    return cases


def _strip_note(text: str) -> str:
    from policyqa.engine.core import ZH_NOTE

    return text.replace(ZH_NOTE, "").strip()


def run_case(qa, case: dict, use_llm: bool = False) -> dict:
    """One case through ``answer()`` (earlier turns first, as a user would ask them)."""
    history = []
    for turn in case.get("history", []):
        history.append(qa.answer(turn, history=list(history), use_llm=use_llm))
    t0 = time.perf_counter()
    ans = qa.answer(case["question"], history=history or None, use_llm=use_llm)
    ms = (time.perf_counter() - t0) * 1000
    cited_clauses = {c.clause_id: qa.clause(c.clause_id, c.doc_id) for c in ans.citations}
    grounded = None
    if not ans.abstained:
        grounded = check(_strip_note(ans.answer), cited_clauses, qa.registry, case["question"]).grounded
    return {
        "case": case,
        "answer": ans.answer,
        "abstained": ans.abstained,
        "intent": ans.intent,
        "ranking": ans.retrieved,
        "cited": [c.clause_id for c in ans.citations],
        "grounded": grounded,
        "ms": ms,
        "mode": ans.mode,
        "fallback": ans.fallback,
        "correct": answer_correct(case, ans.answer, ans.abstained, same_as=agency_spellings(qa.registry)),
    }


@lru_cache(maxsize=4)
def agency_spellings(registry) -> Callable[[str], list[str]]:
    """For a must string naming an agency, every spelling of that agency (else nothing)."""

    @cache
    def spellings(text: str) -> tuple[str, ...]:
        agency = registry.resolve(text)
        return tuple(registry.all_spellings(agency.name)) if agency else ()

    return lambda text: list(spellings(text))


def run_baseline_case(rag, case: dict, same_as=None) -> dict:
    """One case through the tutorial RAG: its answer is its top chunk; it never abstains."""
    got = rag.ask(" ".join([*case.get("history", []), case["question"]]))
    return {
        "case": case,
        "answer": got["answer"],
        "abstained": False,
        "ranking": got["ranking"],
        "cited": got["ranking"][:1],
        "grounded": None,
        "ms": got["ms"],
        "correct": answer_correct(case, got["answer"], False, same_as=same_as),
    }


def run_eval(
    set_path: Path | None = None, split: str = "all", use_llm: bool = False, baseline: bool = True, qa=None
) -> dict:
    """Run the set; returns the report dict (see README for its keys)."""
    qa = qa or get_policyqa()
    cases = [c for c in load_cases(set_path) if split == "all" or c.get("split", "dev") == split]
    rows = [run_case(qa, c, use_llm=False) for c in cases]
    report = {"n": len(rows), "policyqa": summarise(rows)}
    if baseline:
        from policyqa.eval.baseline import TutorialRAG

        doc = next(iter(qa.index.state.docs.values()))
        raw = Path(doc["path"]).read_text(encoding="utf-8")
        rag = TutorialRAG(raw, [c for c in qa.clauses], qa.index.embeddings)
        same_as = agency_spellings(qa.registry)
        base_rows = [run_baseline_case(rag, c, same_as) for c in cases]
        b = summarise(base_rows)
        for key in ("grounded", "abstention_accuracy", "false_refusals", "citation_precision"):
            b.pop(key, None)
        report["baseline"] = b
    if use_llm:
        llm_rows = [run_case(qa, c, use_llm=True) for c in cases]
        report["llm"] = summarise(llm_rows)
        report["llm"]["fallbacks"] = sum(1 for r in llm_rows if r["fallback"])
        report["llm"]["llm_answers"] = sum(1 for r in llm_rows if r["mode"] == "llm")
    report["splits"] = {
        s: summarise([r for r in rows if r["case"].get("split", "dev") == s])
        for s in ("dev", "heldout")
        if any(r["case"].get("split", "dev") == s for r in rows)
    }
    report["by_lang"] = {
        lang: summarise([r for r in rows if r["case"]["lang"] == lang])
        for lang in sorted({r["case"]["lang"] for r in rows})
    }
    report["by_type"] = {}
    for t in sorted({r["case"]["type"] for r in rows}):
        sub = [r for r in rows if r["case"]["type"] == t]
        s = summarise(sub)
        report["by_type"][t] = {"n": s["n"], "answer_accuracy": s["answer_accuracy"], "recall@1": s["recall@1"]}
    report["failures"] = [
        {
            "id": r["case"]["id"],
            "type": r["case"]["type"],
            "question": r["case"]["question"],
            "expected": {
                "gold": r["case"].get("gold"),
                "must": r["case"].get("must"),
                "abstain": r["case"].get("abstain", False),
            },
            "got": {
                "abstained": r["abstained"],
                "ranking": r["ranking"][:3],
                "cited": r["cited"],
                "answer": r["answer"][:400],
            },
        }
        for r in rows
        if not r["correct"] or r["grounded"] is False
    ]
    return report


def gate_failures(report: dict, gates: dict[str, dict] | None = None) -> list[str]:
    """Which thresholds a report misses, per split (empty = green). ``gates`` maps a split to
    its thresholds; by default every split is held to GATE."""
    problems = []
    for split, m in report["splits"].items():
        for key, bound in (gates or {}).get(split, GATE).items():
            value = m.get(key)
            if value is None:
                continue
            bad = value > bound if key == "false_refusals" else value < bound
            if bad:
                problems.append(f"{split} {key} = {value} (gate {'<=' if key == 'false_refusals' else '>='} {bound})")
    return problems


def format_report(report: dict) -> str:
    """The report as a readable table."""
    keys = [
        "answer_accuracy",
        "recall@1",
        "recall@5",
        "mrr",
        "citation_precision",
        "grounded",
        "abstention_accuracy",
        "false_refusals",
        "p50_ms",
        "p95_ms",
    ]
    cols = [("policyqa", report["policyqa"])]
    if "baseline" in report:
        cols.append(("baseline", report["baseline"]))
    cols += [(f"split:{k}", v) for k, v in report["splits"].items()]
    cols += [(f"lang:{k}", v) for k, v in report["by_lang"].items()]
    if "llm" in report:
        cols.append(("llm", report["llm"]))
    width = max(13, *(len(name) + 2 for name, _ in cols))  # "split:heldout" and its neighbour stay apart
    lines = [f"{'metric':22}" + "".join(f"{name:>{width}}" for name, _ in cols)]
    lines.append(f"{'n':22}" + "".join(f"{m['n']:>{width}}" for _, m in cols))
    for k in keys:
        cells = []
        for _, m in cols:
            v = m.get(k)
            cells.append(
                f"{'-' if v is None else (f'{v:.3f}' if isinstance(v, float) and not k.endswith('ms') else v):>{width}}"
            )
        lines.append(f"{k:22}" + "".join(cells))
    lines.append("\nby type:")
    for t, m in report["by_type"].items():
        lines.append(f"  {t:16} n={m['n']:3}  accuracy={m['answer_accuracy']}  recall@1={m['recall@1']}")
    lines.append(f"\nfailures: {len(report['failures'])}")
    for f in report["failures"]:
        lines.append(f"  {f['id']} [{f['type']}] {f['question'][:90]}")
        lines.append(
            f"      expected {f['expected']['gold']} must={f['expected']['must']} abstain={f['expected']['abstain']}"
        )
        lines.append(
            f"      got abstained={f['got']['abstained']} ranking={f['got']['ranking']} "
            f"answer={f['got']['answer'][:160]!r}"
        )
    gate = gate_failures(report)
    lines.append("\ngate: " + ("green" if not gate else "RED: " + "; ".join(gate)))
    return "\n".join(lines)
