"""`activity …`, `uo …` and `dashboard`: activity values, work units, the PUI dashboard."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.activity.texts import UNIT_LABELS, format_pct, format_value, origin_text
from hospiperf_desktop.activity.unusual import Confirmation
from hospiperf_desktop.activity.uo_tables import UoResult, UoTable
from hospiperf_desktop.activity.work_units import UoReport
from hospiperf_desktop.cli.common import (
    EXIT_OK,
    CliError,
    ambiguity_refusal,
    checked_number,
    dot_options,
    existing_file,
    print_json,
    services_for,
    year,
)
from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.stock.cells import CellError, parse_number


def _value(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = parse_number(text.strip().rstrip("%").strip())
    except CellError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return checked_number(value, text)


def register(commands: Any) -> None:
    _register_activity(commands)
    _register_uo(commands)
    dash = commands.add_parser("dashboard", help="the PUI steering dashboard against N-1")
    dash.add_argument("--establishment", required=True, metavar="FINESS")
    dash.add_argument("--year", required=True, type=year)
    dash.add_argument("--xlsx", type=Path, metavar="OUT")
    dash.add_argument("--pdf", type=Path, metavar="OUT")
    dash.add_argument("--json", action="store_true")
    dash.set_defaults(handler=_dashboard)


def _register_activity(commands: Any) -> None:
    group = commands.add_parser("activity", help="activity counts").add_subparsers(
        dest="activity_command", metavar="ACTION", required=True
    )

    def where(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--establishment", required=True, metavar="FINESS")
        parser.add_argument("--year", required=True, type=year)

    imp = group.add_parser("import", help="import an activity sheet (xlsx, xls, ods, csv)")
    imp.add_argument("file", type=existing_file)
    where(imp)
    imp.add_argument("--json", action="store_true")
    confirm_unusual(imp)
    dot_options(imp)
    imp.set_defaults(handler=_import)

    exp = group.add_parser("export", help="write the activity workbook (the import layout)")
    where(exp)
    exp.add_argument("--xlsx", required=True, type=Path, metavar="OUT")
    exp.set_defaults(handler=_export)

    show = group.add_parser("show", help="every measure's value for the year and its origin")
    where(show)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    set_ = group.add_parser("set", help="enter one value ('' clears it)")
    where(set_)
    set_.add_argument("measure")
    set_.add_argument("value", type=_value)
    set_.add_argument("--month", type=int, default=0, help="1-12; default: the whole year")
    confirm_unusual(set_)
    set_.set_defaults(handler=_set)

    measures = group.add_parser("measures", help="the measures, by family")
    measures.add_argument("--json", action="store_true")
    measures.set_defaults(handler=_measures)

    purge = group.add_parser("purge", help="remove an establishment's activity and UO results")
    purge.add_argument("--establishment", required=True, metavar="FINESS")
    purge.set_defaults(handler=_purge)


def confirm_unusual(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--confirm-unusual",
        metavar="JUSTIFICATION",
        help="keep values outside their plausible range or ten times away from N-1, "
        "with this justification (stored with each such value and in the audit trail)",
    )


def _confirmation(args: argparse.Namespace) -> Confirmation | None:
    if args.confirm_unusual is None:
        return None
    if not args.confirm_unusual.strip():
        raise CliError("--confirm-unusual needs a justification (a short text)")
    return Confirmation(args.confirm_unusual)


def _register_uo(commands: Any) -> None:
    group = commands.add_parser("uo", help="work units (UO Pharma, UO Stérilisation)")
    sub = group.add_subparsers(dest="uo_command", metavar="ACTION", required=True)

    tables = sub.add_parser("tables", help="the coefficient tables, shipped and local")
    tables.add_argument("--json", action="store_true")
    tables.set_defaults(handler=_tables)

    compute = sub.add_parser("compute", help="work units of a year, or of a counts file")
    compute.add_argument("--establishment", metavar="FINESS")
    compute.add_argument("--year", type=year)
    compute.add_argument(
        "--counts", type=existing_file, metavar="FILE", help="CSV/XLSX item_id,count"
    )
    compute.add_argument("--table", metavar="ID", help="default: uo-pharma")
    compute.add_argument(
        "--table-version", metavar="VERSION", help="an earlier version (default: the one in force)"
    )
    compute.add_argument("--save", action="store_true", help="keep the result on record")
    compute.add_argument("--json", action="store_true")
    compute.set_defaults(handler=_compute)

    peers = sub.add_parser("peers", help="establishments of the database compared")
    peers.add_argument("--year", required=True, type=year)
    peers.add_argument("--table", metavar="ID")
    peers.add_argument("--json", action="store_true")
    peers.set_defaults(handler=_peers)

    copy = sub.add_parser("copy", help="copy a table to change coefficients or add lines")
    copy.add_argument("table")
    copy.add_argument("new_id")
    copy.add_argument("--title", required=True)
    copy.set_defaults(handler=_copy)

    line = sub.add_parser("set-line", help="change or add a line of a local table")
    line.add_argument("table")
    line.add_argument("item")
    line.add_argument("--label")
    line.add_argument("--coefficient", type=_value)
    line.add_argument("--group")
    line.add_argument("--measure", help="activity measure that counts it (default: a new one)")
    line.set_defaults(handler=_set_line)

    remove = sub.add_parser("remove-line", help="remove a line of a local table")
    remove.add_argument("table")
    remove.add_argument("item")
    remove.set_defaults(handler=_remove_line)

    delete = sub.add_parser("delete", help="delete a local table no result refers to")
    delete.add_argument("table")
    delete.set_defaults(handler=_delete_table)

    results = sub.add_parser("results", help="results kept on record")
    results.add_argument("--establishment", required=True, metavar="FINESS")
    results.add_argument("--json", action="store_true")
    results.set_defaults(handler=_results)


# --- activity -------------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        try:
            result = services.activity.values.import_file(
                args.file,
                establishment.id,
                args.year,
                confirm=_confirmation(args),
                single_dot=args.single_dot,
            )
        except FileImportError as err:
            raise ambiguity_refusal(err) or err from None
    if args.json:
        print_json(result)
    else:
        kept = f", {result.justified} unusual kept with the justification"
        print(
            f"{result.file}: {result.rows} measures read, {result.changed} values written,"
            f" {result.cleared} cleared, {result.unchanged} unchanged"
            + (kept if result.justified else "")
        )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        services.activity.values.export_workbook(establishment.id, args.year, args.xlsx)
    print(f"written: {args.xlsx}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        catalog = services.activity.values.catalog()
        resolved = services.activity.values.resolved(establishment.id, args.year)
    if args.json:
        print_json(
            [
                {
                    "family": family.id,
                    "measure": measure.id,
                    "label": measure.label,
                    "unit": measure.unit,
                    "value": resolved[measure.id].value,
                    "origin": resolved[measure.id].origin.kind,
                    "origin_detail": resolved[measure.id].origin.detail,
                    "origin_text": origin_text(resolved[measure.id], catalog),
                }
                for family in catalog.families
                for measure in family.measures
            ]
        )
        return EXIT_OK
    for family in catalog.families:
        print(family.label)
        for measure in family.measures:
            value = resolved[measure.id]
            print(
                f"  {measure.id:<34} {format_value(measure.unit, value.value):>16}"
                f"  {origin_text(value, catalog)}"
            )
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        confirmation = _confirmation(args)
        changed = services.activity.values.set_values(
            establishment.id,
            args.year,
            {(args.measure, args.month): args.value},
            justification=confirmation.justification if confirmation else None,
        )
    print("changed" if changed else "unchanged")
    return EXIT_OK


def _measures(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        catalog = services.activity.values.catalog()
    if args.json:
        print_json(
            [
                {
                    "family": family.id,
                    "family_label": family.label,
                    "dashboard": family.dashboard,
                    "id": m.id,
                    "label": m.label,
                    "unit": m.unit,
                    "direction": m.direction,
                    "computed": m.computed.kind if m.computed else None,
                }
                for family in catalog.families
                for m in family.measures
            ]
        )
        return EXIT_OK
    for family in catalog.families:
        print(family.label)
        for m in family.measures:
            computed = f"  (computed: {m.computed.kind})" if m.computed else ""
            print(f"  {m.id:<34} {UNIT_LABELS[m.unit]:<7} {m.label}{computed}")
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        removed = services.activity.values.purge(establishment.id)
    print(f"{removed} activity values and work-unit results removed")
    return EXIT_OK


# --- work units -------------------------------------------------------------------------------


def _table_json(table: UoTable) -> dict[str, Any]:
    return {
        "id": table.id,
        "version": table.version,
        "title": table.title,
        "status": table.status,
        "source": table.source,
        "local": table.local,
        "base_id": table.base_id,
        "base_version": table.base_version,
        "origin": _origin(table),
        "fte_measure": table.fte_measure,
        "groups": [{"id": g.id, "label": g.label} for g in table.groups],
        "items": [
            {
                "id": i.id,
                "label": i.label,
                "coefficient": i.coefficient,
                "group": i.group,
                "measure": i.measure,
            }
            for i in table.items
        ],
    }


def _origin(table: UoTable) -> str | dict[str, str]:
    if table.origin is not None:
        return {
            "publisher": table.origin.publisher,
            "package": table.origin.package_uuid,
            "file": table.origin.file_name,
        }
    return "local" if table.local else "shipped"


def _origin_text(table: UoTable) -> str:
    if table.origin is not None:
        return f"{table.origin.publisher} package {table.origin.package_uuid}"
    return "local copy" if table.local else "shipped"


def _tables(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        tables = services.activity.tables.all()
    if args.json:
        print_json([_table_json(t) for t in tables])
        return EXIT_OK
    for table in tables:
        print(
            f"{table.id} version {table.version} — {table.title}"
            f" ({table.status}; {_origin_text(table)})"
        )
        for item in table.items:
            print(f"  {item.id:>4}  {item.coefficient:>8g}  {item.label}")
    return EXIT_OK


def _result_json(result: UoResult) -> dict[str, Any]:
    data = asdict(result)
    data["complete"] = result.complete
    return data


def _print_result(result: UoResult) -> None:
    print(f"table {result.table_id} version {result.table_version}")
    for line in result.lines:
        count = "—" if line.count is None else f"{line.count:g}"
        print(f"  {line.item_id:>4}  {count:>10} × {line.coefficient:<8g} = {line.uo:>12,.1f}")
    for group in result.groups:
        print(f"  {group.label}: {group.uo:,.1f}")
    print(f"total: {result.total:,.1f} UO")
    if result.missing:
        print(f"note: no count for item(s) {', '.join(result.missing)}", file=sys.stderr)


def _compute(args: argparse.Namespace) -> int:
    if args.counts is not None:
        if args.establishment or args.year:
            raise CliError("give either --counts FILE or --establishment and --year, not both")
        if not args.table:
            raise CliError("--counts needs --table (see 'hospiperf uo tables')")
        if args.save:
            raise CliError("--save keeps an establishment's result; a counts file has none")
        with services_for(args) as services:
            result = services.activity.work_units.compute_file(
                args.counts, args.table, args.table_version
            )
        if args.json:
            print_json(_result_json(result))
        else:
            _print_result(result)
        return EXIT_OK
    if not args.establishment or args.year is None:
        raise CliError("give --establishment FINESS and --year YYYY, or --counts FILE --table ID")
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        report = services.activity.work_units.compute(
            establishment.id, args.year, args.table, args.table_version
        )
        recorded = services.activity.work_units.record(report) if args.save else None
    if args.json:
        print_json(_report_json(report, recorded.id if recorded else None))
        return EXIT_OK
    print(f"{report.name} ({report.finess}), {report.year}")
    _print_result(report.result)
    print(f"per FTE: {_plain(report.per_fte)}   per bed: {_plain(report.per_bed)}")
    if report.previous_total is not None:
        print(
            f"{report.year - 1}: {report.previous_total:,.1f} UO,"
            f" variance {report.delta:+,.1f} ({format_pct(report.delta_pct)})"
        )
    if recorded:
        print(f"kept on record as result {recorded.id}")
    return EXIT_OK


def _plain(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _report_json(report: UoReport, recorded_id: int | None) -> dict[str, Any]:
    return {
        **_result_json(report.result),
        "establishment": {
            "id": report.establishment_id,
            "finess": report.finess,
            "name": report.name,
        },
        "year": report.year,
        "fte": report.fte,
        "per_fte": report.per_fte,
        "beds": report.beds,
        "per_bed": report.per_bed,
        "previous_total": report.previous_total,
        "delta": report.delta,
        "delta_pct": report.delta_pct,
        "recorded_id": recorded_id,
    }


def _peers(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        rows = services.activity.work_units.peers(args.year, args.table)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        note = "" if row.complete else "  (incomplete counts)"
        print(
            f"{row.finess}  {row.name:<50} {row.total:>12,.1f} UO"
            f"  per FTE {_plain(row.per_fte)}  per bed {_plain(row.per_bed)}{note}"
        )
    return EXIT_OK


def _copy(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        table = services.activity.tables.copy(args.table, args.new_id, args.title)
    print(f"table {table.id} version {table.version} created from {table.base_id}")
    return EXIT_OK


def _set_line(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        table = services.activity.tables.set_line(
            args.table,
            args.item,
            label=args.label,
            coefficient=args.coefficient,
            group=args.group,
            measure=args.measure,
        )
    print(f"table {table.id} is now version {table.version}")
    return EXIT_OK


def _remove_line(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        table = services.activity.tables.remove_line(args.table, args.item)
    print(f"table {table.id} is now version {table.version}")
    return EXIT_OK


def _delete_table(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        services.activity.tables.delete(args.table)
    print(f"table {args.table} deleted")
    return EXIT_OK


def _results(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        rows = services.activity.work_units.recorded(establishment.id)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print(
            f"{row.id:>4}  {row.year}  {row.table_id} {row.table_version:<20}"
            f" {row.total:>12,.1f} UO  {row.recorded_by}, {row.recorded_at:%Y-%m-%d %H:%M}"
        )
    return EXIT_OK


# --- dashboard -------------------------------------------------------------------------------


def _dashboard(args: argparse.Namespace) -> int:
    from hospiperf_desktop.activity.dashboard_outputs import (
        write_dashboard_pdf,
        write_dashboard_workbook,
    )

    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        dashboard = services.activity.dashboard.build(establishment.id, args.year)
    if args.xlsx:
        write_dashboard_workbook(dashboard, args.xlsx)
    if args.pdf:
        write_dashboard_pdf(dashboard, args.pdf)
    if args.json:
        data = asdict(dashboard)
        data["counts"] = dashboard.counts()
        print_json(data)
        return EXIT_OK
    print(f"{dashboard.name} ({dashboard.finess}): {dashboard.year} against {dashboard.year - 1}")
    for family in dashboard.families:
        print(family.label)
        for line in family.lines:
            print(
                f"  {line.label[:58]:<58} {format_value(line.unit, line.value):>16}"
                f" {format_value(line.unit, line.previous):>16} {format_pct(line.delta_pct):>10}"
                f"  {line.status}"
            )
    for path in (args.xlsx, args.pdf):
        if path:
            print(f"written: {path}")
    return EXIT_OK
