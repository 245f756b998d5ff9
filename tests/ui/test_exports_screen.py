"""The Exports / ARS section through its widgets: the signing key made and its fingerprint read
in words, every file listed before signing, a signed bundle that verifies, a wrong passphrase
that writes nothing; at the ARS, a key trusted, a bundle imported once and refused the second
time, the regional views, and a tampered bundle refused with its reason in French."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from hospiperf_desktop.ars.service import Consolidation
from hospiperf_desktop.bundles.contents import Selection
from hospiperf_desktop.bundles.keys import read_trusted_keys
from hospiperf_desktop.bundles.verify import trusted_by_finess, verify_bundle
from hospiperf_desktop.diagnostics.template import AnswerCode
from hospiperf_desktop.establishments.model import Establishment, EstablishmentInput
from ui.main_window import EXPORTS_ROW, MainWindow
from ui.sections.exports.ars_jobs import SETTINGS_KEY, settings, without_password
from ui.sections.exports.checks_dialog import ChecksDialog
from ui.sections.exports.key_dialogs import NewKeyDialog, PassphraseDialog
from ui.sections.exports.page import ExportsPage
from ui.sections.exports.regional_views import RegionalViews
from ui.sections.exports.send_view import SendView
from ui.sections.stock.common import ABOVE_TARGET_BACKGROUND

FINESS = "750712184"
NAME = "Hôpital Saint-Exemple"
PASSPHRASE = "phrase de passe de test"
YEAR = 2026


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path: Path) -> None:
    """The remembered consolidation database goes to a throw-away settings file."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))


@pytest.fixture
def establishment(services) -> Establishment:
    """An establishment with a little activity, as tests/integration/bundle_support.py."""
    record = services.establishments.add(
        EstablishmentInput(finess=FINESS, name=NAME, kind="ch", region="Île-de-France", beds=120)
    )
    services.activity.values.set_values(
        record.id, YEAR, {("lignes_cmd_medicaments", 0): 1000.0, ("etp_pui", 0): 10.0}
    )
    return record


def _open(qtbot, window: MainWindow) -> ExportsPage:
    page = window.exports_page()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        window.navigation.setCurrentRow(EXPORTS_ROW)
    assert window.pages.currentWidget() is page
    return page


def _create_key(qtbot, view: SendView) -> None:
    view.key_panel.create_button.click()
    dialog = view.dialog
    assert isinstance(dialog, NewKeyDialog)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirmation.setText(PASSPHRASE)
    with qtbot.waitSignal(view.key_shown, timeout=20_000):
        dialog.accept()


def _prepare(qtbot, view: SendView) -> None:
    with qtbot.waitSignal(view.prepared_shown, timeout=30_000):
        view.prepare_button.click()


def _past_checks(qtbot, view: SendView) -> None:
    """The checks before signing warn (no diagnostic): accept them as they are."""
    dialog = view.dialog
    assert isinstance(dialog, ChecksDialog)
    dialog.accept()
    qtbot.waitUntil(lambda: isinstance(view.dialog, PassphraseDialog), timeout=10_000)


def _sign(qtbot, view: SendView, passphrase: str, target: Path, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    _type_passphrase(qtbot, view, passphrase)


def _type_passphrase(qtbot, view: SendView, passphrase: str) -> None:
    view.sign_button.click()
    _past_checks(qtbot, view)
    dialog = view.dialog
    assert isinstance(dialog, PassphraseDialog)
    dialog.passphrase.setText(passphrase)
    dialog.accept()


def _make_bundle(services, establishment: Establishment, out: Path) -> Path:
    """Key and bundle made by the core (as tests/integration/bundle_support.py)."""
    if not services.bundles.keys.has_key(establishment.finess):
        services.bundles.generate_key(establishment.id, PASSPHRASE)
    prepared = services.bundles.prepare(Selection(establishment.id, years=(YEAR,)))
    services.bundles.sign_and_write(prepared, PASSPHRASE, out)
    return out


def _tampered(source: Path, target: Path) -> Path:
    """The same bundle with one payload byte changed, rewritten stored."""
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    name = f"data/activity/activity-{YEAR}.json"
    files[name] = files[name].replace(b"1000", b"9000", 1)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry, data in files.items():
            archive.writestr(entry, data)
    return target


# --- sending ------------------------------------------------------------------------------


def test_the_key_is_made_in_a_dialog_and_its_fingerprint_shown_in_words(
    qtbot, window, establishment, other_services
) -> None:
    view = _open(qtbot, window).send
    assert view.key_panel.stack.currentIndex() == 0  # no key yet: the button to make one
    view.key_panel.create_button.click()
    dialog = view.dialog
    assert isinstance(dialog, NewKeyDialog)
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.passphrase.setText("court")
    assert not ok.isEnabled() and "Au moins 10 caractères" in dialog.problem.text()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirmation.setText(PASSPHRASE + "!")
    assert not ok.isEnabled() and "diffèrent" in dialog.problem.text()
    dialog.confirmation.setText(PASSPHRASE)
    assert ok.isEnabled()
    with qtbot.waitSignal(view.key_shown, timeout=20_000):
        dialog.accept()

    info = other_services.bundles.keys.info(FINESS)
    assert view.key_panel.stack.currentIndex() == 1
    assert view.key_panel.words_label.text() == info.words
    assert len(info.words.split()) == 10
    assert view.key_panel.hex_label.text().replace("\n", " ").replace(" ", "") == (
        info.fingerprint.upper()
    )


def test_the_files_are_listed_before_signing_and_the_signed_bundle_verifies(
    qtbot, window, establishment, other_services, tmp_path, monkeypatch
) -> None:
    view = _open(qtbot, window).send
    _create_key(qtbot, view)
    assert not view.sign_button.isEnabled()  # nothing prepared yet
    _prepare(qtbot, view)
    paths = [f.path for f in view.files_model.rows]
    assert "data/bundle.json" in paths and "data/establishment.json" in paths
    assert f"data/activity/activity-{YEAR}.json" in paths
    sizes = [view.files_model.index(r, 2).data() for r in range(len(paths))]
    assert all(s.endswith(("octets", "Ko", "Mo")) for s in sizes)
    summary = view.summary_label.text()
    assert f"{len(paths)} fichier(s)" in summary and f"période {YEAR}" in summary
    assert view.sign_button.isEnabled()

    target = tmp_path / f"hospiperf-{FINESS}-{YEAR}.zip"
    suggested: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda _p, _t, name, *_a, **_k: suggested.append(Path(name).name) or (str(target), ""),
    )
    view.sign_button.click()
    _past_checks(qtbot, view)
    view.dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(view.written, timeout=30_000) as signed:
        view.dialog.accept()
    assert suggested == [target.name]

    public = other_services.bundles.keys.public_key(FINESS)
    verified = verify_bundle(target, trusted_by_finess([public]))
    assert verified.info["FINESS"] == FINESS
    assert list(verified.payload_names) == sorted(paths)
    result = view.result_label.text()
    assert signed.args[0].uuid in result and public.words in result


def test_a_wrong_passphrase_is_told_in_french_and_writes_no_file(
    qtbot, window, establishment, tmp_path, monkeypatch
) -> None:
    view = _open(qtbot, window).send
    _create_key(qtbot, view)
    _prepare(qtbot, view)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    target = tmp_path / "paquet.zip"
    asked: list[object] = []  # every save dialog, from the click on: none may come first
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **_k: asked.append(a) or (str(target), "")
    )
    _type_passphrase(qtbot, view, "pas la bonne phrase")
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert window.runner.wait(20_000)
    assert shown[0].startswith("La phrase de passe est incorrecte")
    assert asked == []  # told before being asked where to save
    assert not target.exists() and list(tmp_path.glob("*.zip*")) == []
    assert not view.result_label.isVisible()

    _type_passphrase(qtbot, view, PASSPHRASE)  # the right one: now, and only now, asked where
    qtbot.waitUntil(lambda: target.exists(), timeout=20_000)
    assert len(asked) == 1 and len(shown) == 1


def test_changing_the_contents_discards_the_listed_bundle(qtbot, window, establishment) -> None:
    view = _open(qtbot, window).send
    _create_key(qtbot, view)
    _prepare(qtbot, view)
    assert view.files_model.rows
    view.content.modules["stock"].setChecked(False)
    assert view.prepared is None and view.files_model.rows == []
    assert not view.sign_button.isEnabled()
    assert "Le contenu a changé" in view.summary_label.text()
    for box in view.content.modules.values():
        box.setChecked(False)
    assert not view.prepare_button.isEnabled()


def test_the_public_key_is_exported_for_the_ars(
    qtbot, window, establishment, tmp_path, monkeypatch
) -> None:
    view = _open(qtbot, window).send
    _create_key(qtbot, view)
    target = tmp_path / "cle.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    view.key_panel.export_button.click()
    qtbot.waitUntil(lambda: "Clé publique enregistrée" in window.statusBar().currentMessage())
    [key] = read_trusted_keys(target)
    assert key.finess == FINESS and key.words == view.key_panel.words_label.text()


# --- the ARS ------------------------------------------------------------------------------


def _open_ars(qtbot, window: MainWindow, database: Path):
    page = _open(qtbot, window)
    page.tabs.setCurrentWidget(page.ars)
    ars = page.ars
    ars.location.setText(str(database))
    with qtbot.waitSignal(ars.opened, timeout=20_000):
        ars.open_button.click()
    return ars


def _trust(qtbot, ars, key_file: Path, monkeypatch) -> list[str]:
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(key_file), ""))
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes,
    )
    with qtbot.waitSignal(ars.refreshed, timeout=20_000):
        ars.keys_box.key_file_action.trigger()
    return asked


def _import(qtbot, ars, paths: list[Path], monkeypatch) -> list:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(p) for p in paths], "")
    )
    with qtbot.waitSignal(ars.imported, timeout=30_000):
        ars.bundles_box.import_button.click()
    return ars.bundles_box.outcome_texts()


def test_the_ars_trusts_the_key_imports_the_bundle_once_and_shows_the_work_units(
    qtbot, window, establishment, other_services, tmp_path, monkeypatch
) -> None:
    bundle = _make_bundle(other_services, establishment, tmp_path / "paquet.zip")
    key_file = tmp_path / "cle.json"
    info = other_services.bundles.keys.export_public(FINESS, key_file)
    database = tmp_path / "ars.sqlite"
    ars = _open_ars(qtbot, window, database)
    assert ars.keys_box.model.rows == []

    asked = _trust(qtbot, ars, key_file, monkeypatch)
    assert info.words in asked[0] and "téléphone" in asked[0]
    assert [(k.finess, k.words) for k in ars.keys_box.model.rows] == [(FINESS, info.words)]

    assert _import(qtbot, ars, [bundle], monkeypatch) == [("paquet.zip", "importé", "")]
    rows = ars.views.texts("work_units")
    assert rows and all(row[:2] == [FINESS, NAME] for row in rows)
    assert {row[2] for row in rows} == {str(YEAR)}
    assert ars.views.texts("establishments")[0][:3] == [FINESS, NAME, "Centre hospitalier"]
    assert ars.views.texts("bundles")[0][5:7] == ["en vigueur", info.words]
    checks = ars.views.texts("checks")  # the checks before signing, as the bundle carried them
    assert ["Avertissement", "Module diagnostics attendu pour la période 2026 : aucune donnée"] in [
        row[3:5] for row in checks
    ]
    shot = os.environ.get("HOSPIPERF_SCREENSHOT")  # docs/screenshots/ars-checks.png
    if shot:
        ars.views.setCurrentWidget(ars.views.tables["checks"])
        window.resize(1366, 768)
        qtbot.wait(500)
        window.grab().save(shot)

    [(file, status, reason)] = _import(qtbot, ars, [bundle], monkeypatch)
    assert (file, status) == ("paquet.zip", "refusé") and "déjà importé" in reason
    assert len(ars.views.rows("bundles")) == 1
    assert settings().value(SETTINGS_KEY) == str(database)

    workbook = tmp_path / "vues.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(workbook), ""))
    ars.views_box.export_button.click()
    qtbot.waitUntil(lambda: "vues.xlsx" in window.statusBar().currentMessage(), timeout=20_000)
    sheet = load_workbook(workbook)["Unités d'œuvre"]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {FINESS}

    ars.keys_box.table.selectRow(0)
    with qtbot.waitSignal(ars.refreshed, timeout=20_000):
        ars.keys_box.remove_button.click()
    assert ars.keys_box.model.rows == [] and len(ars.views.rows("bundles")) == 1


def test_a_tampered_bundle_is_refused_with_its_reason_in_french(
    qtbot, window, establishment, other_services, tmp_path, monkeypatch
) -> None:
    bundle = _make_bundle(other_services, establishment, tmp_path / "paquet.zip")
    tampered = _tampered(bundle, tmp_path / "paquet-modifie.zip")
    key_file = tmp_path / "cle.json"
    other_services.bundles.keys.export_public(FINESS, key_file)
    ars = _open_ars(qtbot, window, tmp_path / "ars.sqlite")
    chosen = iter([bundle, tampered])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(next(chosen)), ""))
    with qtbot.waitSignal(ars.verified, timeout=20_000):
        ars.bundles_box.verify_button.click()
    verdict = ars.bundles_box.verdict
    assert verdict.headline.text().startswith("REFUSÉ — paquet.zip : Aucune clé de confiance")

    _trust(qtbot, ars, key_file, monkeypatch)
    chosen = iter([bundle, tampered])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(next(chosen)), ""))
    with qtbot.waitSignal(ars.verified, timeout=20_000):
        ars.bundles_box.verify_button.click()
    assert verdict.headline.text().startswith(f"VALIDE — {NAME} (FINESS {FINESS}), période {YEAR}")
    with qtbot.waitSignal(ars.verified, timeout=20_000):
        ars.bundles_box.verify_button.click()
    assert verdict.headline.text() == (
        "REFUSÉ — paquet-modifie.zip : Un fichier de données a été modifié : son empreinte ne "
        "correspond plus au manifeste."
    )
    assert verdict.detail.text().startswith(f"Détail : data/activity/activity-{YEAR}.json")

    [(file, status, reason)] = _import(qtbot, ars, [tampered], monkeypatch)
    assert (file, status) == ("paquet-modifie.zip", "refusé")
    assert reason.startswith("Un fichier de données a été modifié")
    assert ars.views.rows("bundles") == []


def test_the_last_sqlite_database_opens_again_when_the_tab_is_first_shown(
    qtbot, window, tmp_path
) -> None:
    database = tmp_path / "ars.sqlite"
    Consolidation(str(database)).close()
    settings().setValue(SETTINGS_KEY, str(database))
    page = _open(qtbot, window)
    assert page.ars.location.text() == str(database)
    with qtbot.waitSignal(page.ars.opened, timeout=20_000):
        page.tabs.setCurrentWidget(page.ars)
    assert page.ars.url == str(database)
    assert "0 paquet(s) reçu(s)" in page.ars.database_label.text()


def test_a_server_password_is_neither_shown_nor_remembered() -> None:
    url = "postgresql+psycopg://ars:secret@serveur:5432/consolidation"
    assert without_password(url) == "postgresql+psycopg://ars@serveur:5432/consolidation"
    assert without_password(url, "***") == "postgresql+psycopg://ars:***@serveur:5432/consolidation"
    assert without_password("/données/ars.sqlite") == "/données/ars.sqlite"


def test_a_file_that_is_not_a_key_is_refused_in_french(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    ars = _open_ars(qtbot, window, tmp_path / "ars.sqlite")
    not_a_key = tmp_path / "notes.json"
    not_a_key.write_text('{"bonjour": 1}', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(not_a_key), ""))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    ars.keys_box.key_file_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].startswith("Ce fichier n'est pas une clé publique HospiPerf utilisable")
    assert "Détail : notes.json" in shown[0]


def test_coverage_above_target_is_highlighted_and_written(qtbot) -> None:
    views = RegionalViews()
    qtbot.addWidget(views)
    row = {
        "finess": FINESS,
        "name": NAME,
        "at": "2026-03-31",
        "category": "medicaments",
        "category_label": "Médicaments",
        "location": "central",
        "stock_value": 125000.0,
        "coverage_weeks": 6.5,
        "target_weeks": 4.0,
        "above_target": True,
    }
    within = {**row, "category_label": "Solutés", "coverage_weeks": 3.0, "above_target": False}
    views.show_report({"coverage": [within, row]})
    table = views.tables["coverage"]
    table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # coverage, highest first
    texts = views.texts("coverage")
    assert [t[3] for t in texts] == ["Médicaments", "Solutés"]
    assert texts[0][2] == "31/03/2026" and texts[0][6:9] == ["6,5", "4,0", "au-dessus de la cible"]
    assert texts[1][8] == "dans la cible"
    model = table.model()
    brush = model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == ABOVE_TARGET_BACKGROUND
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert views.tabText(views.indexOf(table)) == "Couverture (2)"


def test_only_validated_diagnostics_are_ticked_for_sending(
    qtbot, window, establishment, services
) -> None:
    template = services.diagnostics.templates()[0].id
    draft = services.diagnostics.create(template, establishment.id, "Campagne en cours")
    done = services.diagnostics.create(template, establishment.id, "Campagne validée")
    item = services.diagnostics.get(done.id).template.items[0].id
    services.diagnostics.answer(done.id, item, AnswerCode.YES)
    services.diagnostics.validate(done.id)
    view = _open(qtbot, window).send
    qtbot.waitUntil(lambda: view.content.diagnostics.count() == 2, timeout=20_000)
    ticked = {
        view.content.diagnostics.item(r).data(Qt.ItemDataRole.UserRole):
        view.content.diagnostics.item(r).checkState() == Qt.CheckState.Checked
        for r in range(view.content.diagnostics.count())
    }  # fmt: skip
    assert ticked == {draft.id: False, done.id: True}
