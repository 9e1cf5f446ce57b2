"""The decision clock (coverage_app/lib/clocks.py): windows, information requests and extensions,
each at its boundaries, in the plan's time zone across daylight saving. Pure: no database."""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from coverage_app.lib import clocks
from coverage_app.lib.clocks import (
    RULES,
    Clock,
    ClockError,
    ExtensionReason,
    InformationRule,
    RequestType,
    decision_due,
    due_after_extension,
    extend,
    information_lapsed,
    initial_due,
    is_paused,
    receive_information,
    request_information,
    rule_for,
)
from coverage_app.lib.deadlines import DECISION_WINDOWS, LineOfBusiness, Urgency

NY = zoneinfo.ZoneInfo("America/New_York")
SECOND, HOUR, DAY = dt.timedelta(seconds=1), dt.timedelta(hours=1), dt.timedelta(days=1)
MAY_4 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=NY)  # far from any daylight-saving change

COM, MA = "commercial", "medicare_advantage"
PRE, POST = "pre_service", "post_service"
BEYOND, MEMBER, PLAN = "beyond_plan_control", "member_requested", "plan_justified"


def clock(line, urgency, request_type=PRE, received=MAY_4):
    return Clock(line, urgency, request_type, received)


def local(y, m, d, h, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=NY)


# Initial windows


@pytest.mark.parametrize(
    "line, urgency, request_type, expected",
    [
        (COM, "urgent", PRE, local(2026, 5, 7, 9)),  # 72 hours
        (COM, "standard", PRE, local(2026, 5, 19, 9)),  # 15 calendar days
        (COM, "standard", POST, local(2026, 6, 3, 9)),  # 30 calendar days
        (MA, "urgent", PRE, local(2026, 5, 7, 9)),  # 72 hours
        (MA, "standard", PRE, local(2026, 5, 11, 9)),  # 7 calendar days
        (MA, "standard", POST, local(2026, 6, 3, 9)),  # 30 calendar days
    ],
)
def test_it_sets_each_initial_window_from_the_table(line, urgency, request_type, expected):
    c = clock(line, urgency, request_type)
    assert initial_due(c, NY) == expected
    assert decision_due(c, NY) == expected


@pytest.mark.parametrize("line", [COM, MA])
def test_it_refuses_an_urgent_post_service_request(line):
    with pytest.raises(ClockError, match="never urgent"):
        rule_for(line, "urgent", POST)
    with pytest.raises(ClockError, match="never urgent"):
        initial_due(clock(line, "urgent", POST), NY)


def test_it_agrees_with_the_deadlines_table_for_pre_service():
    for (line, urgency), window in DECISION_WINDOWS.items():
        assert rule_for(line, urgency, PRE).initial == window
    assert len(clocks.RULES) == 6


@pytest.mark.parametrize(
    "line, urgency, request_type, cited",
    [
        (COM, "urgent", PRE, "29 CFR 2560.503-1(f)(2)(i)"),
        (COM, "standard", PRE, "29 CFR 2560.503-1(f)(2)(iii)(A)"),
        (COM, "standard", POST, "29 CFR 2560.503-1(f)(2)(iii)(B)"),
        (MA, "urgent", PRE, "42 CFR 422.572(a)"),
        (MA, "standard", PRE, "42 CFR 422.568(b)(1)"),
        (MA, "standard", POST, "422.568(c)"),
    ],
)
def test_it_cites_the_rule_behind_each_line(line, urgency, request_type, cited):
    assert cited in rule_for(line, urgency, request_type).source


def test_it_names_its_vocabulary_as_agreed():
    assert [r.value for r in RequestType] == ["pre_service", "post_service"]
    assert [r.value for r in ExtensionReason] == [BEYOND, MEMBER, PLAN]
    assert [r.value for r in InformationRule] == ["urgent_48_hours", "tolled", "no_pause"]
    assert issubclass(ClockError, ValueError)


# Commercial urgent: the 24-hour / 48-hour rule, 29 CFR 2560.503-1(f)(2)(i)


def test_it_lets_an_urgent_commercial_review_ask_for_information_within_24_hours():
    at = MAY_4 + 23 * HOUR + 59 * dt.timedelta(minutes=1)
    c = request_information(clock(COM, "urgent"), at, NY)
    assert c.information_requested_at == at
    assert c.information_respond_by == at + 48 * HOUR
    assert decision_due(c, NY) == at + 96 * HOUR  # the latest: 48 hours after respond_by


def test_it_refuses_urgent_information_asked_at_24_hours():
    with pytest.raises(ClockError, match=r"24 hours .* ended on May 5, 2026, 9:00 AM EDT"):
        request_information(clock(COM, "urgent"), MAY_4 + 24 * HOUR, NY)


def test_it_decides_48_hours_after_an_urgent_answer_that_comes_in_time():
    c = request_information(clock(COM, "urgent"), MAY_4 + 2 * HOUR, NY)
    answer = c.information_respond_by - SECOND
    assert decision_due(receive_information(c, answer), NY) == answer + 48 * HOUR
    early = MAY_4 + 3 * HOUR  # before the initial 72 hours would end: the decision comes sooner
    assert decision_due(receive_information(c, early), NY) == MAY_4 + 51 * HOUR


@pytest.mark.parametrize("answer_after_respond_by", [None, dt.timedelta(0), 5 * HOUR])
def test_it_decides_48_hours_after_respond_by_when_the_urgent_answer_is_late_or_missing(answer_after_respond_by):
    c = request_information(clock(COM, "urgent"), MAY_4 + 2 * HOUR, NY)
    if answer_after_respond_by is not None:
        c = receive_information(c, c.information_respond_by + answer_after_respond_by)
    assert decision_due(c, NY) == MAY_4 + 2 * HOUR + 96 * HOUR


def test_it_refuses_an_extension_of_an_urgent_commercial_review():
    c = clock(COM, "urgent")
    with pytest.raises(ClockError, match="No extension"):
        extend(c, MAY_4 + HOUR, BEYOND, "", NY)
    with pytest.raises(ClockError, match="No extension"):
        due_after_extension(c, NY)


# Commercial standard: one extension, tolled by an information request, (f)(2)(iii)(A) and (f)(4)


def test_it_takes_a_commercial_extension_up_to_the_last_second_of_the_initial_period():
    c = clock(COM, "standard")
    last_second = initial_due(c, NY) - SECOND
    assert due_after_extension(c, NY) == local(2026, 6, 3, 9)
    extended = extend(c, last_second, BEYOND, "", NY)
    assert (extended.extended_at, extended.extension_reason) == (last_second, BEYOND)
    assert decision_due(extended, NY) == local(2026, 6, 3, 9)  # 15 + 15 days from receipt
    with pytest.raises(ClockError, match="before the decision due on May 19, 2026, 9:00 AM EDT"):
        extend(c, initial_due(c, NY), BEYOND, "", NY)


def test_it_asks_for_information_until_the_last_second_of_the_initial_period():
    c = clock(COM, "standard")
    last_second = initial_due(c, NY) - SECOND
    assert request_information(c, last_second, NY).information_respond_by == local(2026, 7, 3, 8, 59) + 59 * SECOND
    with pytest.raises(ClockError, match="before the decision due"):
        request_information(c, initial_due(c, NY), NY)


def test_it_gives_the_provider_45_days_and_tolls_the_clock_meanwhile():
    c = request_information(clock(COM, "standard"), local(2026, 5, 5, 9), NY)
    assert c.information_respond_by == local(2026, 6, 19, 9)
    # Answered after 10 days: due = initial (May 19) + 15 days (June 3) + 10 days.
    assert decision_due(receive_information(c, local(2026, 5, 15, 9)), NY) == local(2026, 6, 13, 9)
    # Answered after 3 hours 20 minutes: the pause is exactly that long.
    answer = local(2026, 5, 5, 12, 20)
    assert decision_due(receive_information(c, answer), NY) == local(2026, 6, 3, 12, 20)


@pytest.mark.parametrize("late_by", [None, dt.timedelta(0), 3 * DAY])
def test_it_counts_the_full_45_days_when_the_answer_is_late_or_missing(late_by):
    c = request_information(clock(COM, "standard"), local(2026, 5, 5, 9), NY)
    if late_by is not None:
        c = receive_information(c, c.information_respond_by + late_by)
    assert decision_due(c, NY) == local(2026, 6, 3, 9) + 45 * DAY  # initial + 15 days + 45 days


def test_it_refuses_a_second_commercial_extension():
    c = extend(clock(COM, "standard"), MAY_4 + DAY, BEYOND, "", NY)
    with pytest.raises(ClockError, match="one extension"):
        extend(c, MAY_4 + 2 * DAY, BEYOND, "", NY)
    with pytest.raises(ClockError, match="one extension"):
        due_after_extension(c, NY)


def test_it_counts_a_commercial_information_request_as_the_one_extension():
    c = request_information(clock(COM, "standard"), MAY_4 + DAY, NY)
    with pytest.raises(ClockError, match="information request already took this review's one extension"):
        extend(c, MAY_4 + 2 * DAY, BEYOND, "", NY)
    with pytest.raises(ClockError, match="one extension"):
        due_after_extension(c, NY)


def test_it_refuses_information_after_a_plain_commercial_extension():
    # Decided: the information request would itself be an extension notice, and the review has
    # used its one extension; the reviewer decides on the record.
    c = extend(clock(COM, "standard"), MAY_4 + DAY, BEYOND, "", NY)
    with pytest.raises(ClockError, match="already took its one extension"):
        request_information(c, MAY_4 + 2 * DAY, NY)


@pytest.mark.parametrize("reason", [MEMBER, PLAN, "", "whatever"])
def test_it_extends_a_commercial_review_only_for_matters_beyond_the_plans_control(reason):
    with pytest.raises(ClockError, match="not a reason"):
        extend(clock(COM, "standard"), MAY_4 + DAY, reason, "a justification", NY)


def test_it_pauses_only_while_a_tolled_request_waits():
    c = clock(COM, "standard")
    asked = local(2026, 5, 5, 9)
    assert not is_paused(c, asked)
    c = request_information(c, asked, NY)
    assert not is_paused(c, asked - SECOND)
    assert is_paused(c, asked)
    assert is_paused(c, c.information_respond_by - SECOND)
    assert not is_paused(c, c.information_respond_by)
    assert not is_paused(receive_information(c, asked + DAY), asked + 2 * DAY)


@pytest.mark.parametrize("line, urgency", [(COM, "urgent"), (COM, "standard"), (MA, "standard")])
def test_it_says_when_the_information_lapsed(line, urgency):
    c = request_information(clock(line, urgency), MAY_4 + HOUR, NY)
    assert not information_lapsed(c, c.information_respond_by - SECOND)
    assert information_lapsed(c, c.information_respond_by)
    assert not information_lapsed(receive_information(c, MAY_4 + 2 * HOUR), c.information_respond_by)
    assert not information_lapsed(clock(line, urgency), MAY_4 + 100 * DAY)


@pytest.mark.parametrize("line, urgency", [(COM, "urgent"), (COM, "standard"), (MA, "urgent"), (MA, "standard")])
def test_it_asks_for_information_once(line, urgency):
    c = request_information(clock(line, urgency), MAY_4 + HOUR, NY)
    with pytest.raises(ClockError, match="already asked"):
        request_information(c, MAY_4 + 2 * HOUR, NY)


def test_it_receives_information_only_when_it_is_outstanding():
    c = clock(COM, "standard")
    with pytest.raises(ClockError, match="No information was asked"):
        receive_information(c, MAY_4 + DAY)
    c = request_information(c, MAY_4 + DAY, NY)
    with pytest.raises(ClockError, match="before the request"):
        receive_information(c, MAY_4 + DAY - SECOND)
    c = receive_information(c, MAY_4 + 2 * DAY)
    with pytest.raises(ClockError, match="already received"):
        receive_information(c, MAY_4 + 3 * DAY)


def test_it_refuses_steps_before_the_request_came_in():
    with pytest.raises(ClockError, match="before the request came in"):
        request_information(clock(COM, "standard"), MAY_4 - SECOND, NY)
    with pytest.raises(ClockError, match="before the request came in"):
        extend(clock(MA, "standard"), MAY_4 - SECOND, MEMBER, "", NY)


# Commercial post-service, (f)(2)(iii)(B): 30 days, then as pre-service


def test_it_runs_a_commercial_post_service_clock_for_30_days_plus_15_tolled():
    c = clock(COM, "standard", POST)
    assert initial_due(c, NY) == local(2026, 6, 3, 9)
    assert decision_due(extend(c, local(2026, 6, 3, 8), BEYOND, "", NY), NY) == local(2026, 6, 18, 9)
    asked = request_information(c, local(2026, 5, 10, 9), NY)
    assert asked.information_respond_by == local(2026, 6, 24, 9)
    assert decision_due(receive_information(asked, local(2026, 5, 17, 9)), NY) == local(2026, 6, 25, 9)
    assert decision_due(asked, NY) == local(2026, 6, 18, 9) + 45 * DAY


# Medicare Advantage, 42 CFR 422.568(b)(1)(i), 422.572(b)(1): 14 days, never paused


@pytest.mark.parametrize(
    "urgency, extended", [("standard", local(2026, 5, 25, 9)), ("urgent", local(2026, 5, 21, 9))]
)
def test_it_extends_medicare_advantage_by_14_days_at_the_members_request(urgency, extended):
    c = clock(MA, urgency)
    assert due_after_extension(c, NY) == extended
    c = extend(c, initial_due(c, NY) - SECOND, MEMBER, "", NY)
    assert (decision_due(c, NY), c.extension_reason) == (extended, MEMBER)
    with pytest.raises(ClockError, match="one extension"):
        extend(c, MAY_4 + HOUR, MEMBER, "", NY)


def test_it_refuses_a_medicare_extension_at_the_initial_due():
    c = clock(MA, "standard")
    with pytest.raises(ClockError, match="before the decision due on May 11, 2026, 9:00 AM EDT"):
        extend(c, initial_due(c, NY), MEMBER, "", NY)


@pytest.mark.parametrize("justification", ["", "   ", None])
def test_it_extends_for_the_plans_reason_only_with_a_justification(justification):
    with pytest.raises(ClockError, match="member's interest"):
        extend(clock(MA, "standard"), MAY_4 + HOUR, PLAN, justification, NY)
    c = extend(clock(MA, "standard"), MAY_4 + HOUR, PLAN, "Awaiting the donor's HLA typing; approving now would be premature.", NY)
    assert decision_due(c, NY) == local(2026, 5, 25, 9)


def test_it_refuses_a_commercial_reason_for_medicare_advantage():
    with pytest.raises(ClockError, match="not a reason"):
        extend(clock(MA, "standard"), MAY_4 + HOUR, BEYOND, "", NY)


@pytest.mark.parametrize("urgency, margin", [("standard", 48 * HOUR), ("urgent", 24 * HOUR)])
def test_it_never_pauses_the_medicare_advantage_clock(urgency, margin):
    c = clock(MA, urgency)
    due = decision_due(c, NY)
    asked = request_information(c, MAY_4 + HOUR, NY)
    assert asked.information_respond_by == due - margin
    assert decision_due(asked, NY) == due
    assert not is_paused(asked, MAY_4 + 2 * HOUR)
    assert decision_due(receive_information(asked, MAY_4 + 2 * HOUR), NY) == due
    assert decision_due(receive_information(asked, due + DAY), NY) == due


@pytest.mark.parametrize("urgency, margin", [("standard", 48 * HOUR), ("urgent", 24 * HOUR)])
def test_it_refuses_medicare_information_too_late_to_be_read(urgency, margin):
    c = clock(MA, urgency)
    last_moment = decision_due(c, NY) - margin
    assert request_information(c, last_moment - SECOND, NY).information_respond_by == last_moment
    with pytest.raises(ClockError, match="Too late to ask for information.*physician review"):
        request_information(c, last_moment, NY)


def test_it_lets_medicare_advantage_extend_while_information_is_outstanding():
    asked = request_information(clock(MA, "standard"), MAY_4 + HOUR, NY)
    assert due_after_extension(asked, NY) == local(2026, 5, 25, 9)
    c = extend(asked, MAY_4 + DAY, MEMBER, "", NY)
    assert decision_due(c, NY) == local(2026, 5, 25, 9)
    assert c.information_respond_by == asked.information_respond_by
    # And the other way round: information asked after the extension is due 48 hours before the new due.
    later = request_information(extend(clock(MA, "standard"), MAY_4 + HOUR, MEMBER, "", NY), MAY_4 + 9 * DAY, NY)
    assert later.information_respond_by == local(2026, 5, 23, 9)


def test_it_never_extends_a_medicare_payment_request_nor_pauses_it():
    c = clock(MA, "standard", POST)
    with pytest.raises(ClockError, match="No extension"):
        extend(c, MAY_4 + HOUR, MEMBER, "", NY)
    asked = request_information(c, MAY_4 + HOUR, NY)
    assert asked.information_respond_by == local(2026, 6, 1, 9)
    assert decision_due(receive_information(asked, MAY_4 + 20 * DAY), NY) == local(2026, 6, 3, 9)


# Daylight saving in the plan's zone: March 8, 2026 (spring forward) and November 1, 2026 (fall back)


def test_it_lands_calendar_days_on_the_same_clock_time_across_spring_forward():
    received = local(2026, 3, 1, 10)
    for line, days in [(MA, 7), (COM, 15)]:
        due = initial_due(clock(line, "standard", received=received), NY)
        assert due.astimezone(NY) == local(2026, 3, 1 + days, 10)
        assert due - received == days * DAY - HOUR  # the day of the change has 23 hours


def test_it_lands_calendar_days_on_the_same_clock_time_across_fall_back():
    received = local(2026, 10, 29, 10)
    due = initial_due(clock(COM, "standard", received=received), NY)
    assert due.astimezone(NY) == local(2026, 11, 13, 10)
    assert due - received == 15 * DAY + HOUR
    asked = request_information(clock(COM, "standard", received=received), received, NY)
    assert asked.information_respond_by.astimezone(NY) == local(2026, 12, 13, 10)


@pytest.mark.parametrize("received", [local(2026, 3, 6, 10), local(2026, 10, 30, 10)])
def test_it_counts_hours_as_elapsed_time_across_daylight_saving(received):
    for line in (COM, MA):
        due = initial_due(clock(line, "urgent", received=received), NY)
        assert (due - received).total_seconds() == 72 * 3600
        assert due.astimezone(NY).hour != 10  # the wall clock moved by an hour
    asked = request_information(clock(COM, "urgent", received=received), received + HOUR, NY)
    assert (asked.information_respond_by - asked.information_requested_at).total_seconds() == 48 * 3600
    expedited = request_information(clock(MA, "urgent", received=received), received + HOUR, NY)
    assert initial_due(expedited, NY) - expedited.information_respond_by == 24 * HOUR


def test_it_tolls_by_the_elapsed_time_the_clock_stood_still_across_daylight_saving():
    # Decided: a pause is a stopped stopwatch. Asked October 21 and unanswered, the 45 days to
    # December 5 are 45 days and 1 hour of elapsed time (November 1 has 25 hours), so the due,
    # November 19 (15 + 15 days), moves by that: to January 3 at 11:00, not 10:00.
    received = local(2026, 10, 20, 10)
    asked = request_information(clock(COM, "standard", received=received), local(2026, 10, 21, 10), NY)
    assert asked.information_respond_by == local(2026, 12, 5, 10)
    assert decision_due(asked, NY) == local(2027, 1, 3, 11)


def test_it_adds_the_extension_days_on_the_wall_clock_before_the_pause():
    # due = initial due + 15 calendar days + the pause: the 15 days from March 7 (EST) land at 10:00
    # EDT on March 22, then the 5-day pause; counting the pause first would end at 11:00.
    received = local(2026, 2, 20, 10)
    asked = request_information(clock(COM, "standard", received=received), local(2026, 2, 21, 10), NY)
    answered = receive_information(asked, local(2026, 2, 26, 10))
    assert decision_due(answered, NY) == local(2026, 3, 27, 10)


def test_it_refuses_naive_times():
    naive = dt.datetime(2026, 5, 4, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        initial_due(Clock(COM, "standard", PRE, naive), NY)
    c = clock(COM, "standard")
    for step in (
        lambda: request_information(c, naive, NY),
        lambda: receive_information(request_information(c, MAY_4, NY), naive),
        lambda: extend(c, naive, BEYOND, "", NY),
        lambda: is_paused(c, naive),
        lambda: information_lapsed(c, naive),
        lambda: decision_due(Clock(COM, "standard", PRE, MAY_4, naive, MAY_4 + 45 * DAY), NY),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            step()
    with pytest.raises(ValueError, match="respond_by"):
        decision_due(Clock(COM, "standard", PRE, MAY_4, information_requested_at=MAY_4 + DAY), NY)


# Properties

moments_2026 = st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31), timezones=st.just(NY), allow_imaginary=False)


@given(
    received=moments_2026,
    request_type=st.sampled_from([PRE, POST]),
    ask_fraction=st.floats(0, 0.999),
    answers=st.lists(st.integers(0, 60 * 86400), min_size=2, max_size=2).map(sorted),
)
def test_it_moves_a_tolled_due_only_later_as_the_answer_comes_later(received, request_type, ask_fraction, answers):
    c = clock(COM, "standard", request_type, received)
    first = initial_due(c, NY)
    asked_at = received + (first - received) * ask_fraction
    assume(asked_at < first)
    asked = request_information(c, asked_at, NY)
    early, late = (decision_due(receive_information(asked, asked_at + dt.timedelta(seconds=s)), NY) for s in answers)
    assert first < early <= late <= decision_due(asked, NY)
    assert is_paused(asked, asked_at) and not is_paused(asked, asked.information_respond_by)


@given(
    received=moments_2026,
    urgency=st.sampled_from(["standard", "urgent"]),
    request_type=st.sampled_from([PRE, POST]),
    extended=st.booleans(),
    offsets=st.lists(st.integers(0, 40 * 86400), min_size=3, max_size=3),
    answered=st.booleans(),
)
def test_it_never_lets_information_move_a_medicare_advantage_due(received, urgency, request_type, extended, offsets, answered):
    assume(not (urgency == "urgent" and request_type == POST))
    c = clock(MA, urgency, request_type, received)
    if extended and request_type == PRE:
        c = extend(c, received, MEMBER, "", NY)
    asked_at, respond_by, answer = (received + dt.timedelta(seconds=s) for s in offsets)
    with_information = Clock(
        MA, urgency, request_type, received, asked_at, respond_by, answer if answered else None,
        c.extended_at, c.extension_reason,
    )
    assert decision_due(with_information, NY) == decision_due(c, NY)
    assert not is_paused(with_information, asked_at)


@given(received=moments_2026, key=st.sampled_from(sorted(clocks.RULES)))
def test_it_keeps_every_initial_window_true_to_its_unit(received, key):
    line, request_type, urgency = key
    rule = clocks.RULES[key]
    due = initial_due(clock(line, urgency, request_type, received), NY)
    if rule.initial.unit == "hours":
        assert due - received == rule.initial.amount * HOUR
    else:
        wall = received.replace(tzinfo=None) + rule.initial.amount * DAY
        assume(wall.replace(tzinfo=NY).astimezone(dt.UTC).astimezone(NY).replace(tzinfo=None) == wall)  # not in the spring gap
        assert due.astimezone(NY).replace(tzinfo=None) == wall


def test_it_accepts_the_enums_as_well_as_their_values():
    c = Clock(LineOfBusiness.COMMERCIAL, Urgency.STANDARD, RequestType.PRE_SERVICE, MAY_4)
    assert initial_due(c, NY) == initial_due(clock(COM, "standard"), NY)
    assert extend(c, MAY_4 + HOUR, ExtensionReason.BEYOND_PLAN_CONTROL, "", NY).extension_reason == BEYOND


def test_the_readme_names_the_rule_of_every_line_of_the_table():
    from tests.conftest import PROJECT

    readme = " ".join((PROJECT / "README.md").read_text(encoding="utf-8").split())
    section = readme.split("## The decision clock", 1)[1].split("\n## ", 1)[0]
    assert [rule.source for rule in RULES.values() if rule.source not in section] == []
