"""The whole window on a 1366×768 laptop screen: every section, every tab, the main dialogs.

Run in its own process, because Qt chooses its platform (and so the screen) once per process:

    QT_QPA_PLATFORM="offscreen:configfile=tests/ui/screen_1366x768.json" \
        python tests/ui/laptop_screen.py --check            # list what does not fit
    ... python tests/ui/laptop_screen.py --shots docs/screenshots   # laptop-*.png

`--check` prints one line per problem and exits 1 when there is any; tests/ui/
test_laptop_screen.py runs it. A problem is: a window or dialog larger than the screen, or
whose minimum size is; a widget cut by its window; a view that needs a horizontal scroll bar;
a label, column header, cell or button whose text does not fit and has no tooltip (a
word-wrapped label does not fit when it is less high than its lines need at its width); a tab
bar that needs its scroll arrows or elides a tab's title.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREEN_CONFIG = Path(__file__).with_name("screen_1366x768.json")
PLATFORM = f"offscreen:configfile={SCREEN_CONFIG}"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6 import QtGui  # noqa: E402
from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QFontMetrics  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionViewItem,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from ui.table_columns import ColumnChooser, shows_full_text  # noqa: E402

if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
import laptop_dialogs as dialogs  # noqa: E402
from laptop_dialogs import Visit, open_dialog, wait  # noqa: E402

CELL_ROWS = 25  # rows of each view whose cells are measured
DIALOG_MARGIN = 70  # px: a title bar and a taskbar, on a real screen


# --- what does not fit ----------------------------------------------------------------------


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def _tooltip(widget: QWidget) -> bool:
    return bool(widget.toolTip().strip())


def _lines_width(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if label.buddy() is not None:  # "&Catégorie :" shows "Catégorie :", underlined
        text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text.strip() or _tooltip(label) or not label.pixmap().isNull():
        return None
    if label.wordWrap():  # as wide as it is given: cut only when its lines need more height
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            return f"label « {_short(text)} » cut ({needed} px high needed, {label.height()} px)"
        return None
    if label.textFormat() == Qt.TextFormat.PlainText or not QtGui.Qt.mightBeRichText(text):
        needed = _lines_width(label.fontMetrics(), text) + 2 * label.margin()
    else:
        needed = label.sizeHint().width() - 2  # rich text: its document's ideal width
    room = label.contentsRect().width()
    if needed > room + 1:
        return f"label « {_short(text)} » cut ({needed} px needed, {room} px)"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = button.text().replace("&", "")
    if not text.strip() or _tooltip(button):
        return None
    if button.sizeHint().width() > button.width() + 1:
        return f"button « {_short(text)} » cut ({button.sizeHint().width()} px, {button.width()})"
    return None


def _tab_bar_problems(bar: QTabBar) -> Iterator[str]:
    """Every tab whole in its bar: none behind the scroll arrows, none with an elided title."""
    arrows = [b.geometry() for b in bar.findChildren(QToolButton) if b.isVisible()]
    room = bar.rect()
    if arrows:  # the arrows sit at the bar's end, over the tabs
        room.setRight(min(arrow.left() for arrow in arrows) - 1)
    titles = [bar.tabText(n).replace("&", "") for n in range(bar.count())]
    hidden = [f"« {titles[n]} »" for n in range(bar.count()) if not room.contains(bar.tabRect(n))]
    if arrows or hidden:
        yield f"tab bar needs its scroll arrows ({', '.join(hidden) or 'no tab'} not whole)"
    for number, title in enumerate(titles):
        rect, hint = bar.tabRect(number), bar.tabSizeHint(number)
        if rect.width() + 1 < hint.width() and not bar.tabToolTip(number):
            yield f"tab « {_short(title)} » cut ({rect.width()} px, {hint.width()} px needed)"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "…"


def _header_problems(view: QAbstractItemView, header: QHeaderView) -> Iterator[str]:
    model = header.model()
    if model is None or not _shown(header):
        return
    metrics = header.fontMetrics()
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    for logical in range(header.count()):
        if header.isSectionHidden(logical) or header.sectionSize(logical) <= 0:
            continue
        text = model.headerData(logical, header.orientation(), Qt.ItemDataRole.DisplayRole)
        tip = model.headerData(logical, header.orientation(), Qt.ItemDataRole.ToolTipRole)
        if not isinstance(text, str) or not text or tip:
            continue
        needed = _lines_width(metrics, text) + margin
        if needed > header.sectionSize(logical) + 1:
            yield f"{type(view).__name__} header « {_short(text)} » cut"


def _cell_problems(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None or shows_full_text(view):
        return
    delegate = view.itemDelegate()
    viewport = view.viewport().rect()
    reported = 0
    for index in _indexes(model, view):
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text or index.data(Qt.ItemDataRole.ToolTipRole):
            continue
        rect = view.visualRect(index)
        if not rect.isValid() or not viewport.intersects(rect):
            continue
        option = QStyleOptionViewItem()
        option.initFrom(view)
        option.font = view.font()
        option.rect = rect
        hint = delegate.sizeHint(option, index)
        if hint.width() > rect.width() + 2 and not (
            view.wordWrap() and rect.height() >= 2 * view.fontMetrics().height()
        ):
            yield f"{type(view).__name__} cell « {_short(text)} » cut"
            reported += 1
            if reported >= 3:
                return


def _indexes(model, view: QAbstractItemView) -> Iterator[QModelIndex]:  # type: ignore[no-untyped-def]
    hidden = getattr(view, "isColumnHidden", lambda _c: False)
    try:
        count = model.columnCount(QModelIndex())
    except TypeError:  # a list model: one column
        count = 1
    columns = [c for c in range(count) if not hidden(c)]

    def walk(parent: QModelIndex, budget: list[int]) -> Iterator[QModelIndex]:
        for row in range(model.rowCount(parent)):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            for column in columns:
                yield model.index(row, column, parent)
            first = model.index(row, 0, parent)
            expanded = getattr(view, "isExpanded", None)
            if expanded is not None and expanded(first):
                yield from walk(first, budget)

    yield from walk(QModelIndex(), [CELL_ROWS])


def problems(top: QWidget, screen: QRect) -> list[str]:
    """What does not fit in `top` (the main window or a dialog) on `screen`."""
    found: list[str] = []
    hint = top.minimumSizeHint().expandedTo(top.minimumSize())
    if hint.width() > screen.width() or hint.height() > screen.height():
        found.append(f"minimum size {hint.width()}×{hint.height()} exceeds the screen")
    frame = top.frameGeometry()
    # A dialog also leaves room for its title bar and the taskbar (the offscreen platform
    # draws neither); the main window is maximised within the screen's available area.
    room_height = screen.height() - (0 if top.isMaximized() else DIALOG_MARGIN)
    if frame.width() > screen.width() or frame.height() > room_height:
        found.append(f"size {frame.width()}×{frame.height()} exceeds the screen")
    for widget in top.findChildren(QWidget):
        if not _shown(widget) or widget.window() is not top:
            continue
        if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QHeaderView):
            bar = widget.horizontalScrollBar()
            if bar.isVisible() and bar.maximum() > 0:
                header = getattr(widget, "horizontalHeader", getattr(widget, "header", None))
                wide = (
                    header().length()
                    if header is not None
                    else bar.maximum() + widget.viewport().width()
                )
                found.append(
                    f"{type(widget).__name__} needs a horizontal scroll bar "
                    f"({wide} px in {widget.viewport().width()} px)"
                )
        if isinstance(widget, QLabel):
            problem = _label_problem(widget)
        elif isinstance(widget, (QPushButton, QCheckBox, QRadioButton, QToolButton)):
            problem = _button_problem(widget)
        else:
            problem = None
        if problem:
            found.append(problem)
        if isinstance(widget, QTabBar):
            found.extend(_tab_bar_problems(widget))
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            for header_name in ("horizontalHeader", "header"):
                header = getattr(widget, header_name, None)
                if header is not None:
                    found.extend(_header_problems(widget, header()))
                    break
            found.extend(_cell_problems(widget))
    return found


# --- the walk -------------------------------------------------------------------------------


def _tabs(app: QApplication, window: QWidget, page: QWidget, name: str, visit: Visit) -> None:
    """Each tab of the page's tab widgets (and of those inside them), named `name-tab`."""
    visited: set[int] = set()

    def walk(container: QWidget, prefix: str) -> None:
        for tabs in container.findChildren(QTabWidget):
            if id(tabs) in visited or not tabs.isVisibleTo(page):
                continue
            visited.add(id(tabs))
            for number in range(tabs.count()):
                tabs.setCurrentIndex(number)
                wait(app, window)
                label = _slug(tabs.tabText(number))
                visit(f"{prefix}-{label}", window)
                walk(tabs.widget(number), f"{prefix}-{label}")
            tabs.setCurrentIndex(0)
            wait(app, window)

    visit(name, window)
    walk(page, name)


def _slug(text: str) -> str:
    import unicodedata

    text = re.sub(r"\s*\(\d+\)$", "", text.replace("&", ""))  # "Scores (12)": its count aside
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    words = "".join(c if c.isalnum() else " " for c in plain.decode().lower()).split()
    return "-".join(words[:4]) or "tab"


def _show_widest_words(app: QApplication, window: QWidget, label: QLabel) -> None:
    """The fingerprint that needs the most room: the ten widest words of the word list, so
    that whether it shows whole does not depend on the key made for the walk."""
    from hospiperf_desktop.bundles.wordlist import WORDS

    width = label.fontMetrics().horizontalAdvance
    label.setText(" ".join(sorted(WORDS, key=width, reverse=True)[:10]))
    wait(app, window)


def _trust_an_ars_key(app: QApplication, window) -> None:  # type: ignore[no-untyped-def]
    """An ARS key trusted, so that the *Clé de l'ARS* tab shows a fingerprint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hospiperf_desktop.bundles.authority import ArsPublicKey, trust_ars_key

    public = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
    trust_ars_key(
        window.services, ArsPublicKey("ARS Auvergne-Rhône-Alpes", public.public_bytes_raw())
    )
    view = window.exports_page().ars_key
    view.reload()
    wait(app, window)
    _show_widest_words(app, window, view.words_label)


def walk(app: QApplication, window, visit: Visit) -> None:  # type: ignore[no-untyped-def]
    """Every section with its tabs, then the dialogs; `visit(name, top_level_widget)`."""
    from ui import main_window as mw

    sections = [
        ("etablissements", mw.ESTABLISHMENTS_ROW if hasattr(mw, "ESTABLISHMENTS_ROW") else 0),
        ("diagnostics", mw.DIAGNOSTICS_ROW),
        ("stocks", mw.STOCK_ROW),
        ("activite", mw.ACTIVITY_ROW),
        ("tableau-de-bord", mw.DASHBOARD_ROW),
        ("calculateurs", mw.CALCULATORS_ROW),
        ("exports", mw.EXPORTS_ROW),
        ("journal-audit", mw.AUDIT_ROW),
    ]
    _trust_an_ars_key(app, window)
    walker = dialogs.Walker(app, window, visit)
    dialogs.open_consolidation(walker)
    for name, row in sections:
        window.navigation.setCurrentRow(row)
        wait(app, window)
        page = window.pages.currentWidget()
        _tabs(app, window, page, name, visit)

    # A diagnostic open: its answering screen and its tabs.
    diagnostics = window.diagnostics_page()
    window.navigation.setCurrentRow(mw.DIAGNOSTICS_ROW)
    wait(app, window)
    rows = diagnostics.model_rows()
    if rows:
        diagnostics.open(rows[0].id)
        wait(app, window)
        _tabs(app, window, window.pages.currentWidget(), "diagnostic-ouvert", visit)
        diagnostics.back_to_list()
        wait(app, window)

    # The bundle's file list, prepared for the first establishment.
    exports = window.exports_page()
    window.navigation.setCurrentRow(mw.EXPORTS_ROW)
    wait(app, window)
    send = exports.send
    exports.tabs.setCurrentWidget(send) if hasattr(exports, "tabs") else None
    wait(app, window)
    open_dialog(app, window, "dialogue-cle", send.create_key, visit)
    # The key made: its fingerprint, read to the ARS over the phone, must show whole.
    send.create_key()
    wait(app, window)
    key_dialog = send.dialog
    if key_dialog is not None and key_dialog.isVisible():
        key_dialog.passphrase.setText("phrase de passe du portable")
        key_dialog.confirmation.setText("phrase de passe du portable")
        key_dialog.accept()
        wait(app, window, rounds=10)
        _show_widest_words(app, window, send.key_panel.words_label)
        visit("exports-cle-creee", window)
    if send.prepare_button.isEnabled():
        send.prepare_button.click()
        wait(app, window)
        visit("exports-paquet-prepare", window)
        # No warning to justify in this bundle: signing asks for the passphrase at once.
        open_dialog(app, window, "dialogue-phrase-de-passe", send.sign, visit)
        dialogs.checks_before_signing(walker, send)

    window.navigation.setCurrentRow(0)
    wait(app, window)
    establishments = window.establishments
    open_dialog(app, window, "dialogue-etablissement", establishments.add, visit)
    open_dialog(app, window, "dialogue-nouveau-diagnostic", diagnostics.new_diagnostic, visit)
    stock = window.stock_page()
    window.navigation.setCurrentRow(mw.STOCK_ROW)
    wait(app, window)
    open_dialog(app, window, "assistant-import-stock", stock.import_file, visit)
    open_dialog(app, window, "dialogue-restauration", window.backup.open_restore_dialog, visit)
    open_dialog(app, window, "dialogue-sauvegardes", window.backup.open_settings_dialog, visit)
    open_dialog(app, window, "dialogue-profil", window.choose_profile, visit)
    open_dialog(app, window, "aide", window.show_help, visit)
    products = stock.products
    stock.tabs.setCurrentWidget(products)
    wait(app, window)
    table = products.table
    open_dialog(app, window, "choix-colonnes", lambda: ColumnChooser.for_view(table).open_dialog(),
            visit)  # fmt: skip
    _more_dialogs(walker)


def _more_dialogs(walker: dialogs.Walker) -> None:
    """The dialogs of each section, reached from their buttons (laptop_dialogs.py)."""
    from ui import main_window as mw

    window = walker.window
    dialogs.stock_dialogs(walker, window.stock_page())  # type: ignore[attr-defined]
    walker.show_section(mw.DIAGNOSTICS_ROW)
    dialogs.diagnostic_dialogs(walker, window.diagnostics_page())  # type: ignore[attr-defined]
    walker.show_section(0)
    dialogs.establishment_delete(walker, window.establishments)  # type: ignore[attr-defined]
    walker.show_section(mw.ACTIVITY_ROW)
    dialogs.activity_dialogs(walker, window.activity_page())  # type: ignore[attr-defined]
    walker.show_section(mw.CALCULATORS_ROW)
    dialogs.calculator_dialogs(walker, window.calculators_page())  # type: ignore[attr-defined]
    dialogs.reference_package(walker)
    # Last: the wizard imports its file into the demonstration's stock.
    walker.show_section(mw.STOCK_ROW)
    dialogs.import_wizard_pages(walker, window.stock_page())  # type: ignore[attr-defined]


def open_window(database: Path) -> tuple[QApplication, QWidget]:
    """The application as a user starts it, maximised, with the demonstration data."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    from ui.app import install_french, start
    from ui.main_window import MainWindow

    install_french(app)
    window = MainWindow(str(database))
    window.showMaximized()
    window.ensure_pages()
    start(window, str(database), offer_demo=False)
    wait(app, window)
    window.load_demo()
    wait(app, window, rounds=20)
    window.reload_pages()
    wait(app, window)
    return app, window


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args(argv)
    if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen:configfile"):
        os.environ["QT_QPA_PLATFORM"] = PLATFORM
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        os.environ["HOSPIPERF_LOG_DIR"] = str(Path(folder) / "logs")
        os.environ.setdefault("HOME", folder)
        app, window = open_window(Path(folder) / "laptop.sqlite")
        screen = app.primaryScreen().availableGeometry()
        print(f"screen {screen.width()}x{screen.height()}", flush=True)
        found: list[str] = []
        names: list[str] = []
        shots: set[bytes] = set()

        def visit(name: str, top: QWidget) -> None:
            names.append(name)
            if name.endswith("did not open"):
                found.append(name)
                return
            for problem in problems(top, screen):
                found.append(f"{name}: {problem}")
            if args.shots is not None:
                args.shots.mkdir(parents=True, exist_ok=True)
                target = args.shots / f"laptop-{name}.png"
                top.grab().save(str(target))
                data = target.read_bytes()
                if data in shots:  # a section showing its first tab: one picture
                    target.unlink()
                shots.add(data)

        walk(app, window, visit)
        print("visited " + " ".join(names), flush=True)
        for line in found:
            print(line, flush=True)
        window.runner.wait(30_000)
        window.close()
        QCoreApplication.processEvents()
        return 1 if found and args.check else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
