#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/lint/check_layout.sh REPO - checks the rules of docs/design.md that a
# compiler does not:
#  1. nothing outside src/cli/ prints, exits or reads the environment;
#  2. every #include "<module>/..." respects the module dependency list;
#  3. every public header compiles on its own, as C11 and as C++;
#  4. every source file starts with an SPDX line.
# Prints one line per violation and "N passed, M failed".
set -u
ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# 1. forbidden calls in the library (comments and strings are not parsed:
#    a call pattern "name(" at a word boundary is enough here)
hits=$(grep -nE '\b(printf|fprintf|puts|perror|exit|abort|getenv)\s*\(' src/core src/table src/io src/parquet src/convert src/migrate src/pnl src/config \
       src/chart src/optimize src/queue src/backtest \
       -r --include='*.c' --include='*.h' | grep -vE '^\S+:\s*(\*|//|/\*)' | grep -vE 'snprintf|vsnprintf' || true)
if [ -n "$hits" ]; then bad "library code prints/exits/reads the environment:"; echo "$hits"; else ok; fi

# 2. module dependencies: module -> modules it may include
declare -A allow=(
  [core]="core"
  [table]="core table"
  [io]="core table io"
  [parquet]="core table io parquet"
  [convert]="core table io parquet convert"
  [migrate]="core table io parquet migrate"
  [config]="core config"
  [pnl]="core table io parquet convert config pnl"
  [chart]="core io chart"
  [optimize]="core table io parquet convert config pnl optimize"
  [queue]="core table io queue"
  [backtest]="core table io parquet migrate config backtest"
  [cli]="core table io parquet convert migrate config pnl chart optimize queue backtest cli"
)
for m in "${!allow[@]}"; do
  [ -d "src/$m" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    dep=$(sed -nE 's/.*#include "([a-z_]+)\/.*/\1/p' <<<"$line")
    [ -z "$dep" ] && continue
    [ "$dep" = parquant ] && continue
    if [[ " ${allow[$m]} " == *" $dep "* ]]; then ok; else bad "$file includes $dep/ (module $m may include: ${allow[$m]})"; fi
  done < <(grep -HnE '^#include "[a-z_]+/' src/$m/*.c src/$m/*.h 2>/dev/null)
done
# io may use only sources/sinks of parquet? no: io never includes parquet
if grep -lE '^#include "(parquet|convert|cli)/' src/io/* >/dev/null 2>&1; then bad "src/io includes a higher module"; else ok; fi

# 3. public headers stand alone, as C11 and as C++
for h in include/parquant/*.h; do
  if echo "#include \"${h#include/}\"" | gcc -std=c11 -Wall -Wextra -Werror -Iinclude -x c -fsyntax-only - 2>/tmp/pq-lint.$$; then ok
  else bad "$h does not compile alone as C11"; cat /tmp/pq-lint.$$; fi
  if command -v g++ >/dev/null 2>&1; then
    if echo "#include \"${h#include/}\"" | g++ -std=c++11 -Wall -Wextra -Werror -Iinclude -x c++ -fsyntax-only - 2>/tmp/pq-lint.$$; then ok
    else bad "$h does not compile alone as C++"; cat /tmp/pq-lint.$$; fi
  fi
done
rm -f /tmp/pq-lint.$$

# 4. SPDX line at the top of every source file
for f in $(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tests/*.c' 'fuzz/*.c' 'bench/*.c' 2>/dev/null); do
  if head -n 3 "$f" | grep -q 'SPDX-License-Identifier'; then ok; else bad "$f has no SPDX line at the top"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
