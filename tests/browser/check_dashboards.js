#!/usr/bin/env node
/*
 * Drives Debian's headless Chromium over the DevTools protocol (--remote-debugging-pipe: JSON
 * messages ending in NUL on fds 3 and 4; no npm packages) through the pages of a running
 * `mdp serve`, and checks what a person would see:
 *   - no console errors or uncaught exceptions;
 *   - every chart has rendered marks (SVG paths) and every series has data;
 *   - every BigValue shows a formatted number;
 *   - no error or warning box;
 *   - changing a dropdown loads the page for that choice, and its first chart's data changes;
 *   - an input value that is not an option is refused (400);
 *   - on a phone in dark mode: no sideways scrolling, a dark background, charts drawn.
 * Screenshots go to OUTDIR/PAGE.png.
 *
 * With --problems PAGE, a page with a failing query and an unknown component: both shown in
 * visible boxes, its other charts still drawn, no console errors.
 *
 * usage: node check_dashboards.js BASE_URL OUTDIR PAGE... [--dropdown PAGE] [--problems PAGE]
 * Prints one line per check; exits 1 when a check fails.
 */
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");

const args = process.argv.slice(2);
const base = args.shift();
const outdir = args.shift();
let dropdownPage = null, problemPage = null;
const pages = [];
while (args.length) {
  const a = args.shift();
  if (a === "--dropdown") dropdownPage = args.shift();
  else if (a === "--problems") problemPage = args.shift();
  else pages.push(a);
}
fs.mkdirSync(outdir, { recursive: true });

let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? "ok" : "FAIL"} ${what}${!ok && detail ? ": " + detail : ""}`);
  if (!ok) failures++;
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "mdp-chromium-"));
const browser = spawn(process.env.CHROMIUM || "chromium", [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
  "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
  `--user-data-dir=${profile}`, "--remote-debugging-pipe", "about:blank",
], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
let stderr = "";
browser.stderr.on("data", (d) => { stderr += d; });
browser.on("error", (e) => { console.log(`FAIL cannot start chromium: ${e.message}`); process.exit(1); });

const toBrowser = browser.stdio[3], fromBrowser = browser.stdio[4];
let nextId = 1, buffered = "";
const waiting = new Map(), listeners = [];
fromBrowser.on("data", (chunk) => {
  buffered += chunk.toString("utf8");
  let end;
  while ((end = buffered.indexOf("\0")) >= 0) {
    const msg = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(`${msg.error.message}`));
      else resolve(msg.result);
    } else if (msg.method) {
      listeners.forEach((l) => l(msg));
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const msg = { id, method, params };
  if (sessionId) msg.sessionId = sessionId;
  toBrowser.write(JSON.stringify(msg) + "\0");
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}
function once(method, sessionId, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
    const l = (msg) => {
      if (msg.method === method && msg.sessionId === sessionId) {
        clearTimeout(timer);
        listeners.splice(listeners.indexOf(l), 1);
        resolve(msg.params);
      }
    };
    listeners.push(l);
  });
}
function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode, body }));
    }).on("error", reject);
  });
}

/* What the page shows, read in the page. */
const inspect = `(() => {
  const charts = Array.from(document.querySelectorAll("div.chart")).map((el) => {
    const inst = window.echarts && echarts.getInstanceByDom(el);
    const series = inst ? inst.getOption().series : [];
    return {
      id: el.id,
      marks: el.querySelectorAll("svg path").length,
      series: series.length,
      withData: series.filter((s) => (s.data || []).some((v) => v !== null && v !== undefined)).length,
      data: JSON.stringify(series.map((s) => s.data)),
    };
  });
  const bigValues = Array.from(document.querySelectorAll(".bv-value")).map((e) => e.textContent);
  const boxes = Array.from(document.querySelectorAll(".mdp-error, .mdp-warning")).map((e) => e.textContent);
  const selects = Array.from(document.querySelectorAll("select.mdp-input")).map((s) => ({
    name: s.name, value: s.value, options: Array.from(s.options).map((o) => o.value) }));
  return JSON.stringify({ charts, bigValues, boxes, selects, title: document.title });
})()`;

async function main() {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const problems = [];
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    if (msg.method === "Runtime.consoleAPICalled" && msg.params.type === "error")
      problems.push("console.error: " + msg.params.args.map((a) => a.value || a.description).join(" "));
    if (msg.method === "Runtime.exceptionThrown")
      problems.push("exception: " + (msg.params.exceptionDetails.exception || {}).description);
    if (msg.method === "Log.entryAdded" && msg.params.entry.level === "error")
      problems.push("log: " + msg.params.entry.text + " " + (msg.params.entry.url || ""));
  });
  await send("Page.enable", {}, sessionId);
  await send("Runtime.enable", {}, sessionId);
  await send("Log.enable", {}, sessionId);
  await send("Emulation.setDeviceMetricsOverride",
    { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);

  async function load(url) {
    const loaded = once("Page.loadEventFired", sessionId);
    await send("Page.navigate", { url }, sessionId);
    await loaded;
    const r = await send("Runtime.evaluate", { expression: inspect, returnByValue: true }, sessionId);
    return JSON.parse(r.result.value);
  }
  async function screenshot(name) {
    const m = await send("Page.getLayoutMetrics", {}, sessionId);
    const h = Math.min(Math.ceil(m.cssContentSize.height), 8000);
    const shot = await send("Page.captureScreenshot", {
      format: "png", captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: 1280, height: h, scale: 1 },
    }, sessionId);
    fs.writeFileSync(path.join(outdir, name + ".png"), Buffer.from(shot.data, "base64"));
  }

  for (const page of pages) {
    const t0 = Date.now();
    problems.length = 0;
    const s = await load(`${base}${page}.html`);
    check(s.charts.length + s.bigValues.length > 0, `${page}: has charts or big values`);
    for (const c of s.charts) {
      check(c.series > 0 && c.withData === c.series, `${page}: ${c.id} has data in every series`,
        `${c.withData} of ${c.series} series`);
      check(c.marks > 3, `${page}: ${c.id} has rendered marks`, `${c.marks} SVG paths`);
    }
    for (const v of s.bigValues)
      check(/^-?[$€£¥]?\d{1,3}(,\d{3})*(\.\d+)?[kMB%x]?$/.test(v), `${page}: big value '${v}' is a formatted number`);
    check(s.boxes.length === 0, `${page}: no error or warning box`, s.boxes.join(" | "));
    check(problems.length === 0, `${page}: no console errors`, problems.join(" | "));
    await screenshot(page);
    console.log(`   ${page}: ${Date.now() - t0} ms`);
  }

  /* a phone, in dark mode: nothing wider than the screen, charts still drawn */
  if (pages.length) {
    problems.length = 0;
    await send("Emulation.setDeviceMetricsOverride",
      { width: 390, height: 844, deviceScaleFactor: 1, mobile: true }, sessionId);
    await send("Emulation.setEmulatedMedia",
      { features: [{ name: "prefers-color-scheme", value: "dark" }] }, sessionId);
    const s = await load(`${base}${pages[0]}.html`);
    const r = await send("Runtime.evaluate", {
      expression: `JSON.stringify({ wide: document.documentElement.scrollWidth, screen: innerWidth,
        bg: getComputedStyle(document.body).backgroundColor })`, returnByValue: true }, sessionId);
    const m = JSON.parse(r.result.value);
    check(m.wide <= m.screen, `${pages[0]} on a phone: no sideways scrolling`, `${m.wide} > ${m.screen} px`);
    check(m.bg !== "rgb(255, 255, 255)", `${pages[0]} in dark mode: a dark background`, m.bg);
    check(s.charts.every((c) => c.marks > 3), `${pages[0]} on a phone: charts drawn`);
    check(problems.length === 0, `${pages[0]} on a phone: no console errors`, problems.join(" | "));
    const shot = await send("Page.captureScreenshot", { format: "png" }, sessionId);
    fs.writeFileSync(path.join(outdir, `${pages[0]}-phone-dark.png`), Buffer.from(shot.data, "base64"));
    await send("Emulation.setEmulatedMedia", { features: [] }, sessionId);
    await send("Emulation.setDeviceMetricsOverride",
      { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
  }

  if (problemPage) {
    problems.length = 0;
    const s = await load(`${base}${problemPage}.html`);
    const r = await send("Runtime.evaluate", {
      expression: `JSON.stringify(Array.from(document.querySelectorAll(".mdp-error, .mdp-warning"))
        .map((e) => ({ cls: e.className, shown: e.offsetHeight > 0 && getComputedStyle(e).visibility === "visible" })))`,
      returnByValue: true }, sessionId);
    const boxes = JSON.parse(r.result.value);
    check(boxes.some((b) => b.cls === "mdp-error" && b.shown), `${problemPage}: the failing query is shown in an error box`);
    check(boxes.some((b) => b.cls === "mdp-warning" && b.shown), `${problemPage}: the unknown component is shown in a warning box`);
    check(s.charts.length > 0 && s.charts.every((c) => c.marks > 3), `${problemPage}: its other charts are drawn`);
    check(problems.length === 0, `${problemPage}: no console errors`, problems.join(" | "));
    await screenshot(problemPage);
  }

  if (dropdownPage) {
    problems.length = 0;
    const before = await load(`${base}${dropdownPage}.html`);
    const sel = before.selects[0];
    check(!!sel && sel.options.length > 1, `${dropdownPage}: has a dropdown with choices`);
    if (sel) {
      const other = sel.options.find((o) => o !== sel.value);
      const loaded = once("Page.loadEventFired", sessionId);
      await send("Runtime.evaluate", {
        expression: `(() => { const s = document.querySelector('select.mdp-input');
          s.value = ${JSON.stringify(other)}; s.dispatchEvent(new Event('change')); })()`,
      }, sessionId);
      await loaded;
      const r = await send("Runtime.evaluate", { expression: inspect, returnByValue: true }, sessionId);
      const after = JSON.parse(r.result.value);
      check(after.selects[0] && after.selects[0].value === other,
        `${dropdownPage}: choosing '${other}' loads the page for it`,
        after.selects[0] && after.selects[0].value);
      check(after.charts.length > 0 && before.charts.length > 0 &&
        after.charts[0].data !== before.charts[0].data,
        `${dropdownPage}: the first chart's data changes with the dropdown`);
      check(after.charts.every((c) => c.marks > 3), `${dropdownPage}: charts drawn after the change`);
      check(problems.length === 0, `${dropdownPage}: no console errors after the change`, problems.join(" | "));
      await screenshot(`${dropdownPage}-${other.replace(/[^A-Za-z0-9]/g, "_")}`);
      const name = encodeURIComponent(sel.name);
      const bad = await get(`${base}${dropdownPage}.html?${name}=${encodeURIComponent("2024' or 1=1 --")}`);
      check(bad.status === 400, `${dropdownPage}: a value that is not an option is refused`, `status ${bad.status}`);
    }
  }
}

main().catch((e) => { check(false, "browser session", e.stack + "\n" + stderr.slice(-2000)); })
  .finally(() => {
    const done = () => {
      try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { /* still busy */ }
      console.log(failures ? `${failures} check(s) failed` : "all checks passed");
      process.exit(failures ? 1 : 0);
    };
    browser.on("exit", done);
    browser.kill("SIGKILL");
  });
