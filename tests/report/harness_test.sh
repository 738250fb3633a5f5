#!/usr/bin/env bash
# Self-test of the report harness (render.sh + check_html.js): a good two-section page with
# SVG charts passes and its data-v values come out; a missing section, an empty svg, a
# malformed svg, an external script or image and a blank (white) page each fail naming it.
# Usage: harness_test.sh NODE
set -uo pipefail
export NODE=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-report-harness-XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=../cli/lib.sh
source "$here/../cli/lib.sh"
# shellcheck source-path=SCRIPTDIR source=render.sh
source "$here/render.sh"
command -v "$NODE" >/dev/null || { echo "node not found ($NODE): run scripts/install-deps.sh" >&2; exit 1; }

# page NAME [SUMMARY] [EQUITY_SVG] [EXTRA_BODY] [CSS]: writes $work/NAME.html, a report-like
# page with a summary table (data-k/data-v), an equity chart and a drawdown chart.
equity_svg='<svg width="600" height="200" viewBox="0 0 600 200"><title>equity</title>
<defs><clipPath id="c"><rect width="600" height="200"/></clipPath></defs>
<path d="M0,180 L100,150 L200,160 L300,90 L400,100 L500,40 L600,20" fill="none" stroke="#1f6fd0" stroke-width="3"/>
<text x="10" y="20" font-size="14">equity &#8364;</text></svg>'
drawdown_svg='<svg width="600" height="120"><g><rect x="0" y="0" width="600" height="60" fill="#d03030"/>
<polyline points="0,70 300,110 600,70" fill="none" stroke="#333"/></g></svg>'
summary='<section id="summary"><table><tr><td>Total return</td><td data-k="total_return" data-v="0.1234">12.34 %</td></tr>
<tr><td>Trades</td><td data-k="trades" data-v="17">17</td></tr>
<tr><td>Symbol</td><td data-k="symbol" data-v="BTC&amp;USDT">BTCUSDT</td></tr></table></section>'
page() {
  cat >"$work/$1.html" <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mtrader report</title>
<style>body{font-family:"DejaVu Sans",sans-serif;margin:20px;background:#fafafa}
td{padding:4px}${5:-}</style></head>
<body><h1>Backtest report</h1>
<!-- <svg><unclosed> in a comment is no svg -->
${2-$summary}
<section id="equity"><h2>Equity</h2>${3-$equity_svg}</section>
<section id="drawdown"><h2>Drawdown</h2>$drawdown_svg</section>
${4:-}
<div style="height:1500px"></div><p>end of the report</p>
</body></html>
EOF
}
checks=(--section summary --chart equity --chart drawdown)
# verdict NAME [dom|shot]... -- CHECK_OPTION...: checks $work/NAME.html with check_html.js,
# after rendering its DOM (dom) and a 1280x600 screenshot (shot) when asked; $out gets
# stdout + stderr, $rc the exit status.
verdict() {
  local name=$1 args=()
  shift
  while [[ $1 != -- ]]; do
    case $1 in
      dom) render_dom "$work/$name.html" "$work/$name.dom.html" || return 1
        args+=(--dom "$work/$name.dom.html") ;;
      shot) render_shot "$work/$name.html" "$work/$name.png" 1280x600 >/dev/null || return 1
        args+=(--png "$work/$name.png" --size 1280x600) ;;
    esac
    shift
  done
  shift
  out=$("$NODE" "$here/check_html.js" --html "$work/$name.html" "${args[@]}" "$@" 2>&1)
  rc=$?
}

# --- the good page passes, its values come out, the screenshot is the whole page ---
page good
out=$(render_check "$work/good.html" "${checks[@]}" --values "$work/values.json" 2>&1)
check "render.sh check: good page passes" is "$?" 0
check "good page: ok line" has "$out" "check_html: ok (2 svg, 1 sections, 2 charts, 3 values, 1280x"
check "good page: values" is "$(tr -d ' \n' <"$work/values.json")" \
  '{"total_return":0.1234,"trades":17,"symbol":"BTC&USDT"}'
out=$(bash "$here/render.sh" dom "$work/good.html" "$work/dom.html" 2>&1)
check "render.sh dom: exit 0" is "$?" 0
check "render.sh dom: the parsed DOM" has "$(<"$work/dom.html")" '<td data-k="trades" data-v="17">17</td>'
size=$(bash "$here/render.sh" shot "$work/good.html" "$work/full.png")
height=${size#1280x}
check "auto height covers the page (> 1500 px spacer)" test "$height" -gt 1700
check "auto height: the png is that tall" has "$(file "$work/full.png")" "1280 x $height"
printf '{"sections": ["summary"], "charts": ["equity", "drawdown"], "min_colours": 8}\n' >"$work/spec.json"
out=$("$NODE" "$here/check_html.js" --html "$work/good.html" --dom "$work/dom.html" \
  --png "$work/full.png" --size "$size" --spec "$work/spec.json" 2>&1)
check "good page passes with a spec file" is "$?" 0
check "spec file: its sections and charts" has "$out" "2 svg, 1 sections, 2 charts"
out=$("$NODE" "$here/check_html.js" --html "$work/good.html" --png "$work/full.png" --size 1280x400 2>&1)
check "wrong png size fails" has "$out" "FAIL screenshot: 1280x$height pixels, expected 1280x400"
# The decoder gives the exact colours: the background, and the drawdown's red bar (the first
# rows are filtered against the rows above, so a filter bug shows as a wrong colour).
pixels=$("$NODE" -e '
const { decodePng } = require(process.argv[1]);
const img = decodePng(require("fs").readFileSync(process.argv[2]));
const at = (x, y) => [...img.pixels.subarray((y * img.width + x) * img.channels,
  (y * img.width + x) * img.channels + 3)].map((v) => v.toString(16).padStart(2, "0")).join("");
let red = 0;
for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (at(x, y) === "d03030") red++;
console.log(at(5, 5), at(1275, img.height - 5), red);' "$here/check_html.js" "$work/full.png")
check "png decoded: background, background, 600x60 red pixels" is "$pixels" "fafafa fafafa 36000"

out=$(RENDER_SIZE=800x600 render_check "$work/good.html" "${checks[@]}" 2>&1)
check "RENDER_SIZE sets the size for render.sh check" has "$out" ", 800x600 png with"

# --- chromium failing or hanging: the command and its stderr are shown ---
printf '#!/bin/sh\necho "chromium says: no display" >&2\nexit 3\n' >"$work/badchromium"
printf '#!/bin/sh\nexec sleep 30\n' >"$work/slowchromium"
chmod +x "$work/badchromium" "$work/slowchromium"
out=$(CHROMIUM=$work/badchromium bash "$here/render.sh" dom "$work/good.html" "$work/x.html" 2>&1)
check "chromium failing: exit 1" is "$?" 1
check "chromium failing: the exit code" has "$out" "render: chromium failed (exit 3): chromium --dump-dom file://$work/good.html"
check "chromium failing: its stderr" has "$out" "chromium says: no display"
out=$(CHROMIUM=$work/slowchromium RENDER_TIMEOUT=1 bash "$here/render.sh" shot "$work/good.html" "$work/x.png" 100x100 2>&1)
check "chromium hanging: timed out" has "$out" "render: chromium failed (timed out after 1 s)"
out=$(bash "$here/render.sh" shot "$work/good.html" "$work/x.png" 100xabc 2>&1)
check "bad size refused" has "$out" "render: bad size '100xabc'"

# --- each kind of defect fails, naming it ---
page nosummary ''
verdict nosummary dom -- "${checks[@]}"
check "missing section fails" is "$rc" 1
check "missing section: named" has "$out" 'FAIL section "summary": no element with id="summary" in the rendered DOM'
page nochart "$summary" ''
verdict nochart dom -- "${checks[@]}"
check "missing chart svg: named" has "$out" 'FAIL chart section "equity": no <svg> in it'

page empty "$summary" '<svg width="600" height="200"><defs><rect width="10" height="10"/></defs><path d="M10 10"/><rect width="0" height="5"/><line x1="3" y1="3" x2="3" y2="3"/><polyline points="5,5 5,5"/></svg>'
verdict empty dom -- "${checks[@]}"
check "empty svg fails" is "$rc" 1
check "empty svg: named" has "$out" 'FAIL chart section "equity": svg #1 draws nothing'
check "empty svg: only that one" lacks "$out" 'drawdown'

page unclosed "$summary" '<svg width="600" height="200"><path d="M0 0 L10 10"></svg>'
verdict unclosed --
check "unclosed tag in svg fails" is "$rc" 1
check "unclosed tag: svg index, line, xmllint's message" has "$out" \
  'FAIL svg #1 (line 10) of the html is not well-formed XML: svg line 1: parser error : Opening and ending tag mismatch: path line 1 and svg'
page badattr "$summary" '<svg width=600 height="200"><path d="M0 0 L10 10"/></svg>'
verdict badattr --
msg="FAIL svg #1 (line 10) of the html is not well-formed XML: svg line 1: parser error : AttValue: \" or ' expected"
check "unquoted attribute fails" has "$out" "$msg"
page xlink "$summary" '<svg width="600" height="200"><path id="p" d="M0 0 L10 10"/><use xlink:href="#p"/></svg>'
verdict xlink --
check "undeclared namespace prefix fails" has "$out" 'namespace error : Namespace prefix xlink for href on use is not defined'
check "the good svgs pass" lacks "$out" 'svg #2'

page script "$summary" "$equity_svg" '<script src="https://example.com/a.js"></script>'
verdict script --
check "external script fails" is "$rc" 1
check "external script: the element" has "$out" 'FAIL <script> at line 16: a <script> (the report must have none)'
check "external script: the url" has "$out" 'FAIL <script> at line 16: external resource src="https://example.com/a.js"'
page image "$summary" "$equity_svg" '<img src="logo.png" alt="logo"><a href="http://example.com/">x</a>'
verdict image --
check "external image fails" has "$out" 'FAIL <img> at line 16: external resource src="logo.png"'
check "external link fails" has "$out" 'FAIL <a> at line 16: external resource href="http://example.com/"'
page cssurl "$summary" "$equity_svg" '<p style="background:url(http://example.com/b.png)">b</p><div onclick="x()"></div>' \
  '@import "theme.css";'
verdict cssurl --
check "css url() fails" has "$out" 'FAIL <p> at line 16 style=: external resource url(http://example.com/b.png)'
check "css @import fails" has "$out" 'FAIL <style> at line 3: @import'
check "event handler fails" has "$out" 'FAIL <div> at line 16: event handler onclick= (a script)'

page blank "$summary" "$equity_svg" "" 'body{visibility:hidden;background:#fff}'
verdict blank dom shot -- "${checks[@]}"
check "blank page fails" is "$rc" 1
check "blank page: one colour" has "$out" 'FAIL screenshot: blank page? 1 distinct colour(s), expected at least 4'
check "blank page: no ink" has "$out" 'FAIL screenshot: blank page? 0.000% of pixels differ from the background'
check "blank page: the DOM checks pass" lacks "$out" 'section "'

# --- no network: a page asking a loopback HTTP server for an image, a style sheet and a
# fetch() gets nothing to it (the server logs every request; the control request shows it does)
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work" >"$work/http.log" 2>&1 &
http_pid=$!
for _ in $(seq 100); do grep -q '^Serving HTTP' "$work/http.log" && break; sleep 0.1; done
port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\).*/\1/p' "$work/http.log")
printf '<html><body><img src="http://127.0.0.1:%s/i.png"><img src="http://localhost:%s/j.png">
<link rel="stylesheet" href="http://127.0.0.1:%s/s.css"><script>fetch("http://127.0.0.1:%s/f")</script>
</body></html>\n' "$port" "$port" "$port" "$port" >"$work/net.html"
render_dom "$work/net.html" "$work/net.dom.html"
render_shot "$work/net.html" "$work/net.png" 400x300 >/dev/null
exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /control HTTP/1.0\r\n\r\n' >&3 && cat <&3 >/dev/null
exec 3<&-
kill "$http_pid"
wait "$http_pid" 2>/dev/null
check "no network: the server got only the control request" \
  is "$(grep -o '"GET [^ ]*' "$work/http.log" | tr '\n' ' ')" '"GET /control '

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
