#!/bin/sh
# Copy the front-end files the templates load from node_modules/ into static/vendor/.
# Run after `npm ci` (make assets does both). Idempotent: copies only what changed.
set -eu
cd "$(dirname "$0")/.."

dest=static/vendor
mkdir -p "$dest"

copy() {
    src=$1
    if [ ! -f "$src" ]; then
        echo "vendor.sh: $src introuvable — lancez d'abord « npm ci » (ou « make assets »)." >&2
        exit 1
    fi
    target="$dest/$(basename "$src")"
    if ! cmp -s "$src" "$target" 2>/dev/null; then
        cp "$src" "$target"
        echo "vendor.sh: $target"
    fi
}

copy node_modules/htmx.org/dist/htmx.min.js
copy node_modules/bootstrap/dist/css/bootstrap.min.css
copy node_modules/bootstrap/dist/css/bootstrap.min.css.map
