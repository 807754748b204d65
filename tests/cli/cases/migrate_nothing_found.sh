#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nothing to migrate is a failure (exit 1; the original exited 0) whose
# message names the folder and the file patterns looked for: the default
# folder missing, an empty --input folder for each --type, --all under an
# empty root, and a folder holding only files that are not universes
# (a sidecar, a backtest, an unrelated JSON).  Nothing is written.
echo "== no arguments, no ultra_necrozma_results"
"$PQ" migrate; echo "exit $?"
mkdir empty
for t in universe backtest trades; do
    echo "== --type $t, empty folder"
    "$PQ" migrate --type $t --input empty; echo "exit $?"
done
echo "== --all, empty root"
mkdir root
"$PQ" migrate --all --root root; echo "exit $?"
echo "== only non-universe files"
mkdir only
echo '{"name": "x"}' >only/universe_001_5min_5lb_metadata.json
echo '{}' >only/EURUSD_2025_universe_5m_5lb_backtest.json
echo '{}' >only/notes.json
echo '{}' >only/.universe_hidden.json
"$PQ" migrate --input only; echo "exit $?"
find . | sort
