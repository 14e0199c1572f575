"""PostgreSQL's CPU for the INSERT of one inline assessment, by table layout, measured on one backend.

Copies the latest stored assessment of the given database (run bench/http_compare.py first) and inserts it,
one INSERT and COMMIT at a time as the endpoint does (the document sent as a parameter cast to the column's
type), into three scratch tables shaped like `assessments` (dropped at the end):
  base    `result` jsonb, the 13 indexes before migration 0014
  branch  `result` json, the 10 indexes after it
  pk      `result` json, the primary key only (what the other indexes cost an inline row)
The layouts take turns, round after round; the CPU of the backend (its /proc/<pid>/stat, so PostgreSQL on
this machine) is read around each round. Run:
  .venv/bin/python bench/http_insert_cost.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ovop_bench
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

import psycopg

DROPPED_BY_0014 = ("ikm_id", "as_of", "size_class")
LAYOUTS = ("base", "branch", "pk")


def backend_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one PostgreSQL backend so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def create_tables(connection) -> None:
    """The three scratch tables, with the indexes of `assessments` copied or re-created."""
    definitions = [
        row[0]
        for row in connection.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'assessments'")
        if "pk_assessments" not in row[0]
    ]
    for layout in LAYOUTS:
        table = f"bench_insert_{layout}"
        connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute(
            f"CREATE TABLE {table} (LIKE assessments INCLUDING DEFAULTS INCLUDING COMPRESSION)"
        )
        connection.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (id)")
        kind = "jsonb" if layout == "base" else "json"
        connection.execute(f"ALTER TABLE {table} ALTER COLUMN result TYPE {kind} USING result::{kind}")
        if layout == "pk":
            continue
        for definition in definitions:
            name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0]
            connection.execute(
                definition.replace(f" {name} ON ", f" {name}_{layout} ON ").replace(
                    " public.assessments ", f" public.{table} "
                )
            )
        if layout == "base":
            for column in DROPPED_BY_0014:
                connection.execute(f"CREATE INDEX ix_{table}_{column} ON {table} ({column})")


def main() -> None:
    """Insert the copied row round after round into each layout and print PostgreSQL's CPU per INSERT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=1000, help="INSERTs per layout and round")
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    url = arguments.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        create_tables(connection)
        columns = [
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'assessments' "
                "AND column_name NOT IN ('id', 'created_at') ORDER BY ordinal_position"
            )
        ]
        selected = ", ".join(
            f"{name}::text" if name in ("result", "profile_snapshot") else name for name in columns
        )
        row = connection.execute(f"SELECT {selected} FROM assessments ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise SystemExit("no stored assessment: run bench/http_compare.py on this database first")
        document_bytes = len(row[columns.index("result")].encode())
        pid = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        per_insert: dict[str, list[float]] = {layout: [] for layout in LAYOUTS}
        try:
            for _ in range(arguments.rounds):
                for layout in LAYOUTS:
                    kind = "jsonb" if layout == "base" else "json"
                    values = ", ".join(
                        f"%s::{kind}"
                        if name == "result"
                        else "%s::jsonb"
                        if name == "profile_snapshot"
                        else "%s"
                        for name in columns
                    )
                    statement = f"INSERT INTO bench_insert_{layout} ({', '.join(columns)}) VALUES ({values})"
                    statement += " RETURNING id"
                    started = backend_cpu_seconds(pid)
                    for _ in range(arguments.rows):
                        with connection.transaction():
                            connection.execute(statement, row)
                    per_insert[layout].append((backend_cpu_seconds(pid) - started) * 1000 / arguments.rows)
        finally:
            for layout in LAYOUTS:
                connection.execute(f"DROP TABLE IF EXISTS bench_insert_{layout}")
    print(f"one inline assessment ({document_bytes} B document), {arguments.rows} INSERT + COMMIT per round:")
    for layout in LAYOUTS:
        rounds = " ".join(f"{value:.3f}" for value in per_insert[layout])
        print(
            f"  {layout:<7} PostgreSQL CPU median {statistics.median(per_insert[layout]):.3f} ms per INSERT; "
            f"rounds: {rounds}"
        )
    print(f"  load average (1, 5, 15 min) at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
