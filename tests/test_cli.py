"""The command line speaks French, even in argparse's own messages, and never shows a traceback."""

from __future__ import annotations

import json

import pytest

from cartographie_desktop import __version__, cli


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["import"], "arguments obligatoires manquants : FICHIER, -o/--output"),
        (["summary", "--json"], "l'un des arguments PROJET.carto --demo est obligatoire"),
        (["referentiel", "--json", "--index", "2030"],
         "argument --index : choix invalide : '2030' (choisir parmi '2023', '2025')"),
        (["referentiel", "--json", "--bogus"], "arguments non reconnus : --bogus"),
    ],
)
def test_usage_errors_are_french(argv, expected, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("usage : cartographie")
    assert f"Erreur : {expected}" in err
    assert "Traceback" not in err


def test_help_is_french(capsys):
    with pytest.raises(SystemExit):
        cli.main(["referentiel", "-h"])
    out = capsys.readouterr().out
    assert "afficher cette aide et quitter" in out
    assert "show this help" not in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cartographie {__version__}"


def test_referentiel_json_index_2023_differs_from_2025(capsys):
    assert cli.main(["referentiel", "--json", "--index", "2023"]) == 0
    jobs_2023 = {job["code"]: job["score"] for job in json.loads(capsys.readouterr().out)}
    assert cli.main(["referentiel", "--json"]) == 0
    jobs_2025 = {job["code"]: job["score"] for job in json.loads(capsys.readouterr().out)}
    assert jobs_2023.keys() == jobs_2025.keys()
    assert jobs_2023 != jobs_2025


def test_a_damaged_project_names_its_backup_or_the_backup_folder(tmp_path, monkeypatch, capsys):
    from cartographie_desktop import paths
    from cartographie_desktop.io import backups
    from cartographie_desktop.io.store import ProjectStore, load_demo

    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "profil")
    project = tmp_path / "commune.carto"
    ProjectStore.create(project, load_demo()).close()
    data = project.read_bytes()
    project.write_bytes(data[: len(data) // 3])
    assert cli.main(["summary", str(project), "--json"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "commune.carto" in err
    assert f"« {tmp_path / 'profil' / 'sauvegardes'} »" in err
    assert "Traceback" not in err

    project.write_bytes(data)
    backup = backups.take(backups.root_folder(tmp_path / "profil"), project)
    project.write_bytes(data[:100])
    assert cli.main(["summary", str(project), "--json"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"Dernière sauvegarde automatique ({backup.when}) : « {backup.path} »" in err
