"""`audit list` and `audit export`: the audit trail filtered for people, as text, JSON,
Excel or PDF (the Journal d'audit screen does the same through the same service)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from hospiperf_desktop.cli.common import EXIT_OK, CliError, print_json, services_for


def register(audit: Any) -> None:
    listing = audit.add_parser("list", help="list audit entries, newest first")
    _filters(listing)
    listing.add_argument("--limit", type=int, default=200, help="at most N entries (0: all)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    export = audit.add_parser("export", help="write the filtered audit trail to PDF or Excel")
    _filters(export)
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--pdf", type=Path, metavar="FILE")
    target.add_argument("--xlsx", type=Path, metavar="FILE")
    export.set_defaults(handler=_export)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_day, metavar="DATE", help="from this day (UTC)")
    parser.add_argument("--until", type=_day, metavar="DATE", help="up to this day (UTC)")
    parser.add_argument("--profile", metavar="NAME", help="changes made by this profile")
    parser.add_argument("--establishment", metavar="FINESS", help="changes of this establishment")
    parser.add_argument("--kind", metavar="ENTITY", help="kind of change (e.g. diagnostic)")


def _wanted(args: argparse.Namespace) -> Any:
    from hospiperf_desktop.audit.journal import JournalFilter

    if args.since and args.until and args.since > args.until:
        raise CliError(f"--since {args.since} is after --until {args.until}")
    return JournalFilter(args.since, args.until, args.profile, args.establishment, args.kind)


def filters_text(args: argparse.Namespace) -> str:
    """The filters in French words, as the documents state them."""
    from hospiperf_desktop.audit.journal import entity_label

    parts = []
    if args.since:
        parts.append(f"depuis le {args.since:%d/%m/%Y}")
    if args.until:
        parts.append(f"jusqu'au {args.until:%d/%m/%Y}")
    if args.profile:
        parts.append(f"profil {args.profile}")
    if args.establishment:
        parts.append(f"établissement {args.establishment}")
    if args.kind:
        parts.append(entity_label(args.kind))
    return ", ".join(parts) or "aucun (tout le journal)"


def _list(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise CliError("--limit must be 0 (all) or more")
    with services_for(args) as services:
        page = services.journal.page(_wanted(args), limit=args.limit or None)
    if args.json:
        print_json({"total": page.total, "entries": [vars(e) for e in page.entries]})
        return EXIT_OK
    for e in page.entries:
        print(
            f"{e.id:>6}  {e.recorded_at[:19]}  {e.actor}  {e.finess or '-':9}  "
            f"{e.entity} {e.entity_id}: {e.action}"
        )
    print(f"{len(page.entries)} of {page.total} entries shown")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from hospiperf_desktop.audit.exports import write_journal_pdf, write_journal_workbook

    with services_for(args) as services:
        entries = services.journal.page(_wanted(args), limit=None).entries
        report = services.audit.verify()
    target = args.pdf or args.xlsx
    write = write_journal_pdf if args.pdf else write_journal_workbook
    write(entries, target, filters=filters_text(args), report=report)
    print(f"{len(entries)} audit entries written to {target}")
    return EXIT_OK
