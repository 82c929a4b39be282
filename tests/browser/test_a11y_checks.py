"""The accessibility checks themselves: they pass a sound page and name every defect of a poor one."""
import pytest

from tests.browser.a11y import focus_problems, look

SOUND = """<!doctype html><html lang="en"><head><style>
  :focus-visible { outline: 3px solid #174a94; }
  header :focus-visible { outline-color: #f0b400; }
  header { background: #14233a; padding: 1rem; }
  button { color: #fff; background: #1f5fbf; }
</style></head><body>
<header><a href="#main">Home</a></header><h1>Title</h1><h2>Part</h2><h3>Detail</h3><h2>Other part</h2>
<label for="a">A</label><input id="a"> <label>B <select><option>x</option></select></label>
<textarea aria-label="C"></textarea><span id="d">D</span><input aria-labelledby="d">
<img src="data:," alt=""><button>Go</button></body></html>"""

POOR = """<!doctype html><html lang="en"><head><style>
  * { outline: none !important; }
  .pale { color: #999; background: #fff; }
</style></head><body>
<h2>Starts at two</h2><h1>One</h1><h1>Two</h1><h4>Skips three</h4>
<input id="lonely"><select name="nameless"><option>x</option></select>
<img src="data:,"><button class="pale">Pale</button><div style="width: 500px">Wide</div></body></html>"""


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_sound_page_passes(page, tmp_path, monkeypatch):
    """A page with labels, ordered headings, alt, contrasting buttons and focus rings has no problem."""
    monkeypatch.setattr("tests.browser.a11y.ARTIFACTS", tmp_path)
    page.set_content(SOUND)
    assert look(page, "sound") == []
    assert (tmp_path / "sound-phone.png").stat().st_size > 0 and (tmp_path / "sound-desktop.png").exists()


def test_poor_page_is_reported(page, tmp_path, monkeypatch):
    """Each defect of a poor page is named once."""
    monkeypatch.setattr("tests.browser.a11y.ARTIFACTS", tmp_path)
    page.set_content(POOR)
    problems = "\n".join(look(page, "poor"))
    for expected in ("form control without a label: input#lonely", "form control without a label: select",
                     "2 h1 elements", "heading level skipped: h0 then h2",
                     "heading level skipped: h1 then h4",
                     "image without alt", 'button text contrast 2.85:1: button "Pale"',
                     'focus not visible on input#lonely', "scrolls sideways at 375px wide"):
        assert expected in problems, problems


def test_pale_focus_ring_is_reported(page):
    """A yellow ring on white (1.9:1) is not a visible focus; on a dark header it is."""
    page.set_content("<style>:focus-visible { outline: 3px solid #f0b400; }</style>"
                     "<div style='background:#14233a;padding:1rem'><a href='#'>Dark</a></div>"
                     "<a href='#'>Light</a>")
    assert focus_problems(page) == ["focus not visible on a Light (ring contrast 1.87:1)"]
    page.add_style_tag(content=":focus-visible { box-shadow: 0 0 0 2px #14233a; }")  # two-tone: seen on both
    assert focus_problems(page) == []


def test_focus_check_follows_tab(page):
    """Tab reaches every control in order; a page without controls is reported."""
    page.set_content("<p>No controls here.</p>")
    assert focus_problems(page) == ["Tab reaches no control"]
