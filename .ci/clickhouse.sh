#!/usr/bin/env bash
# Starts two ClickHouse servers on loopback for the SQL tests (src/sql): their own ports and
# folders under ${LEADSCORE_CLICKHOUSE_DIR:-/tmp/leadscore-clickhouse}, a cluster `leadscore`
# of both (one shard each) for `Distributed` tables. Prints the two HTTP URLs as
# `export LEADSCORE_TEST_CLICKHOUSE_URL=...` lines for `eval`. Idempotent: a server that
# answers is left running. Debian bookworm's clickhouse-server is 18.16 (2018).
set -euo pipefail
base="${LEADSCORE_CLICKHOUSE_DIR:-/tmp/leadscore-clickhouse}"
server="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
cluster=""
for n in 1 2; do
  cluster+="<shard><replica><host>127.0.0.1</host><port>$((19000 + n))</port></replica></shard>"
done
for n in 1 2; do
  dir="$base/$n"
  http=$((18122 + n))
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/log"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><console>0</console></logger>
  <http_port>$http</http_port>
  <tcp_port>$((19000 + n))</tcp_port>
  <interserver_http_port>$((19008 + n))</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>64</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>16</max_concurrent_queries>
  <uncompressed_cache_size>104857600</uncompressed_cache_size>
  <mark_cache_size>104857600</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers><leadscore>$cluster</leadscore></remote_servers>
</yandex>
XML
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  if ! curl -fsS "http://127.0.0.1:$http/ping" >/dev/null 2>&1; then
    chown -R clickhouse:clickhouse "$dir" 2>/dev/null || true
    if [ "$(id -u)" = 0 ] && id clickhouse >/dev/null 2>&1; then
      su -s /bin/sh clickhouse -c "'$server' --config-file='$dir/config.xml' --pid-file='$dir/server.pid' --daemon" >&2
    else
      "$server" --config-file="$dir/config.xml" --pid-file="$dir/server.pid" --daemon >&2
    fi
  fi
done
for n in 1 2; do
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$((18122 + n))/ping" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "http://127.0.0.1:$((18122 + n))/ping" >/dev/null || { echo "clickhouse server $n did not start: see $base/$n/log" >&2; exit 1; }
done
echo "export LEADSCORE_TEST_CLICKHOUSE_URL=http://127.0.0.1:18123"
echo "export LEADSCORE_TEST_CLICKHOUSE_URL_2=http://127.0.0.1:18124"
