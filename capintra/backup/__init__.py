"""Backups: `flask backup PATH` writes the database and the documents in one archive
with a manifest of checksums; `flask restore PATH` puts them back into an empty
installation and checks that every table reads the same as when it was saved."""
