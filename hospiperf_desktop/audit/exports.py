"""The audit journal as documents: an Excel workbook and an A4 PDF, both in French.

Each entry is written with its number, local time, author (role in French), establishment,
kind of change, action, object, and what changed ("champ : avant → après"), fields and coded
values by their French names (audit/fields.py). The verification
of the chain, when given, is stated at the top.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from hospiperf_desktop.audit.fields import field_label, object_label, value_label
from hospiperf_desktop.audit.journal import JournalEntry, action_label, entity_label
from hospiperf_desktop.audit.service import AuditReport
from hospiperf_desktop.diagnostics.texts import actor_label, format_date, local_time
from hospiperf_desktop.files import write_atomically
from hospiperf_desktop.safe_cells import append_row, save_workbook

SUMMARY_LENGTH = 400
HEADINGS = (
    "N°", "Date et heure", "Profil", "Établissement (FINESS)", "Type de modification",
    "Action", "Objet", "Ce qui a changé",
)  # fmt: skip


def when(entry: JournalEntry) -> str:
    """The entry's moment in local time: 31/12/2026 14:05:09."""
    return local_time(datetime.fromisoformat(entry.recorded_at)).strftime("%d/%m/%Y %H:%M:%S")


def shown_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_value(entry: JournalEntry, field: str, value: Any) -> str:
    """A snapshot's value as people read it: coded values by their French name."""
    return shown_value(value_label(entry.entity, field, value))


def fields(entry: JournalEntry) -> list[tuple[str, str]]:
    """The fields of the entry's snapshots as (code, French name), in the names' order."""
    keys = set(entry.before or {}) | set(entry.after or {})
    return sorted(((k, field_label(entry.entity, k)) for k in keys), key=lambda f: f[1].lower())


def object_text(entry: JournalEntry) -> str:
    """What the entry is about: 'PAAT 2025 (2)', an activity value's measure and period."""
    snapshots = [s for s in (entry.after, entry.before) if s is not None]
    return object_label(entry.entity, entry.entity_id, snapshots)


def changes(entry: JournalEntry) -> str:
    """What the entry changed, field by field: "Statut : À faire → En cours ; …"."""
    before, after = entry.before or {}, entry.after or {}
    parts = []
    for key, name in fields(entry):
        old, new = field_value(entry, key, before.get(key)), field_value(entry, key, after.get(key))
        if entry.before is None:
            parts.append(f"{name} : {new}")
        elif entry.after is None:
            parts.append(f"{name} : {old} (retiré)")
        elif before.get(key) != after.get(key):
            parts.append(f"{name} : {old} → {new}")
    text = " ; ".join(parts) or "aucun champ modifié"
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def row(entry: JournalEntry) -> list[Any]:
    return [
        entry.id, when(entry), actor_label(entry.actor), entry.finess or "",
        entity_label(entry.entity), action_label(entry.action), object_text(entry), changes(entry),
    ]  # fmt: skip


def verification_text(report: AuditReport | None) -> str:
    if report is None:
        return "Chaîne non vérifiée pour ce document."
    if report.ok:
        return f"Chaîne vérifiée : intacte ({report.entries_checked} entrées contrôlées)."
    return (
        f"Chaîne vérifiée : {len(report.problems)} anomalie(s) sur "
        f"{report.entries_checked} entrées contrôlées."
    )


def write_journal_workbook(
    entries: Sequence[JournalEntry], path: Path, *, filters: str, report: AuditReport | None
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Journal d'audit"
    # Entries hold text from users and files: never written as a formula (safe_cells).
    append_row(sheet, ["Journal d'audit HospiPerf Desktop"])
    append_row(sheet, [f"Filtres : {filters}"])
    append_row(sheet, [verification_text(report)])
    append_row(sheet, list(HEADINGS))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=13)
    for entry in entries:
        append_row(sheet, row(entry))
    for letter, width in zip("ABCDEFGH", (8, 20, 28, 20, 24, 18, 24, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    for (cell,) in sheet.iter_rows(min_row=5, min_col=8, max_col=8):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A5"
    save_workbook(workbook, path)


def write_journal_pdf(
    entries: Sequence[JournalEntry], path: Path, *, filters: str, report: AuditReport | None
) -> None:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    from hospiperf_desktop import pdf_kit as kit

    now = datetime.now().astimezone()
    story: list[Any] = [
        kit.para("Journal d'audit", kit.H1),
        kit.para(f"Filtres : {filters}", kit.BODY),
        kit.para(verification_text(report), kit.BODY),
        kit.para(f"{len(entries)} entrée(s), de la plus récente à la plus ancienne.", kit.BODY),
        Spacer(1, 4),
    ]
    widths = [11 * mm, 19 * mm, 28 * mm, 18 * mm, 28 * mm, 0]
    widths[-1] = kit.FRAME_WIDTH - sum(widths)
    rows: list[list[Any]] = [
        kit.header_row("N°", "Date", "Profil", "FINESS", "Modification", "Objet et ce qui a changé")
    ]
    for entry in entries:
        rows.append(
            [
                kit.para(str(entry.id)), kit.para(when(entry)), kit.para(actor_label(entry.actor)),
                kit.para(entry.finess or "—"),
                kit.para(f"{entity_label(entry.entity)} : {action_label(entry.action)}"),
                Paragraph(f"<b>{kit.markup(object_text(entry))}</b><br/>{kit.markup(changes(entry))}",
                          kit.CELL),
            ]
        )  # fmt: skip
    story.append(kit.bordered_table(rows, widths))
    footer = kit.Footer(
        left=kit.safe(f"Journal d'audit — {filters}"),
        generated=kit.safe(f"Généré le {format_date(now)} à {now:%H:%M}"),
    )

    def write(target: str) -> None:
        kit.a4_document(
            target,
            title="Journal d'audit",
            author="HospiPerf Desktop",
            subject="Journal d'audit HospiPerf Desktop",
            on_page=lambda canvas, document: None,
        ).build(story, canvasmaker=functools.partial(kit.NumberedCanvas, footer=footer))

    write_atomically(path, write)
