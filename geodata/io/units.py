"""Responsible units (责任单位) from a CSV with columns code, name and optional kind, hotline.
``unit_rows`` is the reading and checking alone, which the upload page's preview shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geodata.errors import InvalidFile, InvalidInput
from geodata.io.read import (
    ImportSummary,
    open_checked,
    refusal_message,
    refusal_message_zh,
    refused_lines,
    resolve_county,
    row_label,
)
from geodata.io.reasons import Reason, skipped_line
from geodata.model import County, Unit
from geodata.stores.store import Store

NO_CODE_OR_NAME = Reason("a unit needs both a code and a name", "单位需要编码和名称")


@dataclass
class UnitRows:
    """A unit file's rows: the units as read, their labels, and row → Reason for those refused."""

    source: str
    units: list[Unit]
    labels: list[str]
    problems: dict[int, str]


def read_units(csv_path: str | Path) -> tuple[Path, pd.DataFrame]:
    """The CSV's table (columns lower-cased), refusing a file that is no CSV, lacks a column or is empty."""
    path, fmt = open_checked(csv_path)
    if fmt != "csv":
        raise InvalidFile(
            f"{path.name} 不是 CSV 文件（列为 code,name[,kind,hotline]）",
            en=f"{path.name} is not a CSV file (columns code,name[,kind,hotline])",
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.columns = [c.strip().lower() for c in table.columns]
    for column in ("code", "name"):
        if column not in table.columns:
            raise InvalidFile(
                f"{path.name} 没有 {column!r} 列（列为 code,name[,kind,hotline]）",
                en=f"{path.name} has no {column!r} column (columns code,name[,kind,hotline])",
            )
    if table.empty:
        raise InvalidFile(f"{path.name} 是空的：没有数据行", en=f"{path.name} is empty: it has no rows")
    return path, table


def unit_rows(store: Store, county: County, path: Path, table: pd.DataFrame) -> UnitRows:
    """Every row as a unit, and the rows that cannot be one: no code or name, a code taken."""
    taken = {u.code for u in store.list_units(county.id)}
    units, labels, problems = [], [], {}
    for i, row in enumerate(table.to_dict("records")):
        code, name = row["code"].strip(), row["name"].strip()
        labels.append(row_label(i, code))
        if not code or not name:
            problems[i] = NO_CODE_OR_NAME
        elif code in taken:
            problems[i] = Reason(f"unit code {code!r} is already taken", f"单位编码 {code!r} 已被占用")
        taken.add(code)
        kind = (row.get("kind") or "bureau").strip()
        units.append(Unit(county.id, code, name, kind=kind, hotline=(row.get("hotline") or "").strip()))
    return UnitRows(path.name, units, labels, problems)


def import_units(
    store: Store, county: str | County, csv_path: str | Path, skip_refused: bool = False
) -> ImportSummary:
    """Import responsible units from a CSV with columns code, name and optional kind, hotline. A
    refused row refuses the file, unless ``skip_refused``, when the others are stored."""
    path, table = read_units(csv_path)
    summary = ImportSummary(source=path.name, layer="units", read=len(table))
    with store.transaction():
        county = resolve_county(store, county)
        rows = unit_rows(store, county, path, table)
        refused = refused_lines(rows.labels, rows.problems)
        if refused and not skip_refused:
            raise InvalidInput(
                refusal_message_zh(path.name, len(table), refused),
                en=refusal_message(path.name, len(table), refused),
                refused=refused,
            )
        if refused:
            summary.skipped.append(skipped_line(refused, len(table)))
        kept = [u for i, u in enumerate(rows.units) if i not in rows.problems]
        summary.stored = len(store.add_units(kept)) if kept else 0
    return summary
