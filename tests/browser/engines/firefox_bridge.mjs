// Drive Debian's firefox-esr for the Python tests (tests/browser/engines.py), over WebDriver BiDi
// with npm puppeteer-core. No geckodriver: puppeteer speaks BiDi to Firefox directly.
//
//   node firefox_bridge.mjs [/usr/bin/firefox-esr]
// stdin:  one JSON request per line  {id, op: "goto" | "evaluate" | "errors" | "close", arg}
// stdout: one JSON answer per line   {id, ok: true, value} | {id, ok: false, error}
// The first line written is {ready: true, version} once Firefox runs.

import readline from "node:readline";
import puppeteer from "puppeteer-core";

const executablePath = process.argv[2] || "/usr/bin/firefox-esr";
const write = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const browser = await puppeteer.launch({
  browser: "firefox", executablePath, headless: true, protocolTimeout: 600_000,
  defaultViewport: { width: 1280, height: 900 },
});
const page = await browser.newPage();
page.setDefaultTimeout(600_000);
const errors = [];
page.on("console", (message) => {
  if (message.type() === "error") errors.push(message.text());
});
page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
write({ ready: true, version: await browser.version() });

const ops = {
  goto: (url) => page.goto(url, { waitUntil: "load" }).then(() => page.url()),
  // arg: a JavaScript expression; a promise is awaited; the value must be JSON.
  evaluate: (expression) => page.evaluate(expression),
  errors: () => errors.splice(0),
  close: async () => {
    await browser.close();
    setImmediate(() => process.exit(0));
    return true;
  },
};

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { id, op, arg } = JSON.parse(line);
  try {
    write({ id, ok: true, value: (await ops[op](arg)) ?? null });
  } catch (error) {
    write({ id, ok: false, error: String(error && error.message || error) });
  }
}
await browser.close().catch(() => {});
