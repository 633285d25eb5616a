"""At a glance: the brief's points per theme, by outlet, as a stacked bar chart in SVG.

The geometry is computed here, in Python, and drawn by a Jinja2 template
(``templates/partials/chart.html``) as inline SVG: the same figure in the HTML
and, through WeasyPrint, in the PDF, where its labels are set in the brief's
own (subset, embedded) font because they are text of the document.  No
plotting library: matplotlib would add ~0.5 s of imports to a build whose
budget is 4 s, and an SVG of a few rectangles needs none.  Every coordinate
is rounded to a tenth of a point and every order is fixed, so the same brief
draws the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.models import Brief

# Colour-blind-safe categorical colours (Okabe & Ito, without the yellow that fades on white paper);
# outlets beyond them share OTHER_COLOUR, and an unknown outlet is light grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
OTHER_COLOUR = "#6B7280"
UNKNOWN_COLOUR = "#C4C9D1"
UNKNOWN_OUTLET = "媒体不详 outlet unknown"

# Layout, in SVG user units (CSS px at 96 dpi; the figure scales to the column).
WIDTH = 600
LEFT = 10  # labels sit above their bars, so a long theme name is never cut
ROW_HEIGHT = 32
BAR_TOP = 14  # from the row's top: the label's line, then the bar
BAR_HEIGHT = 12
TOP = 8
LEGEND_ROW = 18
LEGEND_COLUMNS = 3


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    width: float
    colour: str
    count: int
    outlet: str


@dataclass(frozen=True, slots=True)
class Row:
    label_y: float  # baseline of the label line
    bar_y: float
    total_y: float  # baseline of the count after the bar
    label_zh: str
    label_en: str
    anchor: str
    total: int
    total_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class LegendEntry:
    x: float
    y: float
    colour: str
    outlet: str


@dataclass(frozen=True, slots=True)
class ThemeChart:
    width: int
    height: float
    bar_height: int
    plot_x: float
    rows: tuple[Row, ...]
    legend: tuple[LegendEntry, ...]
    description: str  # the figure in words, for screen readers and the text layer


def _round(value: float) -> float:
    return round(value, 1)


def theme_chart(brief: Brief) -> ThemeChart | None:
    """Points per theme, each bar split by the outlet of the point's own article; None without points."""
    if not brief.points:
        return None
    outlet_points: dict[str, int] = {}
    for point in brief.points:
        outlet = point.sentence.source.outlet or UNKNOWN_OUTLET
        outlet_points[outlet] = outlet_points.get(outlet, 0) + 1
    # Most points first; ties by name. Beyond the palette, outlets share one colour.
    ranked = sorted(outlet_points, key=lambda o: (o == UNKNOWN_OUTLET, -outlet_points[o], o))
    colours = {outlet: PALETTE[i] for i, outlet in enumerate(ranked[: len(PALETTE)])}
    other = "其他媒体 other outlets"
    legend_names = [o for o in ranked if o in colours] + ([other] if len(ranked) > len(colours) else [])
    if UNKNOWN_OUTLET in colours:
        colours[UNKNOWN_OUTLET] = UNKNOWN_COLOUR  # grey: no outlet is not an outlet

    most = max(len(section.points) for section in brief.sections)
    plot_x = LEFT
    plot_width = WIDTH - LEFT - 30
    unit = plot_width / most
    rows = []
    for number, section in enumerate(brief.sections, 1):
        counts: dict[str, int] = {}
        for point in section.points:
            outlet = point.sentence.source.outlet or UNKNOWN_OUTLET
            key = outlet if outlet in colours else other
            counts[key] = counts.get(key, 0) + 1
        x = plot_x
        segments = []
        for outlet in legend_names:
            if outlet not in counts:
                continue
            width = counts[outlet] * unit
            segments.append(Segment(_round(x), _round(width), colours.get(outlet, OTHER_COLOUR), counts[outlet], outlet))
            x += width
        y = TOP + (number - 1) * ROW_HEIGHT
        rows.append(
            Row(
                label_y=_round(y + 10),
                bar_y=_round(y + BAR_TOP),
                total_y=_round(y + BAR_TOP + BAR_HEIGHT - 2),
                label_zh=section.theme.label_zh,
                label_en=section.theme.label_en,
                anchor=f"theme-{number}",
                total=len(section.points),
                total_x=_round(x + 4),
                segments=tuple(segments),
            )
        )
    legend_top = TOP + len(rows) * ROW_HEIGHT + 4
    column = (WIDTH - 10) / LEGEND_COLUMNS
    legend = tuple(
        LegendEntry(
            x=_round(10 + (i % LEGEND_COLUMNS) * column),
            y=_round(legend_top + (i // LEGEND_COLUMNS) * LEGEND_ROW),
            colour=colours.get(outlet, OTHER_COLOUR),
            outlet=outlet,
        )
        for i, outlet in enumerate(legend_names)
    )
    height = legend_top + ((len(legend_names) + LEGEND_COLUMNS - 1) // LEGEND_COLUMNS) * LEGEND_ROW + 4
    description = "; ".join(
        f"{row.label_en}: {row.total} ("
        + ", ".join(f"{s.outlet} {s.count}" for s in row.segments)
        + ")"
        for row in rows
    )
    return ThemeChart(WIDTH, _round(height), BAR_HEIGHT, plot_x, tuple(rows), legend, f"Points per theme by outlet. {description}")


__all__ = ["ThemeChart", "theme_chart"]
