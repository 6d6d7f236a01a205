"""The budget annex *état du personnel* as the finance software exports it: a TotEM `DocumentBudgetaire` XML.

Structure (namespace `http://www.minefi.gouv.fr/cp/demat/docbudgetaire`, every value in a `V` attribute):
`DocumentBudgetaire/Budget/EnTeteBudget/LibelleEtab` names the budget, and each
`DocumentBudgetaire/Budget/Annexes/DATA_PERSONNEL/PERSONNEL` is one line per grade or contract with `CodTypAgent`,
`EmploiGradeAgent`, `CodCatAgent`, `TempsComplet`, `Permanent`, `CodSectAgentTitulaire` / `CodSectAgentNonTitulaire`
(sector: ADM, TECH, CULT…), `NatureContrat`, `LibelleNatureContrat`, `CodMotifContrAgent`, `LibMotifContrAgent`,
`IndiceAgent`, `RemunAgent`, `EffectifBud` (budgeted posts), `EffectifPourvu` (filled posts), `EffectifTNC`.
Sources are listed in `tests/data/README.md`.

The lines become a `Table` with French headers and a fixed mapping, so that the same normalisation as for
spreadsheets applies. Parsed with defusedxml: no DTD entity is expanded, no external resource fetched.
"""

from __future__ import annotations

from pathlib import Path

from cartographie_desktop.core.text import format_fte
from cartographie_desktop.io.normalise import fte_in_label
from cartographie_desktop.io.readers import cell_text
from cartographie_desktop.io.sniff import DAMAGED_MESSAGE, MAX_ROWS, too_big_message
from cartographie_desktop.io.tables import StaffingError, Table

NAMESPACE = "http://www.minefi.gouv.fr/cp/demat/docbudgetaire"
SHEET = "État du personnel"

# Header of each column of the table built from the XML, and the field it maps to.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Emploi ou grade", "grade"),
    ("Catégorie", "categorie"),
    ("Secteur", "filiere"),
    ("Statut", "status"),
    ("Temps de travail", "fte"),
    ("Effectif budgétaire", "ignore"),
    ("Effectif pourvu", "count"),
    ("dont temps non complet", "ignore"),
    ("Emploi permanent", "ignore"),
    ("Nature du contrat", "ignore"),
    ("Motif du contrat", "ignore"),
    ("Type d'agent (code TotEM)", "ignore"),
    ("Indice", "ignore"),
    ("Budget", "budget"),
)

def mapping() -> dict[int, str]:
    return {index: field for index, (_, field) in enumerate(COLUMNS)}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _number(text: str) -> str:
    try:
        return cell_text(float(text.replace(",", ".")))
    except ValueError:
        return text


def _yes_no(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return "Oui"
    if lowered in ("false", "0"):
        return "Non"
    return text


def _row(values: dict[str, str], budget: str) -> list[str]:
    grade = values.get("EmploiGradeAgent", "")
    sector_tit = values.get("CodSectAgentTitulaire", "")
    sector_nontit = values.get("CodSectAgentNonTitulaire", "")
    contract = values.get("LibelleNatureContrat", "") or values.get("NatureContrat", "")
    if sector_tit:
        status = "Titulaire"
    elif sector_nontit or contract:
        status = "Contractuel"
    else:
        status = ""
    complete = values.get("TempsComplet", "").strip().lower()
    if complete in ("true", "1"):
        working_time = "Temps complet"
    elif complete in ("false", "0"):
        share = fte_in_label(grade)  # « Adjoint technique TNC 17h30 » says its fraction
        working_time = f"TNC {format_fte(share * 35)}/35" if share is not None else "Temps non complet"
    else:
        working_time = ""
    return [
        grade,
        values.get("CodCatAgent", ""),
        sector_tit or sector_nontit,
        status,
        working_time,
        _number(values.get("EffectifBud", "")),
        _number(values.get("EffectifPourvu", "")),
        _number(values.get("EffectifTNC", "")),
        _yes_no(values.get("Permanent", "")),
        contract,
        values.get("LibMotifContrAgent", "") or values.get("CodMotifContrAgent", ""),
        values.get("CodTypAgent", ""),
        values.get("IndiceAgent", "").lstrip("'"),
        budget,
    ]


def read_table(path: Path, name: str) -> Table:
    """The état du personnel as a table: a header row, then one row per `PERSONNEL` element, in document order.

    Row numbers are the rank of the `PERSONNEL` element (1 for the first), which is what messages call « ligne ».
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    lines: list[dict[str, str]] = []
    budget = collectivity = ""
    root_seen = False
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if not root_seen:
                    root_seen = True
                    if tag != "DocumentBudgetaire":
                        raise StaffingError(
                            f"Le fichier XML « {name} » n'est pas un document budgétaire TotEM (racine {tag})."
                        )
                continue
            if tag == "PERSONNEL":
                values = {_local(child.tag): " ".join((child.get("V") or "").split()) for child in element}
                lines.append(values)
                if len(lines) > MAX_ROWS:
                    raise StaffingError(too_big_message(SHEET, len(lines), len(COLUMNS)))
                element.clear()
            elif tag == "LibelleEtab" and not budget:
                budget = " ".join((element.get("V") or "").split())
            elif tag == "LibelleColl" and not collectivity:
                collectivity = " ".join((element.get("V") or "").split())
            elif tag in ("LigneBudget", "Annexes", "Budget"):
                element.clear()
    except StaffingError:
        raise
    except DefusedXmlException as exc:
        raise StaffingError(
            f"Le fichier XML « {name} » contient des déclarations d'entités ou des références externes, interdites "
            "dans un document budgétaire : il n'a pas été lu. Exportez-le de nouveau depuis le logiciel de finances."
        ) from exc
    except (ParseError, UnicodeError, ValueError, LookupError, OSError) as exc:
        raise StaffingError(DAMAGED_MESSAGE.format(name=name, detail="XML mal formé")) from exc
    if not lines:
        raise StaffingError(
            f"Le document budgétaire « {name} » ne contient pas d'état du personnel (annexe DATA_PERSONNEL) : "
            "exportez le budget avec ses annexes, ou importez le tableau des effectifs."
        )
    budget = budget or collectivity
    rows = [[header for header, _ in COLUMNS]] + [_row(values, budget) for values in lines]
    return Table(sheet=SHEET, rows=rows, row_numbers=list(range(len(rows))))
