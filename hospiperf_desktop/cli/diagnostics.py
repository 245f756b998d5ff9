"""`diag …`: questionnaires, diagnostics, answers, evidence, scores, comparisons, plans."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    existing_file,
    print_json,
    record_id,
    services_for,
)
from hospiperf_desktop.diagnostics.library import QuestionnaireEntry
from hospiperf_desktop.diagnostics.plan_service import parse_due_date
from hospiperf_desktop.diagnostics.planning import ActionStatus, Priority
from hospiperf_desktop.diagnostics.records import DiagnosticSummary, PlanEntryChange
from hospiperf_desktop.diagnostics.scoring import NodeScore, ScoreReport
from hospiperf_desktop.diagnostics.sheets import parse_answer
from hospiperf_desktop.diagnostics.suitability import suitable
from hospiperf_desktop.diagnostics.template import Delay, Difficulty, Interest, Template
from hospiperf_desktop.diagnostics.texts import format_score
from hospiperf_desktop.diagnostics.workbook import WorkbookError
from hospiperf_desktop.files import write_bytes_atomically


def register(commands: Any) -> None:
    group = commands.add_parser("diag", help="self-assessment diagnostics").add_subparsers(
        dest="diag_command", metavar="ACTION", required=True
    )
    templates = group.add_parser("templates", help="list the questionnaires")
    templates.add_argument(
        "--establishment",
        metavar="FINESS",
        help="only those that suit this establishment, the suggested one first",
    )
    templates.add_argument("--json", action="store_true")
    templates.set_defaults(handler=_templates)

    new = group.add_parser("new", help="start a diagnostic; prints its id")
    new.add_argument("--template", required=True, metavar="ID")
    new.add_argument("--establishment", required=True, metavar="FINESS")
    new.add_argument("--label", default="")
    new.add_argument("--json", action="store_true")
    new.set_defaults(handler=_new)

    listing = group.add_parser("list", help="list diagnostics")
    listing.add_argument("--establishment", metavar="FINESS")
    listing.add_argument("--template", metavar="ID")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    show = group.add_parser("show", help="a diagnostic and its items")
    show.add_argument("id", type=record_id)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    answer = group.add_parser("answer", help="answer items from a CSV or XLSX sheet")
    answer.add_argument("id", type=record_id)
    answer.add_argument(
        "--file", required=True, type=existing_file, help="columns item_id,answer,comment"
    )
    answer.set_defaults(handler=_answer)

    single = group.add_parser("set", help="answer one item")
    single.add_argument("id", type=record_id)
    single.add_argument("item")
    single.add_argument("answer", help="yes, mostly, partly, no, na, or '' to clear")
    single.add_argument("--comment")
    single.set_defaults(handler=_set)

    scoring = group.add_parser("score", help="scores per axis and overall")
    scoring.add_argument("id", type=record_id)
    scoring.add_argument("--json", action="store_true")
    scoring.set_defaults(handler=_score)

    validate = group.add_parser("validate", help="lock a diagnostic and propose its plan")
    validate.add_argument("id", type=record_id)
    validate.set_defaults(handler=_validate)

    reopen = group.add_parser("reopen", help="unlock a validated diagnostic (audited)")
    reopen.add_argument("id", type=record_id)
    reopen.add_argument("--reason", required=True)
    reopen.set_defaults(handler=_reopen)

    comparing = group.add_parser("compare", help="compare two campaigns (BEFORE AFTER)")
    comparing.add_argument("before", type=record_id)
    comparing.add_argument("after", type=record_id)
    comparing.add_argument("--json", action="store_true")
    comparing.set_defaults(handler=_compare)

    peers = group.add_parser("peers", help="compare establishments on one questionnaire")
    peers.add_argument("--template", required=True, metavar="ID")
    peers.add_argument("--validated-only", action="store_true")
    peers.add_argument("--json", action="store_true")
    peers.set_defaults(handler=_peers)

    plan = group.add_parser("plan", help="the action plan; --pdf/--xlsx write the report")
    plan.add_argument("id", type=record_id)
    plan.add_argument("--pdf", type=Path, metavar="OUT")
    plan.add_argument("--xlsx", type=Path, metavar="OUT")
    plan.add_argument(
        "--no-comments", action="store_true", help="leave the items' comments out of the PDF"
    )
    plan.add_argument("--json", action="store_true")
    plan.set_defaults(handler=_plan)

    evidence = group.add_parser("evidence", help="attach an evidence file to an item")
    evidence.add_argument("id", type=record_id)
    evidence.add_argument("item")
    evidence.add_argument("file", type=existing_file)
    evidence.set_defaults(handler=_evidence)

    saving = group.add_parser("evidence-save", help="write a stored evidence file out")
    saving.add_argument("evidence_id", type=record_id)
    saving.add_argument("--out", type=Path, required=True)
    saving.set_defaults(handler=_evidence_save)

    removing = group.add_parser("evidence-remove", help="remove an evidence file")
    removing.add_argument("evidence_id", type=record_id)
    removing.set_defaults(handler=_evidence_remove)

    delete = group.add_parser("delete", help="delete a draft diagnostic")
    delete.add_argument("id", type=record_id)
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.set_defaults(handler=_delete)

    plan_add = group.add_parser("plan-add", help="add the team's own action to a plan")
    plan_add.add_argument("id", type=record_id)
    plan_add.add_argument("--item", required=True)
    plan_add.add_argument("--text", required=True)
    plan_add.add_argument("--interest", choices=[i.value for i in Interest], default="moyen")
    plan_add.add_argument("--difficulty", choices=[d.value for d in Difficulty], default="moyenne")
    plan_add.add_argument("--delay", choices=[d.value for d in Delay], default="moyen")
    plan_add.add_argument("--indicator", default="")
    plan_add.set_defaults(handler=_plan_add)

    plan_update = group.add_parser("plan-update", help="follow up a plan action")
    plan_update.add_argument("entry_id", type=record_id)
    plan_update.add_argument("--owner")
    plan_update.add_argument("--due", help="31/12/2026, or '' for none")
    plan_update.add_argument("--status", choices=[s.value for s in ActionStatus])
    plan_update.add_argument("--priority", choices=["1", "2", "3", "auto"])
    plan_update.add_argument("--json", action="store_true")
    plan_update.set_defaults(handler=_plan_update)

    plan_remove = group.add_parser("plan-remove", help="remove an action from a plan")
    plan_remove.add_argument("entry_id", type=record_id)
    plan_remove.set_defaults(handler=_plan_remove)

    _register_questionnaires(group)

    blank = group.add_parser("blank", help="print the empty paper grid of a questionnaire")
    blank.add_argument("template", metavar="ID")
    blank.add_argument("--version", metavar="V", help="default: the offered (or latest) one")
    blank.add_argument("--pdf", type=Path, required=True, metavar="FILE")
    blank.set_defaults(handler=_blank)

    sheet = group.add_parser("sheet", help="an empty answer sheet, its items listed")
    sheet.add_argument("template", metavar="ID")
    sheet.add_argument("--version", metavar="V", help="default: the offered (or latest) one")
    sheet.add_argument("--xlsx", type=Path, required=True, metavar="FILE")
    sheet.set_defaults(handler=_sheet)


def _register_questionnaires(group: Any) -> None:
    """`diag questionnaire export|check|import|list|retire` (docs/questionnaire-workbook.md)."""
    questionnaire = group.add_parser(
        "questionnaire", help="questionnaire workbooks and the questionnaire library"
    ).add_subparsers(dest="questionnaire_command", metavar="ACTION", required=True)
    export = questionnaire.add_parser("export", help="write a questionnaire as a workbook")
    export.add_argument("template", metavar="ID")
    export.add_argument("--version", metavar="V", help="default: the offered (or latest) one")
    export.add_argument("--xlsx", type=Path, required=True, metavar="FILE")
    export.set_defaults(handler=_questionnaire_export)
    check = questionnaire.add_parser("check", help="report every problem of a workbook")
    check.add_argument("file", type=existing_file)
    check.set_defaults(handler=_questionnaire_check)
    install = questionnaire.add_parser("import", help="check, then install a workbook")
    install.add_argument("file", type=existing_file)
    install.add_argument("--json", action="store_true", help="print the installed JSON")
    install.set_defaults(handler=_questionnaire_import)
    listing = questionnaire.add_parser("list", help="the library: every questionnaire version")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_questionnaire_list)
    retire = questionnaire.add_parser("retire", help="hide a version from new diagnostics")
    retire.add_argument("template", metavar="ID")
    retire.add_argument("version", metavar="V")
    retire.add_argument("--restore", action="store_true", help="offer it again")
    retire.set_defaults(handler=_questionnaire_retire)


def _blank(args: argparse.Namespace) -> int:
    from hospiperf_desktop.diagnostics.blank_pdf import write_blank_grid

    with services_for(args) as services:
        template = services.questionnaires.version_template(args.template, args.version)
    write_blank_grid(template, args.pdf)
    print(f"{template.key} blank grid written: {args.pdf}")
    return EXIT_OK


def _sheet(args: argparse.Namespace) -> int:
    from hospiperf_desktop.diagnostics.sheets import write_answer_template

    with services_for(args) as services:
        template = services.questionnaires.version_template(args.template, args.version)
    write_answer_template(template, args.xlsx)
    print(f"{template.key} answer sheet written: {args.xlsx}")
    return EXIT_OK


def _print_problems(err: WorkbookError) -> int:
    """Every problem, one per line, after a first line that counts them."""
    count = len(err.problems)
    print(
        f"hospiperf: error: {err.file} : {count} problème(s), rien n'est installé", file=sys.stderr
    )
    for problem in err.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_ERROR


def _questionnaire_export(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        template = services.questionnaires.export_workbook(args.template, args.version, args.xlsx)
    print(f"{template.key} written: {args.xlsx}")
    return EXIT_OK


def _questionnaire_check(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        try:
            _document, template = services.questionnaires.check_workbook(args.file)
        except WorkbookError as err:
            return _print_problems(err)
    print(f"{args.file.name} : aucun problème — {template.key}, {len(template.items)} items")
    return EXIT_OK


def _questionnaire_import(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        try:
            template = services.questionnaires.install_workbook(args.file)
        except WorkbookError as err:
            return _print_problems(err)
        content = services.questionnaires.version_source(template.id, template.version)
    if args.json:
        sys.stdout.write(content.decode("utf-8"))
    else:
        print(f"{template.key} installed from {args.file.name} ({len(template.items)} items)")
    return EXIT_OK


def _questionnaire_list(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        entries = services.questionnaires.list()
    if args.json:
        print_json([_entry_json(entry) for entry in entries])
        return EXIT_OK
    for entry in entries:
        for v in entry.versions:
            state = "retired" if v.retired else ("offered" if v.offered else "")
            origin = v.origin_kind + (f" {v.origin_source}" if v.origin_source else "")
            print(
                f"{v.key:<48} {v.item_count:>4} items {v.diagnostics:>3} diag."
                f"  {origin:<30} {state}"
            )
    return EXIT_OK


def _entry_json(entry: QuestionnaireEntry) -> dict[str, Any]:
    return {
        "id": entry.template_id,
        "title": entry.title,
        "shipped": entry.shipped,
        "versions": [
            {
                "version": v.version,
                "title": v.title,
                "target": v.target.value,
                "family": v.family,
                "items": v.item_count,
                "sha256": v.sha256,
                "origin": v.origin_kind,
                "source": v.origin_source,
                "installed_at": v.installed_at.isoformat() if v.installed_at else None,
                "installed_by": v.installed_by,
                "retired": v.retired,
                "offered": v.offered,
                "diagnostics": v.diagnostics,
            }
            for v in entry.versions
        ],
    }


def _questionnaire_retire(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        services.questionnaires.retire(args.template, args.version, retired=not args.restore)
    print(f"{args.template}@{args.version} {'offered again' if args.restore else 'retired'}")
    return EXIT_OK


def _templates(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        templates: Sequence[Template] = services.diagnostics.templates()
        if args.establishment:
            establishment = services.establishments.by_finess(args.establishment)
            templates = suitable(templates, establishment)
    if args.json:
        print_json(
            [
                {
                    "id": t.id,
                    "version": t.version,
                    "title": t.title,
                    "target": t.target.value,
                    "family": t.family,
                    "overseas": t.overseas,
                    "axes": len(t.axes),
                    "themes": len(t.themes),
                    "items": len(t.items),
                }
                for t in templates
            ]
        )
        return EXIT_OK
    for t in templates:
        print(f"{t.id:<40} v{t.version:<7} {len(t.items):>4} items  {t.title}")
    return EXIT_OK


def _summary_line(s: DiagnosticSummary) -> str:
    state = "validated" if s.locked else "draft"
    return (
        f"#{s.id:<4} {s.establishment_finess} {s.template_id}@{s.template_version} [{state}]"
        f" {s.completion:.0f}% done, score {format_score(s.score)}  {s.label}"
    )


def _new(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        summary = services.diagnostics.create(args.template, establishment.id, args.label)
    if args.json:
        print_json(summary)
    else:
        print(summary.id)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment_id = None
        if args.establishment:
            establishment_id = services.establishments.by_finess(args.establishment).id
        summaries = services.diagnostics.list(establishment_id, args.template)
    if args.json:
        print_json(summaries)
    for s in [] if args.json else summaries:
        print(_summary_line(s))
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        detail = services.diagnostics.get(args.id)
    template = detail.template
    items = []
    for item in template.items:
        place = template.places[item.id]
        answer = detail.answers.get(item.id)
        items.append(
            {
                "id": item.id,
                "text": item.text,
                "volet": place.volet.id,
                "axis": place.axis.id,
                "theme": place.theme.id,
                "critical": item.critical,
                "weight": item.weight,
                "answers_allowed": [c.value for c in item.codes],
                "answer": answer.code.value if answer and answer.code else None,
                "comment": answer.comment if answer else "",
                "evidence": [e.filename for e in detail.evidence if e.item_id == item.id],
            }
        )
    if args.json:
        print_json({"diagnostic": asdict(detail.summary), "items": items})
        return EXIT_OK
    print(_summary_line(detail.summary))
    for entry in items:
        mark = "!" if entry["critical"] else " "
        print(f"{entry['id']:<7}{mark} {entry['answer'] or '-':<7} {entry['text']}")
    return EXIT_OK


def _answer(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        changed = services.diagnostics.import_answer_file(args.id, args.file)
    print(f"{changed} item(s) updated from {args.file.name}")
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    try:
        code = parse_answer(args.answer)
    except ValueError as err:
        raise CliError(f"{err}; expected yes, mostly, partly, no or na") from err
    with services_for(args) as services:
        services.diagnostics.answer(args.id, args.item, code, args.comment)
    return EXIT_OK


def _node(node: NodeScore) -> dict[str, Any]:
    return {
        "id": node.id,
        "label": node.label,
        "score": None if node.score is None else round(node.score, 2),
        "completion": round(node.completion, 2),
        "answered": node.answered,
        "total": node.total,
    }


def _score_json(report: ScoreReport) -> dict[str, Any]:
    return {
        "overall": _node(report.overall),
        "volets": [_node(n) for n in report.volets],
        "axes": [_node(n) for n in report.axes],
        "themes": [_node(n) for n in report.themes],
        "critical_failures": list(report.critical_failures),
    }


def _score(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        report = services.diagnostics.score(args.id)
    if args.json:
        print_json(_score_json(report))
        return EXIT_OK
    overall = report.overall
    print(f"overall {format_score(overall.score)} ({overall.completion:.0f}% answered)")
    for axis in report.axes:
        print(f"  {axis.id:<4} {format_score(axis.score):>8}  {axis.label}")
    if report.critical_failures:
        print("critical items failed: " + ", ".join(report.critical_failures))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        summary = services.diagnostics.validate(args.id)
        actions = len(services.plans.plan(args.id))
    print(f"diagnostic {summary.id} validated; the plan holds {actions} action(s)")
    return EXIT_OK


def _reopen(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        summary = services.diagnostics.reopen(args.id, args.reason)
    print(f"diagnostic {summary.id} reopened")
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        comparison = services.diagnostics.compare(args.before, args.after)
    data = {
        "overall": {**vars(comparison.overall), "delta": comparison.overall.delta},
        "axes": [{**vars(a), "delta": a.delta} for a in comparison.axes],
        "worse": [vars(c) for c in comparison.worse],
        "better": [vars(c) for c in comparison.better],
        "versions": [comparison.before_version, comparison.after_version],
        "added": [vars(e) for e in comparison.added],
        "removed": [vars(e) for e in comparison.removed],
        "reworded": [vars(e) for e in comparison.reworded],
    }
    if args.json:
        print_json(data)
        return EXIT_OK
    for axis in comparison.axes:
        delta = "—" if axis.delta is None else f"{axis.delta:+.1f}"
        print(
            f"{axis.id:<4} {format_score(axis.before):>8} → {format_score(axis.after):>8}"
            f" {delta:>7}  {axis.label}"
        )
    for change in comparison.worse:
        print(f"worse: {change.item_id} {change.before} → {change.after}  {change.text}")
    if comparison.before_version != comparison.after_version:
        print(f"versions: {comparison.before_version} → {comparison.after_version}")
    for label, edits in (
        ("added", comparison.added),
        ("removed", comparison.removed),
        ("reworded", comparison.reworded),
    ):
        for edit in edits:
            print(f"{label}: {edit.item_id}  {edit.after_text or edit.before_text}")
    return EXIT_OK


def _peers(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        peers = services.diagnostics.compare_establishments(args.template, args.validated_only)
    if args.json:
        print_json(peers)
        return EXIT_OK
    print("establishment".ljust(40) + "overall  " + " ".join(a for a, _ in peers.axes))
    for row in peers.rows:
        axes = " ".join(format_score(row.axes[a]) for a, _ in peers.axes)
        print(f"{row.establishment_name[:39]:<40}{format_score(row.overall):>8} {axes}")
    return EXIT_OK


def _plan(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        plan = services.plans.plan(args.id)
        services.reports.write(args.id, pdf=args.pdf, xlsx=args.xlsx, comments=not args.no_comments)
    if args.json:
        print_json(plan)
    else:
        for entry in plan:
            print(f"P{int(entry.priority)} {entry.item_id:<7} [{entry.status.value}] {entry.text}")
    for label, path in (("PDF", args.pdf), ("Excel", args.xlsx)):
        if path is not None:  # on stderr with --json, so that stdout stays one JSON value
            print(f"{label} written: {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _evidence(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CliError(f"{args.file}: file not found")
    with services_for(args) as services:
        record = services.diagnostics.add_evidence(args.id, args.item, args.file)
    print(f"{record.filename} attached to {record.item_id} (sha256 {record.sha256})")
    return EXIT_OK


def _evidence_save(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        record, content = services.diagnostics.evidence_content(args.evidence_id)
    write_bytes_atomically(args.out, content)
    print(f"{record.filename} written to {args.out}")
    return EXIT_OK


def _evidence_remove(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        services.diagnostics.remove_evidence(args.evidence_id)
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("add --yes to delete the diagnostic, its answers, evidence and plan")
    with services_for(args) as services:
        services.diagnostics.delete(args.id)
    print(f"diagnostic {args.id} deleted")
    return EXIT_OK


def _plan_add(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        entry = services.plans.add(
            args.id,
            args.item,
            args.text,
            Interest(args.interest),
            Difficulty(args.difficulty),
            Delay(args.delay),
            args.indicator,
        )
    print(entry.id)
    return EXIT_OK


def _plan_update(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        entry = services.plans.entry(args.entry_id)
        priority: Priority | None = entry.priority if entry.priority_overridden else None
        if args.priority is not None:
            priority = None if args.priority == "auto" else Priority(int(args.priority))
        change = PlanEntryChange(
            owner=entry.owner if args.owner is None else args.owner,
            due_date=entry.due_date if args.due is None else parse_due_date(args.due),
            status=entry.status if args.status is None else ActionStatus(args.status),
            priority=priority,
        )
        updated = services.plans.update(args.entry_id, change)
    if args.json:
        print_json(updated)
    return EXIT_OK


def _plan_remove(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        removed = services.plans.delete(args.entry_id)
    if not removed:
        print(f"action {args.entry_id} came from the questionnaire: marked abandoned")
    return EXIT_OK
