"""Rows of YAML, JSON and CSV files (member data, attendee and private-data files), each with
where it stands in its file, so every warning can name the file and the row.

Pure apart from reading the file: nothing here logs. A file that cannot be read as a table
gives one problem and no rows; a row that is not a mapping gives one problem and is skipped.
Values come back as text (or, where a field may hold several, a list of text): YAML is read
without resolving any tag or implicit type, so `no`, `2024-01-01` and `010` stay as written.
Problems never quote a value of the file: private-data files hold e-mail addresses.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

import yaml

# Large enough for a 100,000-row export; small enough that no file can exhaust memory.
MAX_TABLE_BYTES = 16 * 1024 * 1024
TABLE_EXTENSIONS = ("yaml", "yml", "json", "csv")  # as Pelican's get_files takes them
# Strings only: no tag is constructed, no implicit type resolved (C parser when available).
_YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass(frozen=True)
class Row:
    """One row: `place` names it in warnings ("line 4" in a CSV, "row 2" in YAML/JSON);
    `line` is its line number where the format has one; `fields` has lower-case keys."""

    place: str
    line: int | None
    fields: dict[str, Any]


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (line, message)


def is_table(path: str) -> bool:
    return path.lower().endswith(tuple(f".{ext}" for ext in TABLE_EXTENSIONS))


def read_table(path: str, list_key: str, max_bytes: int = MAX_TABLE_BYTES) -> Table:
    """The rows of the YAML, JSON or CSV file at `path`. YAML and JSON hold a list of mappings,
    or a mapping whose `list_key` holds that list."""
    table = Table()
    try:
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        table.problems.append((None, f"could not be read ({exc.strerror or type(exc).__name__})"))
        return table
    if len(data) > max_bytes:
        table.problems.append((None, f"is larger than {max_bytes} bytes; not read"))
        return table
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        table.problems.append((None, "is not UTF-8 text; not read"))
        return table
    if path.lower().endswith(".csv"):
        return csv_rows(text, table)
    try:
        document = parse_document(text, path)
    except ValueError as exc:
        table.problems.append((None, str(exc)))
        return table
    return mapping_rows(document, list_key, table)


def parse_document(text: str, path: str) -> Any:
    """The YAML or JSON document in `text`; ValueError saying what is wrong (never quoting)."""
    if path.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"is not valid JSON (line {exc.lineno}: {exc.msg}); not read"
            ) from None
        except (ValueError, RecursionError):
            raise ValueError("is not valid JSON; not read") from None
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (BaseLoader: no tags at all)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise ValueError(f"is not valid YAML (line {line}: {exc.problem}); not read") from None
    except (yaml.YAMLError, RecursionError):
        raise ValueError("is not valid YAML; not read") from None


def mapping_rows(document: Any, list_key: str, table: Table) -> Table:
    if document is None:
        return table  # an empty file
    if isinstance(document, dict):
        keys = {str(key).strip().lower(): key for key in document}
        document = document[keys[list_key]] if list_key in keys else False
        if document is None or document == "":
            return table  # no rows yet
    if not isinstance(document, list):
        table.problems.append((None, f"holds no list of rows (nor a {list_key!r} list); not read"))
        return table
    for number, item in enumerate(document, start=1):
        place = f"row {number}"
        if not isinstance(item, dict):
            table.problems.append((None, f"{place} is not a mapping of fields; skipped"))
            continue
        fields, problems = text_fields(item)
        table.problems += [(None, f"{place}: {problem}") for problem in problems]
        table.rows.append(Row(place, None, fields))
    return table


def text_fields(item: dict[Any, Any]) -> tuple[dict[str, Any], list[str]]:
    """The fields of one mapping as text (a list of text for a list), keys lower-case.
    Anything nested deeper is dropped with a problem: it is never walked or printed (an alias
    bomb is a nested list), and no field may take two values by differing in case."""
    fields: dict[str, Any] = {}
    problems = []
    for key, value in item.items():
        name = str(key).strip().lower()
        text = scalar_text(value)
        if text is None and isinstance(value, list):
            items = [scalar_text(element) for element in value]
            text = [element for element in items if element] if None not in items else None
        if text is None and value is not None:
            problems.append(f"{str(key).strip()[:40]!r} is not text or a list of text; left out")
        elif text and name not in fields:
            fields[name] = text
    return fields, problems


def scalar_text(value: Any) -> str | None:
    """Text of a string, number or truth value (JSON's true is "yes"); None otherwise."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value).strip()
    return None


def csv_rows(text: str, table: Table) -> Table:
    """A header row, then one row per record; quoted cells may span lines. A row's line is the
    line it starts on; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in cells]
                continue
            fields: dict[str, Any] = {}
            for name, cell in zip(header, cells, strict=False):
                if name and cell.strip() and name not in fields:
                    fields[name] = cell.strip()
            table.rows.append(Row(f"line {start}", start, fields))
    except csv.Error as exc:
        table.problems.append((reader.line_num, f"is not valid CSV ({exc}); not read"))
        table.rows.clear()
    return table
