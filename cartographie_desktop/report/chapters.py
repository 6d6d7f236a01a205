"""The chapters of the council report, as lists of reportlab flowables.

One function per chapter, each taking the figures (`report.data.ReportData`) and its chapter number. The words are
written for élus and the comité social territorial: plain French, numbers in French format, the caveats first, no
agent named, small groups hidden.

The workshop feature fills its hooks in `report/workshops.py`; `workshops_chapter` and the training-plan part of
`action_chapter` call them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Image, PageBreak, Paragraph, Table, TableStyle

from cartographie_desktop import __version__
from cartographie_desktop.core.aggregates import NOT_SET
from cartographie_desktop.core.ilo import CATEGORY_2023_LABELS, CATEGORY_2025_LABELS
from cartographie_desktop.core.model import INDEX_LABELS, DecisionKind
from cartographie_desktop.core.scoring import BAND_LABELS, BAND_RANGES, BANDS, EXPOSED_BANDS, Band
from cartographie_desktop.core.text import (
    format_fte,
    format_number,
    format_percent,
    format_score,
    plural,
)
from cartographie_desktop.report import data as rdata
from cartographie_desktop.report import workshops
from cartographie_desktop.report.data import ReportData
from cartographie_desktop.report.options import CHAPTERS
from cartographie_desktop.report.styles import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    GRID,
    INK,
    MUTED,
    PRIMARY,
    Bookmark,
    Para,
    band_colour,
    band_text_colour,
    boxed,
    bullets,
    data_table,
    figure_drawing,
    gap,
    heading,
    keep,
    para,
    styles,
    table_of_contents,
    text,
)

REPORT_TITLE = "Cartographie des métiers concernés par l'IA générative"
TOP_JOBS = 5
MAX_THEMES = 8
MAX_TASKS_PER_THEME = 5
CHART_WIDTH = FRAME_WIDTH

Chapter = Callable[[ReportData, int], list[Flowable]]


def _b(value: object) -> str:
    return f"<b>{text(value)}</b>"


def _list_fr(items: Sequence[str]) -> str:
    """« a, b et c » (items already escaped)."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def _names(labels: Sequence[str], limit: int, *, quoted: bool = False) -> str:
    """« a, b et c » or « a, b, c et 4 autres métiers » (labels are escaped here; in a sentence, `quoted`)."""
    labels = [f"« {text(x)} »" if quoted else text(x) for x in labels]
    if len(labels) > limit:
        return ", ".join(labels[:limit - 1]) + f" et {len(labels) - limit + 1} autres métiers"
    return _list_fr(labels)


def _band_word(band: Band | str) -> str:
    return BAND_LABELS[Band(band)]


@cache
def _cell_styles() -> dict[str, ParagraphStyle]:
    st = styles()
    out = {"": st.cell}
    for band in BANDS:
        out[band.value] = ParagraphStyle(f"cell_{band.value}", parent=st.cell, textColor=band_text_colour(band))
        out[band.value + "_bold"] = ParagraphStyle(f"cell_{band.value}_b", parent=out[band.value], fontName=FONT_BOLD)
    return out


def _chart(figure) -> Flowable:
    drawing = figure_drawing(figure, CHART_WIDTH)
    figure.clear()
    return drawing


def _charts():
    from cartographie_desktop.report import charts

    return charts


def _privacy_note(data: ReportData) -> Paragraph:
    k = data.k
    return para(
        f"« &lt; {k} » : moins de {k} agents ; « n.\u00a0d. » : chiffre non détaillé. Ces chiffres sont masqués, avec "
        "leur pourcentage, pour qu'aucune personne ne puisse être reconnue, y compris par soustraction à partir des "
        f"totaux ; un groupe de moins de {k} agents est masqué en entier. Les totaux de la commune sont exacts.",
        styles().note)


# --- cover and contents ------------------------------------------------------------------------------------------


def _band_strip(width: float, height: float = 3 * mm) -> Drawing:
    """The four band colours side by side: the report's visual signature, and a reminder of the scale."""
    drawing = Drawing(width, height, initialFontName=FONT)
    part = width / len(BANDS)
    for n, band in enumerate(BANDS):
        drawing.add(Rect(n * part, 0, part, height, fillColor=band_colour(band), strokeColor=None))
    return drawing


def _logo(path) -> Flowable | None:
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(str(path))
    width, height = reader.getSize()
    if width <= 0 or height <= 0:
        return None
    scale = min(60 * mm / width, 30 * mm / height)
    image = Image(str(path), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


def cover(data: ReportData) -> list[Flowable]:
    st = styles()
    options = data.options
    story: list[Flowable] = []
    logo = _logo(options.logo) if options.logo else None
    story.append(logo if logo is not None else gap(30))
    story += [gap(38), _band_strip(FRAME_WIDTH), gap(8)]
    story.append(para(text(REPORT_TITLE), st.cover_title))
    story.append(para(text(data.commune), st.cover_subtitle))
    if data.project.year:
        story.append(para(f"Tableau des effectifs {data.project.year}", st.cover_meta))
    story += [gap(78), _band_strip(FRAME_WIDTH, 0.8 * mm), gap(4)]
    meta = [f"Rapport établi le {text(data.date_text)}",
            f"Indice utilisé : {text(INDEX_LABELS[data.index])}"]
    if options.author:
        meta.append(f"Auteur : {text(options.author)}")
    meta.append("Document destiné au comité de direction, aux élus et au comité social territorial")
    story += [para(line, st.cover_meta) for line in meta]
    story.append(gap(3))
    story.append(para(f"Établi avec Cartographie IA des métiers {text(__version__)}, d'après la méthode de "
                      "l'Organisation internationale du travail (OIT) transposée par l'INET.", st.note))
    return story


def contents(data: ReportData) -> list[Flowable]:
    st = styles()
    return [para("Sommaire", st.toc_title), table_of_contents(), PageBreak()]


# --- 1. Synthèse -------------------------------------------------------------------------------------------------


def caveat_box(data: ReportData) -> Flowable:
    st = styles()
    items = [
        "Un score mesure un <b>potentiel technique maximal</b>, pas une prévision : il ne tient compte ni de la "
        "formation, ni des équipements, ni de l'organisation du travail, ni des choix de la commune.",
        "L'IA générative <b>transforme des tâches plutôt qu'elle ne supprime des métiers</b> : on doit s'attendre à ce "
        "que le contenu des métiers évolue, non à ce qu'ils disparaissent.",
        "Les scores sont des <b>indicateurs de tendance à discuter</b> avec les agents et l'encadrement ; ils ne "
        "constituent jamais une décision concernant une personne.",
        "Ce que l'IA peut faire n'est pas ce que la commune choisit de lui confier : la commune peut décider qu'une "
        "activité reste humaine, quel que soit son score (voir l'exposition retenue).",
    ]
    return boxed([para("À lire avant les chiffres", st.box_title), *bullets(items, st.box_body)])


def _tile(value: str, label: str) -> list[Flowable]:
    big = ParagraphStyle("tile_value", fontName=FONT_BOLD, fontSize=17, leading=21, textColor=PRIMARY)
    small = ParagraphStyle("tile_label", fontName=FONT, fontSize=7.8, leading=9.8, textColor=INK)
    return [Para(value, big), Para(label, small)]


def key_figures(data: ReportData) -> Table:
    s = data.summary
    tiles = [
        _tile(text(format_number(s["agents"])), f"agents au tableau des effectifs ({text(format_fte(s['fte']))} ETP)"),
        _tile(text(format_percent(s["exposed_share"])), "des agents rattachés à un métier exercent un métier "
              "concerné ou très concerné"),
        _tile(text(format_percent(sum(s["task_share"][b.value] for b in EXPOSED_BANDS))),
              "des activités exercées relèvent des bandes concerné ou très concerné"),
        _tile(text(format_number(len(s["jobs"]))), "métiers différents, scorés selon l'indice de l'OIT"),
    ]
    width = FRAME_WIDTH / 4
    table = Table([tiles], colWidths=[width] * 4)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBEFORE", (1, 0), (-1, -1), 0.6, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def key_sentences(data: ReportData) -> list[str]:
    """The key figures in plain French sentences (markup, user text escaped)."""
    s = data.summary
    year = f" {s['year']}" if s.get("year") else ""
    out = [f"La commune compte {_b(plural(s['agents'], 'agent'))} ({text(format_fte(s['fte']))} ETP) au tableau des "
           f"effectifs{text(year)}."]
    njobs = len(s["jobs"])
    assigned, unmatched = s["assigned_agents"], s["unmatched_agents"]
    jobs_phrase = "un métier du référentiel" if njobs == 1 else f"l'un des {text(plural(njobs, 'métier'))} identifiés"
    if unmatched and assigned:
        verb = "sont rattachés" if assigned > 1 else "est rattaché"
        rest = (f"{text(plural(unmatched, 'agent'))} restent à rattacher et ne sont pas comptés" if unmatched > 1
                else "1 agent reste à rattacher et n'est pas compté")
        out.append(f"{text(format_number(assigned))} d'entre eux {verb} à {jobs_phrase} ; {rest} dans les résultats.")
    elif assigned == 1:
        out.append(f"Il est rattaché à {jobs_phrase}.")
    elif assigned:
        out.append(f"Tous sont rattachés à {jobs_phrase}.")
    else:
        out.append("Aucun agent n'est encore rattaché à un métier : les résultats ne peuvent pas être calculés.")
        return out
    exposed = data.exposed_agents
    if exposed:
        out.append(f"{_b(format_percent(s['exposed_share']))} des agents exercent un métier concerné ou très concerné "
                   f"par l'IA générative ({text(format_number(exposed))} sur {text(format_number(assigned))}).")
    else:
        out.append("Aucun agent n'exerce un métier concerné ou très concerné par l'IA générative.")
    share = sum(s["task_share"][b.value] for b in EXPOSED_BANDS)
    out.append(f"{_b(format_percent(share))} des activités exercées par les agents relèvent des bandes « concerné » "
               "ou « très concerné » : l'IA générative pourrait techniquement en prendre en charge une partie.")
    if data.has_retained:
        kept = [job for job in data.jobs if data.results[job["code"]].has_retained]
        retained_share = data.retained_exposed_agents / assigned if assigned else 0.0
        if data.retained_exposed_agents != exposed:
            out.append(f"Compte tenu des activités que la commune a choisi de conserver humaines, cette part est de "
                       f"{_b(format_percent(retained_share))} (exposition retenue).")
        else:
            jobs_word = "d'un métier" if len(kept) == 1 else f"de {plural(len(kept), 'métier')}"
            out.append(f"Les activités que la commune a choisi de conserver humaines abaissent le score "
                       f"{text(jobs_word)} sans en changer la bande (exposition retenue).")
    return out


def _top_jobs_table(data: ReportData) -> Table:
    st = styles()
    cs = _cell_styles()
    rows: list[list[Any]] = [[para("Métier", st.cell_head), para("Agents", st.cell_head_right),
                              para("Score", st.cell_head_right), para("Bande", st.cell_head)]]
    extra = []
    for r, job in enumerate(rdata.top_jobs(data, TOP_JOBS), start=1):
        band = Band(job["band"])
        rows.append([Para(text(job["label"]), cs[""]), format_number(job["agents"]), format_score(job["score"]),
                     _band_word(band)])
        extra += [("BACKGROUND", (3, r), (3, r), band_colour(band)), ("TEXTCOLOR", (3, r), (3, r),
                                                                     band_text_colour(band))]
    return data_table(rows, [FRAME_WIDTH - 72 * mm, 18 * mm, 18 * mm, 36 * mm], extra=extra, align_right=(1, 2))


def _nature_message(data: ReportData) -> str:
    """Office jobs against field jobs (the référentiel says where each job is done), when both groups are large."""
    natures = rdata.nature_counts(data)
    office, field_ = natures.get("bureau", (0, 0)), natures.get("terrain", (0, 0))
    if office[1] < data.k or field_[1] < data.k:
        return ""
    office_share, field_share = office[0] / office[1], field_[0] / field_[1]
    if office_share > field_share:
        return (f"Les métiers de bureau sont les plus exposés : {text(format_percent(office_share))} de leurs agents "
                "exercent un métier concerné ou très concerné, contre "
                f"{text(format_percent(field_share))} pour les métiers de terrain.")
    return (f"{text(format_percent(office_share))} des agents des métiers de bureau et "
            f"{text(format_percent(field_share))} de ceux des métiers de terrain exercent un métier concerné ou très "
            "concerné.")


def main_messages(data: ReportData) -> list[str]:
    """What an élu should remember, drawn from the figures (never a figure about fewer than k agents)."""
    jobs = data.jobs
    out = []
    if not jobs:
        return ["Rattacher les agents à leur métier est le préalable à toute lecture des résultats."]
    exposed_jobs = [j for j in jobs if Band(j["band"]) in EXPOSED_BANDS]
    if exposed_jobs:
        names = _names([j["label"] for j in exposed_jobs[:3]], 3, quoted=True)
        out.append(f"Les métiers les plus concernés sont {names}.")
    else:
        names = _names([j["label"] for j in jobs[:3]], 3, quoted=True)
        out.append(f"Aucun métier de la commune n'atteint la bande « concerné » ; les plus exposés sont {names}.")
    least = [j for j in reversed(jobs) if Band(j["band"]) == Band.PAS][:3]
    if least and len(jobs) > 3:
        out.append(f"Les métiers les moins concernés sont {_names([j['label'] for j in least], 3, quoted=True)}.")
    nature = _nature_message(data)
    if nature:
        out.append(nature)
    by_filiere = rdata.breakdown(data, "filiere")
    filieres = [(row, by_filiere.exposed_share(row)) for row in by_filiere.rows if row.value != NOT_SET]
    filieres = [(row, share) for row, share in filieres if share]
    if len(filieres) >= 2:
        ranked = sorted(filieres, key=lambda rs: (-rs[0].exposed() / rs[0].total, rs[0].label))
        top, bottom = ranked[0], ranked[-1]
        if top[0].exposed() / top[0].total > bottom[0].exposed() / bottom[0].total:
            out.append(f"Par filière, la part des agents dont le métier est concerné ou très concerné va de "
                       f"{text(bottom[1])} (filière {text(bottom[0].label.lower())}) à {text(top[1])} (filière "
                       f"{text(top[0].label.lower())}).")
    by_sexe = rdata.breakdown(data, "sexe")
    sexes = {row.value: row for row in by_sexe.rows}
    if "F" in sexes and "H" in sexes:
        women, men = by_sexe.exposed_share(sexes["F"]), by_sexe.exposed_share(sexes["H"])
        if women and men:
            out.append(f"{text(women)} des femmes et {text(men)} des hommes exercent un métier concerné ou très "
                       "concerné : l'écart tient aux métiers occupés, pas aux personnes.")
    counts = rdata.decision_counts(data)
    total = sum(counts.values())
    if total:
        kept = counts[DecisionKind.KEEP_HUMAN]
        line = f"La commune a pris {text(plural(total, 'décision'))} sur les activités de ses métiers"
        if kept:
            line += f", dont {text(plural(kept, 'activité conservée humaine', 'activités conservées humaines'))}"
        out.append(line + " ; elles sont présentées en annexe.")
    else:
        out.append("Aucune décision de la commune ne modifie encore les scores : ce sont ceux du référentiel.")
    if data.project.workshops:
        n = len(data.project.workshops)
        out.append(f"{text(plural(n, 'atelier'))} {'ont' if n > 1 else 'a'} permis d'examiner les métiers les plus "
                   "concernés avec les agents et l'encadrement.")
    else:
        out.append("Prochaine étape proposée : des ateliers avec les agents et l'encadrement sur les métiers les plus "
                   "concernés, pour décrire leur évolution d'ici 2035 et les besoins d'accompagnement.")
    return out


def synthesis_chapter(data: ReportData, number: int) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [heading(CHAPTERS["synthese"], 0, number=str(number)), caveat_box(data), gap(4),
                             key_figures(data), gap(4)]
    story += [para(sentence, st.body) for sentence in key_sentences(data)]
    if data.jobs:
        story.append(keep([heading(f"Les {min(TOP_JOBS, len(data.jobs))} métiers les plus concernés", 2, toc=False),
                           _top_jobs_table(data)]))
    story.append(keep([heading("Messages principaux", 2, toc=False), *bullets(main_messages(data))]))
    return story


# --- 2. Méthode et sources ---------------------------------------------------------------------------------------


def _bands_table() -> Table:
    st = styles()
    meaning = {
        Band.PAS: "L'IA générative ne peut faire qu'une faible part des activités.",
        Band.PEU: "Quelques activités peuvent être assistées par l'IA.",
        Band.CONCERNE: "Une part importante des activités peut être assistée ou prise en charge.",
        Band.TRES: "La plupart des activités peuvent être prises en charge par l'IA.",
    }
    rows: list[list[Any]] = [[para("Bande", st.cell_head), para("Score du métier", st.cell_head),
                              para("Lecture", st.cell_head)]]
    extra = []
    for r, band in enumerate(BANDS, start=1):
        rows.append([_band_word(band), BAND_RANGES[band], Para(meaning[band], st.cell)])
        extra += [("BACKGROUND", (0, r), (0, r), band_colour(band)), ("TEXTCOLOR", (0, r), (0, r),
                                                                      band_text_colour(band))]
    return data_table(rows, [30 * mm, 38 * mm, FRAME_WIDTH - 68 * mm], extra=extra)


def _categories_table(data: ReportData) -> Table:
    st = styles()
    if data.index == "2025":
        rules = [
            ("gradient_4", "moyenne ≥ 0,60"),
            ("gradient_3", "0,50 ≤ moyenne < 0,60"),
            ("gradient_2", "0,40 ≤ moyenne < 0,50 et moyenne + écart type ≥ 0,50"),
            ("gradient_1", "moyenne < 0,40 et moyenne + écart type ≥ 0,50"),
            ("minimale", "sinon, moyenne + écart type ≥ 0,40"),
            ("non_expose", "sinon"),
        ]
        labels = CATEGORY_2025_LABELS
    else:
        rules = [
            ("automatisation", "moyenne − écart type ≥ 0,50"),
            ("grande_inconnue", "sinon, moyenne ≥ 0,40"),
            ("augmentation", "sinon, moyenne + écart type > 0,50"),
            ("non_concerne", "sinon"),
        ]
        labels = CATEGORY_2023_LABELS
    rows: list[list[Any]] = [[para("Catégorie de l'OIT", st.cell_head), para("Règle (scores arrondis à 2 décimales)",
                                                                            st.cell_head)]]
    rows += [[labels[cid], Para(text(rule), st.cell)] for cid, rule in rules]
    return data_table(rows, [52 * mm, FRAME_WIDTH - 52 * mm])


def _decisions_summary(data: ReportData) -> list[Flowable]:
    st = styles()
    counts = rdata.decision_counts(data)
    total = sum(counts.values())
    out: list[Flowable] = []
    if not total:
        out.append(para("La commune n'a pris aucune décision sur les activités : tous les scores sont ceux du "
                        "référentiel.", st.body))
        return out
    out.append(para(f"La commune a pris {_b(plural(total, 'décision'))}. Chacune porte sur une activité d'un métier, "
                    "avec son motif, son auteur et sa date ; le journal complet figure en annexe.", st.body))
    rows: list[list[Any]] = [[para("Décision", st.cell_head), para("Nombre", st.cell_head_right)]]
    rows += [[kind.label, format_number(n)] for kind, n in counts.items() if n]
    out.append(data_table(rows, [100 * mm, 25 * mm], align_right=(1,)))
    return out


def method_chapter(data: ReportData, number: int) -> list[Flowable]:
    st = styles()
    n = str(number)
    ref = data.ref
    index_label = INDEX_LABELS[data.index]
    n_tasks = len(ref.tasks)
    n_occupations = len({key[0] for key in ref.tasks})
    story: list[Flowable] = [heading(CHAPTERS["methode"], 0, number=n)]

    story.append(heading("D'où viennent les scores", 1, number=f"{n}.1"))
    story.append(para(
        "L'Organisation internationale du travail (OIT) a évalué, pour chaque tâche des professions de la "
        "classification internationale ISCO-08, la part que l'IA générative pourrait en accomplir : un "
        f"<b>score de 0 à 1</b>. Ses données couvrent {text(format_number(n_occupations))} professions et "
        f"{text(format_number(n_tasks))} tâches.", st.body))
    story += bullets([
        "<b>Indice 2023</b> : P. Gmyrek, J. Berg, D. Bescond, <i>Generative AI and Jobs: A global analysis of "
        "potential effects on job quantity and quality</i>, document de travail de l'OIT n° 96, 2023 (scores "
        "attribués par GPT-4).",
        "<b>Indice 2025</b> : P. Gmyrek, J. Berg et al., <i>Generative AI and Jobs: A Refined Global Index of "
        "Occupational Exposure</i>, document de travail de l'OIT n° 140, 2025, doi:10.54394/HETP0387 (scores "
        "affinés par deux modèles, une enquête et une revue d'experts).",
        "<b>Transposition à la fonction publique territoriale</b> : étude des élèves de l'Institut national des "
        "études territoriales (INET, promotion 2023-2024) sur l'impact de l'IA générative sur les métiers des "
        "collectivités, menée avec la Ville de Lyon (avril 2024). Elle a appliqué la méthode de l'OIT aux métiers "
        "territoriaux et défini les quatre bandes utilisées ici.",
    ])
    story.append(para(f"Ce rapport utilise l'<b>indice {text(index_label)}</b>.", st.body))

    story.append(heading("Des tâches de l'OIT aux métiers de la commune", 1, number=f"{n}.2"))
    story += bullets([
        f"Le référentiel du programme décrit {text(plural(len(ref), 'métier'))} de la fonction publique territoriale "
        "par leurs activités, rédigées d'après le ROME 4.0 de France Travail (licence ouverte) ou par nos soins.",
        "Chaque activité est rapprochée de la ou des tâches de l'OIT les plus proches ; son score est la moyenne de "
        "leurs scores. Le lien et sa justification sont consultables dans le programme.",
        "Le <b>score d'un métier</b> est la moyenne des scores de ses activités ; l'<b>écart type</b> mesure leur "
        "dispersion : un écart type élevé signale un métier dont certaines activités sont très exposées et "
        "d'autres pas du tout.",
        "Chaque poste du tableau des effectifs est rattaché à un métier du référentiel, d'abord automatiquement, "
        "puis sous le contrôle d'une personne. Les postes non rattachés ne sont pas comptés.",
        "Les résultats sont lus par métier, par catégorie, par filière, par direction et par sexe, en nombre "
        "d'agents et en ETP, et en part des activités.",
    ])

    story.append(keep([heading("Les quatre bandes d'exposition", 1, number=f"{n}.3"),
                       para("Les bandes reprennent celles de l'étude de l'INET ; une borne appartient à la bande "
                            "supérieure. La couleur n'est jamais le seul repère : la bande est toujours écrite.",
                            st.body),
                       _bands_table()]))

    story.append(keep([heading("Les catégories de l'OIT", 1, number=f"{n}.4"),
                       para("L'OIT classe aussi chaque profession d'après la moyenne et l'écart type des scores de "
                            "ses tâches. Le rapport indique cette catégorie pour chaque métier, calculée de la même "
                            f"façon sur ses activités, avec l'indice {text(index_label)}.", st.body),
                       _categories_table(data)]))

    story.append(heading("Les décisions de la commune", 1, number=f"{n}.5"))
    story.append(para(
        "Une personne peut corriger le score d'une activité, indiquer qu'une activité n'est pas exercée dans la "
        "commune, en ajouter une, ou décider qu'une activité <b>reste humaine par choix de la collectivité</b>. "
        "Deux scores sont alors présentés : l'<b>exposition technique</b> (ce que l'IA pourrait faire, avec les "
        "corrections) et l'<b>exposition retenue</b> (où les activités conservées humaines comptent pour zéro).",
        st.body))
    story += _decisions_summary(data)

    story.append(heading("Limites", 1, number=f"{n}.6"))
    story += bullets([
        "Les scores de l'OIT ont été produits par des modèles d'IA, puis contrôlés : ils décrivent des tâches "
        "génériques, valables dans de nombreux pays, et non le poste précis d'un agent.",
        "Le rapprochement d'une activité territoriale avec une tâche de l'OIT est un jugement, justifié activité par "
        "activité, qui peut être discuté et corrigé.",
        "Toutes les activités d'un métier pèsent le même poids, sauf pondération décidée par la commune : le temps "
        "réellement passé sur chacune n'est pas connu.",
        "Un score ne dit rien des outils disponibles, des compétences des agents ni de l'organisation : il mesure un "
        "potentiel, pas un calendrier.",
        f"Pour protéger les personnes, tout effectif de moins de {data.k} agents dans une répartition est masqué ; "
        "certaines lignes sont donc moins détaillées.",
        "Les technologies évoluent vite : la cartographie gagne à être actualisée chaque année.",
    ])
    story.append(para(
        "Sources des données : OIT (indices 2023 et 2025, citer les documents de travail n° 96 et n° 140) ; France "
        "Travail, ROME 4.0, licence ouverte ; ESCO, © Union européenne. Les traductions françaises des tâches de "
        "l'OIT ont été rédigées pour ce programme.", st.note))
    return story


# --- 3. Résultats ------------------------------------------------------------------------------------------------


def _bands_result_table(data: ReportData) -> Table:
    st = styles()
    s = data.summary
    assigned, fte = s["assigned_agents"], sum(s["bands"][b.value]["fte"] for b in BANDS)
    retained = data.has_retained
    head = ["Bande", "Agents", "Part des agents", "ETP", "Part des ETP"]
    if retained:
        head += ["Agents (exposition retenue)"]
    rows: list[list[Any]] = [[para(h, st.cell_head if i == 0 else st.cell_head_right) for i, h in enumerate(head)]]
    extra = []
    for r, line in enumerate(rdata.band_lines(data), start=1):
        row = [_band_word(line.band), format_number(line.agents),
               format_percent(line.agents / assigned) if assigned else "", format_fte(line.fte),
               format_percent(line.fte / fte) if fte else ""]
        if retained:
            row.append(format_number(line.retained_agents))
        rows.append(row)
        extra += [("BACKGROUND", (0, r), (0, r), band_colour(line.band)),
                  ("TEXTCOLOR", (0, r), (0, r), band_text_colour(line.band))]
    total = ["Ensemble", format_number(assigned), format_percent(1.0) if assigned else "", format_fte(fte),
             format_percent(1.0) if fte else ""]
    if retained:
        total.append(format_number(assigned))
    rows.append(total)
    extra += [("FONTNAME", (0, -1), (-1, -1), FONT_BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)]
    widths = [34 * mm, 20 * mm, 28 * mm, 20 * mm, 26 * mm]
    if retained:
        widths.append(FRAME_WIDTH - sum(widths))
    return data_table(rows, widths, extra=extra, align_right=range(1, len(head)))


def _breakdown_table(data: ReportData, bd: rdata.Breakdown) -> Table:
    st = styles()
    head = [rdata.DIMENSION_HEADERS[bd.dimension], *[_band_word(b) for b in BANDS], "Total",
            "Concerné ou très concerné"]
    rows: list[list[Any]] = [[para(h, st.cell_head if i == 0 else st.cell_head_right) for i, h in enumerate(head)]]

    def cell(row: rdata.BreakdownRow, band: Band) -> str:
        count, share = bd.cell(row, band), bd.cell_share(row, band)
        return f"{count} ({share})" if share else count

    for row in bd.rows:
        rows.append([Para(text(row.label), st.cell), *[cell(row, b) for b in BANDS], bd.total_cell(row),
                     bd.exposed_share(row)])
    totals = bd.totals
    total = bd.total
    exposed = sum(totals[b] for b in EXPOSED_BANDS)
    rows.append(["Ensemble", *[format_number(totals[b]) for b in BANDS], format_number(total),
                 format_percent(exposed / total) if total else ""])
    extra = [("FONTNAME", (0, -1), (-1, -1), FONT_BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)]
    for c, band in enumerate(BANDS, start=1):  # a thin colour key above each band column
        extra.append(("LINEBELOW", (c, 0), (c, 0), 3, band_colour(band)))
    widths = [42 * mm, 21 * mm, 21 * mm, 21 * mm, 21 * mm, 15 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    return data_table(rows, widths, extra=extra, align_right=range(1, len(head)))


def _breakdown_section(data: ReportData, dimension: str, number: str) -> list[Flowable]:
    st = styles()
    bd = rdata.breakdown(data, dimension)
    title = f"Par {rdata.DIMENSION_TITLES[dimension]}"
    if not bd.informative:
        return [heading(title, 1, number=number),
                para(f"Le tableau des effectifs ne renseigne pas la {text(rdata.DIMENSION_TITLES[dimension])} des "
                     "agents : cette répartition n'est pas disponible.", st.body)]
    block: list[Flowable] = [
        heading(title, 1, number=number),
        _chart(_charts().breakdown(data.agg, dimension, k=data.k)),
        para("Dans chaque barre : part du groupe et, entre parenthèses, nombre d'agents. Entre parenthèses après le "
             "nom du groupe : son effectif.", st.caption),
        _breakdown_table(data, bd),
    ]
    if bd.any_masked:
        block.append(_privacy_note(data))
    return [keep(block)]


def _task_share_table(data: ReportData) -> Table:
    st = styles()
    rows: list[list[Any]] = [[para("Bande de l'activité", st.cell_head),
                              para("Part des activités", st.cell_head_right)]]
    extra = []
    for r, band in enumerate(BANDS, start=1):
        rows.append([_band_word(band), format_percent(data.summary["task_share"][band.value])])
        extra += [("BACKGROUND", (0, r), (0, r), band_colour(band)), ("TEXTCOLOR", (0, r), (0, r),
                                                                      band_text_colour(band))]
    return data_table(rows, [45 * mm, 35 * mm], extra=extra, align_right=(1,))


def _themes_section(data: ReportData, number: str) -> list[Flowable]:
    st = styles()
    themes = rdata.themes(data)
    out: list[Flowable] = [CondPageBreak(70 * mm), heading("Les activités au plus fort potentiel, par thème", 1,
                                                           number=number)]
    if not themes:
        out.append(para("Aucune activité des métiers de la commune n'atteint la bande « concerné ».", st.body))
        return out
    shown = themes[:MAX_THEMES]
    out.append(para(
        "Activités dont le score atteint au moins 0,50 (bandes « concerné » et « très concerné »), regroupées par "
        "nature "
        "d'activité ou par famille de métiers ; les thèmes qui touchent le plus d'agents viennent en premier. "
        "« Agents » compte les agents des métiers qui exercent l'activité.", st.body))
    cs = _cell_styles()
    widths = [78 * mm, 14 * mm, FRAME_WIDTH - 78 * mm - 14 * mm - 16 * mm, 16 * mm]
    for theme in shown:
        rows: list[list[Any]] = [[para("Activité", st.cell_head), para("Score", st.cell_head_right),
                                  para("Métiers", st.cell_head), para("Agents", st.cell_head_right)]]
        for task in theme.tasks[:MAX_TASKS_PER_THEME]:
            label = text(task.label) + (" <i>(conservée humaine par la commune)</i>" if task.kept_human else "")
            jobs = _names(task.jobs, 4)
            rows.append([Para(label, cs[""]), format_score(task.score), Para(jobs, cs[""]),
                         format_number(task.agents)])
        more = len(theme.tasks) - MAX_TASKS_PER_THEME
        block: list[Flowable] = [heading(theme.title, 2, toc=False), data_table(rows, widths, align_right=(1, 3))]
        if more > 0:
            others = plural(more, "autre activité", "autres activités")
            block.append(para(f"… et {text(others)} de ce thème (annexe A).",
                              st.note))
        out.append(keep(block))
    if len(themes) > MAX_THEMES:
        rest = len(themes) - MAX_THEMES
        out.append(para(f"{text(plural(rest, 'autre thème', 'autres thèmes'))} : voir l'annexe A et le classeur "
                        "Excel (feuille « Activités »).", st.note))
    return out


def results_chapter(data: ReportData, number: int) -> list[Flowable]:
    st = styles()
    n = str(number)
    charts = _charts()
    story: list[Flowable] = [heading(CHAPTERS["resultats"], 0, number=n)]
    if not data.summary["assigned_agents"]:
        story.append(para("Aucun agent n'est rattaché à un métier : il n'y a pas encore de résultat à présenter.",
                          st.body))
        return story
    story.append(heading("Répartition des agents par bande", 1, number=f"{n}.1"))
    story.append(_chart(charts.agents_by_band(data.agg, k=data.k)))
    story.append(gap(3))
    story.append(keep([_bands_result_table(data)]))
    if data.has_retained:
        story.append(para("L'exposition retenue tient compte des activités que la commune a choisi de conserver "
                          "humaines : elles comptent pour zéro dans le score du métier.", st.note))
    sub = 2
    for dimension in ("categorie", "filiere", "direction", "sexe"):
        story += _breakdown_section(data, dimension, f"{n}.{sub}")
        sub += 1
    story.append(keep([
        heading("Part des activités par bande", 1, number=f"{n}.{sub}"),
        para("Chaque agent compte pour un : ses activités sont réparties entre les bandes selon leur score. C'est la "
             "part du travail de la commune que l'IA générative pourrait, techniquement, assister ou prendre en "
             "charge.", st.body),
        _chart(charts.task_share(data.agg)),
        _task_share_table(data),
    ]))
    sub += 1
    story += _themes_section(data, f"{n}.{sub}")
    return story


# --- 4. Les métiers ----------------------------------------------------------------------------------------------


def jobs_table(data: ReportData) -> Table:
    st = styles()
    cs = _cell_styles()
    head = ["Métier", "Agents", "ETP", "Score", "Écart type", "Bande", "Catégorie de l'OIT", "Exposition retenue"]
    right = {1, 2, 3, 4}
    rows: list[list[Any]] = [[para(h, st.cell_head_right if i in right else st.cell_head) for i, h in enumerate(head)]]
    extra = []
    for r, job in enumerate(data.jobs, start=1):
        band = Band(job["band"])
        style = cs[band.value]
        retained = "="
        if data.results[job["code"]].has_retained:
            retained = f"{format_score(job['retained_score'])} ({_band_word(job['retained_band'])})"
        rows.append([
            Para(text(job["label"]), style), format_number(job["agents"]), format_fte(job["fte"]),
            format_score(job["score"]), format_score(job["sd"]), _band_word(band),
            Para(text(data.ilo_label(job)), style), Para(text(retained), style),
        ])
        extra += [("BACKGROUND", (0, r), (-1, r), band_colour(band)),
                  ("TEXTCOLOR", (0, r), (-1, r), band_text_colour(band))]
    widths = [50 * mm, 14 * mm, 12 * mm, 12 * mm, 13 * mm, 22 * mm, 24 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    extra.append(("LINEBELOW", (0, 1), (-1, -1), 0.6, colors.white))
    return data_table(rows, widths, extra=extra, align_right=sorted(right))


def jobs_chapter(data: ReportData, number: int) -> list[Flowable]:
    st = styles()
    n = str(number)
    story: list[Flowable] = [heading(CHAPTERS["metiers"], 0, number=n)]
    if not data.jobs:
        return [*story, para("Aucun métier : aucun agent n'est rattaché au référentiel.", st.body)]
    story.append(para(
        f"Les {text(plural(len(data.jobs), 'métier'))} de la commune, du plus concerné au moins concerné. La couleur "
        "de la ligne est celle de la bande, écrite dans la colonne « Bande ». « Exposition retenue » indique le score "
        "et la bande une fois comptées pour zéro les activités que la commune conserve humaines ; « = » : identique "
        "à l'exposition technique.", st.body))
    story.append(para("Le nombre d'agents d'un métier figure en entier : il décrit le métier, comme le tableau des "
                      "emplois voté par le conseil, et non une caractéristique des personnes.", st.note))
    story.append(jobs_table(data))
    if "annexes" in data.options.chapters:
        story.append(gap(3))
        story.append(para("Le détail des activités de chaque métier, avec leurs scores et les tâches de l'OIT "
                          "correspondantes, figure en annexe A.", st.note))
    scatter = _charts().jobs_scatter([data.results[j["code"]] for j in data.jobs], data.agg.jobs,
                                     index=data.index)
    story.append(CondPageBreak(125 * mm))
    story.append(heading("Score moyen et dispersion des activités", 1, number=f"{n}.1"))
    story.append(_chart(scatter))
    story.append(para("Chaque point est un métier, placé selon le score moyen de ses activités et leur écart type, "
                      "coloré selon sa bande ; sa taille croît avec le nombre d'agents. Les zones grisées sont les "
                      "catégories de l'OIT.", st.caption))
    return story


# --- 5. Ateliers (hook for the workshop feature) -----------------------------------------------------------------


def workshops_chapter(data: ReportData, number: int) -> list[Flowable]:
    """Chapter « Ateliers »: one section per workshop sheet (`workshop_sheet_flowables`), or a plain statement."""
    st = styles()
    story: list[Flowable] = [heading(CHAPTERS["ateliers"], 0, number=str(number))]
    sheets = list(data.project.workshops)
    if not sheets:
        story.append(para("Aucun atelier n'a encore été mené.", st.lead))
        story.append(para(
            "Les ateliers réunissent l'encadrement et des agents autour d'un métier concerné : ils estiment l'impact "
            "de l'IA sur le métier, décrivent ses activités et compétences en 2025 et en 2035, et recensent les "
            "besoins d'accompagnement, les risques, les opportunités et les indicateurs de suivi. Leurs résultats "
            "figureront dans ce chapitre.", st.body))
    else:
        for workshop in sheets:
            story += workshops.workshop_sheet_flowables(workshop, data)
    return story


# --- 6. Plan d'action --------------------------------------------------------------------------------------------

def _training_plan(data: ReportData) -> list[Flowable]:
    st = styles()
    lines = workshops.training_plan_rows(replace(data.project, privacy_k=data.k), data.ref)
    if not lines:
        return [para("Aucune ligne de plan de formation n'est encore issue des ateliers : les besoins "
                     "d'accompagnement recensés en atelier s'inscriront ici.", st.body)]
    present = list(dict.fromkeys(key for line in lines for key in line))
    columns = [c for c in workshops.TRAINING_COLUMNS if c in present] or present[:6]
    rows: list[list[Any]] = [[para(text(h), st.cell_head) for h in columns]]
    rows += [[Para(text(line.get(col, "")), st.cell) for col in columns] for line in lines]
    return [data_table(rows, _fit_widths(columns, lines))]


def _fit_widths(columns: Sequence[str], lines: Sequence[dict]) -> list[float]:
    """Column widths: each at least its longest word (headers never break inside a word), the rest of the page in
    proportion to how much each column says (a long need gets room, a count does not)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    minimum, weight = [], []
    for col in columns:
        values = [str(line.get(col, "")) for line in lines]
        words = [w for value in values for w in value.split()]
        longest = max([stringWidth(w, FONT_BOLD, 8) for w in col.split()] + [stringWidth(w, FONT, 8) for w in words])
        minimum.append(longest + 10)
        weight.append(sum(len(v) for v in values) / max(len(values), 1) + 1)
    spare = FRAME_WIDTH - sum(minimum)
    if spare <= 0:
        return [w * FRAME_WIDTH / sum(minimum) for w in minimum]
    return [m + spare * w / sum(weight) for m, w in zip(minimum, weight, strict=True)]


def _recommendation(number: int, title: str, body: list[str]) -> Flowable:
    st = styles()
    return keep([heading(f"{number}. {title}", 2, toc=False), *[para(p, st.body) for p in body]])


def action_chapter(data: ReportData, number: int) -> list[Flowable]:
    st = styles()
    n = str(number)
    s = data.summary
    exposed_jobs = [j for j in data.jobs if Band(j["band"]) in EXPOSED_BANDS]
    exposed_agents = sum(j["agents"] for j in exposed_jobs)
    story: list[Flowable] = [heading(CHAPTERS["plan"], 0, number=n)]
    story.append(para(
        "Ces recommandations découlent des résultats. Elles suivent la première recommandation du rapport "
        "d'information du Sénat n° 447 (2024-2025) sur l'intelligence artificielle dans les collectivités "
        "territoriales : développer la sensibilisation, puis la formation, des élus et des agents.", st.body))

    story.append(heading("Plan de formation issu des ateliers", 1, number=f"{n}.1"))
    story += _training_plan(data)

    story.append(heading("Recommandations", 1, number=f"{n}.2"))
    story.append(_recommendation(1, "Sensibiliser tous les agents et les élus", [
        f"Tous les métiers sont touchés à des degrés divers : une information commune sur ce que l'IA générative "
        f"sait faire, ses limites et ses risques s'adresse aux {text(plural(s['agents'], 'agent'))} de la commune et "
        "aux élus, avant toute formation spécialisée.",
    ]))
    if exposed_jobs:
        names = _names([j["label"] for j in exposed_jobs], 6, quoted=True)
        training = (f"{text(plural(exposed_agents, 'agent'))} {'exercent' if exposed_agents > 1 else 'exerce'} "
                    f"un métier concerné ou très concerné ({names}). Leur proposer en priorité une formation aux "
                    "usages de l'IA dans leur métier, en s'appuyant sur l'offre du CNFPT, et l'inscrire au plan de "
                    "formation.")
    else:
        training = ("Aucun métier n'atteint la bande « concerné » : la formation peut viser d'abord les métiers peu "
                    "concernés dont certaines activités sont exposées, en s'appuyant sur l'offre du CNFPT.")
    story.append(_recommendation(2, "Former en priorité les métiers les plus concernés", [training]))
    story.append(_recommendation(3, "Associer le comité social territorial", [
        "Présenter cette cartographie au comité social territorial, associer des représentants du personnel aux "
        "ateliers et suivre avec eux l'évolution des tâches : les scores sont des tendances à discuter, jamais des "
        "décisions concernant une personne.",
    ]))
    story.append(_recommendation(4, "Adopter une charte d'usage de l'IA", [
        "Fixer par écrit les outils autorisés, la protection des données personnelles (RGPD), le contrôle humain de "
        "toute production de l'IA et l'information des usagers, ainsi que les activités que la commune choisit de "
        "garder humaines.",
    ]))
    indicators = [
        ("Agents et élus sensibilisés", "part des agents ayant suivi une action de sensibilisation", "à mesurer"),
        ("Agents des métiers concernés formés", "nombre d'agents formés parmi ceux des métiers concernés ou très "
         "concernés", f"0 sur {format_number(exposed_agents)}" if exposed_agents else "—"),
        ("Ateliers menés", "nombre de métiers examinés en atelier", format_number(len(data.project.workshops))),
        ("Décisions de la commune", "activités examinées et décidées (score corrigé, conservée humaine…)",
         format_number(len(data.project.decisions))),
        ("Part des agents concernés", "part des agents dans un métier concerné ou très concerné, à chaque "
         "actualisation", format_percent(s["exposed_share"])),
    ]
    rows: list[list[Any]] = [[para(h, st.cell_head) for h in ("Indicateur", "Mesure", "Aujourd'hui")]]
    rows += [[Para(text(a), st.cell), Para(text(b), st.cell), Para(text(c), st.cell)]
             for a, b, c in indicators]
    story.append(keep([
        heading("5. Suivre quelques indicateurs", 2, toc=False),
        para("Un tableau de bord simple, revu chaque année avec la cartographie actualisée :", st.body),
        data_table(rows, [50 * mm, FRAME_WIDTH - 80 * mm, 30 * mm]),
    ]))

    story.append(heading("Dans quels cadres inscrire ces actions", 1, number=f"{n}.3"))
    frames = [
        ("Lignes directrices de gestion (LDG)", "La stratégie pluriannuelle de pilotage des ressources humaines, "
         "notamment la gestion prévisionnelle des emplois et des compétences (GPEEC) : y inscrire l'évolution des "
         "métiers concernés et les compétences à développer."),
        ("Rapport social unique (RSU)", "Le suivi annuel des effectifs, de la formation et des conditions de travail "
         ": y suivre les indicateurs ci-dessus."),
        ("Plan de formation", "Les actions de sensibilisation et de formation, à commencer par les métiers concernés, "
         "et les lignes issues des ateliers."),
        ("Dialogue social", "La présentation au comité social territorial de la cartographie, des ateliers et de la "
         "charte."),
    ]
    rows = [[para("Cadre", st.cell_head), para("Ce que la cartographie y apporte", st.cell_head)]]
    rows += [[Para(_b(a), st.cell), Para(text(b), st.cell)] for a, b in frames]
    story.append(data_table(rows, [50 * mm, FRAME_WIDTH - 50 * mm]))
    return story


# --- 7. Annexes --------------------------------------------------------------------------------------------------


def _task_text(data: ReportData, key) -> str:
    task = data.ref.tasks.get(tuple(key))
    if task is None:
        return f"{key[0]}-{key[1]}"
    return f"{task.isco}-{task.task_id} · {task.text_fr or task.text_en}"


def _job_annex(data: ReportData, job: dict[str, Any]) -> list[Flowable]:
    """One job's activities as a table whose first rows carry the job's title (repeated on a following page)."""
    st = styles()
    result = data.results[job["code"]]
    ref_job = data.ref.jobs.get(job["code"])
    small = ParagraphStyle("annex_cell", parent=st.cell, fontSize=7.2, leading=9)
    muted = ParagraphStyle("annex_muted", parent=small, textColor=MUTED)
    title_style = ParagraphStyle("annex_title", parent=st.h3, spaceBefore=0, spaceAfter=0, keepWithNext=0)
    title = f"{job['label']} — score {format_score(job['score'])}, {_band_word(job['band'])}"
    groups = []
    for isco in ref_job.isco if ref_job is not None else ():
        occupation = data.ref.occupations.get(isco)
        groups.append(f"{isco} {occupation.title_fr}" if occupation else isco)
    note = f"Code {job['code']}" + (f" · groupe(s) ISCO-08 : {' ; '.join(groups)}" if groups else "")
    rows: list[list[Any]] = [
        [Para(text(title), title_style), "", "", "", ""],
        [Para(text(note), st.note), "", "", "", ""],
        [para(h, st.cell_head_right if h == "Score" else st.cell_head)
         for h in ("Activité", "Score", "Bande", "Tâche(s) de l'OIT", "Décision")],
    ]
    cmds: list[tuple] = [
        ("SPAN", (0, 0), (-1, 0)), ("SPAN", (0, 1), (-1, 1)),
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 3), (-1, -1), 7.2), ("LEADING", (0, 3), (-1, -1), 9),
        ("VALIGN", (0, 3), (-1, -1), "TOP"), ("VALIGN", (0, 2), (-1, 2), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.4), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.4),
        ("LEFTPADDING", (0, 0), (-1, 1), 0), ("TOPPADDING", (0, 0), (-1, 0), 8),
        ("BACKGROUND", (0, 2), (-1, 2), PRIMARY), ("LINEBELOW", (0, 3), (-1, -1), 0.4, GRID),
        ("ALIGN", (1, 2), (1, -1), "RIGHT"),
    ]
    for r, activity in enumerate(result.activities, start=3):
        if activity.estimated:
            links = "score estimé (aucune tâche de l'OIT ne correspond)"
        elif activity.ilo_links:
            links = " ; ".join(_task_text(data, key) for key in activity.ilo_links)
        else:
            links = "activité de la commune"
        rows.append([Para(text(activity.label), muted if activity.excluded else small),
                     format_score(activity.score), _band_word(activity.band), Para(text(links), muted),
                     Para(text(", ".join(activity.decision_marks())), small)])
        cmds += [("BACKGROUND", (2, r), (2, r), band_colour(activity.band)),
                 ("TEXTCOLOR", (2, r), (2, r), band_text_colour(activity.band))]
    widths = [50 * mm, 12 * mm, 21 * mm, 59 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=(0, 2), hAlign="LEFT", splitByRow=1)
    table.setStyle(TableStyle(cmds))
    return [CondPageBreak(45 * mm), Bookmark(title, 2), table]


def _decision_log(data: ReportData) -> list[Flowable]:
    st = styles()
    lines = rdata.decision_lines(data)
    if not lines:
        return [para("Aucune décision n'a été prise.", st.body)]
    small = ParagraphStyle("log_cell", parent=st.cell, fontSize=7.2, leading=9)
    rows: list[list[Any]] = [[para(h, st.cell_head) for h in ("Date", "Métier et activité", "Décision", "Motif",
                                                               "Auteur")]]
    for line in lines:
        what = f"<b>{text(line.job)}</b><br/>{text(line.activity)}"
        kind = line.kind + (f" : {line.value}" if line.value else "")
        rows.append([line.date, Para(what, small), Para(text(kind), small),
                     Para(text(line.reason), small), Para(text(line.author), small)])
    widths = [18 * mm, 52 * mm, 28 * mm, 46 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    return [data_table(rows, widths, extra=[("VALIGN", (0, 1), (-1, -1), "TOP"), ("FONTSIZE", (0, 1), (0, -1), 7.2)])]


GLOSSARY = (
    ("Activité", "Ce que fait un agent dans son métier, décrit en une phrase (« Préparer et suivre l'exécution du "
     "budget »). Un métier compte de 5 à 12 activités."),
    ("Bande d'exposition", "L'une des quatre classes de score définies par l'INET : pas concerné, peu concerné, "
     "concerné, très concerné."),
    ("Catégorie (A, B, C)", "Niveau hiérarchique des cadres d'emplois de la fonction publique territoriale."),
    ("Catégorie de l'OIT", "Classement d'une profession par l'OIT d'après la moyenne et l'écart type des scores de ses "
     "tâches (catégories en 2023, gradients en 2025)."),
    ("CNFPT", "Centre national de la fonction publique territoriale, qui forme les agents territoriaux."),
    ("CST", "Comité social territorial, instance de dialogue social de la collectivité."),
    ("Écart type", "Mesure de la dispersion des scores des activités d'un métier autour de leur moyenne."),
    ("ETP", "Équivalent temps plein : un agent à 80 % compte pour 0,8 ETP."),
    ("Exposition retenue", "Score du métier lorsque les activités que la commune choisit de conserver humaines "
     "comptent pour zéro."),
    ("Exposition technique", "Score du métier d'après les activités exercées et les scores de l'OIT, corrigés le cas "
     "échéant par la commune."),
    ("Filière", "Domaine professionnel de la fonction publique territoriale (administrative, technique, culturelle, "
     "sociale, médico-sociale, sportive, animation, police municipale)."),
    ("IA générative", "Intelligence artificielle capable de produire du texte, des images ou du code à partir d'une "
     "demande (par exemple un assistant conversationnel)."),
    ("INET", "Institut national des études territoriales, école des administrateurs territoriaux."),
    ("ISCO-08", "Classification internationale type des professions de l'OIT (CITP-08 en français)."),
    ("LDG", "Lignes directrices de gestion : stratégie pluriannuelle de pilotage des ressources humaines."),
    ("OIT", "Organisation internationale du travail (en anglais ILO)."),
    ("ROME", "Répertoire opérationnel des métiers et des emplois de France Travail."),
    ("RSU", "Rapport social unique : données sociales annuelles de la collectivité."),
    ("Score", "Part d'une tâche que l'IA générative pourrait accomplir, de 0 à 1 ; pour un métier, la moyenne des "
     "scores de ses activités."),
    ("Tâche de l'OIT", "Tâche d'une profession ISCO-08, évaluée par l'OIT."),
)


def _glossary() -> Table:
    st = styles()
    rows = [[para("Terme", st.cell_head), para("Définition", st.cell_head)]]
    rows += [[Para(_b(term), st.cell), Para(text(definition), st.cell)] for term, definition in GLOSSARY]
    return data_table(rows, [38 * mm, FRAME_WIDTH - 38 * mm])


def annexes_chapter(data: ReportData, number: int, *, on_job: Callable[[int, int], None] | None = None
                    ) -> list[Flowable]:
    st = styles()
    n = str(number)
    story: list[Flowable] = [heading(CHAPTERS["annexes"], 0, number=n)]
    story.append(heading("A. Les activités de chaque métier", 1))
    story.append(para("Pour chaque métier de la commune : ses activités, leur score et leur bande, la ou les tâches de "
                      "l'OIT auxquelles elles sont rattachées (code ISCO-08 et numéro de tâche, traduction française), "
                      "et les décisions de la commune. Une activité non exercée est grisée et ne compte pas dans le "
                      "score.", st.body))
    for i, job in enumerate(data.jobs, start=1):
        story += _job_annex(data, job)
        if on_job is not None:
            on_job(i, len(data.jobs))
    story.append(CondPageBreak(60 * mm))
    story.append(heading("B. Journal des décisions de la commune", 1))
    story.append(para("Chaque décision : la date, le métier et l'activité, ce qui a été décidé, pourquoi et par qui.",
                      st.body))
    story += _decision_log(data)
    if data.options.unmatched_titles and data.summary["unmatched"]:
        story.append(CondPageBreak(60 * mm))
        story.append(heading("C. Intitulés de poste sans métier", 1))
        story.append(para("Intitulés du tableau des effectifs qui n'ont pas encore de métier : leurs agents ne sont "
                          "pas comptés dans les résultats. Liste imprimée à la demande de l'utilisateur.", st.body))
        story += bullets([text(title) for title in data.summary["unmatched"]])
        glossary_letter = "D"
    else:
        glossary_letter = "C"
    story.append(CondPageBreak(80 * mm))
    story.append(heading(f"{glossary_letter}. Glossaire", 1))
    story.append(_glossary())
    return story


CHAPTER_BUILDERS: dict[str, Chapter] = {
    "synthese": synthesis_chapter,
    "methode": method_chapter,
    "resultats": results_chapter,
    "metiers": jobs_chapter,
    "ateliers": workshops_chapter,
    "plan": action_chapter,
    "annexes": annexes_chapter,
}

