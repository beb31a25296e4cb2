"""Small cells hidden, and no hidden cell recoverable from the sums a table publishes."""

import itertools

from stats.suppression import HIDDEN, hidden_cells, rate, shown


def _recoverable(cells, relations, hidden):
    """Hidden cells an adversary gets back by subtraction, relation by relation, repeatedly."""
    known = {key for key in cells if key not in hidden}
    found = True
    while found:
        found = False
        for total, parts in relations:
            members = [total, *parts]
            unknown = [key for key in members if key not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found = True
    return hidden & known


def test_it_hides_every_cell_under_five_zero_included():
    cells = {"a": 0, "b": 4, "c": 5, "d": 120}
    assert hidden_cells(cells, []) == {"a", "b"}
    assert shown(4, "b", {"b"}) == HIDDEN
    assert shown(5, "c", {"b"}) == 5


def test_it_hides_a_second_part_when_the_total_would_give_the_first_away():
    # presented 30 = admissible 27 + partial 3: hiding 3 alone, 30 - 27 gives it back.
    cells = {"presented": 30, "admissible": 27, "partial": 3}
    relations = [("presented", ["admissible", "partial"])]
    hidden = hidden_cells(cells, relations)
    assert hidden == {"partial", "admissible"}
    assert not _recoverable(cells, relations, hidden)
    assert rate("admissible", "presented", cells, hidden) is None


def test_it_spreads_to_the_rows_and_columns_a_secondary_cell_belongs_to():
    # Three centres x (admissible, partial), with row and column totals.
    values = {("A", "adm"): 40, ("A", "par"): 2, ("B", "adm"): 30, ("B", "par"): 12}
    values |= {("C", "adm"): 9, ("C", "par"): 8}
    cells = dict(values)
    rows, columns = ("A", "B", "C"), ("adm", "par")
    for row in rows:
        cells[(row, "all")] = sum(values[(row, c)] for c in columns)
    for column in (*columns, "all"):
        cells[("T", column)] = sum(cells[(row, column)] for row in rows)
    relations = [((row, "all"), [(row, c) for c in columns]) for row in (*rows, "T")]
    relations += [(("T", c), [(row, c) for row in rows]) for c in (*columns, "all")]
    hidden = hidden_cells(cells, relations)
    assert ("A", "par") in hidden
    assert not _recoverable(cells, relations, hidden)
    assert ("T", "all") not in hidden  # the national total stays published


def test_hidden_terms_adding_up_to_fewer_than_five_take_a_larger_one_with_them():
    # 28 = 28 + 0 + 0 + 0: the three hidden zeros would be known to be zeros.
    cells = {"t": 28, "a": 28, "b": 0, "c": 0, "d": 0}
    hidden = hidden_cells(cells, [("t", ["a", "b", "c", "d"])])
    assert hidden == {"a", "b", "c", "d"}
    # 30 = 24 + 3 + 3: the hidden 3 and 3 add up to 6, each may be 0 to 6.
    cells = {"t": 30, "a": 24, "b": 3, "c": 3}
    assert hidden_cells(cells, [("t", ["a", "b", "c"])]) == {"b", "c"}


def test_no_hidden_cell_is_recoverable_on_any_small_table():
    """Every 2 x 2 table of counts 0..7 with its totals: nothing comes back by subtraction."""
    for a, b, c, d in itertools.product(range(0, 8, 3), repeat=4):
        cells = {"a": a, "b": b, "c": c, "d": d, "r1": a + b, "r2": c + d}
        cells |= {"c1": a + c, "c2": b + d, "t": a + b + c + d}
        relations = [
            ("r1", ["a", "b"]),
            ("r2", ["c", "d"]),
            ("c1", ["a", "c"]),
            ("c2", ["b", "d"]),
            ("t", ["r1", "r2"]),
            ("t", ["c1", "c2"]),
        ]
        hidden = hidden_cells(cells, relations)
        assert {k for k, v in cells.items() if v < 5} <= hidden
        assert not _recoverable(cells, relations, hidden), cells
