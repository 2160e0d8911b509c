#!/bin/sh
# Renders the HTML volunteer service certificate (志愿服务记录证明) with a headless browser and checks
# that it is one A4 page: `timebank certificate issue m03 --format html` on the demo ledger, printed
# to PDF (`pdfinfo` must say 1 page of A4) and screenshotted to PNG at 794x1123 px (A4 at 96 dpi).
#
# Usage: Tests/certificate-render.sh [OUT_DIR]
#   OUT_DIR keeps certificate.html, certificate.pdf and certificate.png (default: a new temp dir).
#   TIMEBANK_BIN=path   use this binary instead of building with `swift build`.
#   NO_INSTALL=1        never try `apt-get install` (by default, as root on Debian, the script
#                       installs chromium, poppler-utils and fonts-noto-cjk when they are missing).
# Exit 0 when the page checks out, or with "skipped: no headless browser" when none can be had;
# 1 when a check fails.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/timebank-certificate.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }

can_install() {
  [ "${NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

install_packages() {
  can_install || return 1
  echo "installing $* (apt-get; set NO_INSTALL=1 to skip)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; }
}

find_chromium() {
  for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}

# The browser: chromium (screenshot and PDF), else wkhtmltoimage (screenshot only).
browser=$(find_chromium || true)
if [ -z "$browser" ] && ! command -v wkhtmltoimage >/dev/null 2>&1; then
  install_packages chromium || true
  browser=$(find_chromium || true)
fi
if [ -z "$browser" ] && ! command -v wkhtmltoimage >/dev/null 2>&1; then
  echo "skipped: no headless browser"
  exit 0
fi
# Chinese needs a CJK font, or it renders as boxes.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
  install_packages fonts-noto-cjk || true
  [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ] \
    || fail "no Chinese font (install fonts-noto-cjk): the certificate would show boxes"
fi

# The certificate: the demo ledger, member m03, issued at a fixed time.
if [ -n "${TIMEBANK_BIN:-}" ]; then
  bin=$TIMEBANK_BIN
else
  (cd "$here" && swift build --product timebank >/dev/null) || fail "swift build failed"
  bin="$(cd "$here" && swift build --show-bin-path)/timebank"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/timebank-certificate-log.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$bin" demo --out "$work/demo.jsonl" >/dev/null || fail "timebank demo failed"
TIMEBANK_NOW=2025-07-01T10:00:00+08:00 "$bin" certificate issue m03 --format html \
  --log "$work/demo.jsonl" >"$out/certificate.html" || fail "timebank certificate issue failed"
html="$out/certificate.html"

# Self-contained: UTF-8, A4, the seal area, and nothing fetched from elsewhere.
grep -q '<meta charset="utf-8">' "$html" || fail "no UTF-8 meta in $html"
grep -q '@page { size: A4; margin: 20mm; }' "$html" || fail "no A4 @page rule in $html"
grep -q '（盖章）' "$html" || fail "no seal area (盖章) in $html"
grep -q '<table class="activities">' "$html" || fail "no table of activities in $html"
if grep -Eiq '(src|href)=|url\(|@import|<link|<script' "$html"; then
  fail "$html refers to an external resource or runs a script"
fi

# PNG size from its IHDR chunk: width and height are big-endian at bytes 16-19 and 20-23.
png_size() {
  od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", $1*16777216+$2*65536+$3*256+$4, \
    $5*16777216+$6*65536+$7*256+$8 }'
}

png="$out/certificate.png"
if [ -n "$browser" ]; then
  flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
  # shellcheck disable=SC2086
  "$browser" $flags --window-size=794,1123 --screenshot="$png" "file://$html" >/dev/null 2>&1 \
    || fail "$browser could not take a screenshot"
  pdf="$out/certificate.pdf"
  # shellcheck disable=SC2086
  "$browser" $flags --no-pdf-header-footer --print-to-pdf="$pdf" "file://$html" >/dev/null 2>&1 \
    || fail "$browser could not print to PDF"
  [ -s "$pdf" ] || fail "no PDF written"
  if ! command -v pdfinfo >/dev/null 2>&1; then install_packages poppler-utils || true; fi
  if command -v pdfinfo >/dev/null 2>&1; then
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
    size=$(pdfinfo "$pdf" | awk '/^Page size:/ { print $3 " x " $5 }')
  else
    # Without poppler: count the page objects (Skia writes them uncompressed).
    pages=$(grep -a -c '/Type /Page$\|/Type /Page\b[^s]' "$pdf" || true)
    size="595.28 x 841.89 (not checked: no pdfinfo)"
  fi
  [ "$pages" = 1 ] || fail "the certificate prints on $pages pages, not 1 ($pdf)"
  # A4 is 595.28 x 841.89 pt; allow the rounding of a PDF writer that works in other units.
  case "$size" in
    59[456]*" x "84[12]*) ;;
    *) fail "the page is $size pts, not A4 (595.28 x 841.89)" ;;
  esac
  echo "pdf: $pdf: $pages page, $size pts (A4)"
else
  # wkhtmltoimage renders the whole document: its height must fit one A4 page at 96 dpi.
  wkhtmltoimage --quiet --width 794 --encoding utf-8 "$html" "$png" || fail "wkhtmltoimage failed"
fi
[ -s "$png" ] || fail "no PNG written"
set -- $(png_size "$png")
[ "$1" = 794 ] || fail "the PNG is $1 px wide, not 794"
[ "$2" -le 1123 ] || fail "the page is $2 px tall: more than one A4 page (1123 px at 96 dpi)"
echo "png: $png: ${1}x${2} px"
echo "ok: the certificate is one A4 page"
