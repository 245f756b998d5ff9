"""Application start-up: the QApplication in French, the window first, the database after.

The window is shown before anything heavy is imported; the database is then opened (and
migrated) in the worker thread, so the first paint never waits for SQLAlchemy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from hospiperf_desktop import APP_ID, APP_NAME, __version__
from hospiperf_desktop.paths import resolve_database_path, resource_path
from ui.error_boundary import GuiErrorBoundary
from ui.gc_guard import GuiThreadGarbageCollector
from ui.main_window import MainWindow

# How long a worker running Python may keep the interpreter once the GUI thread asks for it
# (Python's default is 5 ms). Each cell a table paints and each timer of the window runs
# Python: with 5 ms, a busy worker held a repaint of the diagnostics list back 88 ms on a
# region's database; with 1 ms, 38-55 ms (benchmarks/scale.py). The worker loses nothing
# while the GUI thread asks for nothing.
GUI_SWITCH_INTERVAL_S = 0.001

if TYPE_CHECKING:
    from hospiperf_desktop.establishments.model import Establishment
    from hospiperf_desktop.services import Services


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hospiperf-desktop", description=APP_NAME)
    parser.add_argument("--db", metavar="PATH", help="database file")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="show the window, wait for the data, print timings and quit",
    )
    parser.add_argument(
        "--visit-sections",
        action="store_true",
        help="with --smoke-test: open every section and tab before quitting",
    )
    args, _qt_args = parser.parse_known_args(list(argv)[1:])
    return args


class QtFrenchComplement(QTranslator):
    """The strings of Qt's own dialogs that qtbase_fr.qm leaves in English ("Look in:").

    Installed before the other translators, so it is asked last: only for what they left."""

    def __init__(self, parent: QApplication) -> None:
        super().__init__(parent)
        import json

        data = json.loads(resource_path("i18n", "qt_complement_fr.json").read_text("utf-8"))
        self._texts: dict[str, dict[str, str]] = {
            context: texts for context, texts in data.items() if isinstance(texts, dict)
        }

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None is Qt's null string, "no translation here"; "" would blank the text.
        return self._texts.get(context, {}).get(source)

    def isEmpty(self) -> bool:
        return False


def install_french(app: QApplication) -> list[str]:
    """French locale for numbers and dates, and Qt's own French strings (OK → Annuler…).

    Returns the names of the translation files loaded."""
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    app.installTranslator(QtFrenchComplement(app))
    loaded = ["qt_complement_fr"]
    for name, folder in (
        ("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        ("hospiperf_fr", str(resource_path("i18n"))),
    ):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            loaded.append(name)
    return loaded


def _open_services(path_text: str) -> tuple[Services, list[Establishment]]:
    """Open the database and list the establishments in one worker job (the first screen)."""
    from pathlib import Path

    from hospiperf_desktop.services import open_services

    services = open_services(Path(path_text))
    return services, services.establishments.list()


def _peek(path_text: str) -> list[Establishment] | None:
    from pathlib import Path

    from hospiperf_desktop.establishments.peek import peek_establishments

    return peek_establishments(Path(path_text))


def start(window: MainWindow, database: str, *, offer_demo: bool = True) -> None:
    """Open the database in the worker, then hand the services to the window.

    The worker first reads the establishments without SQLAlchemy (a database already at the
    current schema): the list shows while the services open."""

    def preview(rows: list[Establishment] | None) -> None:
        if rows is not None:
            window.ensure_pages().show_preview(rows)

    def ready(opened: tuple[Services, list[Establishment]]) -> None:
        window.set_services(*opened)
        if offer_demo:
            window.first_start()

    # A failure here is logged by the runner; the services' own opening reports it.
    window.runner.run(lambda _p: _peek(database), on_success=preview, on_failure=lambda _e: None)
    window.runner.run(
        lambda _p: _open_services(database),
        on_success=ready,
        on_failure=lambda err: _fatal(window, err),
    )


def _fatal(window: MainWindow, err: BaseException) -> None:
    from ui.tasks import show_error

    if window.backup.offer_restore_after(err):
        return
    window.statusBar().showMessage(window.tr("La base de données n'a pas pu être ouverte."))
    show_error(window, err)


def run(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    app = QApplication(list(argv))
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    GuiThreadGarbageCollector(app)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons", "hospiperf.svg"))))
    translations = install_french(app)
    database = resolve_database_path(args.db)
    window = MainWindow(str(database))
    GuiErrorBoundary(window).install()
    window.show()
    if args.smoke_test:
        from ui.smoke import run_smoke_test

        print(f"translations {' '.join(translations) or '-'}", flush=True)
        run_smoke_test(app, window, visit_sections=args.visit_sections)
    else:
        QTimer.singleShot(0, window.ensure_pages)
    # The database opens in the worker while the pages are built in the GUI thread.
    start(window, str(database), offer_demo=not args.smoke_test)
    app.aboutToQuit.connect(window.shutdown)
    return app.exec()
