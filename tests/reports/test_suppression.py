"""Small-cell suppression as pure functions: exactly 4 and 5, zero, and complements."""

from __future__ import annotations

from app.reports.suppression import suppress_group, suppress_total


def test_four_is_hidden_and_five_is_shown():
    """A count of 4 becomes "<5"; 5 stays 5."""
    assert suppress_total(4) == "<5"
    assert suppress_total(5) == 5


def test_zero_names_nobody_and_is_shown():
    """Zero is not suppressed."""
    assert suppress_total(0) == 0
    assert suppress_group([0, 12, 30]) == [0, 12, 30]


def test_a_lone_small_cell_takes_its_smallest_complement_with_it():
    """Hiding only the 4 would leave it as total minus the rest, so the next smallest cell goes too."""
    assert suppress_group([4, 20, 9]) == ["<5", 20, "<5"]


def test_two_small_cells_that_add_up_to_less_than_five_take_a_third():
    """1 and 2 hidden together still give 3 < 5 by subtraction: one more cell is hidden."""
    assert suppress_group([1, 2, 30, 50]) == ["<5", "<5", "<5", 50]


def test_two_small_cells_that_add_up_to_five_are_enough():
    """4 and 3 hidden together hold 7 ≥ 5: subtraction no longer pins either down."""
    assert suppress_group([4, 3, 30]) == ["<5", "<5", 30]


def test_cells_of_five_or_more_are_left_alone():
    """No small cell, no suppression."""
    assert suppress_group([5, 6, 100]) == [5, 6, 100]
