#!/usr/bin/env bash
# Java for Spark (AID_LINKAGE_BACKEND=spark and its tests, src/smartkampung/aid/tests/test_linkage_spark.py): Debian's
# openjdk-17-jre-headless. Does nothing when a java command is there already (JAVA_HOME's or the PATH's); pyspark
# itself comes from requirements-dev.lock (or `pip install -e '.[spark]'`).
set -euo pipefail
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then exit 0; fi
command -v java >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Spark needs Java 17 or newer: install a JRE (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)," >&2
  echo "or point JAVA_HOME at one." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "Spark needs Java, and installing it needs root: run 'apt-get install openjdk-17-jre-headless' as root," >&2
    echo "or point JAVA_HOME at a Java 17 or newer." >&2
    exit 1
  fi
fi
echo "Installing openjdk-17-jre-headless (Java for Spark) ..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
command -v java >/dev/null 2>&1 || { echo "apt-get installed no 'java' command." >&2; exit 1; }
