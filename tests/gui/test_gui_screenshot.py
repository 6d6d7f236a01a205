"""`cartographie [PROJECT | --demo] --screenshot FILE.png [--view NAME]`: renders the window after load and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cartographie_desktop import cli
from cartographie_desktop.gui import app
from cartographie_desktop.gui.settings import Settings
from cartographie_desktop.io.store import ProjectStore, demo_path
from tests.gui import gui_factory

ROOT = Path(__file__).resolve().parents[2]


def run_in_process(argv: list[str], ref, settings) -> int:
    args = cli.build_gui_parser().parse_args(argv)
    return app.run(args, referentiel=ref, settings=settings)


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("view", ["metiers", "agents", "synthese", "decisions", "ateliers", "detail"])
def test_screenshot_of_each_view(view, tmp_path, ref, settings, project_path):
    png = tmp_path / f"{view}.png"
    assert run_in_process([str(project_path), "--screenshot", str(png), "--view", view], ref, settings) == 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == app.SCREENSHOT_SIZE
    assert settings.recent_files == []  # a screenshot never touches the user's recent files


def test_screenshot_of_the_welcome_screen(tmp_path, ref, settings, qapp):
    png = tmp_path / "accueil.png"
    assert run_in_process(["--screenshot", str(png)], ref, settings) == 0
    assert not QImage(str(png)).isNull()


@pytest.mark.usefixtures("qapp")
def test_screenshot_detail_shows_the_most_exposed_job(tmp_path, ref, settings, project_path, monkeypatch):
    monkeypatch.setattr(app, "render", _render_and_record(app.render))
    png = tmp_path / "detail.png"
    assert run_in_process([str(project_path), "--screenshot", str(png), "--view", "detail"], ref, settings) == 0
    assert RENDERED["title"] == "Assistant de gestion administrative"


RENDERED: dict[str, str] = {}


def _render_and_record(render):
    def wrapper(window, view, path):
        render(window, view, path)
        RENDERED["title"] = window.views["metiers"].detail.title.text()

    return wrapper


@pytest.mark.usefixtures("qapp")
@pytest.mark.skipif(not demo_path().exists(), reason="la commune exemple n'est pas encore livrée")
@pytest.mark.parametrize(("view", "size"), [("ateliers", (1366, 768)), ("atelier-mode", (1280, 720)),
                                            ("atelier-mode", (1920, 1080))])
def test_screenshot_of_the_demo_workshops(view, size, tmp_path, settings, monkeypatch):
    """`--demo --screenshot F --view ateliers|atelier-mode [--size LxH]`: the demo's first sheet, in the window or
    projected at the size of a video projector."""
    from cartographie_desktop.core import referentiel

    seen: dict[str, object] = {}

    def record(render):
        def wrapper(window, name, path):
            render(window, name, path)
            ateliers = window.views["ateliers"]
            seen["title"] = ateliers.form.title.text()
            seen["mode"] = ateliers.mode is not None and ateliers.mode.isVisible()
        return wrapper

    monkeypatch.setattr(app, "render", record(app.render))
    png = tmp_path / f"{view}.png"
    argv = ["--demo", "--screenshot", str(png), "--view", view, "--size", "x".join(map(str, size))]
    assert run_in_process(argv, referentiel.load(), settings) == 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == size
    assert seen == {"title": "Agent·e d'accueil", "mode": view == "atelier-mode"}


def test_screenshot_size_is_checked(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.build_gui_parser().parse_args(["--screenshot", str(tmp_path / "x.png"), "--size", "grand"])
    assert exit_info.value.code == 2
    assert "taille illisible « grand »" in capsys.readouterr().err


@pytest.mark.usefixtures("qapp")
def test_screenshot_refuses_an_unknown_view(tmp_path, ref, settings, project_path, capsys):
    code = run_in_process([str(project_path), "--screenshot", str(tmp_path / "x.png"), "--view", "inconnue"], ref,
                          settings)
    assert code == 2
    assert "vue inconnue « inconnue »" in capsys.readouterr().err


def test_screenshot_of_a_missing_project_fails_in_french(tmp_path, ref, settings, capsys, qapp):
    code = run_in_process([str(tmp_path / "absent.carto"), "--screenshot", str(tmp_path / "x.png")], ref, settings)
    assert code == 2
    err = capsys.readouterr().err
    assert "Erreur : Le fichier « absent.carto » est introuvable" in err
    assert "Traceback" not in err


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    return env


@pytest.mark.slow
def test_cli_screenshot_subprocess_on_a_project(tmp_path):
    """The real entry point, on a project made from the shipped référentiel (whatever its size)."""
    from cartographie_desktop.core import referentiel

    shipped = referentiel.load()
    project = tmp_path / "essai.carto"
    ProjectStore.create(project, gui_factory.shipped_project(shipped)).close()
    png = tmp_path / "metiers.png"
    result = subprocess.run([sys.executable, "-m", "cartographie_desktop", str(project), "--screenshot", str(png),
                             "--view", "synthese"], env=_env(tmp_path), capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert QImage(str(png)).width() == app.SCREENSHOT_SIZE[0]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not demo_path().exists(), reason="la commune exemple n'est pas encore livrée")
@pytest.mark.parametrize("view", ["metiers", "agents", "synthese", "detail"])
def test_cli_screenshot_of_the_demo(tmp_path, view):
    png = tmp_path / f"{view}.png"
    result = subprocess.run([sys.executable, "-m", "cartographie_desktop", "--demo", "--screenshot", str(png),
                             "--view", view], env=_env(tmp_path), capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert QImage(str(png)).height() == app.SCREENSHOT_SIZE[1]
    copies = list((tmp_path / "data").rglob("*.carto"))
    assert len(copies) == 1  # the user's copy, in the (temporary) data folder; the shipped file is untouched


def test_shipped_referentiel_project_renders_every_view(tmp_path, settings, qapp):
    """Robust to the référentiel growing: a project from its first jobs opens and shows every view."""
    from cartographie_desktop.core import referentiel

    shipped = referentiel.load()
    project = tmp_path / "essai.carto"
    ProjectStore.create(project, gui_factory.shipped_project(shipped)).close()
    for view in ("metiers", "agents", "synthese", "decisions", "detail"):
        png = tmp_path / f"{view}.png"
        assert run_in_process([str(project), "--screenshot", str(png), "--view", view], shipped, settings) == 0


def test_settings_are_never_the_real_profile(settings, tmp_path):
    assert isinstance(settings, Settings)
    assert str(tmp_path) in settings._s.fileName()


@pytest.mark.usefixtures("qapp")
def test_screenshot_with_the_2023_index(tmp_path, ref, settings, project_path, monkeypatch):
    seen = {}

    def record(window, view, path):
        seen["index"] = window.document.index
        seen["row"] = window.views["metiers"].model.row(0).result.technical.index

    monkeypatch.setattr(app, "render", record)
    argv = [str(project_path), "--index", "2023", "--screenshot", str(tmp_path / "x.png")]
    assert run_in_process(argv, ref, settings) == 0
    assert seen == {"index": "2023", "row": "2023"}
