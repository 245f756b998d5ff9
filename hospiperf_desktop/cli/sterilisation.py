"""`calc sterilisation` (the cost study) and `calc sterilisation-pooling`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hospiperf_desktop.calculators.inputs import to_json
from hospiperf_desktop.calculators.sterilisation import (
    PoolingAssumptions,
    StudyError,
    StudyResult,
    compute,
    pool,
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
    try:
        result = compute(study)
    except StudyError as err:
        raise CliError(f"{args.file.name}: {err}") from None
    comparisons: list[outputs.Comparison] = []
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
    if args.xlsx:
        outputs.write_study_workbook(study, args.xlsx, result, comparisons=comparisons)
    if args.pdf:
        outputs.study_pdf(study, result, args.pdf, subtitle, comparisons)
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
    data = result_data(result) | {"comparisons": to_json(comparisons)}
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
        f"UO table {result.table_version}"
        + (
            f" — PROVISIONAL coefficients: {', '.join(result.provisional_categories)}"
            if result.provisional
            else ""
        )
    )
    for c in comparisons:
        cost = "—" if c.cost_per_uo is None else f"{c.cost_per_uo:,.2f} €"
        print(f"  vs {c.label} ({c.year}): cost per UO {cost}")
    for path in (args.xlsx, args.pdf):
        if path:
            print(f"written: {path}")
    if saved:
        print(f"saved as scenario {saved}")
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
