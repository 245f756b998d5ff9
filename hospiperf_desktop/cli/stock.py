"""`stock …`: import exports, mappings, products, suppliers, shortages, indicators, reorder."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path
from typing import Any

from hospiperf_desktop.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    ambiguity_refusal,
    dot_options,
    existing_file,
    finite_number,
    one_line,
    print_json,
    record_id,
    services_for,
    year,
)
from hospiperf_desktop.errors import FileImportError
from hospiperf_desktop.services import Services
from hospiperf_desktop.stock.bounds import UnusualEntryError, UnusualValuesError
from hospiperf_desktop.stock.catalog import ShortageInput
from hospiperf_desktop.stock.cells import CellError, parse_date, parse_flag, parse_number
from hospiperf_desktop.stock.export import (
    LOCATION_LABELS,
    category_label,
    write_indicators_workbook,
    write_reorder_workbook,
)
from hospiperf_desktop.stock.mapping import ColumnMapping, ImportKind
from hospiperf_desktop.stock.records import ImportOptions, OnOverlap


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except CellError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _price(text: str) -> float:
    try:
        return parse_number(text)
    except CellError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _flag(text: str) -> bool:
    try:
        return parse_flag(text)
    except CellError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def register(commands: Any) -> None:
    group = commands.add_parser("stock", help="stock and supply").add_subparsers(
        dest="stock_command", metavar="ACTION", required=True
    )

    def establishment(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--establishment", required=True, metavar="FINESS")

    imp = group.add_parser("import", help="import a stock snapshot or movements export")
    imp.add_argument("file", type=existing_file)
    establishment(imp)
    imp.add_argument("--kind", required=True, choices=[k.value for k in ImportKind])
    imp.add_argument("--mapping", metavar="NAME|FILE", help="saved mapping name or JSON file")
    imp.add_argument("--save-mapping", metavar="NAME", help="save the mapping used under NAME")
    imp.add_argument("--date", type=_date, help="snapshot date when the file has no date column")
    imp.add_argument("--category", default="medicament", help="category of new products")
    overlap = imp.add_mutually_exclusive_group()
    overlap.add_argument("--replace", action="store_true", help="replace overlapping data")
    overlap.add_argument("--append", action="store_true", help="add to overlapping data")
    imp.add_argument("--allow-duplicate", action="store_true", help="import an identical file")
    imp.add_argument(
        "--confirm-unusual",
        metavar="JUSTIFICATION",
        default="",
        help="import values outside their plausible bounds; the justification is audited",
    )
    dot_options(imp)
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=_import)

    pre = group.add_parser("preview", help="headings, first rows and the mapping recognised")
    pre.add_argument("file", type=existing_file)
    pre.add_argument("--kind", required=True, choices=[k.value for k in ImportKind])
    pre.add_argument("--mapping", metavar="NAME|FILE")
    dot_options(pre)
    pre.add_argument("--json", action="store_true")
    pre.set_defaults(handler=_preview)

    maps = group.add_parser("mappings", help="saved column mappings")
    maps.add_argument("--json", action="store_true")
    maps.set_defaults(handler=_mappings)

    imports = group.add_parser("imports", help="files imported for an establishment")
    establishment(imports)
    imports.add_argument("--json", action="store_true")
    imports.set_defaults(handler=_imports)

    undo = group.add_parser("undo-import", help="remove an import and every row it brought")
    undo.add_argument("id", type=record_id)
    undo.set_defaults(handler=_undo)

    ind = group.add_parser("indicators", help="coverage, rotation, dormant and expiring stock")
    establishment(ind)
    ind.add_argument("--at", type=_date, help="date (default: the latest snapshot)")
    ind.add_argument("--window", type=int, metavar="WEEKS", help="consumption window")
    ind.add_argument("--dormant-months", type=int)
    ind.add_argument("--expiring-days", type=int)
    ind.add_argument("--non-mco", action="store_true", help="compare with non-MCO pilots")
    ind.add_argument("--xlsx", type=Path, metavar="OUT")
    ind.add_argument("--json", action="store_true")
    ind.set_defaults(handler=_indicators)

    ro = group.add_parser("reorder", help="safety stock, reorder points, orders, supply risk")
    establishment(ro)
    ro.add_argument("--at", type=_date)
    ro.add_argument("--service-level", type=finite_number, metavar="0.95")
    ro.add_argument("--review-weeks", type=finite_number)
    ro.add_argument("--window", type=int, metavar="WEEKS")
    ro.add_argument("--at-risk", action="store_true", help="only products at risk")
    ro.add_argument("--xlsx", type=Path, metavar="OUT")
    ro.add_argument("--json", action="store_true")
    ro.set_defaults(handler=_reorder)

    prods = group.add_parser("products", help="products of an establishment")
    establishment(prods)
    prods.add_argument("--category")
    prods.add_argument("--search", default="")
    prods.add_argument("--json", action="store_true")
    prods.set_defaults(handler=_products)

    pset = group.add_parser(
        "product-set", help="change the category or flags of one product or several"
    )
    pset.add_argument("code", nargs="+", help="product code(s): several get the same change")
    establishment(pset)
    pset.add_argument("--category")
    pset.add_argument("--mitm", type=_flag, metavar="oui|non")
    pset.add_argument("--substitute", type=_flag, metavar="oui|non")
    pset.add_argument("--price", type=_price, metavar="EUROS", help="unit price (12,5 or 12.5)")
    pset.add_argument(
        "--confirm-unusual",
        metavar="JUSTIFICATION",
        default="",
        help="keep a price outside its plausible range; the justification is audited",
    )
    pset.set_defaults(handler=_product_set)

    sups = group.add_parser("suppliers", help="suppliers and their lead times")
    establishment(sups)
    sups.add_argument("--json", action="store_true")
    sups.set_defaults(handler=_suppliers)

    sset = group.add_parser("supplier-set", help="a supplier's lead-time profile")
    sset.add_argument("id", type=record_id)
    sset.add_argument("--profile", required=True)
    sset.add_argument("--days", type=finite_number, help="mean lead time overriding the profile")
    sset.add_argument("--sd-days", type=finite_number, help="its standard deviation")
    sset.set_defaults(handler=_supplier_set)

    short = group.add_parser("shortage", help="record a shortage")
    establishment(short)
    short.add_argument("--product", required=True, metavar="CODE")
    short.add_argument("--from", dest="started", required=True, type=_date)
    short.add_argument("--to", dest="ended", type=_date)
    short.add_argument("--cause", default="")
    short.add_argument("--substitute", default="")
    short.add_argument("--supplier-changed", action="store_true")
    short.add_argument("--notes", default="")
    short.set_defaults(handler=_shortage)

    purge = group.add_parser("purge", help="remove all stock data of an establishment")
    establishment(purge)
    purge.add_argument("--yes", action="store_true", help="confirm")
    purge.set_defaults(handler=_purge)

    shorts = group.add_parser("shortages", help="the shortage log")
    establishment(shorts)
    shorts.add_argument("--year", type=year)
    shorts.add_argument("--json", action="store_true")
    shorts.set_defaults(handler=_shortages)


_UNUSUAL_HINT = 'to import them, confirm with --confirm-unusual "JUSTIFICATION"'


def _refused(err: FileImportError) -> CliError | FileImportError:
    """The refusals a flag can lift, as one line naming the flag; others unchanged."""
    if isinstance(err, UnusualValuesError):
        return CliError(
            f"{len(err.issues)} value(s) outside their plausible range: "
            + one_line(err.issues, _UNUSUAL_HINT)
        )
    return ambiguity_refusal(err) or err


def _establishment_id(services: Services, finess: str) -> int:
    return services.establishments.by_finess(finess).id


def _mapping(services: Services, args: argparse.Namespace, kind: ImportKind) -> ColumnMapping:
    if args.mapping:
        mapping = services.stock.imports.load_mapping(args.mapping)
        if mapping.kind is not kind:
            raise CliError(f"mapping '{args.mapping}' is for {mapping.kind.value} files")
        return mapping
    preview = services.stock.imports.preview(args.file, kind)
    return preview.mapping


def _import(args: argparse.Namespace) -> int:
    kind = ImportKind(args.kind)
    with services_for(args) as services:
        establishment_id = _establishment_id(services, args.establishment)
        mapping = _mapping(services, args, kind)
        options = ImportOptions(
            snapshot_date=args.date,
            default_category=args.category,
            allow_duplicate=args.allow_duplicate,
            on_overlap=(
                OnOverlap.REPLACE
                if args.replace
                else OnOverlap.APPEND
                if args.append
                else OnOverlap.REFUSE
            ),
            mapping_name=args.save_mapping or (args.mapping if args.mapping else None),
            single_dot=args.single_dot,
            confirm_unusual=args.confirm_unusual,
        )
        try:
            result = services.stock.imports.run(establishment_id, args.file, mapping, options)
        except FileImportError as err:
            if not args.json:
                raise _refused(err) from None
            lines = {i.line for i in err.issues if i.line is not None}
            print_json(
                {
                    "file": args.file.name,
                    "imported": 0,
                    "rejected": len(lines),
                    "errors": [
                        {"line": i.line, "column": i.column, "code": i.code, "message": i.message}
                        for i in err.issues
                    ],
                }
            )
            return EXIT_ERROR
        if args.save_mapping:
            services.stock.imports.save_mapping(args.save_mapping, mapping)
    if args.json:
        print_json(result)
    else:
        print("columns: " + ", ".join(f"{k} ← {v}" for k, v in mapping.columns.items()))
        period = f", {result.first_date} to {result.last_date}" if result.first_date else ""
        print(
            f"{result.file}: {result.imported} rows imported, {result.rejected} rejected"
            f"{period}; {result.products_created} new products"
            + (f", {result.replaced} earlier rows replaced" if result.replaced else "")
        )
        if result.unusual_confirmed:
            print(f"{result.unusual_confirmed} unusual values imported as confirmed (audited)")
        if result.products_defaulted:
            print(
                f"{result.products_defaulted} new products had no category and were filed as "
                f"'{args.category}': check them with 'hospiperf stock products'"
            )
    return EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    kind = ImportKind(args.kind)
    with services_for(args) as services:
        mapping = services.stock.imports.load_mapping(args.mapping) if args.mapping else None
        preview = services.stock.imports.preview(args.file, kind, mapping)
    ambiguous = preview.ambiguity_issues(args.single_dot)
    if ambiguous:
        raise _refused(FileImportError(ambiguous))
    numbers: list[dict[str, Any]] = [
        {
            "column": column.column,
            "reading": column.reading.value,
            "samples": [
                {"line": s.line, "text": s.text, "read": column.value(s, args.single_dot)}
                for s in column.samples
            ],
        }
        for column in preview.mapped_numbers()
    ]
    if args.json:
        print_json(
            {
                "file": preview.file,
                "header_line": preview.header_line,
                "headers": preview.headers,
                "rows": preview.row_count,
                "mapping": preview.mapping.to_json(),
                "missing": preview.missing,
                "sample": [cells for _, cells in preview.rows],
                "numbers": numbers,
            }
        )
    else:
        print(f"{preview.file}: headings on line {preview.header_line}, {preview.row_count} rows")
        for name, heading in preview.mapping.columns.items():
            print(f"  {name:<15} ← {heading}")
        for column in numbers:
            read = ", ".join(f"'{s['text']}' → {s['read']:g}" for s in column["samples"])
            print(f"  numbers of {column['column']}: {read}")
        if preview.missing:
            print("missing: " + ", ".join(preview.missing))
    return EXIT_OK


def _mappings(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        mappings = services.stock.imports.mappings()
    if args.json:
        print_json(mappings)
    else:
        for m in mappings:
            print(f"{m.name}\t{m.kind}\t" + ", ".join(f"{k}={v}" for k, v in m.columns.items()))
    return EXIT_OK


def _imports(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        imports = services.stock.imports.imports(_establishment_id(services, args.establishment))
    if args.json:
        print_json(imports)
    else:
        for i in imports:
            print(
                f"{i.id}\t{i.kind}\t{i.file_name}\t{i.row_count} rows\t"
                f"{i.first_date or ''}–{i.last_date or ''}\t{i.imported_at:%Y-%m-%d %H:%M}"
            )
    return EXIT_OK


def _undo(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        removed = services.stock.imports.delete_import(args.id)
    print(f"import {args.id} removed with its {removed} rows")
    return EXIT_OK


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def _indicators(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        try:
            result = services.stock.analysis.indicators(
                establishment.id,
                args.at,
                window_weeks=args.window,
                dormant_months=args.dormant_months,
                expiring_days=args.expiring_days,
                mco=not args.non_mco,
            )
        except ValueError as err:
            raise CliError(str(err)) from err
        params = services.stock.params
        if args.xlsx:
            write_indicators_workbook(
                result, params, args.xlsx, f"{establishment.name} ({establishment.finess})"
            )
    if args.json:
        data = asdict(result)
        data["dormant"] = data["dormant"][:50]
        data["expiring"] = data["expiring"][:50]
        print_json(data)
        return EXIT_OK
    print(f"Stock at {result.at} (consumption over {result.window_weeks} weeks)")
    for row in (*result.coverage, *result.totals):
        print(
            f"  {category_label(params, row.category):<38} {LOCATION_LABELS[row.location]:<30}"
            f" {_number(row.stock_value, 0):>14} €  {_number(row.coverage_weeks)} weeks"
            f" (target {_number(row.target_weeks)})  cash freed "
            + (
                f"{_number(row.cash_freed, 0)} €"
                if row.cash_freed is not None
                else "not computed (no consumption)"
            )
        )
    print(f"  dormant stock: {_number(result.dormant_value, 0)} €")
    print(
        f"  expiring within {result.expiring_days} days: {_number(result.expiring_value, 0)} €,"
        f" already expired: {_number(result.expired_value, 0)} €"
    )
    for warning in result.warnings:
        print(f"  note: {warning}", file=sys.stderr)
    if args.xlsx:
        print(f"written: {args.xlsx}")
    return EXIT_OK


def _reorder(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        try:
            report = services.stock.analysis.reorder(
                establishment.id,
                args.at,
                service_level=args.service_level,
                review_weeks=args.review_weeks,
                window_weeks=args.window,
            )
        except ValueError as err:
            raise CliError(str(err)) from err
        if args.at_risk:
            report = replace(report, lines=tuple(line for line in report.lines if line.at_risk))
        if args.xlsx:
            write_reorder_workbook(
                report,
                services.stock.params,
                args.xlsx,
                f"{establishment.name} ({establishment.finess})",
            )
    if args.json:
        print_json(report)
        return EXIT_OK
    print(f"Reorder at {report.at} (service level {report.service_level:.1%})")
    for line in report.lines:
        flag = "RISK " if line.at_risk else "     "
        print(
            f"{flag}{line.code:<14} {line.label[:40]:<40} on hand {_number(line.on_hand, 0):>8}"
            f"  reorder point {_number(line.reorder_point)}  order {line.order_quantity}"
            f"  criticality {line.criticality_score}/{report.criticality_maximum}"
        )
    return EXIT_OK


def _products(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        products = services.stock.catalog.products(
            _establishment_id(services, args.establishment),
            category=args.category,
            search=args.search,
        )
    if args.json:
        print_json(products)
    else:
        for p in products:
            print(
                f"{p.code}\t{p.label}\t{p.category}\t{'MITM' if p.mitm else ''}\t"
                f"{_number(p.unit_price, 2)}\t{', '.join(p.suppliers)}"
            )
    return EXIT_OK


def _product_set(args: argparse.Namespace) -> int:
    if len(args.code) > 1 and args.price is not None:
        raise CliError("--price applies to one product at a time")
    with services_for(args) as services:
        catalog = services.stock.catalog
        establishment_id = _establishment_id(services, args.establishment)
        products = [catalog.product_by_code(establishment_id, code) for code in args.code]
        try:
            if len(products) == 1:
                catalog.update_product(
                    products[0].id,
                    category=args.category,
                    mitm=args.mitm,
                    has_substitute=args.substitute,
                    unit_price=args.price,
                    justification=args.confirm_unusual,
                )
            else:
                catalog.update_products(
                    [p.id for p in products],
                    category=args.category,
                    mitm=args.mitm,
                    has_substitute=args.substitute,
                )
        except UnusualEntryError as err:
            raise CliError(f'(--confirm-unusual "JUSTIFICATION") {err}') from None
    print(f"{len(products)} product(s) updated: {', '.join(args.code)}")
    return EXIT_OK


def _suppliers(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        suppliers = services.stock.catalog.suppliers(
            _establishment_id(services, args.establishment)
        )
    if args.json:
        print_json(suppliers)
    else:
        for s in suppliers:
            print(
                f"{s.id}\t{s.name}\t{s.lead_time_profile}\t{s.lead_time_days:g} ± "
                f"{s.lead_time_sd_days:g} days\t{s.product_count} products"
            )
    return EXIT_OK


def _supplier_set(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        record = services.stock.catalog.update_supplier(
            args.id,
            profile=args.profile,
            lead_time_days=args.days,
            lead_time_sd_days=args.sd_days,
        )
    print(f"{record.name}: {record.lead_time_days:g} ± {record.lead_time_sd_days:g} days")
    return EXIT_OK


def _shortage(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment_id = _establishment_id(services, args.establishment)
        product = services.stock.catalog.product_by_code(establishment_id, args.product)
        record = services.stock.catalog.record_shortage(
            establishment_id,
            ShortageInput(
                product_id=product.id,
                started_on=args.started,
                ended_on=args.ended,
                cause=args.cause,
                substitute=args.substitute,
                supplier_changed=args.supplier_changed,
                notes=args.notes,
            ),
        )
    print(f"shortage {record.id} recorded for {record.product_code}")
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("this removes every stock row of the establishment: add --yes")
    with services_for(args) as services:
        removed = services.stock.catalog.delete_all(_establishment_id(services, args.establishment))
    print(f"{removed} stock rows removed")
    return EXIT_OK


def _shortages(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment_id = _establishment_id(services, args.establishment)
        shortages = services.stock.catalog.shortages(establishment_id, args.year)
    if args.json:
        print_json(
            {
                "shortages": [asdict(s) for s in shortages],
                "count": len(shortages),
                "supplier_changes": sum(1 for s in shortages if s.supplier_changed),
            }
        )
    else:
        for s in shortages:
            print(
                f"{s.id}\t{s.product_code}\t{s.started_on}–{s.ended_on or '…'}\t{s.cause}\t"
                f"{'supplier changed' if s.supplier_changed else ''}"
            )
    return EXIT_OK
