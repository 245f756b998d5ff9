"""`calc sterilisation` (the cost study) and `calc sterilisation-pooling`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hospiperf_desktop.calculators.inputs import to_json
from hospiperf_desktop.calculators.sterilisation import (
    CategoryTable,
    PoolingAssumptions,
    StudyError,
    StudyResult,
    compute,
    pool,
    table_to_dict,
)
from hospiperf_desktop.calculators.sterilisation_files import read_study, study_to_data
from hospiperf_desktop.calculators.texts import euros
from hospiperf_desktop.cli.common import (
    EXIT_OK,
    CliError,
    count,
    existing_file,
    finite_number,
    print_json,
    services_for,
)


def register(group: Any, outputs_and_save: Any) -> None:
    study = group.add_parser(
        "sterilisation", help="sterilisation cost study in UO Sté (study workbook or JSON)"
    )
    study.add_argument("file", type=existing_file, nargs="?")
    study.add_argument(
        "--template", type=Path, metavar="FILE", help="write the empty study workbook"
    )
    study.add_argument(
        "--activity",
        type=existing_file,
        metavar="EXPORT",
        help="take the activity from a traceability export (CSV/XLSX) instead of FILE's",
    )
    study.add_argument(
        "--mapping",
        type=existing_file,
        metavar="MAPPING",
        help='JSON {"columns": {...}, "compositions": {name: category}} for --activity',
    )
    outputs_and_save(study)
    study.set_defaults(handler=_study)

    table = group.add_parser(
        "sterilisation-table",
        help="the UO Sté category coefficients in force (ARS package, local copy or shipped)",
    ).add_subparsers(dest="table_command", metavar="ACTION", required=True)
    show = table.add_parser("show", help="the table in force, and where it comes from")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_table_show)
    set_ = table.add_parser("set", help="set coefficients in the local copy (a new version)")
    set_.add_argument("values", nargs="+", metavar="CATEGORY=VALUE")
    set_.set_defaults(handler=_table_set)
    export = table.add_parser("export", help="write the table in force as JSON")
    export.add_argument("file", type=Path)
    export.set_defaults(handler=_table_export)
    imp = table.add_parser("import", help="take a table file as the local copy's next version")
    imp.add_argument("file", type=existing_file)
    imp.set_defaults(handler=_table_import)

    pooling = group.add_parser(
        "sterilisation-pooling", help="pool several sterilisation units into one (studies)"
    )
    pooling.add_argument("files", type=existing_file, nargs="+", metavar="FILE")
    pooling.add_argument("--json", action="store_true")
    pooling.add_argument("--transport", type=finite_number, default=0.0, metavar="EUROS")
    pooling.add_argument("--hours-per-day", type=finite_number, default=10.0, metavar="H")
    pooling.add_argument("--days", type=count, default=250, metavar="N")
    pooling.add_argument("--steriliser-cycle", type=finite_number, default=60.0, metavar="MIN")
    pooling.add_argument("--washer-cycle", type=finite_number, default=60.0, metavar="MIN")
    pooling.set_defaults(handler=_pooling)


def result_data(result: StudyResult) -> dict[str, Any]:
    data: dict[str, Any] = to_json(result)
    return data


def _study(args: argparse.Namespace) -> int:
    from hospiperf_desktop.calculators import sterilisation_outputs as outputs

    if args.template:
        outputs.write_study_workbook(None, args.template)
        print(f"written: {args.template}")
        return EXIT_OK
    if args.file is None:
        raise CliError("give the study FILE (workbook or JSON), or --template FILE")
    if args.save and not args.establishment:
        raise CliError("--save needs --establishment FINESS")
    study = read_study(args.file)
    if args.activity:
        study = _with_extraction(study, args.activity, args.mapping)
    elif args.mapping:
        raise CliError("--mapping goes with --activity EXPORT")
    with services_for(args) as services:
        table = services.sterilisation_tables.in_force()
    try:
        result = compute(study, table)
    except StudyError as err:
        raise CliError(f"{args.file.name}: {err}") from None
    comparisons: list[outputs.Comparison] = []
    positions: list[Any] = []
    unit = study.unit or args.file.name  # the report names the unit, not its file
    subtitle = unit
    establishment_id = None
    if args.establishment:
        with services_for(args) as services:
            establishment = services.establishments.by_finess(args.establishment)
            establishment_id = establishment.id
            subtitle = f"{establishment.name} ({establishment.finess}) — {unit}"
            comparisons = [
                outputs.Comparison(**c)
                for c in services.calculators.sterilisation_comparisons(
                    establishment.id, study.year, exclude_name=args.save
                )
            ]
            positions = services.library.sterilisation_positions(result, establishment)
    if args.xlsx:
        outputs.write_study_workbook(study, args.xlsx, result, comparisons=comparisons)
    if args.pdf:
        outputs.study_pdf(
            study,
            result,
            args.pdf,
            subtitle,
            comparisons,
            positions=[(_RATIO_LABELS[p.id], p.position.text) for p in positions],
        )
    saved = None
    if args.save:
        with services_for(args) as services:
            assert establishment_id is not None
            saved = services.calculators.save(
                establishment_id,
                "sterilisation",
                args.save,
                study_to_data(study),
                result,
                result.table_version,
                replace=args.replace,
            ).id
    data = result_data(result) | {
        "comparisons": to_json(comparisons),
        "regional_positions": [
            {"indicator": p.id, "quartile": p.position.quartile, "text": p.position.text}
            for p in positions
        ],
    }
    if args.json:
        print_json({**data, "saved_scenario_id": saved} if saved else data)
        return EXIT_OK
    cost = "—" if result.cost_per_uo is None else f"{result.cost_per_uo:,.2f} €"
    print(
        f"{study.year}: {result.uo_total:,.0f} UO Sté, total cost {euros(result.total_cost)},"
        f" cost per UO {cost}, UO per FTE"
        f" {'—' if result.uo_per_fte is None else f'{result.uo_per_fte:,.0f}'}"
    )
    print(
        f"UO table: {result.table_origin} {result.table_version}"
        + (
            f" — PROVISIONAL coefficients: {', '.join(result.provisional_categories)}"
            if result.provisional
            else ""
        )
    )
    for c in comparisons:
        cost = "—" if c.cost_per_uo is None else f"{c.cost_per_uo:,.2f} €"
        print(f"  vs {c.label} ({c.year}): cost per UO {cost}")
    for p in positions:
        print(f"  {p.id}: {p.position.text}")
    for path in (args.xlsx, args.pdf):
        if path:
            print(f"written: {path}")
    if saved:
        print(f"saved as scenario {saved}")
    return EXIT_OK


_RATIO_LABELS = {"cost_per_uo": "Coût par UO Sté", "per_fte": "UO Sté par ETP"}


def _origin(table: CategoryTable) -> str:
    if table.origin == "package":
        return f"ARS package ({table.publisher})"
    return {"local": "local copy", "shipped": "shipped"}.get(table.origin, table.origin)


def _print_table(table: CategoryTable) -> None:
    print(f"UO Sté categories: {_origin(table)}, version {table.version}")
    for c in table.categories:
        flag = " (provisional)" if c.provisional else ""
        print(f"  {c.id:<6} {c.coefficient:g}{flag}  {c.label}")


def _table_show(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        table = services.sterilisation_tables.in_force()
    if args.json:
        print_json(table_to_dict(table) | {"origin": table.origin, "publisher": table.publisher})
        return EXIT_OK
    _print_table(table)
    return EXIT_OK


def _table_set(args: argparse.Namespace) -> int:
    values: dict[str, float] = {}
    for text in args.values:
        key, sep, raw = text.partition("=")
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            raise CliError(f"{text!r}: give CATEGORY=VALUE, e.g. VS1=1.5") from None
        if not sep or not key.strip():
            raise CliError(f"{text!r}: give CATEGORY=VALUE, e.g. VS1=1.5")
        values[key.strip()] = value
    with services_for(args) as services:
        saved = services.sterilisation_tables.set_coefficients(values)
        packaged = services.sterilisation_tables.packaged()
    print(f"saved: local copy, version {saved.version}")
    if packaged is not None:
        print(
            f"note: an ARS package's table ({packaged.version}) is in force; the local copy"
            " is used only without it"
        )
    return EXIT_OK


def _table_export(args: argparse.Namespace) -> int:
    import json

    with services_for(args) as services:
        table = services.sterilisation_tables.in_force()
    args.file.write_text(
        json.dumps(table_to_dict(table), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"written: {args.file} ({_origin(table)}, version {table.version})")
    return EXIT_OK


def _table_import(args: argparse.Namespace) -> int:
    from hospiperf_desktop.jsonfiles import load_json_file

    data = load_json_file(args.file)
    with services_for(args) as services:
        saved = services.sterilisation_tables.import_table(data, args.file.name)
    print(f"saved: local copy, version {saved.version}")
    return EXIT_OK


def _pooling(args: argparse.Namespace) -> int:
    studies = []
    for path in args.files:
        study = read_study(path)
        studies.append(study if study.unit else _named(study, path.stem))
    assumptions = PoolingAssumptions(
        transport=args.transport,
        hours_per_day=args.hours_per_day,
        days=args.days,
        steriliser_cycle_minutes=args.steriliser_cycle,
        washer_cycle_minutes=args.washer_cycle,
    )
    try:
        result = pool(studies, assumptions)
    except StudyError as err:
        raise CliError(str(err)) from None
    if args.json:
        print_json(to_json(result))
        return EXIT_OK
    from hospiperf_desktop.calculators.sterilisation_outputs import pooling_text

    print("\n".join(pooling_text(result)))
    return EXIT_OK


def _with_extraction(study: Any, export: Path, mapping_file: Path | None) -> Any:
    from dataclasses import replace

    from hospiperf_desktop.calculators.sterilisation_extraction import (
        ExtractionMapping,
        read_extraction,
        read_mapping,
    )

    mapping = read_mapping(mapping_file) if mapping_file else ExtractionMapping()
    extraction = read_extraction(export, study.year, mapping)
    return replace(study, activity=extraction.activity)


def _named(study: Any, name: str) -> Any:
    from dataclasses import replace

    return replace(study, unit=name)
