"""The council report as a PDF: `build_report(project, ref, path, options)`.

Runs without Qt (the window calls it on a worker thread with `progress` and `cancelled`), writes to a temporary file
beside the target and renames it at the end, so that a crash or a cancel never leaves half a PDF.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from cartographie_desktop.core.model import Project
from cartographie_desktop.core.referentiel import Referentiel
from cartographie_desktop.report import chapters
from cartographie_desktop.report.data import Cancelled, Progress, ReportCancelled, ReportData, check_cancel, prepare
from cartographie_desktop.report.options import OptionsError, ReportError, ReportOptions
from cartographie_desktop.report.output import atomic_path
from cartographie_desktop.report.styles import CancelledBuild, ReportDocTemplate

STEPS = 1000
PREPARE_SHARE = 400  # building the content (charts, tables) takes about 40 % of the time, layout the rest
EXPECTED_PASSES = 3


def _progress_mapper(progress: Progress | None):
    def report(done: float, text: str) -> None:
        if progress is not None:
            progress(min(int(done), STEPS), STEPS, text)

    return report


def build_story(data: ReportData, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> list[Flowable]:
    """The whole report as flowables, chapters separated by page breaks."""
    report = _progress_mapper(progress)
    try:
        cover = chapters.cover(data)
    except (OSError, ValueError, SyntaxError) as exc:  # what PIL raises on a file that is not an image
        raise OptionsError(f"Le logo « {Path(data.options.logo).name} » n'est pas une image lisible "
                           "(PNG ou JPEG attendu).") from exc
    story: list[Flowable] = [*cover, PageBreak(), *chapters.contents(data)]
    selected = data.options.chapters
    for number, cid in enumerate(selected, start=1):
        check_cancel(cancelled)
        start = PREPARE_SHARE * (number - 1) / len(selected)
        report(start, f"Rédaction : {chapters.CHAPTERS[cid]}…")
        if cid == "annexes":
            def on_job(i: int, total: int, start: float = start) -> None:
                check_cancel(cancelled)
                report(start + PREPARE_SHARE / len(selected) * i / max(total, 1), "Rédaction : annexes…")

            part = chapters.annexes_chapter(data, number, on_job=on_job)
        else:
            part = chapters.CHAPTER_BUILDERS[cid](data, number)
        if number > 1:
            story.append(PageBreak())
        story += part
    return story


def build_report(project: Project, ref: Referentiel, path: Path, options: ReportOptions | None = None, *,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> Path:
    """Write the council report to `path`; raises `ReportError` (French) or `ReportCancelled`."""
    path = Path(path)
    data = prepare(project, ref, options or ReportOptions())
    report = _progress_mapper(progress)
    report(0, "Calcul des résultats…")
    story = build_story(data, progress, cancelled)
    check_cancel(cancelled)

    def layout_progress(seen: int, expected: int, text: str) -> None:
        passes = (doc._pass - 1 + seen / expected) / EXPECTED_PASSES
        report(PREPARE_SHARE + (STEPS - PREPARE_SHARE) * min(passes, 0.99), text)

    author = data.options.author
    with atomic_path(path) as tmp:
        doc = ReportDocTemplate(
            str(tmp), header=data.commune, footer=f"{chapters.REPORT_TITLE} — {data.date_text}",
            title=f"{chapters.REPORT_TITLE} — {data.commune}", author=author,
            subject="Exposition des métiers de la commune à l'IA générative (méthode OIT / INET)",
            keywords=("IA générative", "métiers", "OIT", "INET", data.commune),
            progress=layout_progress if progress is not None else None, cancelled=cancelled,
            expected_flowables=len(story))
        story.insert(0, doc.page_counter)  # zero-size; takes part in the passes for « page X / Y »
        try:
            doc.multiBuild(story, maxPasses=8)
        except CancelledBuild as exc:
            raise ReportCancelled from exc
        except OSError as exc:
            raise ReportError(f"Le rapport n'a pas pu être écrit : {exc.strerror or exc}.") from exc
    report(STEPS, "Rapport enregistré.")
    return path
