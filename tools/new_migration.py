"""`python -m tools.new_migration "what changed"`: write the migration for a model change.

Builds a scratch SQLite database at the latest revision, compares it with the
models (migrations.all_metadata) and writes the difference as a new revision
under migrations/versions/. Read it before committing: autogenerate does not
see renames, and data moves must be written by hand.
"""
import sys
import tempfile
from pathlib import Path

from alembic import command

from migrations import alembic_config, ensure_schema
from services_catalog.db import engine_for


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        engine = engine_for(f"sqlite:///{Path(scratch) / 'head.sqlite'}")
        ensure_schema(engine)
        command.revision(alembic_config(engine), message=" ".join(args), autogenerate=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
