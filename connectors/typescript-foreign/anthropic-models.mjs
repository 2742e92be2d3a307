#!/usr/bin/env node
// The official TypeScript SDK's non-beta call, client.models.retrieve(id), protocol 1.
//
//   npm install --prefix connectors/typescript-foreign
//   models-conformance client --connector "node connectors/typescript-foreign/anthropic-models.mjs"
//
// connectors/typescript-anthropic judges client.beta.models.retrieve; this one judges the other
// resource class of the same SDK, which builds its path and parses its result on its own.
import Anthropic from '@anthropic-ai/sdk';
import { VERSION } from '@anthropic-ai/sdk/version';
import { failure, serve } from './protocol.mjs';

// The SDK's errors (src/core/error.ts), as in connectors/typescript-anthropic.
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
  if (error instanceof Anthropic.AnthropicError) return failure('invalid_argument', { message });
  if (error instanceof SyntaxError) return failure('invalid_response', { message });
  return failure('other', { message });
}

async function retrieve(request) {
  // The call takes { workspace_id } and no betas (src/resources/models.ts); hello says so, and a
  // call with betas, should one come, is refused rather than sent without them.
  if (request.betas !== null) {
    return failure('invalid_argument', { message: `client.models.retrieve has no betas parameter (@anthropic-ai/sdk ${VERSION}); nothing was sent` });
  }
  const client = new Anthropic({
    apiKey: request.api_key,
    baseURL: request.base_url,
    maxRetries: request.max_retries,
    timeout: Math.max(1, Math.round(request.timeout_s * 1000)),
  });
  try {
    return { ok: true, model: await client.models.retrieve(request.model_id) };
  } catch (error) {
    return failureOf(error);
  }
}

await serve({
  name: '@anthropic-ai/sdk client.models.retrieve (TypeScript SDK)',
  version: VERSION,
  takesBetas: false,
  retrieve,
});
