"""Hiding small numbers in a breakdown so that no one can be recognised, even by subtraction.

The rule a reader sees: a figure about fewer than *k* agents is printed « < k »; the commune's totals stay exact.
Hiding only those cells is not enough when totals are exact: in a row « Hommes : 4 | < 3 | 0 | 0 | total 5 » the
hidden cell is 1, and in a column whose total is printed the only hidden cell is the total minus the others. So, as
statistical offices do (« secret secondaire »), more cells are hidden until no row or column has a single hidden cell
or a hidden sum that gives the cells away:

- primary: a cell of 1 … k − 1 agents; a whole group (row) of fewer than k agents, zeros and total included;
- secondary: in a row or a column whose hidden cells could be worked out, one more cell is hidden — a zero first
  (printed « < k », which is true), else the smallest other figure (printed « n. d. », non détaillé).

This closes the deductions a reader can make one line at a time; it is the usual practice, not a proof against every
combination of lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NOT_DETAILED = "n.\u00a0d."  # « n. d. », non détaillé


@dataclass(slots=True)
class Suppression:
    """Which cells and row totals of a matrix (rows × columns of counts) are hidden."""

    cells: list[list[bool]]
    totals: list[bool]

    def hidden_row(self, row: int) -> bool:
        return self.totals[row]

    def any(self) -> bool:
        return any(self.totals) or any(any(row) for row in self.cells)


def suppress(matrix: Sequence[Sequence[int]], k: int) -> Suppression:
    """Decide what to hide in a breakdown whose column totals and grand total are printed exactly."""
    rows = [list(map(int, row)) for row in matrix]
    n_cols = len(rows[0]) if rows else 0
    totals = [sum(row) for row in rows]
    cells = [[0 < v < k for v in row] for row in rows]
    hidden_totals = [0 < t < k for t in totals]
    for r, hidden in enumerate(hidden_totals):
        if hidden:
            cells[r] = [True] * n_cols
    if k <= 1:
        return Suppression(cells, hidden_totals)

    def exposed(values: list[int], hidden: list[bool], total_known: bool) -> bool:
        """Can the hidden figures of this line be worked out from the printed ones?

        A line is values adding up to a total. With one hidden figure, subtraction gives it. With several, when the
        total is printed, a hidden sum of 0, or one where every « < k » cell must be k − 1, gives them away too.
        """
        n_hidden = sum(hidden) + (0 if total_known else 1)
        if n_hidden == 0:
            return False
        if n_hidden == 1:
            return True
        if not total_known:
            return False
        unknown = [v for v, h in zip(values, hidden, strict=True) if h]
        s = sum(unknown)
        return s == 0 or (all(v < k for v in unknown) and s == len(unknown) * (k - 1))

    def pick(values: list[int], hidden: list[bool]) -> int | None:
        """The figure to hide as well: a zero when that is enough, else the smallest other figure."""
        visible = [(v, i) for i, (v, h) in enumerate(zip(values, hidden, strict=True)) if not h]
        s = sum(v for v, h in zip(values, hidden, strict=True) if h)
        if s > 0:
            zeros = [i for v, i in visible if v == 0]
            if zeros:
                return zeros[0]
        positive = sorted((v, i) for v, i in visible if v > 0)
        if positive:
            return positive[0][1]
        # Only zeros are left: hiding them cannot hide a sum of 0, and the line's exact total already says it.
        return visible[0][1] if visible and s > 0 else None

    for _ in range(4 * (len(rows) + n_cols) + 4):
        changed = False
        for r, row in enumerate(rows):  # a row's cells add up to its total (printed or not)
            if exposed(row, cells[r], total_known=not hidden_totals[r]):
                i = pick(row, cells[r])
                if i is not None:
                    cells[r][i] = changed = True
                elif not hidden_totals[r]:
                    hidden_totals[r] = changed = True
        for c in range(n_cols):  # a column's cells add up to the band's exact total
            column = [row[c] for row in rows]
            hidden = [cells[r][c] for r in range(len(rows))]
            if exposed(column, hidden, total_known=True):
                i = pick(column, hidden)
                if i is not None:
                    cells[i][c] = changed = True
        if exposed(totals, hidden_totals, total_known=True):  # the groups add up to the exact number of agents
            i = pick(totals, hidden_totals)
            if i is not None:
                hidden_totals[i] = changed = True
        if not changed:
            break
    return Suppression(cells, hidden_totals)


def shown(value: int, hidden: bool, k: int) -> str | int:
    """What to print for a count: itself, « < k » (true for 0 … k − 1), or « n. d. » for a larger hidden figure."""
    if not hidden:
        return value
    return f"< {k}" if value < k else NOT_DETAILED
