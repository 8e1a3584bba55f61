"""Scoring rules on plain data: a case (dict from the set) and what a system returned."""

from __future__ import annotations

import statistics
from collections.abc import Callable


def flat(groups) -> list[str]:
    """``must_not`` may be a list of strings or of groups; either way, a flat list."""
    out: list[str] = []
    for g in groups or []:
        out.extend(g if isinstance(g, list) else [g])
    return out


def answer_correct(case: dict, text: str, abstained: bool, same_as: Callable[[str], list[str]] | None = None) -> bool:
    """Every must-group present, no must-not string, and abstained exactly when it should.

    ``same_as`` gives other spellings that say the same as a must string: the plan spells one
    bureau several ways ("Economic Information Commission", "Economic and Information
    Commission"), and naming the bureau in any of them names it.
    """
    low = text.lower()
    if any(s.lower() in low for s in flat(case.get("must_not"))):
        return False
    if case.get("abstain"):
        return abstained
    if abstained:
        return False

    def present(alt: str) -> bool:
        return any(s.lower() in low for s in [alt, *(same_as(alt) if same_as else [])])

    return all(any(present(alt) for alt in group) for group in case.get("must", []))


def recall_at(case: dict, ranking: list[str], k: int) -> float:
    """1 if a gold clause is in the top k ("any"), or the share of gold found ("all")."""
    gold = case.get("gold") or []
    top = ranking[:k]
    if case.get("gold_mode") == "all":
        return len(set(gold) & set(top)) / min(len(gold), k)
    return 1.0 if set(gold) & set(top) else 0.0


def reciprocal_rank(case: dict, ranking: list[str]) -> float:
    """1/rank of the first gold clause in the ranking (0 if absent)."""
    for i, cid in enumerate(ranking, start=1):
        if cid in (case.get("gold") or []):
            return 1.0 / i
    return 0.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of values (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summarise(rows: list[dict]) -> dict:
    """Aggregate per-case rows into the report's metrics."""
    # A row's gold (``doc:clause`` keys, resolved from ids or quotes) stands in for the case's own.
    rows = [{**r, "case": {**r["case"], "gold": r["gold"]}} if "gold" in r else r for r in rows]
    answerable = [r for r in rows if not r["case"].get("abstain")]
    with_gold = [r for r in answerable if r["case"].get("gold")]
    should_abstain = [r for r in rows if r["case"].get("abstain")]
    cited = [r for r in with_gold if r.get("cited")]

    def mean(xs):
        return round(statistics.fmean(xs), 4) if xs else None

    return {
        "n": len(rows),
        "answer_accuracy": mean([1.0 if r["correct"] else 0.0 for r in rows]),
        "recall@1": mean([recall_at(r["case"], r["ranking"], 1) for r in with_gold]),
        "recall@5": mean([recall_at(r["case"], r["ranking"], 5) for r in with_gold]),
        "mrr": mean([reciprocal_rank(r["case"], r["ranking"]) for r in with_gold]),
        # right passage cited: at least one citation is a gold provision
        "cited_right": mean([1.0 if set(r["cited"]) & set(r["case"]["gold"]) else 0.0 for r in with_gold]),
        "citation_precision": mean([len(set(r["cited"]) & set(r["case"]["gold"])) / len(r["cited"]) for r in cited]),
        "grounded": mean([1.0 if r["grounded"] else 0.0 for r in rows if r.get("grounded") is not None]),
        "abstention_accuracy": mean([1.0 if r["abstained"] else 0.0 for r in should_abstain]),
        "false_refusals": mean([1.0 if r["abstained"] else 0.0 for r in answerable]),
        "p50_ms": round(percentile([r["ms"] for r in rows], 50), 2),
        "p95_ms": round(percentile([r["ms"] for r in rows], 95), 2),
    }
