from datetime import datetime

import pytest

from apps.referrals.working_hours import LONDON, add_working_hours


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(("start", "hours", "expected"), [
    (at(2026, 3, 2, 10, 0), 2, at(2026, 3, 2, 12, 0)),        # Monday, same day
    (at(2026, 3, 2, 16, 0), 2, at(2026, 3, 3, 10, 0)),        # spills into Tuesday
    (at(2026, 3, 2, 7, 30), 1, at(2026, 3, 2, 10, 0)),        # before opening
    (at(2026, 3, 2, 18, 0), 1, at(2026, 3, 3, 10, 0)),        # after closing
    (at(2026, 3, 6, 16, 0), 2, at(2026, 3, 9, 10, 0)),        # Friday -> Monday
    (at(2026, 3, 7, 12, 0), 8, at(2026, 3, 9, 17, 0)),        # Saturday -> a full Monday
    (at(2026, 3, 2, 9, 0), 16, at(2026, 3, 3, 17, 0)),        # two full days
    (at(2026, 3, 2, 9, 0), 40, at(2026, 3, 6, 17, 0)),        # a working week
    (at(2026, 3, 27, 16, 0), 2, at(2026, 3, 30, 10, 0)),      # over the clocks going forward
    (at(2026, 3, 2, 17, 0), 0.5, at(2026, 3, 3, 9, 30)),      # exactly at closing time
])
def test_add_working_hours(start: datetime, hours: float, expected: datetime) -> None:
    assert add_working_hours(start, hours) == expected


def test_result_keeps_the_callers_timezone() -> None:
    from datetime import UTC

    start = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert add_working_hours(start, 1) == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2026, 3, 2, 10, 0), 1)
