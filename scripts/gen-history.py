#!/usr/bin/env python3
"""Writes a synthetic Prisma migration history for benchmarks.

usage: gen-history.py OUT_DIR MIGRATIONS [STATEMENTS_PER_MIGRATION]

Every migration folder holds a migration.sql in the shape `prisma migrate dev` writes: CREATE TABLE with a primary
key, ADD COLUMN, CREATE (UNIQUE) INDEX, ADD CONSTRAINT ... FOREIGN KEY, and a few DROP INDEX / RENAME COLUMN /
DROP COLUMN / DROP TABLE. The generator tracks the schema, so every statement refers to tables and columns that
exist at that point of the history and the linter's catalog replay does real work. The output is deterministic.
"""

import os
import random
import sys

# Statement mix per migration, as weights; roughly what a long-lived Prisma project accumulates.
MIX = [
    ("create_table", 12),
    ("add_column", 30),
    ("create_index", 22),
    ("create_unique_index", 5),
    ("add_foreign_key", 15),
    ("drop_index", 5),
    ("rename_column", 4),
    ("drop_column", 4),
    ("set_default", 2),
    ("drop_table", 1),
]
COLUMN_TYPES = ["TEXT", "INTEGER", "BOOLEAN NOT NULL DEFAULT false", "TIMESTAMP(3)", "JSONB", "DOUBLE PRECISION"]


class Schema:
    def __init__(self, rng):
        self.rng = rng
        self.tables = {}  # name -> list of column names
        self.indexes = {}  # index name -> table
        self.next_table = 0
        self.next_column = 0

    def table(self):
        return self.rng.choice(list(self.tables)) if self.tables else None


def q(name):
    return f'"{name}"'


def emit(kind, schema, rng):
    """Returns one statement (with Prisma's leading comment), or None when the schema does not allow it yet."""
    t = schema.table()
    if kind == "create_table" or t is None:
        schema.next_table += 1
        name = f"Model{schema.next_table}"
        columns = ["id", "createdAt", "updatedAt", "name"]
        schema.tables[name] = columns
        return (
            f"-- CreateTable\nCREATE TABLE {q(name)} (\n"
            f'    "id" TEXT NOT NULL,\n'
            f'    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n'
            f'    "updatedAt" TIMESTAMP(3) NOT NULL,\n'
            f'    "name" TEXT,\n\n'
            f'    CONSTRAINT {q(name + "_pkey")} PRIMARY KEY ("id")\n);'
        )
    columns = schema.tables[t]
    if kind == "add_column":
        schema.next_column += 1
        c = f"field{schema.next_column}"
        columns.append(c)
        return f"-- AlterTable\nALTER TABLE {q(t)} ADD COLUMN {q(c)} {rng.choice(COLUMN_TYPES)};"
    if kind in ("create_index", "create_unique_index"):
        c = rng.choice(columns)
        unique = kind == "create_unique_index"
        name = f"{t}_{c}_{'key' if unique else 'idx'}"
        if name in schema.indexes:
            return None
        schema.indexes[name] = t
        return (
            f"-- CreateIndex\nCREATE {'UNIQUE ' if unique else ''}INDEX {q(name)} ON {q(t)}({q(c)});"
        )
    if kind == "add_foreign_key":
        target = schema.table()
        schema.next_column += 1
        c = f"{target[0].lower()}{target[1:]}Id{schema.next_column}"
        columns.append(c)
        return (
            f"-- AlterTable\nALTER TABLE {q(t)} ADD COLUMN {q(c)} TEXT;\n\n"
            f"-- AddForeignKey\nALTER TABLE {q(t)} ADD CONSTRAINT {q(f'{t}_{c}_fkey')} FOREIGN KEY ({q(c)}) "
            f"REFERENCES {q(target)}(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;"
        )
    if kind == "drop_index":
        if not schema.indexes:
            return None
        name = rng.choice(list(schema.indexes))
        del schema.indexes[name]
        return f"-- DropIndex\nDROP INDEX {q(name)};"
    extra = [c for c in columns if c not in ("id", "createdAt", "updatedAt")]
    if kind == "rename_column":
        if not extra:
            return None
        old = rng.choice(extra)
        new = old + "Renamed"
        columns[columns.index(old)] = new
        return f"-- AlterTable\nALTER TABLE {q(t)} RENAME COLUMN {q(old)} TO {q(new)};"
    if kind == "drop_column":
        if not extra:
            return None
        c = rng.choice(extra)
        columns.remove(c)
        return f"-- AlterTable\nALTER TABLE {q(t)} DROP COLUMN {q(c)};"
    if kind == "set_default":
        return f"-- AlterTable\nALTER TABLE {q(t)} ALTER COLUMN \"name\" SET DEFAULT 'unnamed';"
    if kind == "drop_table":
        if len(schema.tables) < 20:
            return None
        del schema.tables[t]
        schema.indexes = {i: tt for i, tt in schema.indexes.items() if tt != t}
        return f"-- DropTable\nDROP TABLE {q(t)};"
    raise ValueError(kind)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[2])
    out, migrations = sys.argv[1], int(sys.argv[2])
    per_migration = int(sys.argv[3]) if len(sys.argv) == 4 else 100
    rng = random.Random(8)
    schema = Schema(rng)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "migration_lock.toml"), "w") as f:
        f.write('provider = "postgresql"\n')
    total = 0
    for m in range(migrations):
        statements, count = [], 0
        while count < per_migration:
            s = emit(rng.choices(kinds, weights)[0], schema, rng)
            # An add_foreign_key entry is two statements (the column, then the constraint).
            n = s.count(";\n") + 1 if s is not None else 0
            if s is not None and count + n <= per_migration:
                statements.append(s)
                count += n
        total += count
        folder = os.path.join(out, f"2024{m // 10000:04d}{m % 10000:06d}_migration_{m + 1}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "migration.sql"), "w") as f:
            f.write("\n\n".join(statements) + "\n")
    print(total)


if __name__ == "__main__":
    main()
