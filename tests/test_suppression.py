"""The disclosure rule: which counts are small, and what their marks stand for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from htprofiles.contract.suppression import (
    COMPLEMENTARY,
    SuppressionRule,
    is_complementary,
    is_withheld,
)

RULE = SuppressionRule()


def test_default_rule_matches_reference_profile():
    assert RULE.mark == "<3"
    assert [RULE.withholds(n) for n in (0, 1, 2, 3, 4)] == [True, True, True, False, False]


def test_zero_published_when_asked():
    rule = SuppressionRule(threshold=5, suppress_zero=False)
    assert [rule.withholds(n) for n in (0, 1, 4, 5)] == [False, True, True, False]
    assert rule.least_withheld == 1


@pytest.mark.parametrize("threshold, suppress_zero", [(0, True), (1, True), (2, True),
                                                      (3, False)])
def test_a_mark_standing_for_fewer_than_three_values_is_refused(threshold, suppress_zero):
    """Protecting a small count's neighbours may tell that it is not the largest its mark
    allows; with three values it keeps two."""
    with pytest.raises(ValueError, match="a withheld count needs at least 3"):
        SuppressionRule(threshold, suppress_zero)


def test_the_smallest_rules_allowed():
    assert SuppressionRule(3).mark == "<3"
    assert SuppressionRule(4, suppress_zero=False).mark == "<4"


def test_marks_are_told_apart_from_counts():
    assert is_withheld("<3") and is_withheld(COMPLEMENTARY) and not is_withheld(3)
    assert is_complementary(COMPLEMENTARY) and not is_complementary("<3")


@given(count=st.integers(min_value=0, max_value=10_000), threshold=st.integers(4, 20),
       suppress_zero=st.booleans())
def test_exactly_the_counts_below_the_threshold_are_withheld(count, threshold, suppress_zero):
    rule = SuppressionRule(threshold, suppress_zero)
    assert rule.withholds(count) == (count < threshold and (count > 0 or suppress_zero))
