#!/usr/bin/env bash
# Renders a self-contained HTML file in headless Chromium (Debian's `chromium`), offline.
# As a command:
#   render.sh dom FILE.html OUT.html             the DOM after parsing (chromium --dump-dom)
#   render.sh shot FILE.html OUT.png [WxH]       a screenshot, W x H pixels; H may be `auto`
#                                                (the default is 1280xauto): the page's full
#                                                height at width W, measured first. Prints WxH.
#   render.sh check FILE.html [CHECK_OPTION...]  dom + shot (of $RENDER_SIZE, default 1280xauto)
#                                                into a temp folder, then check_html.js --html
#                                                FILE --dom --png --size and the given options
#                                                (--spec, --values, ...); its exit status
# Sourced, it defines render_dom, render_shot and render_check with the same arguments.
# Every run gets a fresh --user-data-dir (removed afterwards), a proxy on a closed loopback
# port and a host resolver that resolves nothing (no network), and a timeout of
# $RENDER_TIMEOUT seconds (default 60). Chromium's stderr goes to a log that is printed when
# the run fails (its dbus errors are harmless). $CHROMIUM and $NODE override the programs.

render_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# render_chromium LOG ARG...: runs chromium offline with ARG... (stdout is chromium's),
# stderr into LOG; on failure prints LOG and returns 1.
render_chromium() {
  local log=$1 profile rc
  shift
  local chromium=${CHROMIUM:-chromium}
  if ! command -v "$chromium" >/dev/null 2>&1; then
    echo "render: $chromium not found; run scripts/install-deps.sh" >&2
    return 1
  fi
  profile=$(mktemp -d "${TMPDIR:-/tmp}/mt-chromium.XXXXXX") || return 1
  timeout "${RENDER_TIMEOUT:-60}" "$chromium" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$profile" --no-first-run --no-default-browser-check \
    --disable-extensions --disable-crash-reporter --disable-breakpad \
    --disable-background-networking --disable-component-update --disable-sync \
    --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
    --host-resolver-rules='MAP * ~NOTFOUND' \
    --force-device-scale-factor=1 --hide-scrollbars "$@" 2>"$log"
  rc=$?
  rm -rf "$profile"
  if ((rc != 0)); then
    local why="exit $rc"
    ((rc == 124)) && why="timed out after ${RENDER_TIMEOUT:-60} s"
    echo "render: chromium failed ($why): chromium $*" >&2
    cat "$log" >&2
    return 1
  fi
}

# render_url FILE: the file:// URL of FILE (which must exist).
render_url() {
  if [[ ! -f $1 ]]; then
    echo "render: no such file: $1" >&2
    return 1
  fi
  local abs
  abs=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  printf 'file://%s' "$abs"
}

# render_dom FILE.html OUT.html: writes the DOM Chromium built from FILE.html to OUT.html.
render_dom() {
  local url
  url=$(render_url "$1") || return 1
  render_chromium "$2.log" --dump-dom "$url" >"$2" || return 1
  if [[ ! -s $2 ]]; then
    echo "render: chromium dumped an empty DOM for $1" >&2
    cat "$2.log" >&2
    return 1
  fi
  rm -f "$2.log"
}

# render_height FILE.html WIDTH: prints the page's full height in pixels at WIDTH, measured
# by a copy of the page with a script appended (the page itself is never changed).
render_height() {
  local tmp url height
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mt-render.XXXXXX") || return 1
  cp "$1" "$tmp/page.html" || { rm -rf "$tmp"; return 1; }
  printf '%s\n' '<script>document.documentElement.setAttribute("data-mt-height",' \
    'String(Math.ceil(Math.max(document.documentElement.scrollHeight,' \
    'document.body ? document.body.scrollHeight : 0))))</script>' >>"$tmp/page.html"
  url=$(render_url "$tmp/page.html") &&
    render_chromium "$tmp/log" --window-size="$2,600" --dump-dom "$url" >"$tmp/dom.html" &&
    height=$(grep -o 'data-mt-height="[0-9]*"' "$tmp/dom.html" | head -n 1 | grep -o '[0-9][0-9]*')
  local rc=$?
  rm -rf "$tmp"
  if ((rc != 0)) || [[ -z $height ]]; then
    echo "render: could not measure the height of $1" >&2
    return 1
  fi
  echo "$height"
}

# render_shot FILE.html OUT.png [WxH]: screenshots FILE.html at W x H pixels (H `auto`: the
# page's full height at width W); prints the size used, WxH.
render_shot() {
  local size=${3:-1280xauto} width height url
  if [[ ! $size =~ ^([0-9]+)x([0-9]+|auto)$ ]]; then
    echo "render: bad size '$size' (WIDTHxHEIGHT, HEIGHT a number or auto)" >&2
    return 1
  fi
  width=${BASH_REMATCH[1]}
  height=${BASH_REMATCH[2]}
  url=$(render_url "$1") || return 1
  if [[ $height == auto ]]; then
    height=$(render_height "$1" "$width") || return 1
  fi
  local out
  out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
  rm -f "$out"
  render_chromium "$out.log" --window-size="$width,$height" --screenshot="$out" "$url" \
    >/dev/null || return 1
  if [[ ! -s $out ]]; then
    echo "render: chromium wrote no screenshot $out" >&2
    cat "$out.log" >&2
    return 1
  fi
  rm -f "$out.log"
  echo "${width}x${height}"
}

# render_check FILE.html [CHECK_OPTION...]: renders FILE.html (its DOM and a screenshot of
# $RENDER_SIZE, default 1280xauto) and runs check_html.js on them with CHECK_OPTION...; its
# exit status.
render_check() {
  local file=$1 tmp size rc
  shift
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mt-render.XXXXXX") || return 1
  if render_dom "$file" "$tmp/dom.html" && size=$(render_shot "$file" "$tmp/shot.png" "${RENDER_SIZE:-}"); then
    "${NODE:-node}" "$render_here/check_html.js" --html "$file" --dom "$tmp/dom.html" \
      --png "$tmp/shot.png" --size "$size" "$@"
    rc=$?
  else
    rc=1
  fi
  rm -rf "$tmp"
  return "$rc"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case ${1:-} in
    dom) (($# == 3)) || { echo "usage: render.sh dom FILE.html OUT.html" >&2; exit 2; }
      render_dom "$2" "$3" ;;
    shot) (($# == 3 || $# == 4)) || { echo "usage: render.sh shot FILE.html OUT.png [WxH]" >&2; exit 2; }
      render_shot "$2" "$3" "${4:-}" ;;
    check) (($# >= 2)) || { echo "usage: render.sh check FILE.html [CHECK_OPTION...]" >&2; exit 2; }
      shift
      render_check "$@" ;;
    *) echo "usage: render.sh dom|shot|check FILE.html ..." >&2
      exit 2 ;;
  esac
fi
