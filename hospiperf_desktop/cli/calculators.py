"""`calc …`: logistics pooling and ROI, purchasing gains, carbon, coordinated practice."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.calculators.carbon import estimate
from hospiperf_desktop.calculators.coordinated import CoordinatedInput, check_input, simulate
from hospiperf_desktop.calculators.files import read_paat, read_purchases, read_scenarios
from hospiperf_desktop.calculators.inputs import to_json
from hospiperf_desktop.calculators.logistics import compute
from hospiperf_desktop.calculators.params import parameters
from hospiperf_desktop.calculators.purchasing import evaluate
from hospiperf_desktop.calculators.service import CALCULATORS
from hospiperf_desktop.calculators.texts import MISSION_LABELS, euros, percent, tonnes, years
from hospiperf_desktop.cli.common import (
    EXIT_OK,
    CliError,
    checked_number,
    count,
    existing_file,
    print_json,
    record_id,
    services_for,
    short,
)
from hospiperf_desktop.services import Services


def _share(text: str) -> float:
    try:
        value = float(text.replace(",", ".").rstrip("%").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{short(text)} is not a percentage") from None
    return checked_number(value, text) / 100


def register(commands: Any) -> None:
    group = commands.add_parser("calc", help="calculators").add_subparsers(
        dest="calc_command", metavar="CALCULATOR", required=True
    )

    def outputs_and_save(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--xlsx", type=Path, metavar="OUT")
        parser.add_argument("--pdf", type=Path, metavar="OUT")
        parser.add_argument("--save", metavar="NAME", help="keep as a named scenario")
        parser.add_argument("--establishment", metavar="FINESS", help="whose scenario it is")
        parser.add_argument(
            "--replace", action="store_true", help="replace a scenario of that name"
        )

    logistics = group.add_parser("logistics", help="logistics pooling gains and ROI (JSON/XLSX)")
    logistics.add_argument("file", type=existing_file)
    outputs_and_save(logistics)
    logistics.set_defaults(handler=_logistics)

    purchasing = group.add_parser("purchasing", help="PAAT purchasing gains with DGOS checks")
    purchasing.add_argument("file", type=existing_file)
    outputs_and_save(purchasing)
    purchasing.set_defaults(handler=_purchasing)

    carbon = group.add_parser("carbon", help="carbon estimate of purchases (CSV/XLSX)")
    carbon.add_argument("file", type=existing_file)
    outputs_and_save(carbon)
    carbon.set_defaults(handler=_carbon)

    coordinated = group.add_parser("coordinated", help="coordinated practice simulator")
    coordinated.add_argument("--structure", required=True, help="ESP, MSP, CSP or CPTS")
    coordinated.add_argument("--patients-correspondant", type=count, default=0, metavar="N")
    coordinated.add_argument("--protocol-patients", type=count, default=0, metavar="N")
    coordinated.add_argument("--teleconsultations", type=count, default=0, metavar="N")
    coordinated.add_argument("--first-year", action="store_true", help="equipment aid year")
    coordinated.add_argument(
        "--not-under-served", action="store_true", help="outside a ZIP/ZAC zone"
    )
    coordinated.add_argument(
        "--pharmacist-share",
        type=_share,
        metavar="PCT",
        help="pharmacist's share of the protocol payment (default 50)",
    )
    outputs_and_save(coordinated)
    coordinated.set_defaults(handler=_coordinated)

    from hospiperf_desktop.cli import sterilisation

    sterilisation.register(group, outputs_and_save)

    listing = group.add_parser("scenarios", help="saved scenarios")
    listing.add_argument("--establishment", metavar="FINESS")
    listing.add_argument("--calculator", choices=CALCULATORS)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_scenarios)

    show = group.add_parser("scenario-show", help="a saved scenario's inputs and result")
    show.add_argument("id", type=record_id)
    show.set_defaults(handler=_scenario_show)

    delete = group.add_parser("scenario-delete", help="delete a saved scenario")
    delete.add_argument("id", type=record_id)
    delete.set_defaults(handler=_scenario_delete)


def _check_save(args: argparse.Namespace) -> None:
    if args.save and not args.establishment:
        raise CliError("--save needs --establishment FINESS")


def _subtitle(services: Services | None, args: argparse.Namespace) -> str:
    name = args.file.name if getattr(args, "file", None) else "simulation"
    if services is not None and args.establishment:
        establishment = services.establishments.by_finess(args.establishment)
        return f"{establishment.name} ({establishment.finess}) — {name}"
    return name


def _save(
    args: argparse.Namespace, calculator: str, inputs: dict[str, Any], result: Any, version: str
) -> int:
    with services_for(args) as services:
        establishment = services.establishments.by_finess(args.establishment)
        saved = services.calculators.save(
            establishment.id, calculator, args.save, inputs, result, version, replace=args.replace
        )
    return saved.id


def _finish(
    args: argparse.Namespace,
    calculator: str,
    inputs: dict[str, Any],
    result: Any,
    version: str,
    data: dict[str, Any],
    text: list[str],
) -> int:
    """Save when asked (after every file was written), then print JSON or text."""
    saved = _save(args, calculator, inputs, result, version) if args.save else None
    if args.json:
        print_json({**data, "saved_scenario_id": saved} if saved else data)
        return EXIT_OK
    print("\n".join(text))
    for path in (args.xlsx, args.pdf):
        if path:
            print(f"written: {path}")
    if saved:
        print(f"saved as scenario {saved}")
    return EXIT_OK


def _logistics(args: argparse.Namespace) -> int:
    from hospiperf_desktop.calculators import outputs  # matplotlib and openpyxl: on use

    _check_save(args)
    scenarios = read_scenarios(args.file)
    results = [compute(s) for s in scenarios]
    subtitle = _subtitle_for(args)
    if args.xlsx:
        outputs.write_logistics_workbook(scenarios, results, args.xlsx)
    if args.pdf:
        outputs.logistics_pdf(scenarios, results, args.pdf, subtitle)
    text = []
    for r in results:
        text.append(
            f"{r.scenario}: net annual gains {euros(r.net_annual_gains)}, ROI {years(r.roi_years)},"
            f" nursing FTE returned {r.nursing_fte:g} (not in ROI)"
        )
        for s in r.signals:
            text.append(f"  [{'+' if s.favourable else '-'}] {s.text}")
    return _finish(
        args,
        "logistics",
        {"scenarios": to_json(scenarios)},
        results,
        parameters("logistics")["version"],
        {"scenarios": to_json(results)},
        text,
    )


def _subtitle_for(args: argparse.Namespace) -> str:
    if args.establishment:
        with services_for(args) as services:
            return _subtitle(services, args)
    return _subtitle(None, args)


def _purchasing(args: argparse.Namespace) -> int:
    from hospiperf_desktop.calculators import outputs  # matplotlib and openpyxl: on use

    _check_save(args)
    lines = read_paat(args.file)
    result = evaluate(lines)
    if args.xlsx:
        outputs.write_purchasing_workbook(result, args.xlsx)
    if args.pdf:
        outputs.purchasing_pdf(result, args.pdf, _subtitle_for(args))
    data = {
        "lines": [
            {
                **asdict(c.source),
                "performance": c.performance,
                "status": c.status,
                "code": c.code,
                "reason": c.reason,
            }
            for c in result.lines
        ],
        "families": to_json(result.families),
        "accepted": result.accepted,
        "rejected": result.rejected,
        "reference": result.reference,
        "gain": result.gain,
        "performance": result.performance,
        "rejected_gain": result.rejected_gain,
        "version": result.version,
    }
    text = [
        f"{result.accepted} line(s) accepted, {result.rejected} rejected;"
        f" gain {euros(result.gain)} on {euros(result.reference)} ({percent(result.performance)})"
    ]
    text += [f"  line {c.source.line}: {c.reason}" for c in result.lines if c.status == "rejected"]
    return _finish(
        args, "purchasing", {"lines": to_json(lines)}, result, result.version, data, text
    )


def _carbon(args: argparse.Namespace) -> int:
    from hospiperf_desktop.calculators import outputs  # matplotlib and openpyxl: on use

    _check_save(args)
    purchases, overrides = read_purchases(args.file)
    result = estimate(purchases, overrides)
    if args.xlsx:
        outputs.write_carbon_workbook(result, args.xlsx)
    if args.pdf:
        outputs.carbon_pdf(result, args.pdf, _subtitle_for(args))
    text = [
        f"  {line.label}: {tonnes(line.tonnes)}"
        + (f" ({tonnes(line.low)} – {tonnes(line.high)})" if line.tonnes is not None else "")
        for line in result.lines
    ]
    text.append(
        f"total: {tonnes(result.tonnes)} ({tonnes(result.low)} – {tonnes(result.high)});"
        f" not estimated: {euros(result.unestimated_amount)} of purchases without a factor"
    )
    return _finish(
        args,
        "carbon",
        {"purchases": to_json(purchases), "factors": to_json(overrides)},
        result,
        result.version,
        to_json(result),
        text,
    )


def _coordinated(args: argparse.Namespace) -> int:
    from hospiperf_desktop.calculators import outputs  # matplotlib and openpyxl: on use

    _check_save(args)
    data = CoordinatedInput(
        structure=args.structure.upper(),
        correspondant_patients=args.patients_correspondant,
        protocol_patients=args.protocol_patients,
        teleconsultations=args.teleconsultations,
        first_year=args.first_year,
        under_served_area=not args.not_under_served,
        pharmacist_share=args.pharmacist_share,
    )
    problems = check_input(data)
    if problems:
        raise CliError("; ".join(f"{field}: {problem}" for field, problem in problems))
    result = simulate(data)
    if args.xlsx:
        outputs.write_coordinated_workbook(data, result, args.xlsx)
    if args.pdf:
        outputs.coordinated_pdf(data, result, args.pdf)
    text = [f"{result.structure.id} — {result.structure.label}"]
    text += [
        f"  {MISSION_LABELS[m.mission]}: {euros(m.amount)}"
        + (" (cap reached)" if m.capped else "")
        + (f" — {m.note}" if m.note and not m.available else "")
        for m in result.missions
    ]
    text.append(f"total: {euros(result.total)} a year")
    text += [f"  requirement: {r}" for r in result.structure.requirements]
    return _finish(
        args,
        "coordinated",
        {"input": to_json(data)},
        result,
        result.version,
        to_json(result),
        text,
    )


def _scenarios(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        establishment_id = (
            services.establishments.by_finess(args.establishment).id if args.establishment else None
        )
        rows = services.calculators.scenarios(establishment_id, args.calculator)
    if args.json:
        print_json(
            [
                {k: v for k, v in asdict(row).items() if k not in ("inputs", "result")}
                for row in rows
            ]
        )
        return EXIT_OK
    for row in rows:
        print(
            f"{row.id:>4}  {row.calculator:<12} {row.finess}  {row.name:<40}"
            f" v{row.params_version}  {row.saved_by}, {row.saved_at:%Y-%m-%d %H:%M}"
        )
    return EXIT_OK


def _scenario_show(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        print_json(services.calculators.get(args.id))
    return EXIT_OK


def _scenario_delete(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        services.calculators.delete(args.id)
    print(f"scenario {args.id} deleted")
    return EXIT_OK
