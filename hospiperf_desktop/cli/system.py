"""`init`, `demo`, `audit verify` and `profile` commands."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.cli import journal
from hospiperf_desktop.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    CliError,
    print_json,
    record_id,
    services_for,
)
from hospiperf_desktop.profiles.model import Role


def register(commands: Any) -> None:
    init = commands.add_parser("init", help="create or upgrade the database")
    init.set_defaults(handler=_init)

    demo = commands.add_parser(
        "demo",
        help="fill the database with fictitious demonstration data ('demo remove' takes it out)",
    )
    demo.add_argument("--json", action="store_true")
    demo.set_defaults(handler=_demo)
    demo_actions = demo.add_subparsers(dest="demo_command", metavar="ACTION")
    remove = demo_actions.add_parser(
        "remove", help="delete every demonstration row, and nothing of yours"
    )
    remove.add_argument("--json", action="store_true")
    remove.set_defaults(handler=_demo_remove)

    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True
    )
    verify = audit.add_parser("verify", help="check that no audit entry was altered or removed")
    verify.add_argument(
        "--anchor",
        type=Path,
        metavar="FILE",
        help="a bundle or a backup: prove the trail unchanged up to the point it recorded",
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_audit_verify)
    journal.register(audit)

    profile = commands.add_parser("profile", help="user profiles").add_subparsers(
        dest="profile_command", metavar="ACTION", required=True
    )
    add = profile.add_parser("add", help="add a user profile")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--use", action="store_true", help="make it the current profile")
    add.set_defaults(handler=_profile_add)
    listing = profile.add_parser("list", help="list user profiles")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_profile_list)
    use = profile.add_parser("use", help="choose the current profile (author of changes)")
    use.add_argument("profile_id", type=record_id)
    use.set_defaults(handler=_profile_use)


def _init(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        print(f"database ready: {services.database_path}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from hospiperf_desktop.demo import run_demo

    with services_for(args) as services:
        summary = run_demo(services)
        services.settings.mark_demo_offered()
    if args.json:
        print_json({"added": summary.added, "total": summary.total})
    else:
        details = ", ".join(f"{count} {name}" for name, count in summary.added.items())
        print(f"demonstration data added: {details}")
    return EXIT_OK


def _demo_remove(args: argparse.Namespace) -> int:
    from hospiperf_desktop.demo import remove_demo

    with services_for(args) as services:
        removed = remove_demo(services)
    if args.json:
        print_json({**asdict(removed), "total": removed.total})
    else:
        details = ", ".join(f"{count} {name}" for name, count in removed.data.items() if count)
        print(
            f"demonstration data removed: {removed.establishments} establishment(s),"
            f" {removed.profiles} profile(s)" + (f", {details}" if details else "")
        )
    return EXIT_OK


def _audit_verify(args: argparse.Namespace) -> int:
    from hospiperf_desktop.audit.anchors import AnchorError, read_anchor

    with services_for(args) as services:
        anchor, signed = None, False
        if args.anchor is not None:
            try:
                anchor, signed = read_anchor(args.anchor, services.bundles.keys.folder)
            except AnchorError as err:
                raise CliError(str(err)) from None
        report = services.audit.verify(anchor)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "entries_checked": report.entries_checked,
                "problems": [vars(p) for p in report.problems],
                "anchor": None
                if anchor is None
                else {
                    "source": anchor.source,
                    "entries": anchor.entries,
                    "head_hash": anchor.head_hash,
                    "signature_checked": signed,
                },
            }
        )
    elif report.ok:
        print(f"audit trail intact: {report.entries_checked} entries checked")
        if anchor is not None:
            how = "signed bundle" if signed else "file"
            print(f"unchanged up to entry {anchor.entries}, as anchored in {anchor.source} ({how})")
    else:
        print(
            f"audit trail BROKEN: {len(report.problems)} problem(s) "
            f"in {report.entries_checked} entries"
        )
        for problem in report.problems:
            where = f"entry {problem.entry_id}" if problem.entry_id else "chain head"
            print(f"  {where}: {problem.message}")
    return EXIT_OK if report.ok else EXIT_CHECK_FAILED


def _profile_add(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        profile = services.profiles.add(args.name, args.role)
        if args.use:
            services.profiles.set_current(profile.id)
    print(f"profile {profile.id} added: {profile.name} ({profile.role})")
    return EXIT_OK


def _profile_list(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        profiles = services.profiles.list()
        current = services.profiles.current()
    if args.json:
        print_json([{**vars(p), "current": p == current} for p in profiles])
        return EXIT_OK
    for p in profiles:
        mark = "  [fictitious]" if p.fictitious else ""
        print(f"{'*' if p == current else ' '} {p.id:>3}  {p.name}  ({p.role}){mark}")
    return EXIT_OK


def _profile_use(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        profile = services.profiles.set_current(args.profile_id)
    print(f"current profile: {profile.name} ({profile.role})")
    return EXIT_OK
