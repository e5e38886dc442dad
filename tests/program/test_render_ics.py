from html.parser import HTMLParser

import pytest
from icalendar import Calendar

from stridelab.program.generator import generate_program
from stridelab.program.ics import program_calendar
from stridelab.program.render import program_html


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.classes, self.attrs, self.stack, self.balanced = [], set(), [], [], True

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        for name, value in attrs:
            if name == "class":
                self.classes.update(value.split())
        if tag not in ("br", "img", "meta", "input", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False


def test_program_html_is_a_self_contained_fragment(finding):
    evil = finding("x", ("glute_med",), title="<script>alert(1)</script> drop")
    program = generate_program([evil], weeks=5, name="A & B")
    html = program_html(program)
    parser = _Collect()
    parser.feed(html)
    assert parser.balanced and not parser.stack
    assert parser.tags[0] == "div" and "sl-program" in parser.classes
    assert all(c.startswith("sl-") for c in parser.classes)
    assert not {"script", "style", "img", "link", "iframe", "h1", "h2"} & set(parser.tags)
    assert not [v for k, v in parser.attrs if k in ("src", "href") or (v or "").startswith("http")]
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B" in html
    for w in program.weeks:
        assert f'id="sl-week-{w.number}"' in html
    assert html.count('class="sl-session"') == len(program.sessions)
    for it in program.weeks[0].sessions[0].items:
        assert it.name.replace("'", "&#x27;") in html
    assert program_html(program.to_dict()) == html  # program.json read back renders the same


@pytest.mark.parametrize("season, weeks", [("off", 8), ("in", 10)])
def test_calendar_has_one_event_per_session(findings, season, weeks):
    program = generate_program(findings, season=season, weeks=weeks)
    cal = Calendar.from_ical(program_calendar(program).to_ical())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(program.sessions) == weeks * (2 if season == "off" else 1)
    deloads = [e for e in events if "deload" in str(e["summary"])]
    assert len(deloads) == sum(w.deload for w in program.weeks) * len(program.weeks[0].sessions)
