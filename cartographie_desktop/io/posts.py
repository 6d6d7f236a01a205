"""Turn a mapped table into posts, and account for every line: imported, merged into another, or set aside with its
reason — lines in = imported + merged + set aside, always.

Order of work: structural lines (blank, total, sub-heading, repeated header, no title nor grade) are set aside first;
payroll lines of one agent are then folded into the agent's latest month; then agents who are not staff (elected
officials, school interns) or were not paid are set aside; budget-annex lines without a filled post too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from cartographie_desktop.core.model import FILIERES, STATUSES, ImportIssue, ImportResult, Post
from cartographie_desktop.core.text import fold, format_fte, format_number
from cartographie_desktop.io import normalise
from cartographie_desktop.io.tables import PERSONAL_FIELDS, REQUIRED_FIELDS, ImportCancelled, StaffingError, Table

# On raw cell texts (folding every cell of a big table would cost seconds): the words carry no accents.
_TOTAL = re.compile(r"^\W*(?:sous[\s-]*total|total|totaux|ensemble|effectif total|nombre total)\b", re.IGNORECASE)
_HEADING = re.compile(
    r"^(?:filieres?|secteurs?|categories?|cat|services?|directions?|poles?|budgets?|emplois fonctionnels|"
    r"agents? (?:titulaires?|non titulaires?|contractuels?)|personnels?|titulaires|non titulaires|contractuels|"
    r"emplois (?:permanents|non permanents)|grades? ou emplois|emplois)\b"
)
_FOOTER = re.compile(
    r"^(?:fait a|vu pour|certifie|arrete|le maire|la maire|le president|la presidente|signature|source|sources|"
    r"nota|n b|nb|mise a jour|date d edition|edite le|imprime le|page \d)\b"
)
_FILIERE_NAMES = {fold(label) for label in FILIERES.values()} | {
    "adm", "tech", "cult", "sport", "soc", "ms", "mt", "anim", "pol", "police", "sociale", "medico sociale",
}
# One statutory filière (« sanitaire et sociale ») whose sectors files and référentiel name differently: no warning.
_SANITARY_AND_SOCIAL = {"sociale", "medico_sociale", "medico_technique"}
_DIRECTION_HEADING = re.compile(r"^(?:services?|directions?|poles?)\b")
_PROGRESS_STEP = 2000
_MAX_COUNT = 10_000


@dataclass(slots=True)
class _Context:
    """What sub-heading rows say about the lines below them (« FILIÈRE TECHNIQUE », « Service Enfance »)."""

    filiere: str = ""
    categorie: str = ""
    direction: str = ""
    status: str = ""
    heading: str = ""


@dataclass(slots=True)
class _Line:
    index: int  # in the data rows
    number: int  # 1-based line in the source
    context: _Context
    month: int = -1
    pay_zero: bool = False
    status: str = ""
    status_raw: str = ""


class _Builder:
    def __init__(self, table: Table, header_row: int, mapping: dict[int, str], labels: list[str], *,
                 budget_name: str, keep_personal: bool, grades: normalise.GradeIndex,
                 progress: Callable[[float], None] | None, cancelled: Callable[[], bool] | None) -> None:
        self.table = table
        self.sheet = table.sheet
        self.header_row = header_row
        self.labels = labels
        self.rows = table.rows[header_row + 1 :]
        self.numbers = table.row_numbers[header_row + 1 :]
        while self.rows and not any(self.rows[-1]):  # blank rows after the table are not lines of it
            self.rows.pop()
        del self.numbers[len(self.rows) :]
        self.columns: dict[str, list[int]] = {}
        for index, name in sorted(mapping.items()):
            if name != "ignore":
                self.columns.setdefault(name, []).append(index)
        self.budget_name = budget_name
        self.keep_personal = keep_personal
        self.grades = grades
        self.progress = progress
        self.cancelled = cancelled
        self.issues: list[ImportIssue] = []
        self.merged = 0
        self.set_aside = 0

    # --- helpers ---

    def value(self, row: list[str], name: str) -> tuple[str, int]:
        """The first non-empty cell of the field's columns, and its column (-1 when the field is not mapped)."""
        indexes = self.columns.get(name)
        if not indexes:
            return "", -1
        if len(indexes) == 1:  # the usual case: rows are rectangular, no bounds check needed
            index = indexes[0]
            return row[index], index
        for index in indexes:
            if row[index]:
                return row[index], index
        return "", indexes[0]

    def issue(self, kind: str, message: str, number: int | None, column: int = -1, value: str = "") -> ImportIssue:
        return ImportIssue(kind=kind, message=message, line=number, sheet=self.sheet,
                           column=self.labels[column] if 0 <= column < len(self.labels) else "", value=value)

    def aside(self, line_number: int, message: str, column: int = -1, value: str = "") -> None:
        self.issues.append(self.issue("set_aside", message, line_number, column, value))
        self.set_aside += 1

    def tick(self, done: int, total: int, start: float, span: float) -> None:
        if done % _PROGRESS_STEP:
            return
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled()
        if self.progress is not None:
            self.progress(start + span * done / max(total, 1))

    # --- passes ---

    def build(self) -> tuple[list[Post], list[ImportIssue], int, dict[int, dict[str, str]]]:
        if not any(name in self.columns for name in REQUIRED_FIELDS):
            raise StaffingError(
                "Aucune colonne n'est désignée comme intitulé du poste ou comme grade : indiquez au moins l'une des "
                "deux dans la correspondance des colonnes."
            )
        if "fte" not in self.columns:
            self.issues.append(self.issue(
                "warning", "Le tableau n'a pas de colonne de temps de travail : chaque poste compte pour 1 ETP.", None))
        if "title" not in self.columns:
            self.issues.append(self.issue(
                "warning", "Le tableau n'a pas de colonne d'intitulé de poste : le grade sert d'intitulé.", None))
        kept = self._structure()
        kept = self._merge_payroll(kept)
        kept = self._agents(kept)
        posts, personal = self._posts(kept)
        self.issues.sort(key=lambda issue: (issue.line if issue.line is not None else -1))
        return posts, self.issues, self.merged, personal

    def _structure(self) -> list[_Line]:
        """Set aside the lines that are not posts; read the sub-headings as context for the lines below."""
        header = self.table.rows[self.header_row] if 0 <= self.header_row < len(self.table.rows) else []
        header_count = sum(1 for cell in header if cell)
        named = {index for name in ("title", "grade") for index in self.columns.get(name, [])}
        private = {index for name in (*PERSONAL_FIELDS, "matricule") for index in self.columns.get(name, [])}
        mapped = {index for indexes in self.columns.values() for index in indexes}
        widths = sorted(sum(1 for cell in row if cell) for row in self.rows[:500] if any(row))
        typical = widths[len(widths) // 2] if widths else 0
        context = _Context()
        kept: list[_Line] = []
        total = len(self.rows)
        header_first = next((cell for cell in header if cell), None)
        for index, row in enumerate(self.rows):
            self.tick(index, total, 0.5, 0.3)
            number = self.numbers[index]
            filled = list(filter(None, row))  # C speed: most rows take no other path than the next few tests
            if not filled:
                self.aside(number, "Ligne vide.")
                continue
            total_text = next((cell for cell in filled[:3] if _TOTAL.match(cell)), None)
            if total_text is not None:
                self.aside(number, "Ligne de total ou de sous-total.", row.index(total_text), total_text)
                continue
            if header_count >= 2 and filled[0] == header_first:
                same = sum(1 for column, cell in enumerate(row) if cell and column < len(header)
                           and header[column] == cell)
                if same >= max(2, int(0.8 * header_count)):
                    self.aside(number, "Ligne d'en-tête répétée.")
                    continue
            text = filled[0]
            column = row.index(text)
            if filled.count(text) == len(filled) and column not in private:  # one value; a lone name is no heading
                key = fold(text)
                if _FOOTER.match(key):
                    self.aside(number, "Ligne de texte (note ou signature), pas un poste.", column, text)
                    continue
                spans = len(filled) >= 2 and len(mapped) >= 2  # merged across the table
                shouting = text.isupper() and len(text) > 3
                if (_HEADING.match(key) or typical >= 3
                        or (typical == 2 and (spans or shouting or column not in named))):
                    context = self._heading(context, text)
                    self.aside(number, f"Intertitre « {text} », pas un poste.", column, text)
                    continue
            title, _ = self.value(row, "title")
            grade, _ = self.value(row, "grade")
            if not title and not grade:
                self.aside(number, "Ni intitulé de poste ni grade : ligne écartée.")
                continue
            kept.append(_Line(index=index, number=number, context=context))
        return kept

    def _heading(self, previous: _Context, text: str) -> _Context:
        """The context a sub-heading sets: a filière, a catégorie, a service, or titulaires / non titulaires."""
        context = _Context(previous.filiere, previous.categorie, previous.direction, previous.status, text)
        key = fold(text)
        filiere, _ = normalise.parse_filiere(text)
        if filiere and (re.match(r"^(?:filieres?|secteurs?)\b", key) or key in _FILIERE_NAMES):
            context.filiere = filiere
        categorie, _ = normalise.parse_categorie(text)
        if categorie and re.match(r"^(?:categories?|cat)\b", key):
            context.categorie = categorie
        if _DIRECTION_HEADING.match(key) and "direction" not in self.columns:
            context.direction = text
        status, _ = normalise.parse_status(text)
        if status in ("titulaire", "contractuel") and re.search(r"titulaire|contractuel|non permanent", key):
            context.status = status
        return context

    def _merge_payroll(self, kept: list[_Line]) -> list[_Line]:
        """One line per agent: payroll lines of earlier months fold into the latest; exact duplicates too."""
        if "matricule" not in self.columns:
            return kept
        has_month = "month" in self.columns
        groups: dict[str, list[_Line]] = {}
        for line in kept:
            row = self.rows[line.index]
            matricule, _ = self.value(row, "matricule")
            if has_month:
                raw, column = self.value(row, "month")
                month = normalise.parse_month(raw) if raw else None
                if month is None:
                    what = f"Mois de paie « {raw} » illisible" if raw else "Mois de paie vide"
                    self.issues.append(self.issue(
                        "value", f"{what} : la ligne compte comme la plus ancienne de l'agent.", line.number, column,
                        raw))
                line.month = month if month is not None else -1
            if matricule:
                groups.setdefault(matricule.casefold(), []).append(line)
        dropped: set[int] = set()
        compared = [name for name in ("title", "grade", "categorie", "filiere", "direction", "fte", "status", "sexe",
                                      "budget") if name in self.columns]
        for lines in groups.values():
            if len(lines) < 2:
                continue
            latest = max(line.month for line in lines)
            winners = [line for line in lines if line.month == latest]
            first = winners[0]
            for line in lines:
                if line.month != latest:
                    dropped.add(line.index)
                    self.merged += 1
                    self.issues.append(self.issue(
                        "merged", f"Ligne de paie d'un mois antérieur : fusionnée avec la ligne {first.number} "
                        "(mois le plus récent de l'agent).", line.number))
            signature = {}
            for line in winners:
                row = self.rows[line.index]
                key = tuple(self.value(row, name)[0] for name in compared)  # an exported duplicate is exact
                if key in signature:
                    dropped.add(line.index)
                    self.merged += 1
                    self.issues.append(self.issue(
                        "merged", f"Doublon de la ligne {signature[key]} (même agent, même période) : fusionnée.",
                        line.number))
                else:
                    if signature:
                        self.issues.append(self.issue(
                            "warning", f"Même matricule que la ligne {first.number} sur un autre poste : les deux "
                            "postes sont conservés.", line.number))
                    signature[key] = line.number
        return [line for line in kept if line.index not in dropped]

    def _agents(self, kept: list[_Line]) -> list[_Line]:
        """Set aside who is not staff (elected officials, school interns), who was not paid, empty annex lines."""
        out = []
        for line in kept:
            row = self.rows[line.index]
            raw, column = self.value(row, "status")
            status = normalise.parse_status(raw)[0] if raw else ""
            if status in ("", "contractuel", "vacataire"):  # « Maire » in the title says more than a vague status
                from_title = normalise.status_from_title(self.value(row, "title")[0]) or normalise.status_from_title(
                    self.value(row, "grade")[0])
                status = from_title or status
            line.status, line.status_raw = status, raw
            if status == "elu":
                self.aside(line.number, "Élu : les élus ne sont pas des agents, ligne écartée.", column, raw)
                continue
            if status == "stage_ecole":
                self.aside(line.number, "Stagiaire école (étudiant) : n'occupe pas un poste, ligne écartée.", column,
                           raw)
                continue
            pay, pay_column = self.value(row, "pay")
            if pay_column >= 0 and pay:
                amount = normalise.parse_amount(pay)
                if amount == 0:
                    self.aside(line.number, "Rémunération nulle sur la période : agent sans paie, ligne écartée.",
                               pay_column, pay)
                    continue
                if amount is None:
                    self.issues.append(self.issue("value", f"Rémunération « {pay} » illisible.", line.number,
                                                 pay_column, pay))
            if "count" in self.columns:
                count_raw, count_column = self.value(row, "count")
                count = normalise.parse_amount(count_raw) if count_raw else 0.0
                if count is None or count < 0 or count > _MAX_COUNT:
                    self.aside(line.number, f"Nombre de postes pourvus « {count_raw} » illisible : ligne écartée.",
                               count_column, count_raw)
                    continue
                if count == 0:
                    self.aside(line.number, "Aucun poste pourvu sur cette ligne.", count_column, count_raw)
                    continue
            out.append(line)
        return out

    # --- values ---

    def _posts(self, kept: list[_Line]) -> tuple[list[Post], dict[int, dict[str, str]]]:
        posts: list[Post] = []
        personal: dict[int, dict[str, str]] = {}
        has_title = "title" in self.columns
        fte_columns = self.columns.get("fte", [])
        fte_is_total = "count" in self.columns and any("etp" in fold(self.labels[c]) for c in fte_columns)
        total = len(kept)
        for done, line in enumerate(kept):
            self.tick(done, total, 0.8, 0.2)
            row = self.rows[line.index]
            notes: list[ImportIssue] = []
            number = line.number
            title, title_column = self.value(row, "title")
            grade, _ = self.value(row, "grade")
            if not title:
                title = grade
                if has_title:
                    notes.append(self.issue("value", "Intitulé du poste vide : le grade sert d'intitulé.", number,
                                            title_column))
            facts = self.grades.find(grade) if grade else None
            categorie = self._categorie(row, line, facts, notes)
            filiere = self._filiere(row, line, facts, notes)
            direction, _ = self.value(row, "direction")
            direction = direction or line.context.direction
            status = line.status
            if line.status_raw and not status:
                notes.append(self.issue("value", f"Statut « {line.status_raw} » inconnu : laissé vide, poste conservé.",
                                        number, self.value(row, "status")[1], line.status_raw))
            if not status and not line.status_raw:
                status = line.context.status
            status = status if status in STATUSES else ""
            sexe = ""
            raw, column = self.value(row, "sexe")
            if raw:
                sexe, problem = normalise.parse_sexe(raw)
                if problem:
                    notes.append(self.issue("value", f"Sexe « {raw} » illisible : laissé vide.", number, column, raw))
            fte, headcount = self._fte(row, number, notes, fte_is_total)
            budget, _ = self.value(row, "budget")
            post_id = len(posts) + 1
            posts.append(Post(
                id=post_id, title=title, grade=grade, categorie=categorie, filiere=filiere, direction=direction,
                status=status, sexe=sexe, fte=fte, headcount=headcount, budget=budget or self.budget_name,
                source=f"{self.sheet}, ligne {number}" if self.sheet else f"ligne {number}",
            ))
            self.issues.extend(notes)
            if self.keep_personal:
                values = {name: self.value(row, name)[0] for name in PERSONAL_FIELDS}
                values = {name: text for name, text in values.items() if text}
                if values:
                    personal[post_id] = values
        return posts, personal

    def _declared(self, row, line: _Line, name: str, notes: list[ImportIssue], *, parse, what: str):
        """The catégorie or filière the table itself gives: its column, else the sub-heading above the line.

        Returns (value, origin « colonne » / « intertitre » / "", raw text, column); an unreadable cell is noted.
        """
        raw, column = self.value(row, name)
        value = ""
        if raw:
            value, problem = parse(raw)
            if problem:
                notes.append(self.issue("value", f"{what} « {raw} » illisible : déduite du grade si possible.",
                                        line.number, column, raw))
        origin = "colonne" if value else ""
        if not value and getattr(line.context, name):
            value, origin = getattr(line.context, name), "intertitre"
        return value, origin, raw, column

    def _categorie(self, row, line: _Line, facts, notes: list[ImportIssue]) -> str:
        value, origin, raw, column = self._declared(row, line, "categorie", notes, parse=normalise.parse_categorie,
                                                    what="Catégorie")
        if facts is not None and facts.categorie:
            if not value:
                return facts.categorie
            if facts.categorie != value:
                notes.append(self.issue(
                    "warning", f"Catégorie {value} ({origin}) différente de celle du grade « {facts.label} » "
                    f"({facts.categorie}) : la {origin} est retenue.", line.number, column, raw))
        return value

    def _filiere(self, row, line: _Line, facts, notes: list[ImportIssue]) -> str:
        value, origin, raw, column = self._declared(row, line, "filiere", notes, parse=normalise.parse_filiere,
                                                    what="Filière")
        if facts is not None and facts.filiere in FILIERES:
            if not value:
                return facts.filiere
            if facts.filiere != value and not {facts.filiere, value} <= _SANITARY_AND_SOCIAL:
                notes.append(self.issue(
                    "warning", f"Filière {FILIERES[value].lower()} ({origin}) différente de celle du grade "
                    f"« {facts.label} » ({FILIERES[facts.filiere].lower()}) : la {origin} est retenue.",
                    line.number, column, raw))
        return value

    def _fte(self, row, number: int, notes: list[ImportIssue], fte_is_total: bool) -> tuple[float, int]:
        """(total FTE of the line, headcount). Budget-annex lines count several posts."""
        headcount = 1
        count_value = None
        if "count" in self.columns:
            count_raw, count_column = self.value(row, "count")
            count_value = normalise.parse_amount(count_raw) or 0.0
            headcount = max(1, math.ceil(count_value - 1e-9))
            if not float(count_value).is_integer():
                notes.append(self.issue(
                    "value", f"Effectif pourvu non entier ({format_fte(count_value)}) : compté "
                    f"{format_number(headcount)} poste(s) pour {format_fte(count_value)} ETP.",
                    number, count_column, count_raw))
        raw, column = self.value(row, "fte")
        if column < 0:
            if count_value is not None and not float(count_value).is_integer():
                return count_value, headcount
            if count_value is not None:  # a budget annex says « Adjoint technique (TNC 17h30) » in the grade
                share = normalise.fte_in_label(self.value(row, "grade")[0] or self.value(row, "title")[0])
                if share is not None:
                    return round(share * headcount, 6), headcount
            return float(headcount), headcount
        if fte_is_total and raw:
            amount = normalise.parse_amount(raw)
            if amount is not None and 0 <= amount <= headcount:
                return amount, headcount
        share, problem = normalise.parse_fte(raw) if raw else (None, "vide")
        if share is None:
            if problem == "vide":
                message = "Temps de travail vide : compté temps complet (1 ETP par poste)."
            elif problem.startswith("temps non complet"):
                message = (f"Temps non complet ou partiel sans quotité (« {raw} ») : compté temps complet "
                           "(1 ETP par poste).")
            else:
                detail = f" ({problem})" if problem != "illisible" else ""
                message = f"Temps de travail « {raw} » illisible{detail} : compté temps complet (1 ETP par poste)."
            notes.append(self.issue("value", message, number, column, raw))
            share = 1.0
        elif share == 0:
            notes.append(self.issue("value", "Temps de travail nul : poste compté à 0 ETP.", number, column, raw))
        if count_value is not None and not float(count_value).is_integer():
            return round(count_value * share, 6), headcount
        return round(share * headcount, 6), headcount


def build(table: Table, header_row: int, mapping: dict[int, str], labels: list[str], *, budget_name: str,
          keep_personal: bool, grades: normalise.GradeIndex, progress: Callable[[float], None] | None = None,
          cancelled: Callable[[], bool] | None = None) -> ImportResult:
    builder = _Builder(table, header_row, mapping, labels, budget_name=budget_name, keep_personal=keep_personal,
                       grades=grades, progress=progress, cancelled=cancelled)
    lines_in = len(builder.rows)
    posts, issues, merged, personal = builder.build()
    result = ImportResult(
        posts=posts, issues=issues, lines_in=lines_in, merged=merged, sheet=table.sheet,
        mapping={labels[index]: name for index, name in sorted(mapping.items()) if index < len(labels)},
        personal=personal,
    )
    if not result.check_accounting():  # a bug of ours, never the user's file: say so plainly
        raise StaffingError(
            f"Erreur interne du programme : {lines_in} lignes lues mais {result.imported} importées, "
            f"{merged} fusionnées et {len(result.set_aside)} écartées. Signalez-la avec le fichier."
        )
    return result
