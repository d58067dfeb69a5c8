"""Angle math on synthetic landmarks with exact answers (no model, no video)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbo.vision import angles as ang
from lumbo.vision.landmarks import mirror_pose
from lumbo.vision.synthetic import synthetic_pose

TOL = 1e-9


@pytest.mark.parametrize(
    ("vec", "expected"),
    [
        ((0.0, 1.0), 0.0),
        ((1.0, 1.0), 45.0),
        ((1.0, 0.0), 90.0),
        ((-1.0, 0.0), -90.0),
        ((0.0, -1.0), 180.0),
        ((-1.0, -1.0), -135.0),
    ],
)
def test_angle_from_vertical(vec: tuple[float, float], expected: float) -> None:
    assert float(ang.angle_from_vertical(np.array(vec))) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((1, 0), (0, 0), (0, 1), 90.0),
        ((1, 0), (0, 0), (1, 0), 0.0),
        ((1, 0), (0, 0), (-1, 0), 180.0),
        ((1, 0), (0, 0), (1, 1), 45.0),
        ((0, 2), (0, 0), (-3, -3), 135.0),
    ],
)
def test_interior_angle(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], expected: float
) -> None:
    got = float(ang.interior_angle(np.array(a, float), np.array(b, float), np.array(c, float)))
    assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("deg", "expected"), [(0, 0), (190, -170), (-190, 170), (540, 180), (-180, 180), (359, -1)]
)
def test_wrap180(deg: float, expected: float) -> None:
    assert float(ang.wrap180(np.array(deg, float))) == pytest.approx(expected)


def test_pixel_y_axis_points_down() -> None:
    # Shoulders above hips in the image (smaller y) is an upright trunk.
    p = synthetic_pose(trunk_deg=0.0).points
    assert p[11, 1] < p[23, 1]
    assert float(ang.trunk_inclination(p, 1.0)) == pytest.approx(0.0, abs=TOL)


@pytest.mark.parametrize("facing", [1.0, -1.0])
@pytest.mark.parametrize(
    ("trunk", "thigh", "knee"),
    [(0, 0, 0), (30, 0, 0), (90, 0, 0), (110, -10, 5), (-25, 5, 0), (45, 20, 40), (10, 90, 90)],
)
def test_side_view_angles_exact(facing: float, trunk: float, thigh: float, knee: float) -> None:
    p = synthetic_pose(
        view="side", trunk_deg=trunk, thigh_deg=thigh, knee_deg=knee, facing=facing
    ).points
    assert ang.facing_sign(p) == facing
    assert float(ang.trunk_inclination(p, facing)) == pytest.approx(trunk, abs=1e-9)
    assert float(ang.thigh_inclination(p, facing, "left")) == pytest.approx(thigh, abs=1e-9)
    assert float(ang.hip_flexion(p, facing, "right")) == pytest.approx(trunk + thigh, abs=1e-9)
    assert float(ang.knee_flexion(p, "left")) == pytest.approx(abs(knee), abs=1e-6)


@pytest.mark.parametrize("facing", [1.0, -1.0])
@pytest.mark.parametrize(
    ("lateral", "pelvis"), [(0, 0), (20, 0), (-30, 0), (25, 10), (-15, -8), (40, -12)]
)
def test_front_view_lateral_exact(facing: float, lateral: float, pelvis: float) -> None:
    p = synthetic_pose(view="front", lateral_deg=lateral, pelvis_deg=pelvis, facing=facing).points
    assert ang.frontal_sign(p) == facing
    assert float(ang.lateral_inclination(p, facing)) == pytest.approx(lateral, abs=1e-9)
    assert float(ang.pelvic_obliquity(p, facing)) == pytest.approx(pelvis, abs=1e-9)
    assert float(ang.lateral_flexion(p, facing)) == pytest.approx(lateral - pelvis, abs=1e-9)


@pytest.mark.parametrize("facing", [1.0, -1.0])
@pytest.mark.parametrize("rotation", [0.0, 10.0, -25.0, 45.0, -60.0])
def test_front_view_rotation_exact(facing: float, rotation: float) -> None:
    p = synthetic_pose(view="front", rotation_deg=rotation, facing=facing).points
    assert float(ang.axial_rotation(p, facing)) == pytest.approx(rotation, abs=1e-9)
    assert float(ang.pelvis_rotation(p, facing)) == pytest.approx(0.0, abs=1e-9)


angles_st = st.floats(min_value=-150, max_value=150, allow_nan=False)
tilts_st = st.floats(min_value=-45, max_value=45, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    trunk=angles_st, thigh=st.floats(-60, 60), tilt=tilts_st, facing=st.sampled_from([1.0, -1.0])
)
def test_camera_tilt_is_undone(trunk: float, thigh: float, tilt: float, facing: float) -> None:
    p = synthetic_pose(trunk_deg=trunk, thigh_deg=thigh, facing=facing, camera_tilt_deg=tilt).points
    assert float(ang.trunk_inclination(p, facing, tilt)) == pytest.approx(trunk, abs=1e-7)
    assert float(ang.hip_flexion(p, facing, "left", tilt)) == pytest.approx(
        float(ang.wrap180(np.array(trunk + thigh))), abs=1e-7
    )


@settings(max_examples=200, deadline=None)
@given(trunk=st.floats(-80, 80), tilt=tilts_st)
def test_uncorrected_tilt_shifts_sagittal_angle_by_the_roll(trunk: float, tilt: float) -> None:
    # Facing image-right, a counter-clockwise scene roll tilts the trunk backward in the image.
    p = synthetic_pose(trunk_deg=trunk, camera_tilt_deg=tilt).points
    assert float(ang.trunk_inclination(p, 1.0)) == pytest.approx(trunk - tilt, abs=1e-7)


@settings(max_examples=200, deadline=None)
@given(lateral=st.floats(-60, 60), pelvis=st.floats(-20, 20), tilt=tilts_st)
def test_lateral_flexion_is_roll_invariant_and_inclination_is_corrected(
    lateral: float, pelvis: float, tilt: float
) -> None:
    p = synthetic_pose(
        view="front", lateral_deg=lateral, pelvis_deg=pelvis, camera_tilt_deg=tilt
    ).points
    assert float(ang.lateral_flexion(p, 1.0)) == pytest.approx(lateral - pelvis, abs=1e-7)
    assert float(ang.lateral_inclination(p, 1.0, tilt)) == pytest.approx(lateral, abs=1e-7)


@settings(max_examples=200, deadline=None)
@given(lateral=st.floats(-60, 60), rotation=st.floats(-60, 60))
def test_mirroring_swaps_left_and_right(lateral: float, rotation: float) -> None:
    pose = synthetic_pose(
        view="front", lateral_deg=lateral, rotation_deg=rotation if lateral == 0 else 0.0
    )
    mirrored = mirror_pose(pose, width=1280.0).points
    # A mirror keeps depth; with the labels swapped, rotation changes sign.
    g = ang.frontal_sign(mirrored)
    assert g == 1.0
    assert float(ang.lateral_inclination(mirrored, g)) == pytest.approx(-lateral, abs=1e-7)
    if lateral == 0:
        assert float(ang.axial_rotation(mirrored, g)) == pytest.approx(-rotation, abs=1e-7)


@settings(max_examples=100, deadline=None)
@given(trunk=st.floats(-80, 80))
def test_side_view_mirror_keeps_flexion(trunk: float) -> None:
    pose = synthetic_pose(view="side", trunk_deg=trunk, facing=1.0)
    mirrored = mirror_pose(pose, width=1280.0).points
    f = ang.facing_sign(mirrored)
    assert f == -1.0
    assert float(ang.trunk_inclination(mirrored, f)) == pytest.approx(trunk, abs=1e-7)


def test_vectorised_over_frames() -> None:
    frames = np.stack([synthetic_pose(trunk_deg=d).points for d in (0.0, 30.0, 60.0)])
    np.testing.assert_allclose(ang.trunk_inclination(frames, 1.0), [0.0, 30.0, 60.0], atol=1e-9)
