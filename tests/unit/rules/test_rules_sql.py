"""The small SQL reader behind the PowerQuery rules."""

from __future__ import annotations

import pytest

from generator.rules.sql import bind_names, blank_literals, has_order_by, select_list_size


def test_blanking_keeps_length_and_line_breaks() -> None:
    sql = "select 'a:b', \"x,y\" -- c:d\nfrom t /* e:f\n */ where z = :z"
    code = blank_literals(sql)
    assert len(code) == len(sql)
    assert code.count("\n") == sql.count("\n")
    assert "a:b" not in code
    assert "c:d" not in code
    assert "e:f" not in code
    assert ":z" in code


def test_doubled_quotes_stay_inside_the_literal() -> None:
    code = blank_literals("select 'it''s :not' from t where a = :yes")
    assert bind_names(code) == {"yes"}


@pytest.mark.parametrize(
    ("sql", "binds"),
    [
        pytest.param("where a = :school_id and b in (:ids)", {"school_id", "ids"}, id="plain"),
        pytest.param("select a::text from t", set(), id="postgres-cast"),
        pytest.param("begin x := 1; end", set(), id="assignment"),
        pytest.param("where a = :$x1", {"$x1"}, id="dollar"),
    ],
)
def test_bind_names(sql: str, binds: set[str]) -> None:
    assert bind_names(blank_literals(sql)) == binds


@pytest.mark.parametrize(
    ("sql", "size"),
    [
        pytest.param("select a, b, c from t", 3, id="plain"),
        pytest.param("SELECT DISTINCT a, nvl(b, 0), c FROM t", 3, id="function-call"),
        pytest.param("select a, case when b > 1 then 'x, y' else 'z' end from t", 2, id="case"),
        pytest.param("with w as (select a, b from t) select w.a from w", 1, id="cte"),
        pytest.param("select a, (select max(b) from u) from t", 2, id="subquery"),
        pytest.param("select price * qty, b from t", 2, id="product"),
        pytest.param("select a from t union select b from u", 1, id="union"),
        pytest.param("select * from t", None, id="star"),
        pytest.param("select t.*, a from t", None, id="table-star"),
        pytest.param("select a, b", None, id="no-from"),
        pytest.param("update t set a = 1", None, id="no-select"),
        pytest.param("select a) from t", None, id="unbalanced"),
    ],
)
def test_select_list_size(sql: str, size: int | None) -> None:
    assert select_list_size(blank_literals(sql)) == size


@pytest.mark.parametrize(
    ("sql", "ordered"),
    [
        pytest.param("select a from t order by a", True, id="lower"),
        pytest.param("SELECT a FROM t ORDER\n  BY a", True, id="upper-split"),
        pytest.param("select a from t -- order by a", False, id="comment"),
        pytest.param("select 'order by' from t", False, id="literal"),
        pytest.param("select a from t", False, id="none"),
    ],
)
def test_order_by(sql: str, ordered: bool) -> None:
    assert has_order_by(blank_literals(sql)) is ordered
