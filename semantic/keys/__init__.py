"""Checks that the keys the definitions rely on hold in the data: primary keys unique and set, foreign keys
finding their rows (docs/operations.md, "Key checks")."""
