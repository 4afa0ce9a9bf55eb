#!/usr/bin/env bash
# Java for Spark (AID_LINKAGE_BACKEND=spark and its tests, src/smartkampung/aid/tests/test_linkage_spark.py): Debian's
# openjdk-17-jre-headless. Does nothing when a java command is there already (JAVA_HOME's or the PATH's); pyspark
# itself comes from requirements-dev.lock (or `pip install -e '.[spark]'`).
set -euo pipefail
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then exit 0; fi
command -v java >/dev/null 2>&1 && exit 0
"$(dirname "$0")/apt-need.sh" "Spark (Java 17 or newer)" "Or point JAVA_HOME at a Java 17 or newer." \
  openjdk-17-jre-headless
command -v java >/dev/null 2>&1 || { echo "apt-get installed no 'java' command." >&2; exit 1; }
