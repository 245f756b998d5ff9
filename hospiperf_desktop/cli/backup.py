"""`backup create | list | verify | restore | settings` (docs/backups.md)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hospiperf_desktop.backup.check import BackupContents
from hospiperf_desktop.backup.store import BackupInfo
from hospiperf_desktop.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    database_faults,
    print_json,
    services_for,
)
from hospiperf_desktop.faults import megabytes
from hospiperf_desktop.paths import resolve_database_path


def register(commands: Any) -> None:
    group = commands.add_parser("backup", help="checked backups and restore").add_subparsers(
        dest="backup_command", metavar="ACTION", required=True
    )
    create = group.add_parser("create", help="write a checked backup of the database")
    create.add_argument("--to", metavar="DIR", type=Path, help="folder (default: backups/)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=_create)
    listing = group.add_parser("list", help="the backups beside the database, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--from", dest="folder", metavar="DIR", type=Path)
    listing.set_defaults(handler=_list)
    verify = group.add_parser("verify", help="check a backup file (exit 0 good, 1 not)")
    verify.add_argument("file", type=Path)
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify)
    restore = group.add_parser("restore", help="put a backup in place of the database")
    restore.add_argument("file", type=Path)
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(handler=_restore)
    settings = group.add_parser("settings", help="show or change the automatic backups")
    settings.add_argument("--interval-hours", type=float)
    settings.add_argument("--keep-daily", type=int)
    settings.add_argument("--keep-weekly", type=int)
    settings.add_argument("--keep-monthly", type=int)
    settings.add_argument(
        "--second-destination", metavar="DIR", help="a second folder ('' for none)"
    )
    settings.add_argument("--json", action="store_true")
    settings.set_defaults(handler=_settings)


def _contents(contents: BackupContents | None) -> str:
    if contents is None:
        return "unreadable"
    last = contents.last_audit
    when = f", last change {last['recorded_at'][:19]} ({last['action']})" if last else ""
    return f"{contents.establishments} establishments, {contents.diagnostics} diagnostics{when}"


def _create(args: argparse.Namespace) -> int:
    with services_for(args) as services:
        created = services.backups.create(args.to)
    if args.json:
        print_json(
            {
                "file": str(created.path),
                "size": created.size,
                "contents": asdict(created.contents),
                "removed_by_rotation": [str(p) for p in created.removed],
                "second_copy": str(created.second_copy) if created.second_copy else None,
                "second_problem": created.second_problem,
            }
        )
        return EXIT_OK
    print(f"backup written and checked: {created.path} ({megabytes(created.size)})")
    if created.second_copy:
        print(f"second copy: {created.second_copy}")
    if created.second_problem:
        print(f"second copy NOT made: {created.second_problem}")
    return EXIT_OK


def _info(backup: BackupInfo) -> dict[str, Any]:
    return {
        "file": str(backup.path),
        "taken_at": backup.name.taken_at.isoformat(),
        "schema_revision": backup.name.revision,
        "reason": backup.name.reason,
        "size": backup.size,
        "checked": backup.checked,
        "contents": asdict(backup.contents) if backup.contents else None,
    }


def _list(args: argparse.Namespace) -> int:
    from hospiperf_desktop.backup.store import default_folder, list_folder

    folder = args.folder or default_folder(resolve_database_path(args.db))
    backups = list_folder(folder)
    if args.json:
        print_json([_info(b) for b in backups])
        return EXIT_OK
    if not backups:
        print(f"no backup in {folder}")
    for b in backups:
        state = "checked " if b.checked else "unchecked"
        size = f"{b.size / 1e6:.1f} MB"
        print(f"{state}  {b.path.name}  {size:>9}  {_contents(b.contents)}")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from hospiperf_desktop.backup.service import verify_backup

    check = verify_backup(args.file)
    if args.json:
        print_json({"file": str(args.file), "ok": check.ok, "problems": list(check.problems)})
    elif check.ok:
        print(f"backup good: {args.file} ({_contents(check.contents)})")
    else:
        print(f"backup NOT good: {args.file}: {'; '.join(check.problems)}")
    return EXIT_OK if check.ok else EXIT_CHECK_FAILED


def _restore(args: argparse.Namespace) -> int:
    from hospiperf_desktop.backup.restore import restore_backup

    with database_faults():
        report = restore_backup(resolve_database_path(args.db), args.file)
    if args.json:
        print_json(report)
        return EXIT_OK
    print(f"restored: {report.backup} ({_contents(report.contents)})")
    if report.upgraded_from:
        print(f"upgraded from schema {report.upgraded_from}")
    if report.set_aside:
        kind = "raw copy of the damaged database" if report.set_aside_raw else "previous database"
        print(f"{kind} kept as: {report.set_aside}")
    return EXIT_OK


def _settings(args: argparse.Namespace) -> int:
    from dataclasses import replace

    with services_for(args) as services:
        current = services.backups.settings()
        retention = current.retention
        changed = replace(
            current,
            interval_hours=_pick(args.interval_hours, current.interval_hours),
            retention=replace(
                retention,
                daily=_pick(args.keep_daily, retention.daily),
                weekly=_pick(args.keep_weekly, retention.weekly),
                monthly=_pick(args.keep_monthly, retention.monthly),
            ),
            second_destination=_pick(args.second_destination, current.second_destination),
        )
        if changed != current:
            services.backups.save_settings(changed)
    if args.json:
        print_json(changed)
    else:
        r = changed.retention
        print(f"automatic backup every {changed.interval_hours:g} h")
        print(f"keep {r.daily} daily, {r.weekly} weekly, {r.monthly} monthly")
        print(f"second destination: {changed.second_destination or 'none'}")
    return EXIT_OK


def _pick(given: Any, current: Any) -> Any:
    return current if given is None else given
