#!/usr/bin/env node
// Checks a self-contained HTML report and its rendering by Chromium (tests/report/render.sh).
// Usage: node check_html.js --html FILE.html [--dom DOM.html] [--png SHOT.png] [--size WxH]
//          [--spec SPEC.json] [--section ID]... [--chart ID]... [--min-colours N]
//          [--min-ink FRACTION] [--values OUT.json]
// FILE.html (the original):  every inline <svg>...</svg> is well-formed XML (xmllint), and
//   nothing loads from outside: no <script>, no on* handler, no src/href/srcset/... other than
//   "#fragment" or data:, no CSS url(...) other than those, no @import.
// DOM.html (render.sh dom):  every --section ID is an element id; every --chart ID is one too,
//   holds at least one <svg> and each of its <svg>s draws something (a path with a line or
//   curve, a rect / circle / ellipse / line / polyline / polygon of positive size, outside
//   <defs>, <clipPath>, ...); --values OUT.json gets {data-k: data-v} of every element with
//   both attributes (numbers as JSON numbers; one key with two different values fails).
// SHOT.png (render.sh shot): --size WxH exactly, at least --min-colours distinct colours
//   (default 4) and a fraction --min-ink (default 0.002) of pixels unlike the commonest colour.
// SPEC.json may hold {"sections": [ID...], "charts": [ID...], "size": "WxH",
//   "min_colours": N, "min_ink": F}; options add to (sections, charts) or override it.
// Prints "check_html: ok (...)" and exits 0, or one "check_html: FAIL ..." line per failed
// check and exits 1 (2 for bad usage or unreadable input).
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const { spawnSync } = require('child_process');

const failures = [];
const fail = (msg) => failures.push(msg);
function usage(msg) {
  process.stderr.write(`check_html: ${msg}\n`);
  process.exit(2);
}

// ---- arguments ----
function parseArgs(argv) {
  const o = { sections: [], charts: [] };
  const single = { '--html': 'html', '--dom': 'dom', '--png': 'png', '--size': 'size',
    '--spec': 'spec', '--min-colours': 'min_colours', '--min-ink': 'min_ink',
    '--values': 'values' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (i + 1 >= argv.length) usage(`${a}: missing value`);
    const v = argv[++i];
    if (a === '--section') o.sections.push(v);
    else if (a === '--chart') o.charts.push(v);
    else if (single[a]) o[single[a]] = v;
    else usage(`unknown option ${a}`);
  }
  if (!o.html) usage('--html FILE.html is required');
  if (o.spec) {
    let spec;
    try { spec = JSON.parse(fs.readFileSync(o.spec, 'utf8')); } catch (e) {
      usage(`spec ${o.spec}: ${e.message}`);
    }
    for (const k of Object.keys(spec)) {
      if (!['sections', 'charts', 'size', 'min_colours', 'min_ink'].includes(k)) {
        usage(`spec ${o.spec}: unknown key "${k}"`);
      }
    }
    o.sections = (spec.sections || []).concat(o.sections);
    o.charts = (spec.charts || []).concat(o.charts);
    for (const k of ['size', 'min_colours', 'min_ink']) {
      if (o[k] === undefined && spec[k] !== undefined) o[k] = String(spec[k]);
    }
  }
  if ((o.sections.length || o.charts.length || o.values) && !o.dom) {
    usage('--section, --chart and --values need --dom DOM.html');
  }
  if (o.png && !o.size) usage('--png needs --size WxH (render.sh shot prints it)');
  o.min_colours = o.min_colours === undefined ? 4 : Number(o.min_colours);
  o.min_ink = o.min_ink === undefined ? 0.002 : Number(o.min_ink);
  if (!Number.isInteger(o.min_colours) || o.min_colours < 1) usage('bad --min-colours');
  if (!(o.min_ink >= 0 && o.min_ink < 1)) usage('bad --min-ink');
  return o;
}

function readText(path) {
  try { return fs.readFileSync(path, 'utf8'); } catch (e) { usage(`${path}: ${e.message}`); }
}

// ---- a small HTML tokenizer and tree (enough for Chromium's serialized DOM) ----
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link',
  'meta', 'param', 'source', 'track', 'wbr']);
const RAW = new Set(['script', 'style', 'textarea', 'title']);

function lineAt(text, pos) {
  let n = 1;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? all;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

function parseAttrs(s) {
  const attrs = {};
  const re = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let m;
  while ((m = re.exec(s))) {
    const name = m[1].toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

// parseHtml(text): the root of a tree of {tag, attrs, children, parent, line}; text is ignored
// except in raw-text elements, whose content is kept as node.text.
function parseHtml(text) {
  const root = { tag: '#root', attrs: {}, children: [], parent: null, line: 1 };
  let cur = root;
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\/([a-zA-Z][^\s>]*)\s*>|<([a-zA-Z][^\s\/>]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
  let m;
  while ((m = re.exec(text))) {
    if (m[1]) {
      const tag = m[1].toLowerCase();
      let n = cur;
      while (n !== root && n.tag !== tag) n = n.parent;
      if (n !== root) cur = n.parent;
      continue;
    }
    if (!m[2]) continue;
    const tag = m[2].toLowerCase();
    const node = { tag, attrs: parseAttrs(m[3]), children: [], parent: cur,
      line: lineAt(text, m.index) };
    cur.children.push(node);
    if (m[4] || VOID.has(tag)) continue;
    if (RAW.has(tag)) {
      const end = text.toLowerCase().indexOf(`</${tag}`, re.lastIndex);
      node.text = text.slice(re.lastIndex, end < 0 ? text.length : end);
      re.lastIndex = end < 0 ? text.length : end;
      continue;
    }
    cur = node;
  }
  return root;
}

function* walk(node) {
  for (const c of node.children) {
    yield c;
    yield* walk(c);
  }
}

// ---- the original file: inline SVGs well-formed, no external resources ----

// svgSources(text): [{src, line}] of every outermost <svg>...</svg> (nested ones included in it).
function svgSources(text) {
  const out = [];
  const re = /<svg[\s>\/]|<\/svg\s*>/gi;
  let depth = 0, start = 0, m;
  while ((m = re.exec(text))) {
    if (m[0][1] !== '/') {
      if (depth++ === 0) start = m.index;
    } else if (depth > 0 && --depth === 0) {
      out.push({ src: text.slice(start, re.lastIndex), line: lineAt(text, start) });
    }
  }
  if (depth > 0) out.push({ src: text.slice(start), line: lineAt(text, start), unclosed: true });
  return out;
}

function checkSvgXml(text) {
  // Comments go (newlines kept, for the line numbers): an <svg> in one is no svg.
  const svgs = svgSources(text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' ')));
  svgs.forEach((s, i) => {
    const where = `svg #${i + 1} (line ${s.line}) of the html`;
    if (s.unclosed) {
      fail(`${where}: no closing </svg>`);
      return;
    }
    const r = spawnSync('xmllint', ['--noout', '--nonet', '-'], { input: s.src, encoding: 'utf8' });
    if (r.error) usage(`xmllint: ${r.error.message} (scripts/install-deps.sh installs libxml2-utils)`);
    if (r.status !== 0 || r.stderr.trim() !== '') {
      const first = r.stderr.split('\n').find((l) => /error/.test(l)) || r.stderr.split('\n')[0];
      fail(`${where} is not well-formed XML: ${first.replace(/^-:/, 'svg line ')}`);
    }
  });
  return svgs.length;
}

const URL_ATTRS = ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action',
  'formaction', 'background', 'manifest', 'ping', 'icon', 'codebase', 'longdesc'];
const localRef = (v) => /^\s*(#|data:)/i.test(v);

function checkCssUrls(css, where) {
  const re = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\)/gi;
  let m;
  while ((m = re.exec(css))) {
    const u = m[1] ?? m[2] ?? m[3];
    if (!localRef(u)) fail(`${where}: external resource url(${u.trim()})`);
  }
  if (/@import/i.test(css)) fail(`${where}: @import`);
}

function checkResources(tree) {
  for (const n of walk(tree)) {
    const where = `<${n.tag}> at line ${n.line}`;
    if (n.tag === 'script') fail(`${where}: a <script> (the report must have none)`);
    if (['iframe', 'object', 'embed', 'frame', 'applet', 'base'].includes(n.tag)) {
      fail(`${where}: a <${n.tag}> element (it loads or redirects resources)`);
    }
    for (const [k, v] of Object.entries(n.attrs)) {
      if (k.startsWith('on')) fail(`${where}: event handler ${k}= (a script)`);
      if (URL_ATTRS.includes(k) && !localRef(v)) fail(`${where}: external resource ${k}="${v}"`);
      if (k === 'style') checkCssUrls(v, `${where} style=`);
    }
    if (n.tag === 'style') checkCssUrls(n.text, `${where}`);
    if (n.tag === 'meta' && (n.attrs['http-equiv'] || '').toLowerCase() === 'refresh') {
      fail(`${where}: <meta http-equiv="refresh">`);
    }
  }
}

// ---- the DOM: sections, charts, values ----
const NOT_DRAWN = new Set(['defs', 'clippath', 'mask', 'pattern', 'symbol', 'marker',
  'lineargradient', 'radialgradient', 'filter', 'title', 'desc', 'metadata']);
const num = (v) => (v === undefined || v === '' ? NaN : parseFloat(v));

function pointsDistinct(list) {
  const p = (list.match(/-?[\d.]+(?:e[-+]?\d+)?/gi) || []).map(Number);
  for (let i = 2; i + 1 < p.length; i += 2) {
    if (p[i] !== p[0] || p[i + 1] !== p[1]) return true;
  }
  return false;
}

// pathDraws(d): whether the path data d has a segment (a line or curve command, or a moveto
// with more than one point, the rest being implicit linetos).
function pathDraws(d) {
  const segs = d.match(/[a-zA-Z][^a-zA-Z]*/g) || [];
  return segs.some((seg) => {
    const n = (seg.match(/-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/gi) || []).length;
    return /^[mM]/.test(seg) ? n >= 4 : /^[lhvcsqta]/i.test(seg) && n >= 1;
  });
}

// draws(el): whether the SVG shape el has a visible extent.
function draws(el) {
  const a = el.attrs;
  if (a.display === 'none' || a.visibility === 'hidden') return false;
  switch (el.tag) {
    case 'path': return pathDraws(a.d || '');
    case 'rect': return num(a.width) > 0 && num(a.height) > 0;
    case 'circle': return num(a.r) > 0;
    case 'ellipse': return num(a.rx) > 0 && num(a.ry) > 0;
    case 'line': return (num(a.x1) || 0) !== (num(a.x2) || 0) || (num(a.y1) || 0) !== (num(a.y2) || 0);
    case 'polyline': case 'polygon': return pointsDistinct(a.points || '');
    default: return false;
  }
}

function svgDraws(svg) {
  const visit = (n) => n.children.some((c) => !NOT_DRAWN.has(c.tag) && (draws(c) || visit(c)));
  return visit(svg);
}

function checkDom(tree, o) {
  const byId = new Map(), twice = new Set();
  for (const n of walk(tree)) {
    const id = n.attrs.id;
    if (id === undefined) continue;
    if (byId.has(id)) twice.add(id);
    else byId.set(id, n);
  }
  for (const id of o.sections) {
    if (!byId.has(id)) fail(`section "${id}": no element with id="${id}" in the rendered DOM`);
  }
  for (const id of new Set(o.sections.concat(o.charts))) {
    if (twice.has(id)) fail(`section "${id}": more than one element with id="${id}"`);
  }
  for (const id of o.charts) {
    const sec = byId.get(id);
    if (!sec) {
      fail(`chart section "${id}": no element with id="${id}" in the rendered DOM`);
      continue;
    }
    const svgs = sec.tag === 'svg' ? [sec]
      : [...walk(sec)].filter((n) => n.tag === 'svg' && !hasSvgAncestor(n.parent, sec));
    if (!svgs.length) fail(`chart section "${id}": no <svg> in it`);
    svgs.forEach((s, i) => {
      if (!svgDraws(s)) {
        fail(`chart section "${id}": svg #${i + 1} draws nothing (no path with a line or curve, ` +
          'no shape of positive size)');
      }
    });
  }
  if (o.values) {
    const values = {};
    for (const n of walk(tree)) {
      const k = n.attrs['data-k'], v = n.attrs['data-v'];
      if (k === undefined || v === undefined) continue;
      const val = /^\s*-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(v) ? Number(v) : v;
      if (k in values && values[k] !== val) {
        fail(`value "${k}": two different data-v, "${values[k]}" and "${v}" (line ${n.line} of the DOM)`);
      }
      values[k] = val;
    }
    fs.writeFileSync(o.values, JSON.stringify(values, null, 1) + '\n');
    return Object.keys(values).length;
  }
  return 0;
}

function hasSvgAncestor(n, stop) {
  for (; n && n !== stop; n = n.parent) if (n.tag === 'svg') return true;
  return false;
}

// ---- the screenshot ----

// decodePng(buf): {width, height, channels, pixels} of an 8-bit, non-interlaced grey, RGB,
// grey+alpha or RGBA PNG (what Chromium writes); throws on anything else.
function decodePng(buf) {
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(sig)) throw new Error('not a PNG file');
  let pos = 8, ihdr = null;
  const idat = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) throw new Error(`truncated ${type} chunk`);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!ihdr) throw new Error('no IHDR chunk');
  const width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4);
  const depth = ihdr[8], ctype = ihdr[9], interlace = ihdr[12];
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[ctype];
  if (depth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG (bit depth ${depth}, colour type ${ctype}, interlace ${interlace})`);
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error('image data of the wrong size');
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[dst + x - channels] : 0;
      const b = y > 0 ? px[dst - stride + x] : 0;
      const c = x >= channels && y > 0 ? px[dst - stride + x - channels] : 0;
      let pred;
      switch (f) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad filter type ${f} on row ${y}`);
      }
      px[dst + x] = (raw[src + x] + pred) & 255;
    }
  }
  return { width, height, channels, pixels: px };
}

function checkPng(o) {
  let img;
  try { img = decodePng(fs.readFileSync(o.png)); } catch (e) {
    fail(`screenshot ${o.png}: ${e.message}`);
    return '';
  }
  const m = /^(\d+)x(\d+)$/.exec(o.size);
  if (!m) usage(`bad --size ${o.size} (WIDTHxHEIGHT)`);
  if (img.width !== Number(m[1]) || img.height !== Number(m[2])) {
    fail(`screenshot: ${img.width}x${img.height} pixels, expected ${o.size}`);
  }
  const counts = new Map();
  const { pixels: p, channels: ch } = img;
  for (let i = 0; i < p.length; i += ch) {
    let key = 0;
    for (let j = 0; j < ch; j++) key = key * 256 + p[i + j];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const total = img.width * img.height;
  const background = Math.max(...counts.values());
  const ink = total ? (total - background) / total : 0;
  if (counts.size < o.min_colours) {
    fail(`screenshot: blank page? ${counts.size} distinct colour(s), expected at least ${o.min_colours}`);
  }
  if (ink < o.min_ink) {
    fail(`screenshot: blank page? ${(ink * 100).toFixed(3)}% of pixels differ from the background, ` +
      `expected at least ${(o.min_ink * 100).toFixed(3)}%`);
  }
  return `, ${img.width}x${img.height} png with ${counts.size} colours, ${(ink * 100).toFixed(1)}% ink`;
}

// ---- main ----
function main() {
  const o = parseArgs(process.argv.slice(2));
  const html = readText(o.html);
  const nsvg = checkSvgXml(html);
  checkResources(parseHtml(html));
  let summary = `${nsvg} svg, ${o.sections.length} sections, ${o.charts.length} charts`;
  if (o.dom) {
    const nvalues = checkDom(parseHtml(readText(o.dom)), o);
    if (o.values) summary += `, ${nvalues} values`;
  }
  if (o.png) summary += checkPng(o);
  if (failures.length) {
    for (const f of failures) process.stderr.write(`check_html: FAIL ${f}\n`);
    process.exit(1);
  }
  process.stdout.write(`check_html: ok (${summary})\n`);
}

// Run as a program; required as a module (by harness_test.sh), it gives decodePng.
if (require.main === module) main();
else module.exports = { decodePng };
