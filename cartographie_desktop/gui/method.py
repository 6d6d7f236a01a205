"""« En savoir plus »: a short page on the method, its limits and its sources (ILO working papers, INET study)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from cartographie_desktop.core.scoring import BAND_RANGES, BANDS

NOTICE = ("Les scores indiquent un potentiel technique maximal, pas une prévision : l'IA générative transforme des "
          "tâches bien plus qu'elle ne supprime des métiers.")


def method_html() -> str:
    bands = "".join(f"<li><b>{band.label}</b> : {html.escape(BAND_RANGES[band])}</li>" for band in BANDS)
    return f"""
<h2>La méthode en bref</h2>
<p>Chaque métier du référentiel est décrit par ses <b>activités</b>. Chaque activité est rapprochée de la ou des
<b>tâches</b> les plus proches de la classification internationale des professions (CITP-08), que l'Organisation
internationale du travail (OIT) a notées de 0 à 1 selon la part de la tâche que l'IA générative pourrait réaliser.
Le <b>score d'un métier</b> est la moyenne des scores de ses activités exercées dans la commune ; l'écart type dit si
ces activités se ressemblent ou non.</p>
<p>Les métiers sont rangés en quatre bandes, comme dans l'étude de l'INET :</p>
<ul>{bands}</ul>

<h2>Ce que le score veut dire, et ce qu'il ne dit pas</h2>
<ul>
<li>C'est un <b>plafond de potentiel technique</b>, pas une prévision : il ignore la formation, l'équipement,
l'organisation et les choix de la collectivité.</li>
<li>Il faut s'attendre à ce que des <b>tâches changent</b>, bien plus qu'à ce que des métiers disparaissent.</li>
<li>Les scores indiquent une <b>tendance à discuter</b> avec les agents et leurs encadrants ; ils ne disent rien
d'une personne et ne fondent aucune décision individuelle.</li>
<li>« Il y a ce que l'IA a la capacité de faire et ce que nous voulons que l'IA fasse » : la commune peut décider
qu'une activité reste humaine (l'accueil, par exemple). Le programme montre alors deux scores : l'<b>exposition
technique</b> et l'<b>exposition retenue</b>, où ces activités comptent pour 0.</li>
<li>Toute personne habilitée peut modifier un score ou un rattachement, en donnant une raison : ces décisions
figurent dans le rapport.</li>
</ul>

<h2>Sources</h2>
<ul>
<li>P. Gmyrek, J. Berg, D. Bescond, <i>Generative AI and Jobs: A global analysis of potential effects on job
quantity and quality</i>, document de travail de l'OIT n° 96, Genève, BIT, août 2023 (licence CC BY 4.0).</li>
<li>P. Gmyrek, J. Berg, K. Kamiński, F. Konopczyński, A. Ładna, B. Nafradi, K. Rosłaniec, M. Troszyński,
<i>Generative AI and Jobs: A Refined Global Index of Occupational Exposure</i>, document de travail de l'OIT
n° 140, Genève, BIT, mai 2025, doi 10.54394/HETP0387 (licence CC BY 4.0). Les scores des tâches et les
raisonnements des modèles affichés par le programme proviennent des données publiées avec ce document.</li>
<li>Élèves de l'INET (promotion 2023-2024), <i>Cartographie des métiers concernés par l'IA</i>, étude menée pour la
Ville de Lyon, avril 2024 : transposition de la méthode de l'OIT aux métiers de la fonction publique territoriale et
classement en quatre bandes.</li>
<li>France Travail, Répertoire opérationnel des métiers et des emplois (ROME 4.0), Licence Ouverte : formulation
d'une partie des activités.</li>
</ul>
<p>Le programme fonctionne entièrement sur cet ordinateur : aucune donnée ne quitte la mairie.</p>
"""


class MethodDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Méthode et sources")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(method_html())
        self.browser.setAccessibleName("Méthode et sources")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 640)
