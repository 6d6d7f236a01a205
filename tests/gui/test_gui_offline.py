"""The window on the demo commune, every view drawn, with the network forbidden (tests/offline.py); and the user's
folders the frozen program uses without Qt (paths.py) are the ones Qt names."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from cartographie_desktop import paths
from cartographie_desktop.core import referentiel
from cartographie_desktop.gui import app, settings
from cartographie_desktop.gui.mainwindow import MainWindow


def test_window_on_the_demo_every_view_offline(qtbot, qapp, settings, no_network, tmp_path):
    app.setup_application(qapp)
    window = MainWindow(settings, referentiel.load())
    qtbot.addWidget(window)
    window.resize(*app.SCREENSHOT_SIZE)
    window.show()
    with qtbot.waitSignal(window.project_loaded, timeout=20_000):
        window.open_demo()
    for view in app.screenshot_views():
        if view == "welcome":
            continue
        png = tmp_path / f"{view}.png"
        app.render(window, view, png)  # the Synthèse draws its matplotlib charts; the detail, the most exposed job
        assert png.stat().st_size > 0
    window.close()
    assert no_network.attempts == []


def test_the_user_cache_folder_without_qt_is_qts(qapp):
    assert (paths.ORGANIZATION_DIR, paths.APPLICATION_DIR) == (settings.ORGANIZATION, settings.APPLICATION)
    before = qapp.organizationName(), qapp.applicationName()
    qapp.setOrganizationName(settings.ORGANIZATION)
    qapp.setApplicationName(settings.APPLICATION)
    try:
        cache = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    finally:
        qapp.setOrganizationName(before[0])
        qapp.setApplicationName(before[1])
    assert Path(cache) == paths.user_cache_dir()
