"""Charts drawn on the server as SVG: pure functions from data to markup, every label escaped.

Each chart is an <svg role="img"> named by its <title> and described by its <desc>; pages show the same
figures as a table for those who cannot see the picture. Colours are attributes, not inline styles, so
the Content-Security-Policy (style-src 'self') lets them through.
"""
import math

from markupsafe import Markup, escape

from voting.enums import VoteChoice

COLOURS = {VoteChoice.LOVE: "#1d6b3a", VoteChoice.TRY: "#74b98a", VoteChoice.MIGHT: "#e3bb4f",
           VoteChoice.NOT: "#b3261e"}
SHORT = {VoteChoice.LOVE: "love", VoteChoice.TRY: "try", VoteChoice.MIGHT: "might", VoteChoice.NOT: "not"}
INK, MUTED, GRID, ACCENT, SECOND = "#1d2430", "#5b6472", "#dde2ea", "#1f5fbf", "#7a4fb3"


def line_chart(points, *, chart_id, title, desc, x_label="", y_label="", width=640, height=260):
    """A line through (label, value) points with a y axis from zero and a readable subset of x labels."""
    left, right, top, bottom = 64, 28, 16, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((value for _, value in points), default=0))
    y = _scale(ticks[-1], plot_h, top)
    step = plot_w / max(1, len(points) - 1)
    xs = [left + (plot_w / 2 if len(points) == 1 else n * step) for n in range(len(points))]
    parts = [*_y_axis(ticks, y, left, width - right),
             _axis_titles(x_label, y_label, left, width, height, top)]
    every = _label_step([label for label, _ in points], step if len(points) > 1 else plot_w)
    for n, (label, _) in enumerate(points):
        if n % every == 0:
            parts.append(_text(xs[n], top + plot_h + 18, label, anchor="middle", size=11))
    if points:
        line = " ".join(f"{x:.1f},{y(value):.1f}" for x, (_, value) in zip(xs, points))
        parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3" fill="{ACCENT}">'
                  f'<title>{escape(label)}: {_number(value)}</title></circle>'
                  for x, (label, value) in zip(xs, points)]
    else:
        parts.append(_text(left + plot_w / 2, top + plot_h / 2, "No votes yet", anchor="middle", fill=MUTED))
    return _svg(chart_id, width, height, title, desc, parts)


def bar_chart(bars, *, chart_id, title, desc, x_label="", y_label="", width=640, height=260):
    """Vertical bars for (label, value) pairs, e.g. a histogram's bins, with a y axis from zero."""
    left, right, top, bottom = 64, 28, 16, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((value for _, value in bars), default=0))
    y = _scale(ticks[-1], plot_h, top)
    parts = [*_y_axis(ticks, y, left, width - right),
             _axis_titles(x_label, y_label, left, width, height, top)]
    slot = plot_w / max(1, len(bars))
    every = _label_step([label for label, _ in bars], slot)
    for n, (label, value) in enumerate(bars):
        x, bar_top = left + n * slot, y(value)
        parts.append(f'<rect x="{x + slot * .1:.1f}" y="{bar_top:.1f}" width="{slot * .8:.1f}" '
                     f'height="{top + plot_h - bar_top:.1f}" fill="{ACCENT}"><title>{escape(label)}: '
                     f'{_number(value)}</title></rect>')
        if n % every == 0:
            parts.append(_text(x + slot / 2, top + plot_h + 18, label, anchor="middle", size=11))
    if not bars:
        parts.append(_text(left + plot_w / 2, top + plot_h / 2, "Nothing to show", anchor="middle",
                           fill=MUTED))
    return _svg(chart_id, width, height, title, desc, parts)


def paired_bars(rows, *, chart_id, title, desc, headings=("Votes", "Voters"), width=640):
    """Two horizontal bars per (label, first, second) row, each column on its own scale from zero."""
    label_w, gap, row_h, top = 180, 24, 26, 28
    column_w = (width - label_w - 2 * gap) / 2
    height = top + row_h * max(1, len(rows)) + 8
    parts = [_text(label_w + gap + column_w * n + gap * n, 16, heading, weight="bold") for n, heading in
             enumerate(headings)]
    maxima = [max((row[n + 1] for row in rows), default=0) or 1 for n in range(2)]
    for index, (label, *values) in enumerate(rows):
        y = top + index * row_h
        parts.append(_text(label_w - 8, y + row_h / 2 + 4, _truncate(label, 26), anchor="end"))
        for n, (value, colour) in enumerate(zip(values, (ACCENT, SECOND))):
            x = label_w + gap + n * (column_w + gap)
            length = (column_w - 56) * value / maxima[n]
            tip = f"{escape(label)}: {_number(value)} {escape(headings[n].lower())}"
            parts.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}" '
                         f'fill="{colour}"><title>{tip}</title></rect>')
            parts.append(_text(x + length + 6, y + row_h / 2 + 4, _number(value), size=11))
    if not rows:
        parts.append(_text(width / 2, top + row_h / 2, "No tracks yet", anchor="middle", fill=MUTED))
    return _svg(chart_id, width, height, title, desc, parts)


def distribution_chart(rows, *, chart_id, title, desc, width=640):
    """A 100% stacked bar of the four choices for each (label, counts) row, its vote count at the end."""
    label_w, count_w, row_h, top = 250, 56, 22, 30
    bar_w = width - label_w - count_w - 16
    height = top + row_h * max(1, len(rows)) + 8
    parts = [_legend(label_w, 14)]
    for index, (label, counts) in enumerate(rows):
        y = top + index * row_h
        parts.append(_text(label_w - 8, y + row_h / 2 + 4, _truncate(label, 36), anchor="end", size=12))
        parts.append(_stack(counts, label_w, y + 3, bar_w, row_h - 6, label))
        parts.append(_text(label_w + bar_w + 8, y + row_h / 2 + 4, _number(sum(counts.values())), size=11))
    if not rows:
        parts.append(_text(width / 2, top + row_h / 2, "No proposals yet", anchor="middle", fill=MUTED))
    return _svg(chart_id, width, height, title, desc, parts)


def distribution_bar(counts, *, width=120, height=14):
    """A small 100% stacked bar of one proposal's votes per choice, for a table cell."""
    summary = describe_counts(counts)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="dist-bar" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" role="img" aria-label="{escape(summary)}">'
                  f'<title>{escape(summary)}</title>{_stack(counts, 0, 0, width, height)}</svg>')


def dashboard_charts(figures, *, time_zone):
    """The organiser's four pictures of a Dashboard: per day, per proposal, per track, each distribution."""
    days = [(day.strftime("%d %b"), count) for day, count in figures.days]
    total = sum(count for _, count in days)
    bins = [(f"{low}" if low == high else f"{low}–{high}", count) for low, high, count in figures.histogram]
    rows = [(row.title, row.counts) for row in figures.distributions.items]
    return {
        "days": line_chart(days, chart_id="votes-per-day", title="Votes per day",
                           desc=f"Counted votes cast each day ({time_zone}); {total:,} in all.",
                           x_label=f"Day ({time_zone})", y_label="Votes"),
        "histogram": bar_chart(bins, chart_id="votes-per-proposal", title="Votes per proposal",
                               desc="How many proposals received each number of votes.",
                               x_label="Votes received", y_label="Proposals"),
        "tracks": paired_bars(figures.tracks, chart_id="participation", title="Participation per track",
                              desc="Counted votes and distinct voters on each track's proposals."),
        "distributions": distribution_chart(rows, chart_id="distributions", title="Each proposal's votes",
                                            desc="The share of love, try, might and not votes for each "
                                                 "proposal, most voted first, with its number of votes."),
    }


def describe_counts(counts):
    """'3 love, 1 try, 0 might, 2 not' (or 'No votes') for a screen reader and a tooltip."""
    if not sum(counts.values()):
        return "No votes"
    return ", ".join(f"{counts.get(choice, 0)} {SHORT[choice]}" for choice in VoteChoice)


def nice_ticks(maximum, count=4):
    """Round axis ticks from 0 to at least `maximum`: steps of 1, 2 or 5 times a power of ten."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, step) if isinstance(maximum, int) else step
    return [round(n * step, 10) for n in range(math.ceil(maximum / step) + 1)]


def _stack(counts, x, y, width, height, label=None):
    total = sum(counts.values())
    if not total:
        return f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="{GRID}"/>'
    parts, offset = [], 0.0
    for choice in VoteChoice:
        share = width * counts.get(choice, 0) / total
        if share:
            tip = f"{escape(label)}: " if label else ""
            parts.append(f'<rect x="{x + offset:.2f}" y="{y}" width="{share:.2f}" height="{height}" '
                         f'fill="{COLOURS[choice]}">'
                         f'<title>{tip}{counts[choice]} {SHORT[choice]}</title></rect>')
            offset += share
    return "".join(parts)


def _legend(x, y):
    parts = []
    for n, choice in enumerate(VoteChoice):
        left = x + n * 90
        parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{COLOURS[choice]}"/>')
        parts.append(_text(left + 16, y, SHORT[choice], size=12))
    return "".join(parts)


def _y_axis(ticks, y, left, right):
    parts = []
    for tick in ticks:
        level = f"{y(tick):.1f}"
        parts.append(f'<line x1="{left}" x2="{right}" y1="{level}" y2="{level}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y(tick) + 4, _number(tick), anchor="end", size=11))
    return parts


def _axis_titles(x_label, y_label, left, width, height, top):
    parts = []
    if x_label:
        parts.append(_text(left + (width - left) / 2, height - 8, x_label, anchor="middle", fill=MUTED))
    if y_label:
        middle = top + (height - top - 52) / 2
        parts.append(_text(14, middle, y_label, anchor="middle", fill=MUTED,
                           extra=f' transform="rotate(-90 14 {middle:.1f})"'))
    return "".join(parts)


def _label_step(labels, room):
    """Label every n-th point so that labels about 6.5 px a character, 11 px high, do not overlap."""
    widest = max((len(str(label)) for label in labels), default=0) * 6.5 + 8
    return max(1, math.ceil(widest / max(room, 1)))


def _scale(maximum, plot_h, top):
    return lambda value: top + plot_h - plot_h * value / (maximum or 1)


def _text(x, y, content, *, anchor="start", size=12, fill=INK, weight=None, extra=""):
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{fill}"{bold}{extra}>{escape(content)}</text>')


def _truncate(label, length):
    label = str(label)
    return label if len(label) <= length else label[:length - 1].rstrip() + "…"


def _number(value):
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _svg(chart_id, width, height, title, desc, parts):
    ident = escape(chart_id)
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" role="img" '
                  f'aria-labelledby="{ident}-title {ident}-desc">'
                  f'<title id="{ident}-title">{escape(title)}</title>'
                  f'<desc id="{ident}-desc">{escape(desc)}</desc>{"".join(parts)}</svg>')
