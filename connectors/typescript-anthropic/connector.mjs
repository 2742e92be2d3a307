#!/usr/bin/env node
// A connector for the official TypeScript SDK (@anthropic-ai/sdk), protocol version 1.
//
//   npm install --prefix connectors/typescript-anthropic
//   models-conformance client --connector "node connectors/typescript-anthropic/connector.mjs"
//
// The suite writes one JSON object per line on stdin and reads one answer per line on stdout, in
// order. stdout carries answers only: anything else the SDK or this script prints goes to stderr.
import { createInterface } from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';
import { VERSION as version } from '@anthropic-ai/sdk/version';

console.log = console.error;

function failure(kind, fields = {}) {
  return { ok: false, error: { kind, status: null, type: null, message: null, request_id: null, ...fields } };
}

// The SDK's errors (src/core/error.ts): APIError carries status, type (error.type), apiMessage
// (error.message) and requestID (the request-id header); a timeout is an APIConnectionTimeoutError.
function failureOf(error) {
  const message = error?.message ?? String(error);
  if (error instanceof Anthropic.APIConnectionTimeoutError) return failure('timeout', { message });
  if (error instanceof Anthropic.APIConnectionError) return failure('connection', { message });
  if (error instanceof Anthropic.APIError && error.status) {
    return failure('status', {
      status: error.status,
      type: error.type ?? null,
      message: error.apiMessage ?? message,
      request_id: error.requestID ?? null,
    });
  }
  // Refused before sending (an empty id, a dot segment): the SDK raises its base AnthropicError.
  if (error instanceof Anthropic.AnthropicError) return failure('invalid_argument', { message });
  if (error instanceof SyntaxError) return failure('invalid_response', { message });
  return failure('other', { message });
}

async function retrieve(request) {
  const client = new Anthropic({
    apiKey: request.api_key,
    baseURL: request.base_url,
    maxRetries: request.max_retries,
    // The SDK takes whole milliseconds.
    timeout: Math.max(1, Math.round(request.timeout_s * 1000)),
  });
  const params = request.betas === null ? {} : { betas: request.betas };
  try {
    return { ok: true, model: await client.beta.models.retrieve(request.model_id, params) };
  } catch (error) {
    return failureOf(error);
  }
}

async function answer(request) {
  if (request.op === 'hello') return { ok: true, name: '@anthropic-ai/sdk (TypeScript SDK)', version, protocol: 1 };
  if (request.op === 'retrieve') return retrieve(request);
  return failure('other', { message: `unknown op ${JSON.stringify(request.op)}` });
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const request = JSON.parse(line);
  if (request.op === 'stop') break;
  process.stdout.write(JSON.stringify(await answer(request)) + '\n');
}
process.exit(0);
