from hypothesis import given
from hypothesis import strategies as st

from htprofiles.suppression import SuppressionRule, is_withheld

import pytest


def test_default_rule_matches_reference_profile():
    rule = SuppressionRule()
    assert [rule.publish(n) for n in (0, 1, 2, 3, 4)] == ["<3", "<3", "<3", 3, 4]


def test_zero_published_when_asked():
    rule = SuppressionRule(threshold=5, suppress_zero=False)
    assert [rule.publish(n) for n in (0, 1, 4, 5)] == [0, "<5", "<5", 5]


def test_threshold_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        SuppressionRule(threshold=0)


@given(count=st.integers(min_value=0, max_value=10_000), threshold=st.integers(1, 20),
       suppress_zero=st.booleans())
def test_no_small_count_is_ever_published(count, threshold, suppress_zero):
    rule = SuppressionRule(threshold, suppress_zero)
    value = rule.publish(count)
    if is_withheld(value):
        assert value == f"<{threshold}"
        assert count < threshold
    else:
        assert value == count
        assert count >= threshold or (count == 0 and not suppress_zero)
