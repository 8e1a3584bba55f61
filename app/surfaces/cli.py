"""The ``policyqa`` command line. Every read command takes ``--json``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from policyqa.engine.text import valid_text
from policyqa.errors import PolicyQAError
from policyqa.settings import get_settings


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _ensure_index() -> None:
    """Ingest the bundled corpus when the data dir has no index yet, so that the first ``ask`` after install
    answers instead of failing; said on stderr, so that ``--json`` output stays clean."""
    from policyqa.engine.store import read_state

    data_dir = get_settings().data_dir
    if read_state(data_dir) is None:
        print(f"No index yet in {data_dir}: ingesting the bundled corpus first (once).", file=sys.stderr)
        cmd_ingest(argparse.Namespace(paths=[], rebuild=False, json=False), quiet=True)


def _qa():
    from policyqa.engine.core import get_policyqa

    _ensure_index()
    return get_policyqa()


def _clauses_only():
    """Clauses of the live index without loading the model (fast read commands)."""
    from policyqa.engine.store import load_live_clauses

    _ensure_index()
    return load_live_clauses(get_settings().data_dir)[1]


def cmd_ingest(args, quiet: bool = False) -> int:
    from policyqa.engine.store import set_aside_damaged_store
    from policyqa.ingest.build import ingest

    if args.rebuild:
        aside = set_aside_damaged_store(get_settings())
        if aside is not None:
            print(f"The Chroma store could not be opened; moved it to {aside} and rebuilding.", file=sys.stderr)
    from policyqa.surfaces.plans import report_lines

    report = ingest(get_settings(), [Path(p) for p in args.paths] or None, rebuild=args.rebuild, progress=not args.json)
    if quiet:  # ingested on the way to another command: one line on stderr, its output stays the command's own
        print(report_lines(report)[0], file=sys.stderr)
        return 0
    if args.json:
        _print_json(report.to_dict())
        return 0
    print("\n".join(report_lines(report)))
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_remove(args) -> int:
    from policyqa.engine.store import read_state
    from policyqa.ingest.build import remove
    from policyqa.surfaces.plans import report_lines, sweep

    settings = get_settings()
    state = read_state(settings.data_dir)
    if state is None:
        raise PolicyQAError("Nothing is indexed yet.", "run: policyqa ingest (the corpus) or policyqa ingest FILE")
    if args.doc_id not in state.docs:
        raise PolicyQAError(
            f"No document {args.doc_id!r} in the index.",
            f"use one of: {', '.join(state.docs)} (policyqa docs lists them).",
        )
    if not args.yes:
        title = state.docs[args.doc_id].get("title", args.doc_id)
        print(f"Remove {args.doc_id} ({title}) from the index? [y/N] ", end="", file=sys.stderr, flush=True)
        reply = sys.stdin.readline().strip().lower()
        if reply not in {"y", "yes"}:
            print("Not removed.", file=sys.stderr)
            return 1
    report = remove(settings, args.doc_id, progress=False)
    sweep(settings, args.doc_id)  # the file, when it was uploaded through the app
    if args.json:
        _print_json(report.to_dict())
    else:
        print("\n".join(report_lines(report)))
    return 0


def cmd_clauses(args) -> int:
    for c in _of_doc(_clauses_only(), args.doc):
        if args.json:
            _print_json(c.to_dict())
        else:
            lead = f" lead: {'; '.join(c.lead)}" if c.lead else ""
            print(f"{c.clause_id:8} {c.text[:70]}{'…' if len(c.text) > 70 else ''}{lead}")
    return 0


def _of_doc(clauses: list, doc: str | None) -> list:
    """``clauses`` of one document (all when ``doc`` is None); an unknown doc id is an error."""
    if doc is None:
        return clauses
    out = [c for c in clauses if c.doc_id == doc]
    if not out:
        known = ", ".join(dict.fromkeys(c.doc_id for c in clauses))
        raise PolicyQAError(f"No document {doc!r} in the index.", f"use one of: {known} (policyqa docs lists them).")
    return out


def cmd_docs(args) -> int:
    from policyqa.engine.store import read_state

    state = read_state(get_settings().data_dir)
    if state is None:
        raise PolicyQAError("Nothing is indexed yet.", "run: policyqa ingest (the corpus) or policyqa ingest FILE")
    for doc_id, info in state.docs.items():
        stated = info.get("provenance") or {}  # issuer and date, where the document states them
        row = {
            "doc_id": doc_id,
            "title": info.get("title", doc_id),
            "issuer": stated.get("issuer", ""),
            "date": stated.get("date", ""),
            "date_kind": stated.get("date_kind", ""),
            "path": info.get("path", ""),
            "clauses": info.get("clauses", 0),
            "actors": len(info.get("actors", [])),
            "facts": info.get("facts", {}),
        }
        if args.json:
            _print_json(row)
        else:
            print(f"{doc_id}\n  {row['title']}")
            said = [f"issued by {row['issuer']}" if row["issuer"] else "", f"{row['date_kind']} {row['date']}".strip()]
            if any(said):  # only what the document states: "issued by X; signed 2021-01-27"
                print(f"  {'; '.join(p for p in said if p)}")
            print(f"  {row['clauses']} provisions, {row['actors']} actors, {row['path']}")
    return 0


def cmd_show(args) -> int:
    matches = [c for c in _of_doc(_clauses_only(), args.doc) if c.clause_id == args.clause_id]
    if not matches:
        raise PolicyQAError(
            f"No clause {args.clause_id!r} in the index.", "see policyqa clauses for the ids (e.g. 3.9.2)."
        )
    c = matches[0]
    if args.json:
        _print_json(c.to_dict())
        return 0
    print(f"{c.display_id} ({c.doc_id}) — {c.heading_text}\n\n{c.text}\n")
    print(f"Lead:        {'; '.join(c.lead) or '(none named)'}")
    print(f"Responsible: {'; '.join(c.responsible) or '(none)'}")
    if c.consulted:
        print(f"Consulted:   {'; '.join(c.consulted)}")
    for d in c.deadlines:
        print(f"Deadline:    {d.text} ({d.kind})")
    for s in c.scope:
        print(f"Scope:       {s}")
    for t in c.targets:
        print(f"Target:      {t.value_text} ({t.direction}, {t.year or 'no year'}) — {t.measure}")
    return 0


def cmd_targets(args) -> int:
    for c in _of_doc(_clauses_only(), args.doc):
        for t in c.targets:
            if args.json:
                _print_json(t.__dict__)
            else:
                print(f"{t.clause_id:8} {t.value_text:>22}  {t.direction:9} {t.year or '':4}  {t.measure[:70]}")
    return 0


def cmd_agencies(args) -> int:
    from policyqa.engine.agencies import registry_for

    registry = registry_for(get_settings().corpus_dir)  # for Chinese names, where the corpus list has them
    clauses = _of_doc(_clauses_only(), args.doc)
    names = list(dict.fromkeys(a for c in clauses for a in [*c.lead, *c.responsible, *c.consulted]))
    for name in names:
        row = registry.by_name.get(name)
        entry = {
            "agency": name,
            "zh": row.zh_name if row else "",
            "short": row.short if row else [],
            "leads": [c.clause_id for c in clauses if name in c.lead],
            "shares": [c.clause_id for c in clauses if name in c.responsible],
            "consulted": [c.clause_id for c in clauses if name in c.consulted],
        }
        if args.json:
            _print_json(entry)
        else:
            zh = f" ({entry['zh']})" if entry["zh"] else ""
            leads, shares = ", ".join(entry["leads"]) or "-", ", ".join(entry["shares"]) or "-"
            print(f"{name}{zh}\n  leads:  {leads}\n  shares: {shares}")
    return 0


def render_answer(ans, plans: dict[str, str] | None = None) -> str:
    """An answer as readable text: the answer, then each citation with its quote. With ``plans`` (doc id →
    short title, given when more than one plan is indexed) each citation names its plan beside the
    provision as the document prints it: "[EO 14008 Sec. 205(a)]", "[Chongqing plan 3.9.2]"."""
    out = [ans.answer]
    if ans.document:
        out.append(f"(from: {ans.document})")
    if ans.fallback:
        out.append(f"(LLM not used: {ans.fallback})")
    for c in ans.citations:
        plan = (plans or {}).get(c.doc_id, "")
        if plan:
            out.append(f"\n[{plan} {c.label or c.clause_id}] {c.heading}")
        else:
            out.append(f"\n[{c.clause_id}] {c.label + ' — ' if c.label else ''}{c.heading}")
        if c.lead:
            out.append(f"  lead: {'; '.join(c.lead)}")
        out.append(f'  "{c.quote}"')
    if ans.related:  # provisions of the document the answer rests on
        plan = (plans or {}).get(ans.doc_id, "")
        out.append(f"\nRelated{f' ({plan})' if plan else ''}: {', '.join(ans.related)}")
    return "\n".join(out)


def cmd_ask(args) -> int:
    question = valid_text(" ".join(args.question)).strip() if args.question else None
    if question is None:
        if not args.json:
            raise PolicyQAError("No question given.", 'policyqa ask "Which bureau leads VOC remediation?"')
        qa = _qa()
        if hasattr(sys.stdin, "reconfigure"):
            sys.stdin.reconfigure(errors="replace")  # a stray byte is one bad character, not a crash
        for line in sys.stdin:
            line = valid_text(line.rstrip("\n"))
            if not line.strip():
                continue
            try:
                _print_json(qa.answer(line, doc=args.doc).to_dict())
            except PolicyQAError as err:
                _print_json({"question": line, "error": str(err)})
            except Exception as err:  # one line that breaks must not stop the batch: say which, and go on
                _print_json(
                    {"question": line, "error": f"internal error ({type(err).__name__}: {err}); please report it"}
                )
            sys.stdout.flush()
        return 0
    if not question:
        raise PolicyQAError("The question is empty.", 'policyqa ask "Which bureau leads VOC remediation?"')
    qa = _qa()
    ans = qa.answer(question, doc=args.doc)
    if args.json:
        _print_json(ans.to_dict())
    else:
        from policyqa.engine.titles import short_titles

        shorts = short_titles(qa)
        print(render_answer(ans, shorts if len(shorts) > 1 else None))
    return 0


def render_obligations(result) -> str:
    """What applies to a profile as readable text (the answer's own text, then where it comes from)."""
    out = [result.text or result.message]
    if result.documents and len(result.documents) == 1:
        out.append(f"(from: {result.documents[0]})")
    return "\n".join(out)


def cmd_obligations(args) -> int:
    profile = valid_text(" ".join(args.profile)).strip()
    if not profile and not args.form:
        raise PolicyQAError(
            "No profile given.", 'policyqa obligations "a printing plant with solvent inks in an industrial park"'
        )
    form = None
    if args.form:
        try:
            form = json.loads(args.form)
        except json.JSONDecodeError as exc:
            raise PolicyQAError(
                f"--form is not JSON ({exc.msg}).", """pass an object, e.g. --form '{"location": "industrial park"}'"""
            ) from exc
    result = _qa().obligations(profile, doc=args.doc, form=form)
    if args.json:
        _print_json(result.to_dict())
    else:
        print(render_obligations(result))
    return 0


def cmd_eval(args) -> int:
    from policyqa.eval.harness import format_report, run_eval

    report = run_eval(
        set_path=Path(args.set) if args.set else None, split=args.split, use_llm=args.llm, baseline=not args.no_baseline
    )
    if args.json:
        _print_json(report)
    else:
        print(format_report(report))
    return 0


def cmd_serve(args) -> int:
    from policyqa.surfaces.web import serve

    _ensure_index()
    serve(host=args.host, port=args.port, no_auth=args.no_auth)
    return 0


def cmd_bench(args) -> int:
    from policyqa.tools.bench import run_bench

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    result = run_bench(sizes, server=args.server, out_dir=Path(args.out) if args.out else None)
    if args.json:
        _print_json(result)
    return 0


def cmd_config(args) -> int:
    s = get_settings()
    rows = {}
    for name in type(s).model_fields:
        value = getattr(s, name)
        if hasattr(value, "get_secret_value"):
            value = "********" if value.get_secret_value() else ""
        rows[f"POLICYQA_{name.upper()}"] = None if value is None else str(value)
    if args.json:
        _print_json(rows)
    else:
        for k, v in rows.items():
            print(f"{k:32} {v if v is not None else '(unset)'}")
    return 0


def cmd_doctor(args) -> int:
    from policyqa.tools.doctor import run_checks

    checks = run_checks(get_settings())
    if args.json:
        _print_json(checks)
    else:
        for c in checks:
            print(f"{'ok  ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}")
            if not c["ok"] and c.get("fix"):
                print(f"     fix: {c['fix']}")
    return 0 if all(c["ok"] for c in checks) else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept separate so the README's command list can be tested)."""
    p = argparse.ArgumentParser(
        prog="policyqa", description="Questions over government policy plans, answered from cited clauses."
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="parse and index the corpus (or the given files)")
    s.add_argument("paths", nargs="*", help=".txt .md .docx .pdf .html files (default: the corpus)")
    s.add_argument("--rebuild", action="store_true", help="re-embed everything")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("remove", help="take a document out of the index (a new generation without it)")
    s.add_argument("doc_id", help="the doc id (policyqa docs lists them)")
    s.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_remove)

    s = sub.add_parser("clauses", help="list clauses")
    s.add_argument("--doc", help="only this doc id")
    s.add_argument("--json", action="store_true", help="JSON Lines, one clause per line")
    s.set_defaults(func=cmd_clauses)

    s = sub.add_parser("show", help="one clause with heading, agencies, targets and deadlines")
    s.add_argument("clause_id")
    s.add_argument("--doc", help="the document (doc id) when several have this clause id")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)

    for name, func, text in (
        ("targets", cmd_targets, "every quantitative target"),
        ("agencies", cmd_agencies, "each agency with the clauses it leads and shares"),
    ):
        s = sub.add_parser(name, help=text)
        s.add_argument("--doc", help="only this doc id")
        s.add_argument("--json", action="store_true")
        s.set_defaults(func=func)

    for name, func, text in (
        ("docs", cmd_docs, "the indexed documents with what was read from each"),
        ("config", cmd_config, "settings in force (secrets masked)"),
        ("doctor", cmd_doctor, "check model, index, Chroma, LLM and data dir"),
    ):
        s = sub.add_parser(name, help=text)
        s.add_argument("--json", action="store_true")
        s.set_defaults(func=func)

    s = sub.add_parser("ask", help="answer a question with cited clauses")
    s.add_argument("question", nargs="*", help="the question (with --json and none: read stdin lines)")
    s.add_argument("--doc", help="answer from this doc id only (default: the documents the question is about)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("obligations", help="what applies to an enterprise describing itself, and why")
    s.add_argument("profile", nargs="*", help="the enterprise in your own words")
    s.add_argument("--doc", help="only this doc id (default: every indexed document)")
    s.add_argument(
        "--form", help="form fields as JSON: sector, products, equipment, location, energy_use, ownership, projects"
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_obligations)

    s = sub.add_parser("eval", help="run the evaluation set beside the tutorial RAG baseline")
    s.add_argument("--json", action="store_true")
    s.add_argument("--set", help="cases file or folder (default: eval/)")
    s.add_argument("--split", choices=["all", "dev", "heldout"], default="all")
    s.add_argument("--llm", action="store_true", help="also score the LLM path")
    s.add_argument("--no-baseline", action="store_true", help="skip the tutorial RAG baseline")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("serve", help="start the web app")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.add_argument("--no-auth", action="store_true", help="allow a non-loopback host without auth")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("bench", help="benchmark ingest and answer latency by corpus size")
    s.add_argument("--json", action="store_true")
    s.add_argument("--sizes", default="49,5000,50000")
    s.add_argument("--server", action="store_true", help="also against a Chroma server")
    s.add_argument("--out", help="folder for the JSON and PNG chart")
    s.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``policyqa`` console script."""
    args = build_parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # e.g. a file name that is not valid UTF-8
    try:
        return args.func(args)
    except PolicyQAError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
