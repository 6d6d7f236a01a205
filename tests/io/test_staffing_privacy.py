"""No name, NIR, date of birth (nor matricule) from an input file is in what the reader returns, unless asked."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartographie_desktop.core.model import ImportResult
from cartographie_desktop.io import columns, readers, staffing

# file → headers of its columns holding personal data (and the matricule, dropped after de-duplication)
PERSONAL_COLUMNS = {
    "paie_2024.csv": ["Nom", "Prénom", "NIR", "Date de naissance", "Matricule"],
    "mairie_titre_fusion.xlsx": ["Nom de l'agent"],
    "ancien_format.xls": ["Né(e) le"],
    "deux_lignes_entete.xlsx": ["Agent / Nom", "Agent / Prénom"],
}


def strings_of(result: ImportResult) -> list[str]:
    """Every text the reader hands back, except `personal` (the explicit opt-in)."""
    out = [result.source_name, result.source_format, result.encoding, result.sheet]
    out += [text for pair in result.mapping.items() for text in pair]
    for post in result.posts:
        out += [str(value) for value in dataclasses.astuple(post)]
    for issue in result.issues:
        out += [issue.message, issue.sheet, issue.column, issue.value]
    return out


def personal_values(path, headers: list[str]) -> set[str]:
    table = staffing.read_table(path)
    header = staffing.detect_header(table)
    labels = columns.column_labels(table, header)
    indexes = [labels.index(label) for label in headers]
    values = {row[index] for row in table.rows[header + 1 :] for index in indexes
              if row[index] and len({cell for cell in row if cell}) > 1}  # not a heading merged across the table
    readers.forget()
    return values


def test_fixtures_leave_no_personal_data_in_the_result(data, grades):
    for name, headers in PERSONAL_COLUMNS.items():
        values = personal_values(data / name, headers)
        assert len(values) >= 3, name
        texts = strings_of(staffing.read_staffing(data / name, grades=grades))
        leaks = sorted({value for value in values for text in texts if value in text})
        assert leaks == [], name


def test_personal_data_only_when_explicitly_asked(data, grades):
    result = staffing.read_staffing(data / "paie_2024.csv", grades=grades, keep_personal=True)
    assert set(result.personal) == {post.id for post in result.posts}
    assert result.personal[1] == {"nom": "DUPONT", "prenom": "Marie", "nir": "2 80 02 75 112 345 67",
                                  "date_naissance": "01/02/1980"}
    assert all("matricule" not in values for values in result.personal.values())  # used, then dropped
    texts = strings_of(result)
    assert not any("DUPONT" in text for text in texts)


NAME = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈ", min_size=6, max_size=12)
NIR = st.from_regex(r"[12] \d\d \d\d \d\d \d\d\d \d\d\d \d\d", fullmatch=True)
BIRTH = st.dates().map(lambda day: day.strftime("%d/%m/%Y"))
TITLE = st.sampled_from(["Agent d'accueil", "Jardinier", "ATSEM", "Secrétaire de mairie", "Maire", "",
                         "TOTAL", "Stagiaire école", "Agent d'entretien"])
STATUS = st.sampled_from(["Titulaire", "Contractuel", "Élu", "Stagiaire", "", "Inconnu"])
ROW = st.tuples(NAME, NAME, NIR, BIRTH, TITLE, STATUS, st.sampled_from(["35h", "80 %", "", "?", "0,5"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=25))
def test_random_tables_leave_no_personal_data(tmp_path_factory, grades, rows):
    path = tmp_path_factory.mktemp("privacy") / "agents.csv"
    lines = ["Nom;Prénom;N° de sécurité sociale;Date de naissance;Poste;Statut;Temps de travail"]
    lines += [";".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        result = staffing.read_staffing(path, grades=grades)
    except staffing.UnexpectedReadError:
        raise
    except staffing.StaffingError:
        return
    assert result.check_accounting()
    assert result.personal == {}
    secrets = {value for row in rows for value in row[:4]}
    texts = strings_of(result)
    assert not [secret for secret in secrets for text in texts if secret in text]
