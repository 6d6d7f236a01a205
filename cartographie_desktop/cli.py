"""The one entry point: the window by default, sub-commands for headless work (DESIGN.md, « Stable interfaces »).

Errors a user can cause (a bad file, a missing project) end with exit code 2 and one French line on stderr, never a
traceback. Qt, pandas and reportlab are imported only by the commands that need them, so headless commands start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cartographie_desktop import __version__
from cartographie_desktop.core.model import MAX_PRIVACY_K

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
SUBCOMMANDS = ("import", "summary", "report", "export", "referentiel")


class UserError(Exception):
    """A problem the user can fix (file unreadable, project missing…): one French line, exit code 2."""


# argparse's own messages, in French: argparse looks them up through its module-level `_` (gettext) at run time.
_ARGPARSE_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version du programme et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choisir parmi %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "commande inconnue %(parser_name)r (choix : %(choices)s)",
    "ignored explicit argument %r": "valeur ignorée %r",
}
argparse._ = lambda message: _ARGPARSE_FR.get(message, message)


class FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages stay short; ours say what to do
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Erreur : {message}\n")


def _add_version(parser: argparse.ArgumentParser) -> None:
    # Python 3.11's version action takes its English help as a default argument, out of reach of `argparse._`.
    parser.add_argument("--version", action="version", version=f"cartographie {__version__}",
                        help="afficher la version du programme et quitter")


def _add_index(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", choices=("2023", "2025"), default=None,
                        help="version de l'indice OIT (défaut : celle du projet, sinon 2025)")


def _add_project(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("project", nargs="?", type=Path, metavar="PROJET.carto", help="fichier de projet .carto")
    group.add_argument("--demo", action="store_true", help="la commune exemple livrée avec le programme")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="cartographie", description="Cartographie des métiers concernés par l'IA générative.",
        epilog="Sans commande, le programme ouvre sa fenêtre : « cartographie --demo » (la commune exemple), "
               "« cartographie PROJET.carto » ou « cartographie EFFECTIFS.xlsx » (l'assistant d'import) ; "
               "« cartographie --demo --help » pour ses options.")
    _add_version(parser)
    sub = parser.add_subparsers(dest="command", parser_class=FrenchArgumentParser)

    p = sub.add_parser("referentiel", help="les métiers du référentiel, leurs activités et leurs scores")
    p.add_argument("--json", action="store_true", required=True, help="résultat en JSON")
    _add_index(p)

    p = sub.add_parser("import", help="importer un tableau des effectifs dans un nouveau projet")
    p.add_argument("file", type=Path, metavar="FICHIER", help="tableau des effectifs (xlsx, xls, ods, csv, xml)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="PROJET.carto", help="projet .carto à créer")
    p.add_argument("--sheet", default=None, metavar="FEUILLE",
                   help="feuille à lire (défaut : celle qui contient le tableau)")
    p.add_argument("--commune", default=None, metavar="NOM",
                   help="nom de la commune (défaut : lu dans l'en-tête du fichier)")
    p.add_argument("--year", type=int, default=None, metavar="ANNÉE",
                   help="année du tableau (défaut : lue dans le fichier)")
    p.add_argument("--force", action="store_true", help="remplacer le projet s'il existe déjà")
    p.add_argument("--json", action="store_true", help="le compte rendu en JSON")

    p = sub.add_parser("summary", help="les résultats d'un projet")
    _add_project(p)
    p.add_argument("--json", action="store_true", required=True, help="résultat en JSON")
    _add_index(p)

    p = sub.add_parser("report", help="le rapport au conseil (PDF)")
    _add_project(p)
    p.add_argument("-o", "--output", type=Path, required=True, help="fichier PDF à écrire")
    _add_index(p)
    _add_k(p)
    p.add_argument("--chapters", default=None,
                   help="chapitres à inclure, séparés par des virgules (défaut : tous) : "
                        "synthese,methode,resultats,metiers,ateliers,plan,annexes")
    p.add_argument("--logo", type=Path, default=None, help="image (PNG ou JPEG) imprimée sur la couverture")
    p.add_argument("--author", default="", help="ligne d'auteur de la couverture (ex. « Direction générale »)")
    p.add_argument("--unmatched-titles", action="store_true",
                   help="lister en annexe les intitulés de poste sans métier (désactivé par défaut : un intitulé "
                        "saisi à la main peut nommer une personne)")

    p = sub.add_parser("export", help="le classeur des résultats (Excel)")
    _add_project(p)
    p.add_argument("-o", "--output", type=Path, required=True, help="fichier .xlsx à écrire")
    _add_index(p)
    _add_k(p)

    return parser


def _k_value(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_PRIVACY_K:
        raise argparse.ArgumentTypeError(f"« {text} » : le seuil doit être un nombre entier entre 1 et {MAX_PRIVACY_K}")
    return value


def _add_k(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--k", type=_k_value, default=None,
                        help="seuil de confidentialité : un effectif de moins de k agents est masqué (défaut : celui "
                             "du projet, 3)")


def build_gui_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(prog="cartographie", description="Ouvre la fenêtre de Cartographie IA des métiers.")
    _add_version(parser)
    parser.add_argument("project", nargs="?", type=Path, metavar="FICHIER",
                        help="projet .carto ou fichier d'effectifs à ouvrir")
    parser.add_argument("--demo", action="store_true", help="ouvrir la commune exemple")
    parser.add_argument("--screenshot", type=Path, metavar="CAPTURE.png",
                        help="enregistrer une capture PNG de la fenêtre puis quitter")
    parser.add_argument("--view", default=None, metavar="VUE",
                        help="vue à capturer (metiers, agents, synthese, decisions, ateliers, atelier-mode, detail…)")
    parser.add_argument("--size", type=_screen_size, default=None, metavar="LxH",
                        help="taille de la capture en pixels, par exemple 1920x1080 (défaut : 1366x768)")
    _add_index(parser)
    return parser


def _screen_size(text: str) -> tuple[int, int]:
    """« 1920x1080 » → (1920, 1080), for `--size`."""
    width, sep, height = text.lower().replace("×", "x").partition("x")
    if not sep or not width.strip().isdigit() or not height.strip().isdigit():
        raise argparse.ArgumentTypeError(f"taille illisible « {text} » : écrivez par exemple 1920x1080")
    size = int(width), int(height)
    if not (640 <= size[0] <= 7680 and 480 <= size[1] <= 4320):
        raise argparse.ArgumentTypeError(f"taille hors limites « {text} » (de 640x480 à 7680x4320)")
    return size


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_referentiel(args: argparse.Namespace) -> int:
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.core.summary import referentiel_json

    _print_json(referentiel_json(referentiel.load(), args.index or "2025"))
    return EXIT_OK


def load_project(args: argparse.Namespace):
    """The project named on the command line, or the demo; UserError in French when it cannot be opened."""
    from cartographie_desktop.io import store

    try:
        if args.demo:
            return store.load_demo()
        return store.open_project(args.project, read_only=True)
    except (store.CorruptProjectError, store.NotAProjectError) as exc:
        raise UserError(f"{exc} {backup_hint(args.project)}") from exc
    except store.StoreError as exc:
        raise UserError(str(exc)) from exc


def backup_hint(project: Path) -> str:
    """Where the window's automatic backups of this project are (or would be), for a damaged project."""
    from cartographie_desktop.io import backups
    from cartographie_desktop.paths import user_data_dir

    root = backups.root_folder(user_data_dir())
    newest = backups.latest(root, project)
    if newest is not None:
        return (f"Dernière sauvegarde automatique ({newest.when}) : « {newest.path} ». Ouvrez-la dans la fenêtre du "
                "programme, ou copiez-la sous un autre nom.")
    return (f"Aucune sauvegarde automatique de ce projet : celles des projets ouverts dans la fenêtre sont dans "
            f"« {root} ».")


def cmd_import(args: argparse.Namespace) -> int:
    """Headless import: exit 0 once the project is written (row warnings allowed), 2 when the file cannot be used."""
    from cartographie_desktop.io import importer
    from cartographie_desktop.io.store import StoreError

    name = args.file.name
    if not args.file.is_file():
        raise UserError(f"Le fichier « {name} » est introuvable.")
    try:
        output = importer.project_path(args.output)
        from cartographie_desktop.io.staffing import StaffingError
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    except ImportError as exc:  # the readers are not part of this build yet
        raise UserError(f"L'import des tableaux des effectifs n'est pas disponible : {exc}") from exc
    if output.exists() and not args.force:
        raise UserError(f"Le projet « {output.name} » existe déjà : choisissez un autre nom, ou ajoutez --force "
                        "pour le remplacer.")
    try:
        report = importer.import_file(args.file, args.output, sheet=args.sheet, commune=args.commune,
                                      year=args.year, overwrite=args.force)
    except (StaffingError, StoreError) as exc:
        raise UserError(str(exc)) from exc
    except PermissionError as exc:
        raise UserError(f"Accès refusé à « {Path(exc.filename or name).name} » : fermez-le s'il est ouvert dans "
                        "un autre programme, ou vérifiez vos droits.") from exc
    except OSError as exc:
        raise UserError(f"« {name} » n'a pas pu être lu : {exc.strerror or exc}.") from exc
    except (ValueError, KeyError, IndexError, TypeError, UnicodeError, MemoryError) as exc:
        # A file the readers did not foresee: say so in one line rather than show their insides.
        raise UserError(f"« {name} » n'a pas pu être importé : contenu inattendu ({type(exc).__name__}). "
                        "Enregistrez-le au format Excel (.xlsx) et réessayez.") from exc
    if args.json:
        _print_json(report.to_json())
    else:
        sys.stdout.write(report.summary_fr() + "\n")
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from cartographie_desktop.core import referentiel
    from cartographie_desktop.core.summary import summary

    project = load_project(args)
    _print_json(summary(project, referentiel.load(), args.index))
    return EXIT_OK


def _load_referentiel():
    from cartographie_desktop.core import referentiel

    try:
        return referentiel.load()
    except referentiel.ReferentielError as exc:
        raise UserError(str(exc)) from exc


def cmd_report(args: argparse.Namespace) -> int:
    from cartographie_desktop.report.options import ReportError, ReportOptions, parse_chapters
    from cartographie_desktop.report.pdf import build_report

    project = load_project(args)
    try:
        options = ReportOptions(
            chapters=parse_chapters(args.chapters) if args.chapters else ReportOptions().chapters,
            k=args.k, logo=args.logo, author=args.author, index=args.index, unmatched_titles=args.unmatched_titles)
        path = build_report(project, _load_referentiel(), args.output, options)
    except ReportError as exc:
        raise UserError(str(exc)) from exc
    sys.stdout.write(f"Rapport enregistré : {path}\n")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from cartographie_desktop.report.excel import build_workbook
    from cartographie_desktop.report.options import ReportError, ReportOptions

    project = load_project(args)
    try:
        path = build_workbook(project, _load_referentiel(), args.output, ReportOptions(k=args.k, index=args.index))
    except ReportError as exc:
        raise UserError(str(exc)) from exc
    sys.stdout.write(f"Classeur enregistré : {path}\n")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": cmd_import,
    "referentiel": cmd_referentiel,
    "summary": cmd_summary,
    "report": cmd_report,
    "export": cmd_export,
}


def run_gui(argv: Sequence[str]) -> int:
    args = build_gui_parser().parse_args(argv)
    try:
        from cartographie_desktop.gui.app import run
    except ImportError as exc:  # the window is not part of this build yet
        raise UserError(f"La fenêtre n'est pas disponible : {exc}") from exc
    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = build_parser().parse_args(argv)
            return COMMANDS[args.command](args)
        if argv and argv[0] in ("-h", "--help") and len(argv) == 1:
            build_parser().print_help()
            return EXIT_OK
        return run_gui(argv)
    except UserError as exc:
        sys.stderr.write(f"Erreur : {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("Interrompu.\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
