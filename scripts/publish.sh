#!/usr/bin/env bash
# Builds what users install, into dist/ (or $DIST):
#   dist/nupkg/crosstalk.<version>.nupkg      the .NET tool:  dotnet tool install --global crosstalk --add-source dist/nupkg
#   dist/<rid>/crosstalk[.exe]                a self-contained single file (no .NET needed) for each platform, compiled
#                                             ahead for it (ReadyToRun: see src/Crosstalk.Cli/Crosstalk.Cli.csproj)
# Usage: scripts/publish.sh [RID ...]   (default: linux-x64 linux-arm64 osx-x64 osx-arm64 win-x64)
# The container image for 'crosstalk serve' and cluster silos is deploy/Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${DIST:-dist}
rids=("$@")
if [ ${#rids[@]} -eq 0 ]; then
  rids=(linux-x64 linux-arm64 osx-x64 osx-arm64 win-x64)
fi

dotnet pack src/Crosstalk.Cli -c Release -o "$dist/nupkg" -nologo
for rid in "${rids[@]}"; do
  # PackAsTool is for the tool package only; a single file carries its runtime and native libraries (SQLite, Skia) inside.
  dotnet publish src/Crosstalk.Cli -c Release -r "$rid" --self-contained -nologo \
    -p:PackAsTool=false -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
    -p:DebugType=none -p:PublishDocumentationFile=false -p:PublishReferencesDocumentationFiles=false -o "$dist/$rid"
  ls -l "$dist/$rid"
done
