def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run: cells starting with = + - @ are formulas (CSV injection, T4.5)."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text
