"""The lab's report: one self-contained HTML page, each claim with its experiment, evidence and verdict.

Everything the page shows is inside it: figures are SVG (or PNG) data URIs, the style sheet is inline,
and there is no script, so it opens from a file, offline, on a phone as on a laptop.

A verdict is computed, never written in advance: an experiment states the checks its claim rests on,
each with what it compared (the measured numbers), what the claim needs of them (the threshold) and
whether they bear the claim out. All pass: the claim holds. Only
checks marked non-essential fail: it holds with a caveat (they say what). An essential one fails: it
does not hold here, and that check says why.
"""

import base64
import html
import io
from dataclasses import dataclass, field

from ...train.plots import pyplot

HOLDS, CAVEAT, FAILS = "holds", "holds with a caveat", "does not hold here"


@dataclass
class Check:
    """One statement a verdict rests on: what was measured, and whether it bears the claim out."""

    statement: str          # what was compared, with its numbers
    passed: bool
    needs: str              # what the claim needs of those numbers: the threshold the check applies
    essential: bool = True  # False: a failure qualifies the verdict (a caveat) rather than refuting it

    def __post_init__(self):
        self.passed = bool(self.passed)  # a NumPy comparison gives numpy.bool_


@dataclass
class Verdict:
    """The verdict on a claim, from its checks."""

    checks: list

    @property
    def status(self):
        if any(not c.passed and c.essential for c in self.checks):
            return FAILS
        return CAVEAT if any(not c.passed for c in self.checks) else HOLDS

    def to_dict(self):
        return {"status": self.status, "checks": [vars(c) for c in self.checks]}


@dataclass
class Figure:
    """A figure of the report: an image as a data URI, and its caption."""

    caption: str
    src: str


@dataclass
class Table:
    """A table of the report: column names and rows of cells (strings)."""

    columns: list
    rows: list
    caption: str = ""


@dataclass
class Section:
    """One claim of the lesson, as the report shows it."""

    name: str               # the experiment's name, its anchor in the page and its `ember lab NAME`
    title: str
    claim: str
    setup: dict             # what was run: data, model, training, seeds ...
    command: str            # the command that reruns this experiment alone
    verdict: Verdict
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    seconds: float = 0.0


def svg_figure(fig, caption):
    """A matplotlib figure as a Figure (SVG, its text kept as text, so it stays small and sharp); closes it."""
    import matplotlib
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ember-lab"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    pyplot().close(fig)
    return Figure(caption, "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode())


def png_uri(path):
    """A PNG file (a run picture of ember.train.features or attention_maps) as a data URI, for a Figure."""
    with open(path, "rb") as f:
        return "data:image/png;base64," + base64.b64encode(f.read()).decode()


STYLE = """
:root { --ink: #1d2329; --muted: #5b6670; --line: #d9dee3; --holds: #1f7a3f; --caveat: #9a6700; --fails: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin: 0 0 0.5rem; }
section { border-top: 2px solid var(--line); padding: 1.2rem 0; }
.claim { font-size: 1.08rem; font-style: italic; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; margin: 0.6rem 0; }
dt { font-weight: 600; color: var(--muted); }
dd { margin: 0; }
code { font: 0.9em ui-monospace, Menlo, Consolas, monospace; background: #f1f3f5; padding: 0.1em 0.3em;
       border-radius: 3px; overflow-wrap: anywhere; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); gap: 1rem; }
figure { margin: 0; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9rem; color: var(--muted); }
.scroll { overflow-x: auto; margin: 0.8rem 0; }
table { border-collapse: collapse; font-size: 0.92rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.6rem; text-align: left; white-space: nowrap; }
caption { text-align: left; color: var(--muted); font-size: 0.9rem; }
.verdict { border-left: 5px solid; padding: 0.4rem 0.8rem; margin-top: 0.8rem; background: #f8f9fa; }
.verdict ul { margin: 0.3rem 0; padding-left: 1.2rem; }
.badge { font-weight: 700; }
.holds { border-color: var(--holds); } .holds .badge, .holds.badge { color: var(--holds); }
.caveat { border-color: var(--caveat); } .caveat .badge, .caveat.badge { color: var(--caveat); }
.fails { border-color: var(--fails); } .fails .badge, .fails.badge { color: var(--fails); }
.muted { color: var(--muted); font-size: 0.9rem; }
@media (max-width: 40rem) { dl { grid-template-columns: 1fr; } dt { margin-top: 0.3rem; } }
"""

STATUS_CLASS = {HOLDS: "holds", CAVEAT: "caveat", FAILS: "fails"}


def _e(text):
    return html.escape(str(text))


def _table(table):
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    caption = f"<caption>{_e(table.caption)}</caption>" if table.caption else ""
    return f'<div class="scroll"><table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _figure(figure):
    return (f'<figure><img src="{figure.src}" alt="{_e(figure.caption)}">'
            f"<figcaption>{_e(figure.caption)}</figcaption></figure>")


def _verdict(verdict):
    marks = "".join(f"<li>{'✓' if c.passed else ('✗' if c.essential else '!')} {_e(c.statement)} "
                    f'<span class="muted">(needs {_e(c.needs)})</span></li>' for c in verdict.checks)
    return (f'<div class="verdict {STATUS_CLASS[verdict.status]}"><span class="badge">Verdict: '
            f"{_e(verdict.status)}</span><ul>{marks}</ul></div>")


def _section(number, section):
    setup = "".join(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>" for key, value in section.setup.items())
    setup += f"<dt>rerun alone</dt><dd><code>{_e(section.command)}</code></dd>"
    figures = "".join(_figure(f) for f in section.figures)
    return (f'<section id="{_e(section.name)}"><h2>{number}. {_e(section.title)}</h2>'
            f'<p class="claim">Claim: {_e(section.claim)}</p><h3>Experiment</h3><dl>{setup}</dl>'
            f'<h3>Result</h3><div class="figures">{figures}</div>{"".join(_table(t) for t in section.tables)}'
            f'{_verdict(section.verdict)}<p class="muted">{section.seconds:.1f} s</p></section>')


def _contents(sections):
    rows = "".join(f'<li><a href="#{_e(s.name)}">{_e(s.title)}</a>: <span class="badge '
                   f'{STATUS_CLASS[s.verdict.status]}">{_e(s.verdict.status)}</span></li>' for s in sections)
    return f"<ol>{rows}</ol>"


def render(sections, heading):
    """The whole page: a heading (dict of what, when, where, how long) and a section per claim."""
    facts = "".join(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>" for key, value in heading.items())
    body = "".join(_section(i, s) for i, s in enumerate(sections, start=1))
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>ember lab: the lesson's claims, measured</title><style>{STYLE}</style></head><body><main>"
            "<h1>The lesson's claims, measured</h1>"
            "<p>Each section takes one claim of an introductory deep-learning lesson, runs an experiment on real "
            "data with ember, shows what it measured and gives a verdict computed from those numbers: each check "
            "says what it compared and what the claim needs of it; ✓ it passed, ✗ it failed and the claim does not "
            "hold here, ! it failed but only qualifies the claim (a caveat).</p>"
            f"<dl>{facts}</dl>{_contents(sections)}{body}</main></body></html>")
