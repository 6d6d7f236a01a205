"""The small-numbers rule: what is hidden, and that no hidden figure can be found again by subtraction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cartographie_desktop.report.privacy import NOT_DETAILED, shown, suppress


def _lines(matrix, result):
    """Every linear relation a reader has: each row (cells = total), each column and the totals (= exact sums)."""
    totals = [sum(row) for row in matrix]
    for r, row in enumerate(matrix):
        yield row, result.cells[r], None if result.totals[r] else totals[r]
    for c in range(len(matrix[0])):
        yield [row[c] for row in matrix], [result.cells[r][c] for r in range(len(matrix))], \
            sum(row[c] for row in matrix)
    yield totals, result.totals, sum(totals)


def _determined(values, hidden, total, k):
    """Does this one line pin down its hidden figures? (« < k » cells are 0 … k − 1, « n. d. » ones ≥ 0)."""
    n_hidden = sum(hidden) + (1 if total is None else 0)
    if n_hidden == 0:
        return False
    if n_hidden == 1:
        return True
    if total is None:
        return False
    unknown = [v for v, h in zip(values, hidden, strict=True) if h]
    s = sum(unknown)
    return (s == 0 and any(v > 0 for v, h in zip(values, hidden, strict=True) if not h)) or (
        all(v < k for v in unknown) and s == len(unknown) * (k - 1))


def _leaks(values, hidden, total, k):
    """A determined line leaks, unless what it pins down is zeros that its exact total of 0 shows anyway, or every
    figure of the line is already hidden (then the commune's exact totals say it, as the rule allows)."""
    if not _determined(values, hidden, total, k) or all(hidden):
        return False
    unknown = [v for v, h in zip(values, hidden, strict=True) if h]
    visible_positive = [v for v, h in zip(values, hidden, strict=True) if not h and v > 0]
    return any(v > 0 for v in unknown) or bool(visible_positive)


def test_the_row_of_five_men_does_not_give_away_its_one_hidden_agent():
    # Hommes: 4 pas concerné, 1 concerné; Femmes: 4 pas concerné, 3 concerné. Band totals are printed exactly.
    result = suppress([[4, 0, 3, 0], [4, 0, 1, 0]], k=3)
    assert result.cells[1][2], "the 1 is hidden"
    assert sum(result.cells[1]) >= 2, "and so is another cell of its row"
    assert sum(result.cells[r][2] for r in range(2)) >= 2, "and another cell of its column"
    assert not any(result.totals), "group sizes of 7 and 5 stay printed"


def test_a_group_smaller_than_k_is_hidden_whole_and_its_size_cannot_be_subtracted():
    matrix = [[0, 0, 4, 0], [4, 0, 0, 0], [3, 0, 0, 0], [1, 0, 0, 0]]  # Police: one agent
    result = suppress(matrix, k=3)
    assert result.totals[3]
    assert all(result.cells[3])
    assert sum(result.totals) >= 2  # else 12 − 4 − 4 − 3 gives the police's size
    for values, hidden, total in _lines(matrix, result):
        assert not _leaks(values, hidden, total, 3)


def test_nothing_is_hidden_when_every_figure_is_large():
    result = suppress([[10, 5, 4, 0], [8, 3, 6, 0]], k=3)
    assert not result.any()


def test_k_of_one_hides_nothing():
    assert not suppress([[1, 2, 0, 1]], k=1).any()


def test_what_is_printed_is_true():
    assert shown(2, True, 3) == "< 3"
    assert shown(0, True, 3) == "< 3"  # 0 is fewer than 3
    assert shown(5, True, 3) == NOT_DETAILED
    assert shown(5, False, 3) == 5


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 5).flatmap(lambda k: st.tuples(
    st.just(k), st.lists(st.lists(st.integers(0, 9), min_size=4, max_size=4), min_size=1, max_size=6))))
def test_no_line_lets_a_reader_work_out_a_hidden_figure(case):
    k, matrix = case
    matrix = [row for row in matrix if sum(row)] or [[1, 0, 0, 0]]
    result = suppress(matrix, k)
    for r, row in enumerate(matrix):  # primary rule
        for c, value in enumerate(row):
            if 0 < value < k:
                assert result.cells[r][c]
        if 0 < sum(row) < k:
            assert result.totals[r]
            assert all(result.cells[r])
    for values, hidden, total in _lines(matrix, result):
        assert not _leaks(values, hidden, total, k), (k, matrix, result)
