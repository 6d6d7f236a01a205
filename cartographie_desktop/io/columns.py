"""Find the header row under title blocks, and guess what each column holds, from its header and its values.

Every guess can be corrected by the user (the GUI wizard shows them); a corrected mapping is saved by header text,
so that next year's file, whose columns may have moved, is mapped the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cartographie_desktop.core.text import fold
from cartographie_desktop.io import normalise
from cartographie_desktop.io.sniff import column_letters
from cartographie_desktop.io.tables import FIELDS, PERSONAL_FIELDS, ColumnGuess, StaffingError, Table

HEADER_SCAN_ROWS = 60
SAMPLE_ROWS = 200
MAPPING_VERSION = 1

# Header wording → field, tried in this order (the first pattern that matches wins). Patterns apply to the folded
# header (`Intitulé du poste` → `intitule du poste`).
_HEADER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (field, re.compile(pattern))
    for field, pattern in (
        ("ignore", r"^(?:dont|observations?|commentaires?|remarques?|notes?|date d (?:entree|arrivee|embauche)|"
                   r"indices?|ib|im|inm|echelons?|nbi|anciennete|date de (?:titularisation|fin|debut|nomination|"
                   r"depart|sortie)|adresse|telephone|tel|e ?mail|courriel|situation familiale|nb enfants|enfants|"
                   r"n poste|numero de poste|code poste|emplois? budgetaires?|effectifs? budgetaires?|budgetes?|"
                   r"postes? (?:ouverts?|budgetes?|vacants?)|emplois? crees?|vacants?|lieu de naissance|"
                   r"nationalite|age|ages)\b"),
        ("nir", r"\bnir\b|\binsee\b|securite sociale|\bsecu\b|^n ?ss$|^ss$|^no ss$"),
        ("date_naissance", r"date de naissance|^naissance$|^nee? (?:e )?le\b|date naiss|^ddn$|^dn$|^date nais"),
        ("nom", r"^nom\b|^noms$|^patronyme|nom d usage|nom de famille|^nom prenom|^identite$"),
        ("prenom", r"^prenoms?\b"),
        ("matricule", r"matricule|^n agent$|^numero (?:d )?agent|^id(?:entifiant)?(?: agent)?$|^code agent|^mat$|"
                      r"^n d agent|^no agent$"),
        ("month", r"^mois\b|^periodes?\b|mois de paie|date de paie|periode de paie|^paie$|^mois annee|^annee mois"),
        ("pay", r"\bbrut\b|remuneration|^net\b|net a payer|^montant|^salaire|traitement brut|^total brut|^net paye"),
        ("count", r"^effectifs?(?: pourvus?)?$|pourvus?|^nombre(?: d agents)?$|^nb(?: agents)?$|^nombre d agents|"
                  r"^nb d agents|^effectif total|^nombre de postes|^total pourvus?"),
        ("grade", r"\bgrades?\b|cadres? d emplois?|^emploi grade"),
        ("categorie", r"^cat\b|^categ|categorie"),
        ("direction", r"secteur d (?:activite|intervention)|^service|^direction|affectation|^pole\b|^departement$|"
                      r"^structure|^unite|^lieu de travail|^site$|^equipe$|^services?$"),
        ("filiere", r"filiere|^secteur"),
        ("sexe", r"^sexe|^genre|^civilite|^h ?f$|^f ?h$|^m ?f$|^f ?m$"),
        ("fte", r"temps de travail|quotite|^etpt?\b|duree hebdo|^temps\b|^dhs$|heures? hebdo|^nb (?:d )?heures|"
                r"^nombre d heures|taux d (?:emploi|activite)|^tc ?tnc|temps complet|^horaires?|^tps|"
                r"equivalent temps plein|duree du travail|^volume horaire|^duree$|^taux$|^taux d emploi|"
                r"^taux horaire d emploi|^pourcentage"),
        ("status", r"^statut|type de contrat|nature du contrat|^contrat\b|titulaire|^position statutaire|"
                   r"^situation administrative|^type d agent|^nature$"),
        ("budget", r"^budgets?\b|^collectivite|^etablissement|^employeur|^entite"),
        ("title", r"^postes?\b|^intitule|^fonctions?\b|^emplois?\b|^metiers?\b|^libelle|poste occupe|emploi occupe|"
                  r"^missions?$|^fonction exercee|^profession$|^qualification$"),
    )
)

_NIR = re.compile(r"^[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[ab])\s?\d{3}\s?\d{3}(?:\s?\d{2})?$", re.I)
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TOTAL_START = re.compile(r"^(?:sous ?total|total|totaux)\b")
_NUMERIC = re.compile(r"^[-+]?\d[\d\s.,]*%?$")


def _birth_date(text: str) -> bool:
    match = _DATE.match(text.strip())
    return bool(match) and 1930 <= int(match.group(3)) <= 2012



# Fields whose values we can check; a header saying « Sexe » over values that are not sexes is doubtful.
_VALUE_PARSERS = {
    "sexe": lambda text: bool(normalise.parse_sexe(text)[0]) and not text.strip().isdigit(),
    "categorie": lambda text: bool(normalise.parse_categorie(text)[0]),
    "filiere": lambda text: bool(normalise.parse_filiere(text)[0]),
    "status": lambda text: bool(normalise.parse_status(text)[0]),
    "fte": lambda text: normalise.parse_fte(text)[0] is not None and bool(re.search(r"[h%:/]|^0[.,]\d", text.lower())),
    "month": lambda text: normalise.parse_month(text) is not None and not _birth_date(text),
    "nir": lambda text: bool(_NIR.match(text)),
    "date_naissance": _birth_date,
}


def header_field(label: str) -> tuple[str | None, float]:
    """The field a header names, with a confidence; (None, 0) when the header says nothing we know."""
    key = fold(label)
    if not key:
        return None, 0.0
    for field, pattern in _HEADER_RULES:
        match = pattern.search(key)
        if match:
            return field, 0.9 if match.group(0) == key else 0.8
    return None, 0.0


def _is_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text)) or bool(_DATE.match(text))


# --- header row ---------------------------------------------------------------------------------------------------


def _row_profile(row: list[str]) -> tuple[int, int, int, int]:
    """(header words, text cells, numeric cells, distinct values) of a row."""
    cells = [cell for cell in row if cell]
    hits = sum(1 for cell in cells if header_field(cell)[0] is not None)
    numeric = sum(1 for cell in cells if _is_numeric(cell))
    return hits, len(cells) - numeric, numeric, len(set(cells))


def detect_header(table: Table) -> int:
    """Index in `table.rows` of the header row: below title blocks, blank rows and merged titles.

    The row with the most cells that read as column names wins; when two header rows are stacked (« Temps de
    travail » over « Quotité | Heures »), the lower one is returned and `column_labels` joins both.
    """
    best, best_score = None, float("-inf")
    profiles: dict[int, tuple[int, int, int, int]] = {}
    for index, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        hits, texts, numeric, distinct = profiles[index] = _row_profile(row)
        if distinct < 2:
            continue
        score = 3 * hits + 0.3 * min(texts, 20) - 1.0 * numeric
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return 0
    if profiles[best][0] == 0:  # no known column name: the first row of text followed by more rows
        for index, (_, texts, numeric, distinct) in profiles.items():
            if texts >= 2 and numeric == 0 and distinct >= 2 and index + 1 < len(table.rows):
                return index
        return best
    below = best + 1
    if below < len(table.rows):
        hits, texts, numeric, distinct = profiles.get(below) or _row_profile(table.rows[below])
        if (hits >= 2 and distinct >= 2 and numeric == 0 and 2 * hits >= texts
                and not _is_data_like(table.rows[below])):
            return below
    return best


def _is_data_like(row: list[str]) -> bool:
    """A row holding values only data rows hold (a category letter, a working time, a date)."""
    return any(len(cell) == 1 or _DATE.match(cell) or re.search(r"\d\s*h\b|%", cell) for cell in row if cell)


def _group_row(table: Table, header_row: int) -> list[str] | None:
    """The row above the header when it holds group names over several columns (merged cells)."""
    if header_row < 1:
        return None
    above = table.rows[header_row - 1]
    cells = [cell for cell in above if cell]
    if len(set(cells)) < 2 or any(_is_numeric(cell) for cell in cells):
        return None
    spanning = any(above[i] and above[i] == above[i + 1] for i in range(len(above) - 1))
    hits = sum(1 for cell in cells if header_field(cell)[0] is not None)
    return above if spanning or hits >= 2 else None


def column_labels(table: Table, header_row: int) -> list[str]:
    """A unique label per column: its header text (joined with a group header above), else « Colonne D »."""
    if not table.rows:
        return []
    header = table.rows[header_row] if 0 <= header_row < len(table.rows) else [""] * table.width
    group = _group_row(table, header_row)
    labels: list[str] = []
    keys: list[str] = []
    for index in range(table.width):
        text = header[index] if index < len(header) else ""
        upper = group[index] if group and index < len(group) else ""
        if not text and not upper:  # most columns of a wide, sparse sheet: no need to fold anything
            labels.append(f"Colonne {column_letters(index + 1)}")
            keys.append("")
            continue
        label = f"{upper} / {text}" if upper and text and fold(upper) != fold(text) else text or upper
        labels.append(label)
        keys.append(fold(label))
    counts: dict[str, int] = {}
    for key in keys:
        if key:
            counts[key] = counts.get(key, 0) + 1
    return [
        f"{label} (colonne {column_letters(index + 1)})" if key and counts[key] > 1 else label
        for index, (label, key) in enumerate(zip(labels, keys, strict=True))
    ]


# --- column guesses -----------------------------------------------------------------------------------------------


def _column_values(table: Table, header_row: int, index: int) -> list[str]:
    """Values below the header, without the sub-heading rows merged across the table nor the total rows."""
    values = []
    for row in table.rows[header_row + 1 : header_row + 1 + SAMPLE_ROWS]:
        if index >= len(row) or not row[index]:
            continue
        filled = [cell for cell in row if cell]
        if len(filled) >= 2 and len(set(filled)) == 1:
            continue
        if _TOTAL_START.match(fold(filled[0])):
            continue
        values.append(row[index])
    return values


def _value_shares(values: list[str], grades: normalise.GradeIndex | None) -> dict[str, float]:
    distinct = list(dict.fromkeys(values))[:60]
    if not distinct:
        return {}
    shares = {field: sum(1 for v in distinct if check(v)) / len(distinct) for field, check in _VALUE_PARSERS.items()}
    if grades is not None and len(grades):
        shares["grade"] = sum(1 for v in distinct if grades.find(v) is not None) / len(distinct)
    return shares


def guess_columns(table: Table, header_row: int, grades: normalise.GradeIndex | None = None) -> list[ColumnGuess]:
    """One guess per column. Job titles are guessed from headers only: a column of people's names must never be
    taken for job titles. Each field goes to at most one column (the most confident)."""
    labels = column_labels(table, header_row)
    guesses: list[ColumnGuess] = []
    for index, label in enumerate(labels):
        values = _column_values(table, header_row, index)
        header_text = table.rows[header_row][index] if 0 <= header_row < len(table.rows) else ""
        if not values and label.startswith("Colonne "):  # nothing at all in this column
            guesses.append(ColumnGuess(index=index, header=label, field="ignore", confidence=0.9, samples=[]))
            continue
        samples = list(dict.fromkeys(values))[:5]
        field, confidence = header_field(label)
        if field is None and header_text and header_text != label:
            field, confidence = header_field(header_text)
        shares = _value_shares(values, grades)
        if field is not None:
            share = shares.get(field)
            if share is not None and share >= 0.8:
                confidence = min(1.0, confidence + 0.1)
            elif share is not None and share < 0.3 and field in _VALUE_PARSERS:
                confidence -= 0.3
            if field == "count" and "total" in fold(label):  # « Effectifs pourvus / Total » over its parts
                confidence += 0.05
        else:
            candidates = [(share, name) for name, share in shares.items() if share >= 0.8]
            if candidates and values:
                share, field = max(candidates)
                confidence = 0.55 + (share - 0.8)
            else:
                field, confidence = "ignore", 0.5 if values else 0.9
        guesses.append(ColumnGuess(index=index, header=label, field=field, confidence=round(min(confidence, 1.0), 2),
                                   samples=samples))
    _one_column_per_field(guesses)
    return guesses


def _one_column_per_field(guesses: list[ColumnGuess]) -> None:
    best: dict[str, ColumnGuess] = {}
    for guess in guesses:
        if guess.field == "ignore":
            continue
        current = best.get(guess.field)
        if current is None or guess.confidence > current.confidence:
            best[guess.field] = guess
    for guess in guesses:
        if guess.field != "ignore" and best[guess.field] is not guess:
            guess.field, guess.confidence = "ignore", 0.3


def mapping_from_guesses(guesses: Iterable[ColumnGuess]) -> dict[int, str]:
    return {guess.index: guess.field for guess in guesses}


# --- saved mappings -----------------------------------------------------------------------------------------------


def check_mapping(mapping: dict[int, str], width: int) -> None:
    for index, field in mapping.items():
        if field not in FIELDS:
            raise StaffingError(f"Champ inconnu « {field} » dans la correspondance des colonnes.")
        if not isinstance(index, int) or not 0 <= index < max(width, 1):
            raise StaffingError(f"La colonne n° {index} n'existe pas dans ce tableau ({width} colonnes).")


def mapping_to_json(table: Table, header_row: int, mapping: dict[int, str]) -> dict:
    """A mapping to save, keyed by header text (columns move from one year's file to the next; names stay)."""
    check_mapping(mapping, table.width)
    labels = column_labels(table, header_row)
    return {
        "version": MAPPING_VERSION,
        "columns": [{"header": labels[index], "field": field} for index, field in sorted(mapping.items())],
    }


def mapping_from_json(data: object, table: Table, header_row: int,
                      grades: normalise.GradeIndex | None = None) -> dict[int, str]:
    """Apply a saved mapping to a (new) table: columns found by header text, exact or nearly; the rest guessed."""
    from rapidfuzz import fuzz, process

    saved: dict[str, str] = {}
    try:
        if isinstance(data, dict) and "columns" in data:
            entries = data["columns"]
            if not isinstance(entries, list):
                raise TypeError
            for entry in entries:
                saved[str(entry["header"])] = str(entry["field"])
        elif isinstance(data, dict):  # ImportResult.mapping: {header: field}
            saved = {str(header): str(field) for header, field in data.items()}
        else:
            raise TypeError
    except (TypeError, KeyError, AttributeError) as exc:
        raise StaffingError(
            "Le modèle de correspondance des colonnes est illisible : refaites la correspondance et enregistrez-la."
        ) from exc
    unknown = sorted({field for field in saved.values() if field not in FIELDS})
    if unknown:
        raise StaffingError(f"Le modèle de correspondance contient un champ inconnu : « {unknown[0]} ».")
    by_key = {fold(header): field for header, field in saved.items()}
    keys = list(by_key)
    guesses = guess_columns(table, header_row, grades)
    mapping: dict[int, str] = {}
    for guess in guesses:
        key = fold(guess.header)
        near = key if key in by_key else None
        if near is None and keys:
            found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=90)
            near = found[0] if found else None
        if near is not None:
            mapping[guess.index] = by_key[near]
    taken = {field for field in mapping.values() if field != "ignore"}
    for guess in guesses:  # columns the saved mapping does not know: guessed, unless their field is taken
        if guess.index not in mapping:
            mapping[guess.index] = guess.field if guess.field not in taken else "ignore"
    return dict(sorted(mapping.items()))


_AUTO_LABEL = re.compile(r"^Colonne [A-Z]+$")


def _saved_headers(data: object) -> list[str]:
    if isinstance(data, dict) and isinstance(data.get("columns"), list):
        headers = [entry.get("header") for entry in data["columns"] if isinstance(entry, dict)]
    elif isinstance(data, dict):
        headers = list(data)
    else:
        return []
    return [str(header) for header in headers if isinstance(header, str) and not _AUTO_LABEL.match(header)]


def mapping_fit(data: object, table: Table, header_row: int) -> float:
    """How well a saved mapping fits this table's headers, 0..1: headers found (exactly or nearly) over the larger
    of the two sets of named columns, so that neither a tiny model nor a much wider table passes for a match."""
    from rapidfuzz import fuzz, process

    saved = {fold(header) for header in _saved_headers(data)} - {""}
    current = {fold(label) for label in column_labels(table, header_row) if not _AUTO_LABEL.match(label)} - {""}
    if not saved or not current:
        return 0.0
    found = sum(1 for key in saved
                if key in current or process.extractOne(key, current, scorer=fuzz.ratio, score_cutoff=90))
    return found / max(len(saved), len(current))


def has_required(mapping: dict[int, str]) -> bool:
    from cartographie_desktop.io.tables import REQUIRED_FIELDS

    return any(field in REQUIRED_FIELDS for field in mapping.values())


def personal_columns(mapping: dict[int, str]) -> list[int]:
    return [index for index, field in mapping.items() if field in PERSONAL_FIELDS]
