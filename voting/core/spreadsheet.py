"""CSV cells no spreadsheet runs as a formula: the one rule of every CSV Podium writes."""
import re

# OWASP's CSV injection starters, with their full-width and small forms, which spreadsheets read the same.
FORMULA_STARTS = frozenset("=+-@\t\r" "＝＋－＠" "﹦﹢﹣﹫")
# A spreadsheet skips leading whitespace (and invisible marks) before looking for a formula.
LEADING_BLANKS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet may take the text for a formula: it starts one, at once or after blanks."""
    return text[:1] in FORMULA_STARTS or text[LEADING_BLANKS.match(text).end():][:1] in FORMULA_STARTS


def safe_cell(value):
    """The cell with a quote in front when a spreadsheet would take it for a formula."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value
