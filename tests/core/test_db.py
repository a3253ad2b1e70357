"""joins_as_written(): the planner keeps Django's join order inside, and nothing outside."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from apps.core.db import joins_as_written

pytestmark = pytest.mark.django_db(transaction=True)


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_the_setting_holds_inside_and_ends_with_the_block():
    default = _limit()
    assert default != "1"
    with joins_as_written():
        assert _limit() == "1"
    assert _limit() == default


def test_nested_in_a_transaction_the_setting_is_restored_on_the_way_out():
    with transaction.atomic():
        default = _limit()
        with joins_as_written():
            assert _limit() == "1"
        assert _limit() == default


def test_an_error_inside_rolls_the_setting_back_too():
    with transaction.atomic():
        default = _limit()
        with pytest.raises(ZeroDivisionError), joins_as_written():
            assert _limit() == "1"
            raise ZeroDivisionError
        assert _limit() == default
