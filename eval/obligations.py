"""Scoring "what applies to us" on plain data: enterprise profiles with the provisions that bind and concern them.

A profile case (``eval/cases/<doc>/obligations/{dev,heldout}.jsonl``) is ``{"id", "doc", "profile", "binding":
[{"quote", "why"}], "concerning": [...], "ask_back": [...], "none_binding": bool, "split", "lang"}`` (without
``none_binding``, a case with no binding provision says nothing binds). Its quotes
are verbatim text of the document; a quote's provision is the one whose text holds it (else whose heading or
lead-in does), so gold never depends on clause ids.

Figures per document, pooled over its profiles (as the issue measured them):
- ``binding_recall``: gold binding provisions the answer lists (must, should know or plan-wide);
- ``binding_in_must``: gold binding provisions the answer lists under *must*;
- ``all_recall``: gold binding or concerning provisions the answer lists;
- ``precision``: listed provisions that are gold binding or concerning;
- ``none_binding_accuracy``: the answer says "nothing binds you specifically" exactly when the case says so;
- ``grounded``: answers whose text passed the grounding check unchanged; ``p50_ms`` / ``p95_ms``.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from pathlib import Path

from policyqa.eval.scoring import percentile

CASES_DIR = Path(__file__).resolve().parent / "cases"
FOLDER = "obligations"
# The bar on held-out profiles.
BAR = {"binding_recall": 0.90, "precision": 0.85}


def load_profiles(split: str = "dev", doc: str | None = None, cases_dir: Path | None = None) -> list[dict]:
    """The profile cases of ``split`` ("dev" or "heldout"; "all" reads both), per document folder.

    Only the requested split's files are opened: the held-out profiles are read only when asked for."""
    root = cases_dir or CASES_DIR
    splits = ["dev", "heldout"] if split == "all" else [split]
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        if doc is not None and folder.name != doc:
            continue
        for s in splits:
            path = folder / FOLDER / f"{s}.jsonl"
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    case = json.loads(line)
                    case.setdefault("doc", folder.name)
                    case.setdefault("split", s)
                    out.append(case)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def quote_provisions(quote: str, clauses: list) -> list[str]:
    """Clause ids of the provisions holding ``quote``: in their text, else in heading or lead-in."""
    q = _squash(quote).strip(" .")
    own = [c.clause_id for c in clauses if q in _squash(c.text)]
    if own:
        return own
    return [c.clause_id for c in clauses if q in _squash(f"{c.heading_text} {c.context}")]


def gold_sets(case: dict, clauses: list) -> tuple[list[set[str]], list[set[str]], list[str]]:
    """(binding, concerning) as one set of candidate provisions per gold quote, and quotes found nowhere."""
    missing: list[str] = []

    def resolve(rows: list[dict]) -> list[set[str]]:
        out = []
        for row in rows or []:
            ids = set(quote_provisions(row["quote"], clauses))
            if ids:
                out.append(ids)
            else:
                missing.append(row["quote"])
        return out

    return resolve(case.get("binding")), resolve(case.get("concerning")), missing


def _distinct(groups: list[set[str]]) -> list[set[str]]:
    """Gold quotes pointing at the same provision count once."""
    out: list[set[str]] = []
    for g in groups:
        if not any(g & o for o in out):
            out.append(g)
    return out


def _shown(items: list[dict]) -> list[list[str]]:
    """Each listed provision as the ids it shows: its own, then those of the items completing its lead-in
    (shown under it, as part of it)."""
    return [[i["clause_id"], *(sub["clause_id"] for sub in i.get("subitems", []))] for i in items]


def score_profile(case: dict, result: dict, clauses: list) -> dict:
    """One profile's row: the gold, what was listed, and the counts the figures pool.

    A provision listed with the items completing its lead-in is one listing: a gold provision among its items is
    found (recall), and the listing is right when it or one of its items is gold (precision)."""
    binding, concerning, missing = gold_sets(case, clauses)
    binding = _distinct(binding)
    every = _distinct(binding + concerning)
    must_shown = _shown(result.get("must", []))
    shown = must_shown + _shown(result.get("should_know", [])) + _shown(result.get("plan_wide", []))
    must = list(dict.fromkeys(cid for ids in must_shown for cid in ids))
    listed = list(dict.fromkeys(ids[0] for ids in shown))
    seen = set(listed) | {cid for ids in shown for cid in ids}
    gold_ids = set().union(*every) if every else set()
    right = {ids[0] for ids in shown if gold_ids & set(ids)}
    return {
        "id": case["id"],
        "doc": case["doc"],
        "split": case.get("split", ""),
        "profile": case["profile"],
        "listed": listed,
        "must": must,
        "gold_binding": [sorted(g) for g in binding],
        "gold_all": [sorted(g) for g in every],
        "missing_quotes": missing,
        "binding_found": sum(1 for g in binding if g & seen),
        "binding_in_must": sum(1 for g in binding if g & set(must)),
        "binding_n": len(binding),
        "all_found": sum(1 for g in every if g & seen),
        "all_n": len(every),
        "listed_right": sum(1 for cid in listed if cid in right),
        "listed_n": len(listed),
        # a case that does not say whether nothing binds is read from its gold: no binding provision, nothing binds
        "none_binding_ok": bool(result.get("nothing_binds")) == bool(case.get("none_binding", not case.get("binding"))),
        "grounded": bool(result.get("grounded", True)),
        "ms": float(result.get("ms", 0.0)),
        "error": result.get("error"),
    }


def summarise_profiles(rows: list[dict]) -> dict:
    """Pooled figures of a list of profile rows."""

    def ratio(a: str, b: str) -> float | None:
        den = sum(r[b] for r in rows)
        return round(sum(r[a] for r in rows) / den, 4) if den else None

    return {
        "n": len(rows),
        "binding_recall": ratio("binding_found", "binding_n"),
        "binding_in_must": ratio("binding_in_must", "binding_n"),
        "all_recall": ratio("all_found", "all_n"),
        "precision": ratio("listed_right", "listed_n"),
        "none_binding_accuracy": round(sum(r["none_binding_ok"] for r in rows) / len(rows), 4) if rows else None,
        "grounded": round(sum(r["grounded"] for r in rows) / len(rows), 4) if rows else None,
        "listed_per_profile": round(sum(r["listed_n"] for r in rows) / len(rows), 2) if rows else None,
        "p50_ms": round(percentile([r["ms"] for r in rows], 50), 2),
        "p95_ms": round(percentile([r["ms"] for r in rows], 95), 2),
        "errors": sum(1 for r in rows if r.get("error")),
    }


def run_profile(qa, case: dict) -> dict:
    """One profile through ``PolicyQA.obligations`` (a profile that raises is a failed row, never an abort)."""
    clauses = [c for c in qa.index.clauses if c.doc_id == case["doc"]]
    try:
        t0 = time.perf_counter()
        result = qa.obligations(case["profile"], doc=case["doc"]).to_dict()
        result["ms"] = (time.perf_counter() - t0) * 1000
    except Exception as exc:  # recorded: the report must say which profile broke
        result = {"error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}", "grounded": False}
    return score_profile(case, result, clauses)


def run_obligations(qa, split: str = "dev", doc: str | None = None, cases_dir: Path | None = None) -> dict:
    """Every profile of ``split`` for the documents ``qa`` holds: per document figures and the rows."""
    indexed = set(qa.index.state.docs)
    cases = [c for c in load_profiles(split, doc, cases_dir) if c["doc"] in indexed]
    for d in sorted({c["doc"] for c in cases}):
        qa.obligations("warm-up", doc=d)  # a document's phrases are embedded once per process, as a server does
    rows = [run_profile(qa, c) for c in cases]
    docs = sorted({r["doc"] for r in rows})
    return {
        "split": split,
        "overall": summarise_profiles(rows),
        "documents": {d: summarise_profiles([r for r in rows if r["doc"] == d]) for d in docs},
        "rows": rows,
    }


def format_line(summary: dict) -> str:
    """One readable line of a document's figures."""

    def f(v):
        return "-" if v is None else f"{v:.3f}"

    return (
        f"n={summary['n']}  binding recall {f(summary['binding_recall'])}  (in must {f(summary['binding_in_must'])})  "
        f"all recall {f(summary['all_recall'])}  precision {f(summary['precision'])}  "
        f"none-binding {f(summary['none_binding_accuracy'])}  grounded {f(summary['grounded'])}  "
        f"listed/profile {summary['listed_per_profile']}  p95 {summary['p95_ms']} ms"
    )
