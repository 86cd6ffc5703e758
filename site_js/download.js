// Downloads of the runtime's files, checked against manifest.json as the bytes arrive (used by
// worker.js). Every failure is a DownloadError whose message names the file and what went wrong:
//
//   httpProblem(name, response)   -> "Could not download NAME: the server answered 404 Not Found."
//   verify(name, response, expected, onBytes)
//        reads the body (pass a clone; the original goes to Pyodide untouched), reports the byte
//        count, and rejects as soon as the file is longer than the manifest says, when the
//        connection drops, when it ends short, or when its sha256 differs.
//        expected: a Promise of the manifest entry {size, sha256} (the manifest may still be on
//        its way when the file starts arriving).

import { megabytes } from "./number_format.js";

const STATUS_TEXT = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  408: "Request Timeout", 410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
  501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

export class DownloadError extends Error {}

// A file's size in words: "11.9 MB", or "512 bytes" below 0.1 MB.
function sizeWords(bytes) {
  return bytes >= 100_000 ? `${megabytes(bytes)} MB` : `${bytes} bytes`;
}

export function httpProblem(name, response) {
  const words = STATUS_TEXT[response.status] || response.statusText || "an error";
  return new DownloadError(`Could not download ${name}: the server answered ${response.status} ${words}.`);
}

export function networkProblem(name) {
  return new DownloadError(`Could not download ${name}: the network request failed (offline, or the server is unreachable).`);
}

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function verify(name, response, expected, onBytes) {
  const reader = response.body.getReader();
  let entry = null;
  expected.then((e) => { entry = e; }, () => {});
  const chunks = [];
  let bytes = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch {
      const of = entry ? ` of ${sizeWords(entry.size)}` : "";
      throw new DownloadError(`The download of ${name} was cut off after ${sizeWords(bytes)}${of}. Check the connection and retry.`);
    }
    if (step.done) break;
    chunks.push(step.value);
    bytes += step.value.byteLength;
    onBytes(bytes);
    if (entry && bytes > entry.size) {
      reader.cancel().catch(() => {});
      throw new DownloadError(`${name} is larger than manifest.json says (over ${sizeWords(entry.size)}): the server sent a different file.`);
    }
  }
  entry = await expected;
  if (!entry) return; // not in the manifest (cannot happen for the files worker.js checks)
  if (bytes < entry.size) {
    throw new DownloadError(`${name} is truncated: ${sizeWords(bytes)} of ${sizeWords(entry.size)} arrived. The server has an incomplete copy.`);
  }
  if (bytes > entry.size) {
    throw new DownloadError(`${name} is larger than manifest.json says (${bytes} > ${entry.size} bytes): the server sent a different file.`);
  }
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  chunks.length = 0;
  const digest = hex(await crypto.subtle.digest("SHA-256", whole));
  if (digest !== entry.sha256) {
    throw new DownloadError(`${name} is corrupted: its sha256 does not match manifest.json (the right size, different bytes).`);
  }
}
