"""``Checker``: the value rules shared by query and data dicts (and the adapter's ticket IDs)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from otobo_znuny.adapter import InvalidQueryError, InvalidTicketDataError, data_to_update, query_to_search
from otobo_znuny.adapter.values import Checker, first_problem

check = Checker(InvalidQueryError)


@pytest.mark.parametrize("value", [1.0, 0.0, 2, -1, "true", "1.0", None])
def test_flag_refuses_anything_but_booleans_ints_0_1_and_their_digits(value: Any) -> None:
    with pytest.raises(InvalidQueryError, match="expected 1/0 or true/false"):
        check.flag(value, "Flag")


def test_flag_reads_booleans_ints_and_digits() -> None:
    assert [check.flag(v, "f") for v in (True, 1, "1", False, 0, "0")] == [True] * 3 + [False] * 3


def test_set_once_refuses_a_second_key_for_one_field() -> None:
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    check.set_once(values, sources, "queues", "Queues", ["Raw"])
    with pytest.raises(InvalidQueryError, match="give Queues or QueueIDs, not both"):
        check.set_once(values, sources, "queues", "QueueIDs", [2])
    assert (values, sources) == ({"queues": ["Raw"]}, {"queues": "Queues"})


def test_dynamic_field_names_are_checked_alike_in_queries_and_data() -> None:
    assert check.dynamic_field_name("OrderID", "x", {"OrderID"}) == "OrderID"
    with pytest.raises(InvalidQueryError, match="letters and digits"):
        query_to_search({"DynamicField_Order-ID": {"Equals": "x"}})
    with pytest.raises(InvalidTicketDataError, match="letters and digits"):
        data_to_update(5, {"DynamicField": {"Order-ID": "x"}})
    with pytest.raises(InvalidQueryError, match=r"unknown dynamic field 'Tags'.*match every ticket.*OrderID"):
        query_to_search({"DynamicField_Tags": {"Equals": "x"}}, known_dynamic_fields={"OrderID"})
    with pytest.raises(InvalidTicketDataError, match="unknown dynamic field 'Tags'; known fields: OrderID"):
        data_to_update(5, {"DynamicField": {"Tags": "x"}}, known_dynamic_fields={"OrderID"})


class _Model(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        raise ValueError("never good enough")


def test_first_problem_drops_pydantics_prefix() -> None:
    with pytest.raises(ValidationError) as caught:
        _Model(name="x")
    assert first_problem(caught.value) == (("name",), "never good enough")
