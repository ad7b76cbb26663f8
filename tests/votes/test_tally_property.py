"""The tally against a brute-force count over random electorates (DOMAIN 1.3–1.6).

The brute force shares nothing with the engine: persons are found by repeated merging of
owner sets, areas are whole hundredths of a m² (integers), and every threshold is an
integer cross-multiplication ("以上" as ≥, "过半数" as >)."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from disclosures.votes.tally import ABSTAIN, AGREE, OPPOSE, Entry, tally

CHOICE = st.sampled_from([AGREE, OPPOSE, ABSTAIN])
MATTER = st.sampled_from(["use_fund", "raise_fund", "rebuild", "hire_company", "other"])


def brute_persons(units: list[tuple[int, set[str]]]) -> list[set[int]]:
    groups = [({unit}, set(keys) or {f"alone:{unit}"}) for unit, keys in units]
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if groups[i][1] & groups[j][1]:
                    units_i, keys_i = groups[i]
                    units_j, keys_j = groups.pop(j)
                    groups[i] = (units_i | units_j, keys_i | keys_j)
                    merged = True
                    break
            if merged:
                break
    return [g[0] for g in groups]


@st.composite
def electorates(draw):
    count = draw(st.integers(min_value=1, max_value=14))
    pool = [f"owner:{i}" for i in range(draw(st.integers(min_value=1, max_value=16)))]
    units = []
    for unit in range(1, count + 1):
        keys = draw(st.sets(st.sampled_from(pool), max_size=2))
        # Equal areas make exact boundaries frequent; any cents make the rest.
        cents = draw(st.one_of(st.just(10000), st.integers(min_value=1, max_value=30000)))
        units.append((unit, keys, cents))
    persons = brute_persons([(u, k) for u, k, _c in units])
    ballots = {}
    for person in persons:
        choice = draw(CHOICE)
        for unit in sorted(person):
            if draw(st.booleans()):
                ballots[unit] = choice
    return units, persons, ballots


def brute_force(units, persons, ballots, matter_type):
    cents = {unit: c for unit, _k, c in units}
    person_of = {unit: i for i, person in enumerate(persons) for unit in person}
    total_heads, total_cents = len(persons), sum(cents.values())
    voting = {person_of[u] for u in ballots}
    agreeing = {person_of[u] for u, c in ballots.items() if c == AGREE}
    part_heads, agree_heads = len(voting), len(agreeing)
    part_cents = sum(cents[u] for u in ballots)
    agree_cents = sum(cents[u] for u, c in ballots.items() if c == AGREE)
    quorum = 3 * part_heads >= 2 * total_heads and 3 * part_cents >= 2 * total_cents
    if matter_type in {"raise_fund", "rebuild", "change_use"}:
        approval = 4 * agree_heads >= 3 * part_heads and 4 * agree_cents >= 3 * part_cents
    else:
        approval = 2 * agree_heads > part_heads and 2 * agree_cents > part_cents
    approval = approval and part_heads > 0
    return {
        "heads": (total_heads, part_heads, agree_heads),
        "cents": (total_cents, part_cents, agree_cents),
        "quorum": quorum,
        "approval": approval,
    }


@settings(max_examples=400, deadline=None, database=None)
@given(electorates(), MATTER)
@example(
    # exactly 2/3 taking part, exactly 3/4 of them agreeing… on headcount only
    ([(1, {"a"}, 100), (2, {"b"}, 100), (3, {"c"}, 100)], [{1}, {2}, {3}], {1: AGREE, 2: AGREE}),
    "rebuild",
)
def test_tally_matches_brute_force(case, matter_type):
    units, persons, ballots = case
    entries = [
        Entry(unit=u, area=Decimal(c).scaleb(-2), owner_keys=frozenset(k)) for u, k, c in units
    ]
    result = tally(entries, ballots, matter_type=matter_type)
    expected = brute_force(units, persons, ballots, matter_type)
    total_heads, part_heads, agree_heads = expected["heads"]
    total_cents, part_cents, agree_cents = expected["cents"]
    assert (result.total.heads, result.participating.heads) == (total_heads, part_heads)
    assert result.by_choice[AGREE].heads == agree_heads
    assert result.total.area == Fraction(total_cents, 100)
    assert result.participating.area == Fraction(part_cents, 100)
    assert result.by_choice[AGREE].area == Fraction(agree_cents, 100)
    assert result.quorum_met is expected["quorum"]
    assert result.approval_met is expected["approval"]
    assert result.passed is (expected["quorum"] and expected["approval"])
    for check in result.checks:
        # The required amount is the least that meets the rule, and the shortfall closes it.
        step = 1 if check.measure == "heads" else Fraction(1, 100)
        if check.denominator:
            assert check.rule.met(check.required / check.denominator)
            below = check.required - step
            assert below < 0 or not check.rule.met(below / check.denominator)
        assert check.met is (check.shortfall == 0 and check.denominator > 0)
