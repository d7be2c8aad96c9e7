# Sourced by .ci/run (and usable by hand): starts the Debian PostgreSQL cluster if it is not
# running, creates the role the tests use, and exports ALLMENDE_TEST_DATABASE_URL. The tests
# create and drop a database of their own per test file.
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster "$version" main >/dev/null
  cluster="$version main"
fi
pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'allmende') THEN
    CREATE ROLE allmende LOGIN PASSWORD 'allmende' CREATEDB;
  END IF;
END $$;
-- Dropping a test database WITH (FORCE) ends the backends still in it; an autovacuum worker
-- belongs to no role, so only pg_signal_backend lets the test role end it (seen under load).
GRANT pg_signal_backend TO allmende;
SQL
export ALLMENDE_TEST_DATABASE_URL="postgres://allmende:allmende@127.0.0.1:5432/postgres"
