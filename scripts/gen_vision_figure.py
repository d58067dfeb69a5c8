"""Generate docs/img/vision-angles.png: the angle definitions of `lumbo measure`.

The stick figures are built with lumbo.vision.synthetic and the angles are computed with
lumbo.vision.angles, so the figure shows exactly what the code measures.
Run: .venv/bin/python scripts/gen_vision_figure.py
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Arc

from lumbo.vision import angles as ang
from lumbo.vision.landmarks import SKELETON_EDGES
from lumbo.vision.synthetic import synthetic_pose

OUT = Path(__file__).resolve().parents[1] / "docs" / "img" / "vision-angles.png"


def _draw(ax, pts: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    for a, b in SKELETON_EDGES:
        ax.plot([pts[a, 0], pts[b, 0]], [pts[a, 1], pts[b, 1]], color="0.35", linewidth=3)
    ax.plot(pts[0, 0], pts[0, 1], "o", color="0.35", markersize=14)


def _mid(pts: np.ndarray, i: int, j: int) -> np.ndarray:
    return (pts[i, :2] + pts[j, :2]) / 2.0


def _vertical(ax, at: np.ndarray, length: float, down: bool = False) -> None:  # type: ignore[no-untyped-def]
    end = at + np.array([0.0, length if down else -length])
    ax.plot([at[0], end[0]], [at[1], end[1]], "--", color="tab:gray", linewidth=1.2)


def _arc(
    ax, center: np.ndarray, r: float, a_deg: float, b_deg: float, color: str, label: str
) -> None:  # type: ignore[no-untyped-def]
    # Angles are measured from image-up, clockwise positive; matplotlib wants counter-clockwise
    # degrees from +x in a y-down axis (inverted), which is the same as clockwise in data.
    t1, t2 = sorted((a_deg - 90.0, b_deg - 90.0))
    ax.add_patch(Arc(tuple(center), 2 * r, 2 * r, theta1=t1, theta2=t2, color=color, linewidth=2))
    mid = math.radians((t1 + t2) / 2)
    ax.text(
        center[0] + 1.25 * r * math.cos(mid),
        center[1] + 1.25 * r * math.sin(mid),
        label,
        color=color,
        fontsize=10,
        ha="center",
        va="center",
    )


def side_panel(ax) -> None:  # type: ignore[no-untyped-def]
    pose = synthetic_pose(view="side", trunk_deg=50.0, thigh_deg=15.0, knee_deg=25.0, facing=1.0)
    pts = pose.points
    _draw(ax, pts)
    hip, sh = _mid(pts, 23, 24), _mid(pts, 11, 12)
    ax.plot([hip[0], sh[0]], [hip[1], sh[1]], color="tab:blue", linewidth=4)
    _vertical(ax, hip, 220)
    _vertical(ax, hip, 200, down=True)
    trunk = float(ang.trunk_inclination(pts, 1.0))
    thigh = float(ang.thigh_inclination(pts, 1.0, "left"))
    knee = float(ang.knee_flexion(pts, "left"))
    _arc(ax, hip, 90, 0.0, trunk, "tab:blue", f"trunk\n{trunk:.0f}°")
    _arc(ax, hip, 60, 180.0 - thigh, 180.0, "tab:orange", f"thigh {thigh:.0f}°")
    ax.text(pts[25, 0] + 20, pts[25, 1], f"knee flexion {knee:.0f}°", color="tab:red", fontsize=10)
    ax.set_title(
        f"side view: trunk inclination {trunk:.0f}°\nhip flexion = trunk + thigh = "
        f"{float(ang.hip_flexion(pts, 1.0, 'left')):.0f}°",
        fontsize=10,
    )


def front_panel(ax) -> None:  # type: ignore[no-untyped-def]
    pose = synthetic_pose(view="front", lateral_deg=25.0, pelvis_deg=8.0, facing=1.0)
    pts = pose.points
    _draw(ax, pts)
    hip, sh = _mid(pts, 23, 24), _mid(pts, 11, 12)
    ax.plot([hip[0], sh[0]], [hip[1], sh[1]], color="tab:blue", linewidth=4)
    ax.plot([pts[23, 0], pts[24, 0]], [pts[23, 1], pts[24, 1]], color="tab:green", linewidth=4)
    _vertical(ax, hip, 230)
    lat = float(ang.lateral_inclination(pts, 1.0))
    pelvis = float(ang.pelvic_obliquity(pts, 1.0))
    _arc(ax, hip, 110, 0.0, lat, "tab:blue", f"{lat:.0f}°")
    perp = hip + 150 * np.array([math.sin(math.radians(pelvis)), -math.cos(math.radians(pelvis))])
    ax.plot([hip[0], perp[0]], [hip[1], perp[1]], ":", color="tab:green", linewidth=2)
    ax.text(
        pts[23, 0] + 15, pts[23, 1] + 25, f"pelvis {pelvis:.0f}°", color="tab:green", fontsize=10
    )
    ax.text(pts[11, 0] + 10, pts[11, 1] - 10, "person's left", fontsize=9, color="0.3")
    ax.set_title(
        f"front view: lateral inclination {lat:.0f}°\nlateral flexion = trunk - pelvis = "
        f"{float(ang.lateral_flexion(pts, 1.0)):.0f}°",
        fontsize=10,
    )


def top_panel(ax) -> None:  # type: ignore[no-untyped-def]
    rot = 30.0
    ax.plot([-1, 1], [0, 0], color="tab:green", linewidth=4, label="hip line")
    a = math.radians(rot)
    ax.plot(
        [-math.cos(a), math.cos(a)],
        [-math.sin(a), math.sin(a)],
        color="tab:blue",
        linewidth=4,
        label="shoulder line (turned left)",
    )
    ax.annotate("camera", xy=(0, -1.6), xytext=(0, -1.6), ha="center", fontsize=10)
    ax.annotate("", xy=(0, -1.2), xytext=(0, -1.5), arrowprops={"arrowstyle": "->"})
    ax.text(1.05, -0.05, "L", fontsize=11)
    ax.text(-1.15, -0.05, "R", fontsize=11)
    ax.add_patch(Arc((0, 0), 1.0, 1.0, theta1=0, theta2=rot, color="tab:purple", linewidth=2))
    ax.text(0.6, 0.12, f"+{rot:.0f}° (left)", color="tab:purple", fontsize=10)
    ax.text(0, 1.0, "person faces the camera; left shoulder moves away", ha="center", fontsize=8)
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.8, 1.2)
    ax.set_aspect("equal")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(
        "seen from above: axial rotation = shoulder yaw - hip yaw\n"
        "(yaw from the model's depth z; +/- 15° uncertainty)",
        fontsize=10,
    )
    ax.axis("off")


def main() -> None:
    fig = Figure(figsize=(13, 5.2), dpi=110)
    axes = fig.subplots(1, 3)
    side_panel(axes[0])
    front_panel(axes[1])
    top_panel(axes[2])
    for ax in axes[:2]:
        ax.set_aspect("equal")
        ax.invert_yaxis() if not ax.yaxis_inverted() else None
        ax.axis("off")
    fig.suptitle(
        "lumbo measure: angle definitions (image y axis points down; angles vs the vertical)"
    )
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
