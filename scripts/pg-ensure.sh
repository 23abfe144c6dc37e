#!/bin/sh
# PostgreSQL on 127.0.0.1:5432 for the test run and the load test: the server installed
# and started, the role capintra (password capintra, CREATEDB) and the database DBNAME
# owned by it. Idempotent.
# Usage: scripts/pg-ensure.sh DBNAME [--fresh]
#   --fresh  drop DBNAME first (its data is thrown away), then create it again.
# As root (CI, a fresh machine) it installs and starts what is missing; otherwise it
# checks that the server answers and says (in French) what to do when it does not.
set -eu

db=${1:?Usage: scripts/pg-ensure.sh DBNAME [--fresh]}
fresh=${2:-}
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" -ne 0 ]; then
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        exit 0
    fi
    echo "PostgreSQL ne répond pas sur 127.0.0.1:5432. En administrateur :" >&2
    echo "    sudo sh scripts/pg-ensure.sh $db" >&2
    echo "(installe et démarre le serveur, crée le rôle capintra et la base $db)." >&2
    exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    sh "$here/apt-ensure.sh" postgresql
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
version=${version:-15}
if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    pg_ctlcluster "$version" main start
fi
for _ in $(seq 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
done
pg_isready -h 127.0.0.1 -p 5432

# psql as the postgres superuser, from / (its home may not be readable from here).
psql_admin() { (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"); }
psql_admin -c "DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'capintra') THEN
        CREATE ROLE capintra LOGIN CREATEDB PASSWORD 'capintra';
    ELSE
        ALTER ROLE capintra LOGIN CREATEDB PASSWORD 'capintra';
    END IF;
END \$\$;"
if [ "$fresh" = "--fresh" ]; then
    psql_admin -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE);"
fi
exists=$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ "$exists" != "1" ]; then
    psql_admin -c "CREATE DATABASE \"$db\" OWNER capintra;"
fi
