"""Fault settings: how `--fault` values read, and which requests a rate and a scope pick."""

from __future__ import annotations

import pytest

from generator.simulator import FAULTS, FaultPlan, FaultSetting


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        pytest.param("reset", FaultSetting("reset"), id="name"),
        pytest.param("http-503:0.25", FaultSetting("http-503", 0.25), id="rate"),
        pytest.param("http-429@data", FaultSetting("http-429", 1.0, "data"), id="scope"),
        pytest.param("hang:0.5@token", FaultSetting("hang", 0.5, "token"), id="both"),
    ],
)
def test_fault_values_read_name_rate_and_scope(text: str, setting: FaultSetting) -> None:
    assert FaultSetting.parse(text) == setting
    assert str(FaultSetting.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("teapot", "unknown fault", id="unknown"),
        pytest.param("reset:0", "above 0", id="zero"),
        pytest.param("reset:1.5", "at most 1", id="over-one"),
        pytest.param("reset:often", "not a number", id="not-number"),
        pytest.param("reset@everywhere", "unknown fault scope", id="scope"),
        pytest.param("expired-token@openid", "cannot be limited", id="scope-without-effect"),
        pytest.param("self-signed-cert@data", "cannot be limited", id="tls-per-request"),
    ],
)
def test_bad_fault_values_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        FaultSetting.parse(text)


def fired(plan: FaultPlan, kind: str, requests: int) -> list[int]:
    return [n for n in range(1, requests + 1) if plan.draw(kind)]


def test_a_rate_hits_an_even_reproducible_share() -> None:
    assert fired(FaultPlan([FaultSetting("reset", 0.25)]), "data", 12) == [4, 8, 12]
    assert fired(FaultPlan([FaultSetting("reset", 0.5)]), "data", 6) == [2, 4, 6]
    assert len(fired(FaultPlan([FaultSetting("reset", 0.3)]), "data", 100)) == 30


def test_a_scope_limits_the_requests_counted() -> None:
    plan = FaultPlan([FaultSetting("http-503", 0.5, "data")])
    assert not plan.draw("root")
    assert not plan.draw("token")
    assert fired(plan, "data", 4) == [2, 4]


def test_expired_tokens_only_touch_token_and_data_requests() -> None:
    plan = FaultPlan([FaultSetting("expired-token")])
    assert plan.draw("root") == frozenset()
    assert plan.draw("openid") == frozenset()
    assert plan.draw("token") == {"expired-token"}
    assert plan.draw("data") == {"expired-token"}


def test_certificate_faults_count_connections_not_requests() -> None:
    plan = FaultPlan([FaultSetting("wrong-host-cert")])
    assert plan.needs_tls
    assert plan.draw("data") == frozenset()
    assert plan.draw("connection") == {"wrong-host-cert"}


def test_faults_change_while_in_use() -> None:
    plan = FaultPlan()
    assert not plan.draw("data")
    plan.set("http-500")
    plan.set("latency", 0.5)
    assert plan.draw("data") == {"http-500"}
    plan.clear("http-500")
    assert plan.draw("data") == {"latency"}
    plan.clear()
    assert plan.settings() == []


def test_applied_faults_end_with_the_block() -> None:
    plan = FaultPlan()
    with plan.applied("html-error", scope="root"):
        assert plan.draw("root") == {"html-error"}
    assert plan.draw("root") == frozenset()


def test_every_fault_has_help_for_the_command_line() -> None:
    assert all(spec.help for spec in FAULTS.values())
    assert len(FAULTS) == 13
