"""The main window: section navigation, menus, status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hospiperf_desktop import APP_NAME, __version__
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QCloseEvent

    from hospiperf_desktop.establishments.model import Establishment
    from hospiperf_desktop.profiles.model import Profile
    from hospiperf_desktop.services import Services
    from ui.help_window import HelpWindow
    from ui.profile_dialog import ProfileDialog
    from ui.sections.activity.page import ActivityPage
    from ui.sections.audit_page import AuditPage
    from ui.sections.calculators.page import CalculatorsPage
    from ui.sections.dashboard.page import DashboardPage
    from ui.sections.diagnostics.page import DiagnosticsPage
    from ui.sections.establishments import EstablishmentsView
    from ui.sections.exports.page import ExportsPage
    from ui.sections.stock.page import StockPage

STYLE = """
QLabel#sectionTitle { font-size: 18px; font-weight: 600; margin-bottom: 6px; }
QLabel#comingSoonBadge { background: #fff4d6; color: #6b4e00; padding: 6px 10px;
                         border-radius: 4px; }
QListWidget#navigation { font-size: 14px; }
QListWidget#navigation::item { padding: 8px 10px; }
QLabel#themeTitle { font-size: 14px; margin: 4px 0; }
QLabel#itemHelp { color: #555; }
QLabel#criticalBadge { border: 1px solid #8a1c1c; color: #8a1c1c; padding: 1px 6px;
                       border-radius: 3px; font-weight: 600; }
QLabel#lockBanner { background: #e8eef7; padding: 6px 10px; border-radius: 4px; }
QLabel#overallScore { font-size: 15px; font-weight: 600; }
QFrame#itemCard { background: palette(base); border-radius: 4px; }
QWidget#documentBar { background: #e8f1e4; border-top: 1px solid #b5c9ad; }
QPushButton#profileButton { text-decoration: underline; padding: 0 6px; }
"""


DIAGNOSTICS_ROW = 1
STOCK_ROW = 2
ACTIVITY_ROW = 3
DASHBOARD_ROW = 4
CALCULATORS_ROW = 5
EXPORTS_ROW = 6
AUDIT_ROW = 7
# The section of each navigation row, as the help pages name them (resources/help/index.json).
SECTION_KEYS = (
    "establishments", "diagnostics", "stock", "activity", "dashboard", "calculators", "exports",
    "audit",
)  # fmt: skip


class MainWindow(QMainWindow):
    """Shows immediately; `set_services()` is called once the database is open.

    The section pages are built by `ensure_pages()`, right after the window is first shown:
    their modules touch Qt's enum namespaces, whose first use costs tens of milliseconds.
    Nothing before the first paint touches the `Qt` namespace: its first use builds its 93
    Python enums (about 35 ms), so the window is maximised by `show()` and the F1 shortcut's
    context is set in `ensure_pages()`, and shortcuts are given as standard keys
    (`setShortcuts`; `setShortcut` would convert them through `Qt.Key`).
    """

    services_ready = Signal()

    def __init__(self, database_label: str) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self._restore_geometry()
        self.setStyleSheet(STYLE)
        self.database_path = database_label
        self.services: Services | None = None
        self.runner = TaskRunner(self)
        self.establishments: EstablishmentsView | None = None
        self.diagnostics: DiagnosticsPage | None = None
        self.stock: StockPage | None = None
        self.activity: ActivityPage | None = None
        self.dashboard: DashboardPage | None = None
        self.calculators: CalculatorsPage | None = None
        self.exports: ExportsPage | None = None
        self.audit: AuditPage | None = None
        self.help_window: HelpWindow | None = None
        from ui.current import CurrentEstablishment

        # Chosen once, followed by every section (their EstablishmentChooser).
        self.current_establishment = CurrentEstablishment(self)
        self.profile_dialog: ProfileDialog | None = None
        self._build_central()
        self._build_menus()
        self.database_label = QLabel(self.tr("Base de données : %1").replace("%1", database_label))
        # Who is working, always in sight; a click changes it.
        self.profile_label = QPushButton()
        self.profile_label.setObjectName("profileButton")
        self.profile_label.setFlat(True)
        self.profile_label.setToolTip(self.tr("Changer de profil utilisateur"))
        self.profile_label.clicked.connect(self.choose_profile)
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addPermanentWidget(self.profile_label)
        self.statusBar().showMessage(self.tr("Ouverture de la base de données…"))

    def _restore_geometry(self) -> None:
        """Where and how large the window was; the first time, most of the screen (all of a
        1366×768 laptop's)."""
        from ui.file_dialogs import user_settings

        self._maximise = False
        saved = user_settings().value("window/geometry")
        if saved is not None and self.restoreGeometry(saved):
            return
        screen = self.screen().availableGeometry()
        if screen.width() <= 1440 or screen.height() <= 900:
            self._maximise = True
            self.resize(screen.size())
        else:
            self.resize(min(1600, screen.width() * 9 // 10), min(1000, screen.height() * 9 // 10))

    def show(self) -> None:
        """Shown maximised when `_restore_geometry()` chose it (without touching `Qt`)."""
        if self._maximise:
            self.showMaximized()
        else:
            super().show()

    def save_state(self) -> None:
        """Remember the window's geometry, its section and every splitter's position."""
        from ui.file_dialogs import user_settings

        settings = user_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/section", self.navigation.currentRow())
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            for number, splitter in enumerate(page.findChildren(QSplitter)):
                settings.setValue(f"splitters/{type(page).__name__}/{number}", splitter.saveState())

    def _restore_splitters(self, page: QWidget) -> None:
        from ui.file_dialogs import user_settings

        settings = user_settings()
        for number, splitter in enumerate(page.findChildren(QSplitter)):
            state = settings.value(f"splitters/{type(page).__name__}/{number}")
            if state is not None:
                splitter.restoreState(state)

    def restore_section(self) -> None:
        """Open on the section the user left last time."""
        from ui.file_dialogs import user_settings

        row = user_settings().value("window/section")
        try:
            row = int(row) if row is not None else 0
        except (TypeError, ValueError):
            row = 0
        if 0 < row < self.navigation.count():
            self.navigation.setCurrentRow(row)

    def _sections(self) -> list[tuple[str, bool, str]]:
        """(title, built, description) of each section, in navigation order."""
        return [
            (self.tr("Établissements"), True, ""),
            (self.tr("Diagnostics"), True, ""),
            (self.tr("Stocks"), True, ""),
            (self.tr("Activité et UO"), True, ""),
            (self.tr("Tableau de bord"), True, ""),
            (self.tr("Calculateurs"), True, ""),
            (self.tr("Exports / ARS"), True, ""),
            (self.tr("Journal d'audit"), True, ""),
        ]

    def _build_central(self) -> None:
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(230)
        self.pages = QStackedWidget()
        for title, built, _description in self._sections():
            item = QListWidgetItem(title if built else self.tr("%1 (à venir)").replace("%1", title))
            if not built:
                item.setForeground(QColor("gray"))
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self.pages.setCurrentIndex)
        from ui.documents import DocumentBar

        self.document_bar = DocumentBar()
        self.document_bar.print_requested.connect(self.print_document)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.pages, 1)
        right_layout.addWidget(self.document_bar)
        central = QWidget()
        outer = QVBoxLayout(central)
        self.banners = QVBoxLayout()  # warnings above the pages (backups, read-only base…)
        outer.addLayout(self.banners)
        layout = QHBoxLayout()
        layout.addWidget(self.navigation)
        layout.addWidget(right, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&Fichier"))
        self.demo_action = QAction(self.tr("Charger les données de &démonstration…"), self)
        self.demo_action.triggered.connect(self.load_demo)
        self.demo_action.setEnabled(False)
        self.remove_demo_action = QAction(self.tr("&Retirer les données de démonstration…"), self)
        self.remove_demo_action.triggered.connect(self.remove_demo)
        self.remove_demo_action.setEnabled(False)
        self.profile_action = QAction(self.tr("&Profil utilisateur…"), self)
        self.profile_action.triggered.connect(self.choose_profile)
        self.profile_action.setEnabled(False)
        quit_action = QAction(self.tr("&Quitter"), self)
        quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        from ui.reference_package_ui import ReferencePackageController

        self.packages = ReferencePackageController(self)
        self.packages.installed.connect(lambda _installed: self._package_installed())
        file_menu.addAction(self.profile_action)
        file_menu.addAction(self.packages.action)
        file_menu.addAction(self.demo_action)
        from ui.backup_ui import BackupController

        self.backup = BackupController(self)
        file_menu.addAction(self.backup.restore_action)
        file_menu.addAction(self.backup.settings_action)
        file_menu.addAction(self.remove_demo_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Aide"))
        guide = QAction(self.tr("&Guide d'utilisation"), self)
        guide.setShortcuts(QKeySequence.StandardKey.HelpContents)
        self.guide_action = guide
        guide.triggered.connect(self.show_help)
        help_menu.addAction(guide)
        help_menu.addSeparator()
        about = QAction(self.tr("À &propos de HospiPerf Desktop"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def ensure_pages(self) -> EstablishmentsView:
        """Build the section pages once; returns the Establishments view."""
        if self.establishments is not None:
            return self.establishments
        from PySide6.QtCore import Qt

        # F1 also from the help window itself.
        self.guide_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        from ui.sections.coming_soon import ComingSoonPage
        from ui.sections.establishments import EstablishmentsView

        self.establishments = EstablishmentsView(self.runner)
        self.pages.addWidget(self.establishments)
        self.pages.addWidget(QWidget())  # the Diagnostics page, built when first shown
        self.pages.addWidget(QWidget())  # the Stocks page, likewise
        self.pages.addWidget(QWidget())  # the Activité et UO page, likewise
        self.pages.addWidget(QWidget())  # the Tableau de bord page, likewise
        self.pages.addWidget(QWidget())  # the Calculateurs page, likewise
        self.pages.addWidget(QWidget())  # the Exports / ARS page, likewise
        self.pages.addWidget(QWidget())  # the Journal d'audit page, likewise
        for title, built, description in self._sections():
            if not built:
                self.pages.addWidget(ComingSoonPage(title, description))
        self.navigation.currentRowChanged.connect(self._build_on_demand)
        self.navigation.setCurrentRow(0)
        return self.establishments

    def _build_on_demand(self, row: int) -> None:
        if row == DIAGNOSTICS_ROW:
            self.diagnostics_page()
        elif row == STOCK_ROW:
            self.stock_page()
        elif row == ACTIVITY_ROW:
            self.activity_page()
        elif row == DASHBOARD_ROW:
            self.dashboard_page()
        elif row == CALCULATORS_ROW:
            self.calculators_page()
        elif row == EXPORTS_ROW:
            self.exports_page()
        elif row == AUDIT_ROW:
            self.audit_page()

    def _place(self, row: int, page: QWidget) -> None:
        """Put a page built on first use where its placeholder was."""
        self.ensure_pages()
        placeholder = self.pages.widget(row)
        self.pages.insertWidget(row, page)
        self._restore_splitters(page)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        if self.navigation.currentRow() == row:
            self.pages.setCurrentWidget(page)

    def diagnostics_page(self) -> DiagnosticsPage:
        """The Diagnostics page, built on first use: it is not needed to start."""
        if self.diagnostics is None:
            from ui.sections.diagnostics.page import DiagnosticsPage

            page = DiagnosticsPage(self.runner)
            self._place(DIAGNOSTICS_ROW, page)
            page.sterilisation_study_requested.connect(self.open_sterilisation_study)
            assert self.establishments is not None
            self.establishments.changed.connect(page.reload)
            if self.services is not None:
                page.set_services(self.services)
            self.diagnostics = page
        return self.diagnostics

    def stock_page(self) -> StockPage:
        """The Stocks page, built on first use like the Diagnostics page."""
        if self.stock is None:
            from ui.sections.stock.page import StockPage

            page = StockPage(self.runner)
            self._place(STOCK_ROW, page)
            assert self.establishments is not None
            self.establishments.changed.connect(page.reload)
            if self.services is not None:
                page.set_services(self.services)
            self.stock = page
        return self.stock

    def activity_page(self) -> ActivityPage:
        """The Activité et UO page, built on first use like the Diagnostics page."""
        if self.activity is None:
            from ui.sections.activity.page import ActivityPage

            page = ActivityPage(self.runner)
            self._place(ACTIVITY_ROW, page)
            assert self.establishments is not None
            self.establishments.changed.connect(page.reload)
            if self.services is not None:
                page.set_services(self.services)
            self.activity = page
        return self.activity

    def dashboard_page(self) -> DashboardPage:
        """The Tableau de bord page, built on first use like the Diagnostics page."""
        if self.dashboard is None:
            from ui.sections.dashboard.page import DashboardPage

            page = DashboardPage(self.runner)
            self._place(DASHBOARD_ROW, page)
            assert self.establishments is not None
            self.establishments.changed.connect(page.reload)
            if self.services is not None:
                page.set_services(self.services)
            self.dashboard = page
        return self.dashboard

    def open_sterilisation_study(self) -> None:
        """The study from the Diagnostics section: its tab in Calculateurs."""
        page = self.calculators_page()
        self.navigation.setCurrentRow(CALCULATORS_ROW)
        page.tabs.setCurrentWidget(page.sterilisation)

    def calculators_page(self) -> CalculatorsPage:
        """The Calculateurs page, built on first use like the Diagnostics page."""
        if self.calculators is None:
            from ui.sections.calculators.page import CalculatorsPage

            page = CalculatorsPage(self.runner)
            self._place(CALCULATORS_ROW, page)
            assert self.establishments is not None
            self.establishments.changed.connect(page.reload)
            if self.services is not None:
                page.set_services(self.services)
            self.calculators = page
        return self.calculators

    def exports_page(self) -> ExportsPage:
        """The Exports / ARS page, built on first use like the Diagnostics page."""
        if self.exports is None:
            from ui.sections.exports.page import ExportsPage

            page = ExportsPage(self.runner)
            self._place(EXPORTS_ROW, page)
            assert self.establishments is not None
            self.establishments.changed.connect(page.reload)
            if self.services is not None:
                page.set_services(self.services)
            self.exports = page
        return self.exports

    def audit_page(self) -> AuditPage:
        """The Journal d'audit page, built on first use; it reloads each time it is shown."""
        if self.audit is None:
            from ui.sections.audit_page import AuditPage

            page = AuditPage(self.runner)
            self._place(AUDIT_ROW, page)
            if self.services is not None:
                page.set_services(self.services)
            self.audit = page
        return self.audit

    def set_services(
        self, services: Services, establishments_list: list[Establishment] | None = None
    ) -> None:
        self.services = services
        establishments = self.ensure_pages()
        self.demo_action.setEnabled(True)
        self.remove_demo_action.setEnabled(True)
        self.profile_action.setEnabled(True)
        establishments.set_services(services, establishments_list)
        if self.diagnostics is not None:
            self.diagnostics.set_services(services)
        if self.stock is not None:
            self.stock.set_services(services)
        if self.activity is not None:
            self.activity.set_services(services)
        if self.dashboard is not None:
            self.dashboard.set_services(services)
        if self.calculators is not None:
            self.calculators.set_services(services)
        if self.exports is not None:
            self.exports.set_services(services)
        if self.audit is not None:
            self.audit.set_services(services)
        self.statusBar().clearMessage()
        self.refresh_profile()
        self.backup.services_ready(services)
        self.packages.services_ready(services)
        self.services_ready.emit()
        self.restore_section()

    def refresh_profile(self) -> None:
        services = self.services
        if services is None:
            return

        def show(profile: Profile | None) -> None:
            from ui.profile_dialog import profile_text

            if profile is None:
                text = self.tr("Profil : aucun (identifiant système) — choisir…")
            else:
                text = self.tr("Profil : %1").replace("%1", profile_text(profile))
            self.profile_label.setText(text)

        self.runner.run(lambda _p: services.profiles.current(), on_success=show)

    def first_start(self) -> None:
        """Once the database is open: ask who is working when nobody is chosen yet, before
        anything is recorded; then, on an empty database, offer the demonstration data."""
        services = self.services
        if services is None:
            return

        def ask(current: Profile | None) -> None:
            if current is not None:
                self.offer_demo()
                return
            self.profile_dialog = self._profile_dialog(first_run=True)
            self.profile_dialog.finished.connect(lambda _result: self.offer_demo())
            self.profile_dialog.open()

        self.runner.run(lambda _p: services.profiles.current(), on_success=ask)

    def offer_demo(self) -> None:
        """On a first start with an empty database, propose the demonstration data."""
        services = self.services
        if services is None:
            return

        def ask(first_run: bool) -> None:
            if not first_run:
                return
            answer = QMessageBox.question(
                self,
                self.tr("Première utilisation"),
                self.tr(
                    "La base de données est vide. Charger des données de démonstration "
                    "fictives pour découvrir l'application ?\n\nVous pourrez les retirer "
                    "ensuite (Fichier › Retirer les données de démonstration)."
                ),
            )
            self.runner.run(lambda _p: services.settings.mark_demo_offered())
            if answer == QMessageBox.StandardButton.Yes:
                self.load_demo()

        self.runner.run(lambda _p: services.settings.is_first_run(), on_success=ask)

    def load_demo(self) -> None:
        services = self.services
        if services is None:
            return
        from hospiperf_desktop.demo import DemoSummary, run_demo

        def done(summary: DemoSummary) -> None:
            self.statusBar().showMessage(
                self.tr("Données de démonstration : %n élément(s) ajouté(s).", "", summary.total),
                8000,
            )
            self.reload_pages()

        self.runner.run(
            lambda progress: run_demo(services, progress),
            on_success=done,
            on_cancel=lambda: self.statusBar().showMessage(
                self.tr("Chargement annulé : la base est inchangée."), 8000
            ),
            label=self.tr("Chargement des données de démonstration…"),
        )

    def _package_installed(self) -> None:
        """Work-unit tables and lead-time profiles may have come with the package."""
        if self.stock is not None:
            self.stock.reload()
        if self.activity is not None:
            self.activity.reload()

    def reload_pages(self) -> None:
        """Read every built page again from the services (after new data or a restore)."""
        self.ensure_pages().reload()
        if self.diagnostics is not None:
            self.diagnostics.reload()
        if self.stock is not None:
            self.stock.reload()
        if self.activity is not None:
            self.activity.reload()
        if self.dashboard is not None:
            self.dashboard.reload()
        if self.calculators is not None:
            self.calculators.reload()
        if self.exports is not None:
            self.exports.reload()
        self.refresh_profile()

    def remove_demo(self) -> None:
        """Fichier › Retirer les données de démonstration: every fictitious row, in one go."""
        services = self.services
        if services is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Retirer les données de démonstration"),
            self.tr(
                "Retirer tous les établissements et profils fictifs de la démonstration, avec "
                "leurs diagnostics, stocks, activité et scénarios ?\n\nVos propres "
                "établissements, profils et saisies ne sont pas touchés. L'opération est "
                "tracée dans le journal d'audit."
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from hospiperf_desktop.demo import DemoRemoval, remove_demo

        def done(removed: DemoRemoval) -> None:
            self.statusBar().showMessage(
                self.tr("Données de démonstration retirées : %1 établissement(s), %2 profil(s).")
                .replace("%1", str(removed.establishments))
                .replace("%2", str(removed.profiles)),
                8000,
            )
            self.reload_pages()

        self.runner.run(
            lambda _p: remove_demo(services),
            on_success=done,
            label=self.tr("Retrait des données de démonstration…"),
        )

    def _profile_dialog(self, *, first_run: bool = False) -> ProfileDialog:
        from ui.profile_dialog import ProfileDialog

        assert self.services is not None
        dialog = ProfileDialog(self, self.runner, self.services, first_run=first_run)
        dialog.accepted.connect(self.refresh_profile)
        return dialog

    def choose_profile(self) -> None:
        if self.services is None:
            return
        self.profile_dialog = self._profile_dialog()
        self.profile_dialog.open()

    def print_document(self, path: Path) -> None:
        """Qt's print dialog, then the PDF's pages sent to the printer in the worker."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from ui.documents import print_pdf_pages

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(path.name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Imprimer %1").replace("%1", path.name))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.runner.run(
            lambda progress: print_pdf_pages(path, printer, progress),
            on_success=lambda pages: self.statusBar().showMessage(
                self.tr("%1 page(s) envoyée(s) à l'imprimante.").replace("%1", str(pages)), 8000
            ),
            label=self.tr("Impression de %1…").replace("%1", path.name),
        )

    def show_help(self) -> None:
        """The user guide, open at the page of the section on screen (F1)."""
        if self.help_window is None:
            from ui.help_window import HelpWindow

            self.help_window = HelpWindow(self)
        self.help_window.show_section(SECTION_KEYS[max(self.navigation.currentRow(), 0)])

    def show_about(self) -> None:
        from PySide6 import __version__ as pyside_version

        path = self.services.database_path if self.services else "—"
        QMessageBox.about(
            self,
            self.tr("À propos"),
            self.tr(
                "<h3>HospiPerf Desktop %1</h3>"
                "<p>Mesure et amélioration de la performance des pharmacies hospitalières, "
                "EHPAD et HAD — sans connexion réseau.</p>"
                "<p>Base de données : %2<br>Qt for Python %3</p>"
            )
            .replace("%1", __version__)
            .replace("%2", str(path))
            .replace("%3", pyside_version),
        )

    def close_services(self) -> None:
        """Let queued jobs finish, then close the database (idempotent)."""
        self.runner.wait()
        if self.services is not None:
            self.services.close()
            self.services = None

    def shutdown(self) -> None:
        """Take the backup that is due, let queued jobs finish, close the database."""
        self.backup.at_quit()
        self.close_services()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.shutdown()
        super().closeEvent(event)
