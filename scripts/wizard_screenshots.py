"""Screenshots of every page of the import wizard, offscreen, on the test files and the demo (all names invented).

    python scripts/wizard_screenshots.py [OUTPUT_FOLDER]     # default: ./screens

Writes wizard-1-fichier.png … wizard-6-resume.png, plus the error on the first page, the reading in progress and the
job chooser open. Settings go to a temporary file; nothing is saved (the wizard is cancelled at the end).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QComboBox  # noqa: E402

from cartographie_desktop.core import referentiel  # noqa: E402
from cartographie_desktop.gui.app import setup_application  # noqa: E402
from cartographie_desktop.gui.settings import Settings  # noqa: E402
from cartographie_desktop.gui.wizard import ImportWizard, Page  # noqa: E402

DATA = ROOT / "tests" / "data" / "staffing"
DEMO = ROOT / "data" / "demo" / "val-fleuri-effectifs.xlsx"


class Shooter:
    def __init__(self, out: Path) -> None:
        self.app = QApplication.instance() or QApplication([])
        setup_application(self.app)
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.settings = Settings.in_file(Path(tempfile.mkdtemp()) / "reglages.ini")
        self.ref = referentiel.load()

    def settle(self, wizard: ImportWizard, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while wizard.busy:
            self.app.processEvents()
            time.sleep(0.01)
            if time.monotonic() > end:
                raise TimeoutError("l'assistant travaille encore")
        for _ in range(10):
            self.app.processEvents()

    def shot(self, wizard: ImportWizard, name: str) -> None:
        for _ in range(10):
            self.app.processEvents()
        path = self.out / f"wizard-{name}.png"
        if not wizard.grab().save(str(path)):
            raise OSError(f"capture impossible : {path}")
        print(path)

    def opened(self, path: Path) -> ImportWizard:
        wizard = ImportWizard(None, self.settings, self.ref, path=path)
        wizard.show()
        self.settle(wizard)
        return wizard

    def forward(self, wizard: ImportWizard, times: int = 1) -> None:
        for _ in range(times):
            wizard.next()
            self.settle(wizard)

    def close(self, wizard: ImportWizard) -> None:
        wizard.reject()
        self.settle(wizard)

    def file_pages(self) -> None:
        wizard = self.opened(DATA / "protege.xlsx")
        self.shot(wizard, "1-fichier-erreur")
        self.close(wizard)
        wizard = self.opened(DATA / "mairie_titre_fusion.xlsx")
        self.shot(wizard, "1-fichier")
        self.forward(wizard)
        self.shot(wizard, "2-feuille")
        self.close(wizard)

    def payroll_pages(self) -> None:
        wizard = self.opened(DATA / "paie_2024.csv")
        self.forward(wizard)
        self.shot(wizard, "2-feuille-paie")
        self.forward(wizard)
        self.shot(wizard, "3-colonnes")
        self.forward(wizard)
        self.shot(wizard, "4-valeurs")
        self.close(wizard)

    def reading(self) -> None:
        big = Path(tempfile.mkdtemp()) / "paie_200000.csv"
        lines = ["Poste;Grade;Temps de travail"]
        lines += [f"Agent d'entretien;Adjoint technique;{n % 35 + 1}h" for n in range(200_000)]
        big.write_text("\n".join(lines), encoding="utf-8")
        wizard = self.opened(big)
        self.forward(wizard, 2)
        wizard.next()
        end = time.monotonic() + 30
        while wizard.values_page.progress.value() < 400 and wizard.busy and time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.005)
        self.shot(wizard, "4-lecture-en-cours")
        self.close(wizard)

    def budget_annex(self) -> None:
        wizard = self.opened(DATA / "budget_totem.xml")
        while wizard.currentId() != Page.MATCHING:
            self.forward(wizard)
        page = wizard.match_page
        page.select_title(page.model.key(1))
        wizard.choose(page.model.key(1), page.model.candidates(1)[0][1])
        page.select_title(page.model.key(0))
        self.shot(wizard, "5-metiers-a-verifier")
        self.close(wizard)

    def demo_pages(self) -> None:
        wizard = self.opened(DEMO)
        while wizard.currentId() != Page.MATCHING:
            self.forward(wizard)
        self.shot(wizard, "5-metiers")
        page = wizard.match_page
        page.table.setFocus()
        page.table.edit(page.table.currentIndex())
        editor = page.table.findChild(QComboBox)
        if editor is not None:
            editor.showPopup()
        self.shot(wizard, "5-metiers-choix")
        if editor is not None:
            editor.hidePopup()
        page.table.setFocus()
        wizard.next()
        self.shot(wizard, "6-resume")
        self.close(wizard)


def main(out: Path) -> None:
    shooter = Shooter(out)
    shooter.file_pages()
    shooter.payroll_pages()
    shooter.reading()
    shooter.demo_pages()
    shooter.budget_annex()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screens"))
