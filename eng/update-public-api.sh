#!/usr/bin/env bash
# Regenerates src/Ccd.Runtime/PublicAPI.Unshipped.txt from the PublicApiAnalyzers diagnostics, so a deliberate
# change of the public surface is one command plus a reviewed diff of that file.
set -euo pipefail
cd "$(dirname "$0")/.."
project=src/Ccd.Runtime/Ccd.Runtime.csproj
file=src/Ccd.Runtime/PublicAPI.Unshipped.txt
for _ in 1 2; do
  out=$(dotnet build "$project" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  added=$(grep -oP "RS0016: Symbol '\K.*?(?=' is not part of the declared)" <<<"$out" | sort -u || true)
  removed=$(grep -oP "RS0017: Symbol '\K.*?(?=' is part of the declared API)" <<<"$out" | sort -u || true)
  [ -z "$added$removed" ] && break
  { head -n1 "$file"; { tail -n +2 "$file"; [ -z "$added" ] || printf '%s\n' "$added"; } | grep -vxF -f <(printf '%s\n' "$removed" | sed '/^$/d'; echo '#__none__') | sed '/^$/d' | sort -u; } > "$file.tmp"
  mv "$file.tmp" "$file"
done
echo "updated $file ($(($(wc -l <"$file") - 1)) symbols)"
