"""The ARS's regional views: one sortable table per view of the consolidation report.

Rows are the report's plain dicts (`Consolidation.report()`), with the establishment's name,
the stock category in words and the key's fingerprint in words added by the worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QTabWidget, QWidget

from ui.labels import actor_text, datetime_text, kind_labels, score_text, stock_location_labels
from ui.sections.exports.checks_dialog import status_text
from ui.sections.stock.common import (
    ABOVE_TARGET_BACKGROUND,
    Column,
    ColumnsTableModel,
    RecordFilter,
    euros,
    fit_columns,
    number,
    sort_number,
    stock_table,
    weeks,
)

Row = dict[str, Any]
MAX_COLUMN = 220  # pixels: a long name is cut, whole in its tooltip


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def _numeric(header: str, key: str, decimals: int = 0) -> Column:
    """A right-aligned number column sorted on its value (blanks last)."""
    return Column(header, lambda r: number(r[key], decimals), lambda r: sort_number(r[key]), True)


class RegionalViews(QTabWidget):
    """Établissements, scores, work units, coverage, purchasing gains, the checks before
    signing (warnings highlighted), bundles received, and the ledger (per FINESS, period and
    module: accepted, refused, missing)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titles: dict[str, str] = {}
        self.models: dict[str, ColumnsTableModel] = {}
        self.tables: dict[str, QTableView] = {}
        self._names: dict[str, int] = {}  # the establishment's name takes the room left
        for key, title, columns in self._views():
            self._names[key] = next(i for i, c in enumerate(columns) if c.header == self._name)
            model = ColumnsTableModel(columns, self)
            model.tooltips = True
            table = stock_table(RecordFilter(model, self))
            table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
            self.titles[key], self.models[key], self.tables[key] = title, model, table
            index = self.addTab(table, title)
            self.setTabToolTip(index, self._tooltips().get(key, title))
        coverage = self.models["coverage"]
        coverage.background = lambda r, _c: ABOVE_TARGET_BACKGROUND if r["above_target"] else None
        self.models["checks"].background = lambda r, _c: (
            ABOVE_TARGET_BACKGROUND if r["status"] == "warning" else None
        )

    def _tooltips(self) -> dict[str, str]:
        """The whole name of each view whose tab title is short (the tab bar fits 1366 px)."""
        return {
            "diagnostic_scores": self.tr("Scores des diagnostics, par questionnaire et campagne"),
            "work_units": self.tr("Unités d'œuvre (UO), par table et par année"),
            "coverage": self.tr("Couverture de stock, en semaines, par lieu"),
            "checks": self.tr("Contrôles faits avant l'envoi de chaque paquet"),
            "ledger": self.tr("Suivi des envois : par période et module, reçu, refusé ou manquant"),
        }

    @property
    def _name(self) -> str:
        return self.tr("Établissement")

    def _views(self) -> list[tuple[str, str, list[Column]]]:
        kinds = kind_labels()
        locations = stock_location_labels()
        finess = Column(self.tr("FINESS"), lambda r: r["finess"])
        name = Column(self._name, lambda r: r.get("name") or "")
        return [
            (
                "establishments",
                self.tr("Établissements"),
                [
                    finess,
                    name,
                    Column(self.tr("Type"), lambda r: kinds.get(r["kind"], r["kind"])),
                    Column(self.tr("Région"), lambda r: r["region"] or ""),
                    _numeric(self.tr("Lits"), "beds"),
                    self._moment(self.tr("Dernier paquet"), "last_bundle_at"),
                ],
            ),
            (
                "diagnostic_scores",
                self.tr("Scores"),
                [
                    finess,
                    name,
                    Column(self.tr("Questionnaire"), lambda r: r["template_title"]),
                    Column(self.tr("Campagne"), lambda r: r["label"]),
                    Column(self.tr("Statut"), self._diagnostic_status),
                    self._percent(self.tr("Score"), "score"),
                    self._percent(self.tr("Complétude"), "completion"),
                ],
            ),
            (
                "work_units",
                self.tr("UO"),
                [
                    finess,
                    name,
                    Column(self.tr("Année"), lambda r: str(r["year"]), lambda r: r["year"]),
                    Column(self.tr("Table"), lambda r: f"{r['table_id']} ({r['table_version']})"),
                    _numeric(self.tr("Total UO"), "total"),
                    _numeric(self.tr("UO par ETP"), "per_fte", 1),
                    _numeric(self.tr("UO par lit"), "per_bed", 1),
                ],
            ),
            (
                "coverage",
                self.tr("Couverture"),
                [
                    finess,
                    name,
                    Column(self.tr("Au"), lambda r: _day(r["at"]), lambda r: r["at"]),
                    Column(self.tr("Catégorie"), lambda r: r.get("category_label", r["category"])),
                    Column(self.tr("Lieu"), lambda r: locations.get(r["location"], r["location"])),
                    Column(
                        self.tr("Valeur\ndu stock"),
                        lambda r: euros(r["stock_value"]),
                        lambda r: r["stock_value"],
                        True,
                    ),
                    self._weeks(self.tr("Couverture\n(semaines)"), "coverage_weeks"),
                    self._weeks(self.tr("Cible\n(semaines)"), "target_weeks"),
                    Column(self.tr("Par rapport\nà la cible"), self._against_target),
                ],
            ),
            (
                "purchasing",
                self.tr("Gains achats"),
                [
                    finess,
                    name,
                    Column(self.tr("Scénario"), lambda r: r["scenario"]),
                    self._euros(self.tr("Montant\nde référence"), "reference"),
                    self._euros(self.tr("Gain retenu"), "gain"),
                    Column(
                        self.tr("Performance"),
                        lambda r: score_text(
                            None if r["performance"] is None else 100 * r["performance"]
                        ),
                        lambda r: sort_number(r["performance"]),
                        True,
                    ),
                    _numeric(self.tr("Lignes\nretenues"), "accepted"),
                    _numeric(self.tr("Lignes\nrejetées"), "rejected"),
                ],
            ),
            (
                "checks",
                self.tr("Contrôles"),
                [
                    finess,
                    name,
                    Column(self.tr("Période"), lambda r: r["period"]),
                    Column(self.tr("Résultat"), lambda r: status_text(r["status"])),
                    Column(self.tr("Contrôle"), lambda r: r["message"]),
                    Column(self.tr("Justification"), lambda r: r["justification"] or ""),
                    Column(self.tr("Règles"), lambda r: r["rules"]),
                ],
            ),
            (
                "bundles",
                self.tr("Paquets reçus"),
                [
                    self._moment(self.tr("Reçu le"), "imported_at"),
                    finess,
                    name,
                    Column(self.tr("Période"), lambda r: r["period"]),
                    self._moment(self.tr("Créé le"), "created"),
                    Column(self.tr("État"), self._bundle_state),
                    Column(self.tr("Clé (empreinte)"), lambda r: r.get("key_words", "")),
                    Column(self.tr("Importé par"), lambda r: actor_text(r["imported_by"])),
                    Column(self.tr("Fichier"), lambda r: r["file_name"]),
                ],
            ),
            (
                "ledger",
                self.tr("Suivi des envois"),
                [
                    finess,
                    name,
                    Column(self.tr("Période"), lambda r: r["period"]),
                    Column(self.tr("Module"), self._module),
                    Column(self.tr("État"), self._ledger_state),
                    Column(self.tr("Motifs"), lambda r: ", ".join(r["reasons"])),
                ],
            ),
        ]

    def _module(self, row: Row) -> str:
        labels = {
            "diagnostics": self.tr("Diagnostics"),
            "activity": self.tr("Activité"),
            "stock": self.tr("Stock"),
            "calculators": self.tr("Calculateurs"),
        }
        return labels.get(row["module"], row["module"])

    def _ledger_state(self, row: Row) -> str:
        labels = {
            "accepted": self.tr("accepté"),
            "refused": self.tr("refusé"),
            "missing": self.tr("manquant (rien reçu)"),
        }
        return labels.get(row["status"], row["status"])

    @staticmethod
    def _moment(header: str, key: str) -> Column:
        return Column(header, lambda r: datetime_text(r[key]), lambda r: r[key])

    @staticmethod
    def _percent(header: str, key: str) -> Column:
        return Column(header, lambda r: score_text(r[key]), lambda r: sort_number(r[key]), True)

    @staticmethod
    def _weeks(header: str, key: str) -> Column:
        return Column(header, lambda r: weeks(r[key]), lambda r: sort_number(r[key]), True)

    @staticmethod
    def _euros(header: str, key: str) -> Column:
        return Column(header, lambda r: euros(r[key]), lambda r: sort_number(r[key]), True)

    def _diagnostic_status(self, row: Row) -> str:
        return self.tr("Validé") if row["status"] == "validated" else self.tr("En cours")

    def _against_target(self, row: Row) -> str:
        if row["coverage_weeks"] is None:
            return self.tr("non calculée")
        return self.tr("au-dessus de la cible") if row["above_target"] else self.tr("dans la cible")

    def _bundle_state(self, row: Row) -> str:
        return self.tr("en vigueur") if row["current"] else self.tr("remplacé")

    def show_report(self, report: dict[str, list[Row]]) -> None:
        for index, (key, model) in enumerate(self.models.items()):
            rows = report.get(key, [])
            model.set_rows(rows)
            self.setTabText(index, f"{self.titles[key]} ({len(rows)})")
            caps = {column: MAX_COLUMN for column in range(model.columnCount())}
            fit_columns(self.tables[key], caps, stretch=self._names[key])

    def rows(self, key: str) -> list[Row]:
        return self.models[key].rows

    def texts(self, key: str) -> list[list[str]]:
        """What the table shows, row by row, in its current order (for tests)."""
        table = self.tables[key]
        model = table.model()
        return [
            [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
