"""Time to a first plan in the self-assessment (issue 20), estimated from the steps table the way
docs/self-directed.md describes: each screen's words read at 200 words a minute (a note repeated
on many screens, such as the questionnaires' licence note, read once), plus the time to answer
(2 s to tap yes or no, 3 s a choice or a point on a scale, 5 s to type a number, 40 s for the
activities), 1.5 s for the next screen, and the time the self-tests take by their instructions
(filming including setting the phone up and the analysis 150 s, tape 75 s, each leg of the
hamstring test 45 s then 30 s, sit-to-stand 60 s, repeated movements 120 s); sign-up 90 s.

Two paths before the first plan, both a person without leg symptoms or thin bones: the filmed
path (the browser test's: the bend filmed, no tape screen) and the tape path (no video: the
filming screen read and passed over, then the tape screen). Then, separately, the two self-tests
asked right after the first plan that fit it (the back-of-thigh test on each leg and the
repeated-movement test: the ``fits_plan`` steps), and the part asked on the phone after the first
plan (pain now, FABQ, PROMIS pain interference and the 30-second sit-to-stand: the ``after_plan``
steps). An estimate from word counts, not a timed person. Prints minutes by section and the
screen count of each."""

from __future__ import annotations

from collections import defaultdict

from lumbo.domain.self_assessment import Kind, Section, Step, flow
from lumbo.domain.self_assessment.questionnaire_steps import PAPER
from lumbo.services.self_assessment_types import view

WPM = 200.0
NEXT_S = 1.5
SIGN_UP_S = 90.0
ANSWER_S = {
    Kind.yes_no: 2.0,
    Kind.choice: 3.0,
    Kind.choices: 4.0,
    Kind.scale: 3.0,
    Kind.number: 5.0,
    Kind.activities: 40.0,
    Kind.video: 0.0,
}
TEST_S = {  # doing the self-test itself, by its instructions
    "trunk_flexion_video": 150.0,
    "fingertip_to_floor": 75.0,
    "hamstring_self_test_left": 45.0,
    "hamstring_self_test_right": 30.0,
    "sit_to_stand_30s": 60.0,
    "repeated_movement": 120.0,
}
FILMED = {  # a person without red flags, leg symptoms or thin bones, who films the bend
    "age": 44,
    "distribution": "back_only",
    "osteoporosis": False,
    "trunk_flexion_video": {"job_id": "x", "lumbar_flexion_deg": 30.0},
}
TAPE = {k: v for k, v in FILMED.items() if k != "trunk_flexion_video"}
PAIN_NOW_S = 3.0 + NEXT_S + 9 / WPM * 60.0  # the phone set opens with "pain now" (9 words)


def _words(text: str) -> int:
    return len(text.split())


def screen_seconds(s: Step, seen_notes: set[str]) -> float:
    v = view(s, {})
    parts = [v.words, v.low_words, v.high_words, v.stop_if, *v.instructions]
    parts += [c.words for c in v.choices]
    if v.help and v.help not in seen_notes:
        parts.append(v.help)
        if v.help == PAPER:
            seen_notes.add(v.help)
    read = sum(_words(p) for p in parts) / WPM * 60.0
    return read + ANSWER_S[s.kind] + NEXT_S + TEST_S.get(s.id, 0.0)


def walk(shown: tuple[Step, ...], filmed: bool) -> tuple[dict[Section, float], int]:
    by_section: dict[Section, float] = defaultdict(float)
    notes: set[str] = set()
    count = 0
    for s in shown:
        if filmed and s.id == "fingertip_to_floor":
            continue  # filmed: no tape
        seconds = screen_seconds(s, notes)
        if not filmed and s.id == "trunk_flexion_video":
            seconds -= TEST_S[s.id]  # the screen is read, then "use a tape instead": no filming
        by_section[s.section] += seconds
        count += 1
    return by_section, count


def _line(label: str, by_section: dict[Section, float], count: int, extra: float) -> str:
    total = extra + sum(by_section.values())
    parts = ", ".join(f"{sec.value} {t / 60:.1f}" for sec, t in by_section.items())
    return f"{label}: {count} question or task screens; {total / 60:.1f} min ({parts})"


def main() -> None:
    for label, answers, filmed in (("filmed path", FILMED, True), ("tape path", TAPE, False)):
        by_section, count = walk(flow.asked(answers), filmed)
        print(_line(f"before the first plan, {label}", by_section, count, SIGN_UP_S))
    by_section, count = walk(flow.fitting(FILMED), True)
    print(_line("right after the first plan, fitting it", by_section, count, 0.0))
    before = {s.id for s in (*flow.asked(FILMED), *flow.fitting(FILMED))}
    later = tuple(s for s in flow.asked_again(FILMED) if s.id not in before)
    by_section, count = walk(later, True)
    print(_line("after the first plan, on the phone", by_section, count + 1, PAIN_NOW_S))
    print(f"  (after-plan screens: pain now, {', '.join(s.id for s in later)})")


if __name__ == "__main__":
    main()
