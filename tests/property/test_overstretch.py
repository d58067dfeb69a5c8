"""The overstretch guard has one predicate (``lumbo.domain.safety.overstretched``): a stretch
intensity above 7/10 (DESIGN.md), restated here as a number, and every logged block showing any of
its signs is judged red (regressed) by the adjustment rules with each sign named."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lumbo.domain.adjust.decide import judge
from lumbo.domain.knowledge.model import Role
from lumbo.domain.protocol.model import Block, BlockLog, Dose
from lumbo.domain.safety import MAX_STRETCH_INTENSITY, overstretch_signs, overstretched

PLANNED = Block(
    technique="t",
    role=Role.release,
    regions=("lumbar",),
    dose=Dose(kind="hold", sets=2, hold_s=30, intensity_target=5),
    estimated_minutes=2.0,
    why="test",
)


def test_the_guard_is_seven_out_of_ten() -> None:
    assert MAX_STRETCH_INTENSITY == 7
    assert [i for i in range(11) if overstretched(i)] == [8, 9, 10]
    assert not overstretched(None)


@given(
    st.one_of(st.none(), st.integers(0, 10)),
    st.booleans(),
    st.booleans(),
    st.integers(0, 10),
    st.integers(0, 10),
)
def test_every_overstretch_sign_regresses_the_block(
    intensity: int | None, sharp: bool, numb: bool, during: int, after: int
) -> None:
    log = BlockLog(
        technique="t",
        completed_sets=2,
        intensity=intensity,
        pain_during=during,
        pain_after=after,
        sharp_pain=sharp,
        new_numbness_or_tingling=numb,
    )
    signs = overstretch_signs(log)
    expected = (intensity is not None and intensity > 7) + sharp + numb
    assert len(signs) == expected
    color, reasons = judge(log, PLANNED, None, None, pending=True)
    guard = [r for r in reasons if r.startswith("overstretch guard: ")]
    assert guard == [f"overstretch guard: {s}" for s in signs]
    if signs:
        assert color == "red"
