// The connector protocol, version 1, shared by the connectors in this folder: one JSON object per
// line each way, in order; stdout carries answers only.
import { createInterface } from 'node:readline';

// A library that logs must not corrupt the answers.
console.log = console.error;

export function failure(kind, fields = {}) {
  return { ok: false, error: { kind, status: null, type: null, message: null, request_id: null, ...fields } };
}

// `client` is { name, version, retrieve(request) -> Promise<answer> } and, for a call that has no
// betas parameter, takesBetas: false (said in hello, so that CLI-BETAS skips the cases with betas).
export async function serve(client) {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    if (request.op === 'stop') break;
    let answer;
    if (request.op === 'hello') {
      answer = { ok: true, name: client.name, version: client.version, protocol: 1 };
      if (client.takesBetas === false) answer.betas = false;
    }
    else if (request.op === 'retrieve') answer = await client.retrieve(request);
    else answer = failure('other', { message: `unknown op ${JSON.stringify(request.op)}` });
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
  process.exit(0);
}
