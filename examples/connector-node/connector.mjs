#!/usr/bin/env node
// A connector template (connector protocol, version 1): copy it, and put your client in retrieve().
//
//   models-conformance client --connector "node examples/connector-node/connector.mjs"
//
// The suite writes one JSON object per line on stdin and reads exactly one answer line per request on
// stdout, in order; anything else goes to stderr. The HTTP part below is a small conformant client of
// GET /v1/models/{model_id} with Node's built-in fetch (Node 18+, no dependencies): replace it with a
// call of yours and keep the answers' shape (schemas/connector/retrieve-answer.json).
import { createInterface } from 'node:readline';

console.log = console.error; // a library that logs must not corrupt the answers

const RETRYABLE = new Set([408, 409, 429]);
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

// A failed call; kind is status, connection, timeout, invalid_argument, invalid_response or other.
function failure(kind, fields = {}) {
  return { ok: false, error: { kind, status: null, type: null, message: null, request_id: null, ...fields } };
}

// What the server asks for (retry-after-ms, retry-after in seconds or as a date), else a back-off.
function retryDelay(headers, attempt) {
  const millis = headers.get('retry-after-ms');
  const after = headers.get('retry-after');
  let asked = NaN;
  if (millis !== null) asked = Number(millis) / 1000;
  else if (after !== null && /^\d+(\.\d+)?$/.test(after)) asked = Number(after);
  else if (after !== null) asked = Math.max(0, (Date.parse(after) - Date.now()) / 1000);
  return asked >= 0 && asked <= 60 ? asked : Math.min(0.5 * 2 ** attempt, 8);
}

function shouldRetry(response) {
  const flag = response.headers.get('x-should-retry'); // the server's word beats the status
  if (flag === 'true' || flag === 'false') return flag === 'true';
  return RETRYABLE.has(response.status) || response.status >= 500;
}

// One retrieve: the client's answer, as the protocol wants it. Replace this with your client.
async function retrieve(request) {
  const id = request.model_id;
  // An empty id would ask for the list; "." and ".." (before any ";") are dot segments a URL parser resolves.
  if (['', '.', '..'].includes(id.split(';')[0])) {
    return failure('invalid_argument', { message: `refused model id ${JSON.stringify(id)}` });
  }
  // One path segment: encodeURIComponent leaves only unreserved characters and !'()* unencoded.
  const url = `${request.base_url.replace(/\/+$/, '')}/v1/models/${encodeURIComponent(id)}`;
  const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': request.api_key };
  if (request.betas?.length) headers['anthropic-beta'] = request.betas.join(',');
  for (let attempt = 0; ; attempt++) {
    const last = attempt === request.max_retries;
    let response, text;
    try {
      // One deadline for the whole attempt, the body included.
      const signal = AbortSignal.timeout(Math.max(1, Math.round(request.timeout_s * 1000)));
      response = await fetch(url, { headers, signal, redirect: 'manual' });
      text = await response.text();
    } catch (error) {
      if (!last) continue;
      const timedOut = error?.name === 'TimeoutError' || error?.name === 'AbortError';
      return failure(timedOut ? 'timeout' : 'connection', { message: String(error?.cause ?? error) });
    }
    if (response.status === 200) return modelOf(text);
    if (last || !shouldRetry(response)) return errorOf(response, text);
    await sleep(retryDelay(response.headers, attempt));
  }
}

// The model, every field kept as sent; a body that is not a BetaModelInfo is an error.
function modelOf(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return failure('invalid_response', { status: 200, message: `the body is not JSON: ${error.message}` });
  }
  const fields = ['id', 'created_at', 'display_name', 'type'];
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !fields.every((f) => typeof body[f] === 'string')) {
    return failure('invalid_response', { status: 200, message: 'the body is not a BetaModelInfo' });
  }
  return { ok: true, model: body };
}

// An HTTP error: status, the body's error.type and error.message, the request-id header.
function errorOf(response, text) {
  let detail = {};
  try {
    detail = JSON.parse(text).error ?? {};
  } catch {
    detail = { message: text };
  }
  return failure('status', {
    status: response.status,
    type: typeof detail.type === 'string' ? detail.type : null,
    message: typeof detail.message === 'string' ? detail.message : text,
    request_id: response.headers.get('request-id'),
  });
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  if (request.op === 'stop') break;
  const answer = request.op === 'hello'
    ? { ok: true, name: `connector template (Node.js ${process.versions.node} fetch)`, version: '1.0' }
    : await retrieve(request);
  process.stdout.write(JSON.stringify(answer) + '\n');
}
process.exit(0);
