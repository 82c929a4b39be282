"""Markdown from users, rendered with markdown-it-py and sanitised with nh3."""
import nh3
from markupsafe import Markup
from markdown_it import MarkdownIt

# Raw HTML in the source is shown as text; the sanitiser is the second line of defence.
_parser = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source):
    """Safe HTML for a Markdown text: no scripts, no event handlers, only http(s) and mailto links."""
    html = _parser.render(source or "")
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer"))
