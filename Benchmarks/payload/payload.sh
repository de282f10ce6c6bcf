#!/usr/bin/env bash
# Times encoding 10,000 webhook payloads (the per-delivery writer, JSONEncoder over the Encodable definition, and the
# dictionary writers used before) in one build optimised with -O; no package build needed.
#   bash Benchmarks/payload/payload.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$(mktemp -d /tmp/herald-payload.XXXXXX)
# The dictionary writer of the previous Payload.swift, renamed, for the "before" figures.
git show e0f4f6a:Sources/HeraldPublish/Payload.swift >"$OUT/OldPayload.swift"
sed -i 's/\bPayload\b/OldPayload/g; s/\bJSONBytes\b/OldJSONBytes/g' "$OUT/OldPayload.swift"
swiftc -O -parse-as-library -emit-module -emit-library -static -module-name HeraldModel -o "$OUT/libHeraldModel.a" \
  -emit-module-path "$OUT/HeraldModel.swiftmodule" Sources/HeraldModel/*.swift
cp Sources/HeraldPublish/Payload.swift "$OUT/Payload.swift"
swiftc -O -I "$OUT" -L "$OUT" -lHeraldModel -module-name PayloadBench -o "$OUT/payload-bench" \
  Benchmarks/payload/main.swift "$OUT/Payload.swift" "$OUT/OldPayload.swift" -Xfrontend -disable-availability-checking
"$OUT/payload-bench"
