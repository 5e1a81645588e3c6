"""Hand-written SVG charts of bench/run's results: panels of grouped bars, the service beside the limit."""
import math
from xml.sax.saxutils import escape

COLOURS = {"service": "#1f5f8b", "limit": "#9cc3dc"}
PANEL_W, PANEL_H, TOP, BOTTOM, LEFT = 360, 230, 40, 40, 56


def _ticks(top):
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) up to top."""
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * k for k in range(1, int(top / step) + 1)]


def _number(value):
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def _panel(x0, y0, panel):
    """One panel: panel["groups"] is [(label, {series: value})]; panel["line"] an optional (value, label) reference."""
    groups = panel["groups"]
    top = max([v for _, vals in groups for v in vals.values()] + [panel.get("line", (0, ""))[0]] + [1e-9]) * 1.15
    plot_w, plot_h = PANEL_W - LEFT - 12, PANEL_H - TOP - BOTTOM
    scale = lambda v: y0 + TOP + plot_h - v / top * plot_h
    out = [f'<text x="{x0 + PANEL_W / 2}" y="{y0 + 18}" text-anchor="middle" font-weight="bold">{escape(panel["title"])}</text>',
           f'<text x="{x0 + 10}" y="{y0 + TOP - 8}" font-size="10">{escape(panel["unit"])}</text>',
           f'<line x1="{x0 + LEFT}" y1="{scale(0)}" x2="{x0 + PANEL_W - 12}" y2="{scale(0)}" stroke="#333"/>']
    for value in _ticks(top):
        out.append(f'<text x="{x0 + LEFT - 4}" y="{scale(value) + 3}" font-size="9" text-anchor="end">{_number(value)}</text>')
        out.append(f'<line x1="{x0 + LEFT}" y1="{scale(value)}" x2="{x0 + PANEL_W - 12}" y2="{scale(value)}" stroke="#ddd"/>')
    slot = plot_w / max(1, len(groups))
    for i, (label, values) in enumerate(groups):
        bar = slot * 0.8 / max(1, len(values))
        for j, (series, value) in enumerate(values.items()):
            x = x0 + LEFT + i * slot + slot * 0.1 + j * bar
            out.append(f'<rect x="{x:.1f}" y="{scale(value):.1f}" width="{bar - 2:.1f}" height="{scale(0) - scale(value):.1f}" fill="{COLOURS.get(series, "#888")}">'
                       f'<title>{escape(series)} {escape(label)}: {value:,.1f}</title></rect>')
            out.append(f'<text x="{x + (bar - 2) / 2:.1f}" y="{scale(value) - 3:.1f}" font-size="9" text-anchor="middle">{_number(value)}</text>')
        out.append(f'<text x="{x0 + LEFT + i * slot + slot / 2:.1f}" y="{scale(0) + 14}" font-size="10" text-anchor="middle">{escape(label)}</text>')
    if "line" in panel:
        value, text = panel["line"]
        out.append(f'<line x1="{x0 + LEFT}" y1="{scale(value)}" x2="{x0 + PANEL_W - 12}" y2="{scale(value)}" stroke="#c0392b" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x0 + PANEL_W - 14}" y="{scale(value) - 3}" font-size="9" text-anchor="end" fill="#c0392b">{escape(text)}</text>')
    return out


def svg(title, panels, columns=2):
    """The panels in a grid under a title and a legend of the series."""
    rows = (len(panels) + columns - 1) // columns
    width, height = columns * PANEL_W, rows * PANEL_H + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{escape(title)}</text>']
    for k, (series, colour) in enumerate(COLOURS.items()):
        out.append(f'<rect x="{width / 2 - 80 + k * 90}" y="30" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{width / 2 - 66 + k * 90}" y="39" font-size="11">{series}</text>')
    for n, panel in enumerate(panels):
        out += _panel((n % columns) * PANEL_W, 50 + (n // columns) * PANEL_H, panel)
    out.append("</svg>")
    return "\n".join(out) + "\n"
