"""`semantic diff --format markdown`: the diff as a pull-request comment (GitHub-flavoured Markdown).

The same facts as the text report, in a shape a reviewer reads on the pull request: what changed, then a
table of the numbers that move and why. Cells are escaped: an error message may hold `|` or a newline.
"""
from __future__ import annotations

from semantic.governance.diff import DefinitionChange

Row = tuple[str, str, str, str, str]  # metric, base, new, change, why


def cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def markdown_report(base: str, base_version: str, new_version: str, changes: list[DefinitionChange],
                    rows: list[Row] | None, period: str, moved: int, compared: int) -> str:
    """`rows` is None when numbers were not computed (--no-numbers)."""
    lines = [f"### Definitions: `{cell(base)}` ({base_version}) → this branch ({new_version})", ""]
    if changes:
        lines += [f"- {cell(change.describe())}" for change in changes]
    else:
        lines.append("No definition changed.")
    if rows is None:
        return "\n".join(lines) + "\n"
    lines.append("")
    if not rows:
        lines.append(f"No metric value moves ({compared} compared, {cell(period)}).")
        return "\n".join(lines) + "\n"
    lines += [f"**Metric values, base → new** ({cell(period)})", "",
              "| metric | base | new | change | why |", "| --- | ---: | ---: | ---: | --- |"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    lines += ["", f"{moved} of {compared} metrics move."]
    return "\n".join(lines) + "\n"
