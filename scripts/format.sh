#!/usr/bin/env bash
# Applies or checks .clang-format over the project's C++ sources: app/, models/, services/,
# views/ and tests/ (*.cpp, *.h), never a build directory.
# Usage: scripts/format.sh [--check | --fix] [FILE...]
#   --check  list the files that differ from .clang-format and exit 1 if any do (for CI)
#   --fix    format them in place (the default)
#   FILE...  only these files instead of the whole tree
# CLANG_FORMAT picks the binary (default clang-format; Debian 12 ships version 14).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=fix
case ${1:-} in
  --check) mode=check; shift ;;
  --fix) shift ;;
  -h | --help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
  -*) echo "format.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "format.sh: $clang_format not found; install it (apt-get install clang-format)" >&2
  exit 2
fi

files=()
if (($#)); then
  files=("$@")
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and new files; ignored ones (build*/) are left out.
  mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard -- \
    'app/*.cpp' 'app/*.h' 'models/*.cpp' 'models/*.h' 'services/*.cpp' 'services/*.h' \
    'views/*.cpp' 'views/*.h' 'tests/*.cpp' 'tests/*.h')
else
  mapfile -d '' files < <(find app models services views tests \
    -type d -name 'build*' -prune -o -type f \( -name '*.cpp' -o -name '*.h' \) -print0)
fi
# A file deleted in the work tree is still listed by git until the deletion is staged.
existing=()
for f in "${files[@]}"; do
  [[ -f $f ]] && existing+=("$f")
done
files=("${existing[@]}")
if ((${#files[@]} == 0)); then
  echo "format.sh: no C++ files found" >&2
  exit 2
fi

if [[ $mode == fix ]]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 20 "$clang_format" --style=file -i
  echo "format.sh: formatted ${#files[@]} files with $("$clang_format" --version)"
  exit 0
fi

differ=()
for f in "${files[@]}"; do
  if ! "$clang_format" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    differ+=("$f")
  fi
done
if ((${#differ[@]})); then
  printf '%s\n' "${differ[@]}"
  echo "format.sh: ${#differ[@]} of ${#files[@]} files differ from .clang-format" \
    "($("$clang_format" --version)); scripts/format.sh formats them" >&2
  exit 1
fi
echo "format.sh: all ${#files[@]} files match .clang-format"
