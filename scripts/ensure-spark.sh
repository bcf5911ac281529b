#!/usr/bin/env bash
# Make sure a local Spark Connect server runs on loopback and print its URL (sc://127.0.0.1:PORT).
#
# Uses the pyspark package of the project's Python (pyspark 4 bundles the Spark Connect server's jar, so
# nothing is downloaded from Maven) and Java 17, installing Debian's openjdk-17-jre-headless only when no
# Java 17+ is found. Idempotent: a server whose pid file and port still answer is reused. Its pid file, logs,
# URL and warehouse live under SPARK_STATE_DIR (default .spark/ in the repository).
#   bash scripts/ensure-spark.sh          start (or find) the server, print its URL
#   bash scripts/ensure-spark.sh stop     stop it
#   bash scripts/ensure-spark.sh java     only make sure Java 17 is installed (the tests start their own server)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${SPARK_STATE_DIR:-$ROOT/.spark}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
DRIVER_MEMORY="${SPARK_DRIVER_MEMORY:-1g}"
mkdir -p "$STATE/logs" "$STATE/warehouse"
STATE="$(cd "$STATE" && pwd)"
export SPARK_PID_DIR="$STATE" SPARK_LOG_DIR="$STATE/logs" SPARK_IDENT_STRING=semantic

java_major() {
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}

answers() {  # the port in $STATE/url accepts connections
  [ -f "$STATE/url" ] || return 1
  local port; port="$(sed 's/.*://' "$STATE/url")"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

running_pid() {
  local pidfile; pidfile="$(ls "$STATE"/spark-semantic-*SparkConnectServer*.pid 2>/dev/null | head -1)"
  [ -n "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"
}

if [ "${1:-start}" = "stop" ]; then
  pid="$(running_pid || true)"
  if [ -n "$pid" ]; then kill "$pid"; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; fi
  rm -f "$STATE/url" "$STATE"/spark-semantic-*SparkConnectServer*.pid
  exit 0
fi

if [ "$(java_major)" -lt 17 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Java 17+ not found and apt-get is unavailable; install a Java 17 runtime and retry" >&2; exit 1
  fi
  echo "Java 17 not found; installing Debian's openjdk-17-jre-headless" >&2
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

[ "${1:-start}" = "java" ] && exit 0

SPARK_HOME="$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null)" || {
  echo "pyspark is not installed in $PYTHON; install the project with its dev (or spark) extra" >&2; exit 1; }
export SPARK_HOME

if running_pid >/dev/null && answers; then cat "$STATE/url"; exit 0; fi
[ -n "$(running_pid || true)" ] && kill "$(running_pid)" 2>/dev/null || true

PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# small and local: one JVM with 2 cores, few shuffle partitions, UTC, no web UI, tables in $STATE/warehouse
"$SPARK_HOME/sbin/start-connect-server.sh" --master "local[2]" --driver-memory "$DRIVER_MEMORY" \
  --conf spark.connect.grpc.binding.address=127.0.0.1 --conf "spark.connect.grpc.binding.port=$PORT" \
  --conf spark.sql.shuffle.partitions=2 --conf spark.default.parallelism=2 --conf spark.ui.enabled=false \
  --conf spark.sql.session.timeZone=UTC --conf "spark.sql.warehouse.dir=$STATE/warehouse" --conf spark.log.level=WARN \
  --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$STATE" >/dev/null
echo "sc://127.0.0.1:$PORT" > "$STATE/url"
for _ in $(seq 240); do
  if answers; then cat "$STATE/url"; exit 0; fi
  if [ -z "$(running_pid || true)" ]; then break; fi
  sleep 0.25
done
echo "the Spark Connect server did not start; its log:" >&2
tail -n 30 "$STATE"/logs/*.out >&2 || true
rm -f "$STATE/url"
exit 1
