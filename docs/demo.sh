#!/usr/bin/env bash
# The end-to-end demo run by `make demo`: scaffold the USIMS Student Backpack sample project,
# validate it, render its sample district, and build its packages. Everything lands in demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=demo
rm -rf "$demo"
mkdir -p "$demo"

echo "* psplugin init $demo/project"
psplugin -q init "$demo/project"

echo "* psplugin validate $demo/project"
psplugin validate "$demo/project"

echo "* psplugin render $demo/project --district sample --out $demo/rendered/sample"
psplugin render "$demo/project" --district sample --out "$demo/rendered/sample"

echo
echo "The sample project:        $demo/project/psplugin.yaml, $demo/project/districts/sample.yaml"
echo "The rendered plugin:       $demo/rendered/sample/plugin/"
echo "Its Data Exchange profile: $demo/rendered/sample/data-exchange.json"
find "$demo/rendered/sample" -type f | sort | sed 's/^/  /'
