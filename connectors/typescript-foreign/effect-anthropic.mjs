#!/usr/bin/env node
// @effect/ai-anthropic (a third-party client, the Effect project's): its generated client's
// betaModelsGet(modelId, { "anthropic-beta" }), protocol 1.
//
//   npm install --prefix connectors/typescript-foreign
//   models-conformance client --connector "node connectors/typescript-foreign/effect-anthropic.mjs"
//
// The library builds the request and decodes the answer with code of its own (src/Generated.ts,
// generated from the OpenAPI document by Effect's own generator), on Effect's HttpClient; the
// HttpClient is the user's to provide: FetchHttpClient, Node's global fetch.
//
// What the library has no setting for is not added here, so that the verdict is on the library:
// it has no retries and no timeout of its own (both are left to the user's HttpClient and Effect
// combinators), so max_retries and timeout_s have nowhere to go.
import { readFileSync } from 'node:fs';
import { AnthropicClient } from '@effect/ai-anthropic';
import { FetchHttpClient } from '@effect/platform';
import { Cause, Effect, Exit, Layer, Redacted } from 'effect';
import { failure, serve } from './protocol.mjs';

const { version } = JSON.parse(
  readFileSync(new URL('./node_modules/@effect/ai-anthropic/package.json', import.meta.url), 'utf8'),
);

function header(response, name) {
  return response?.headers?.[name] ?? null;
}

// The error body of a status the generated client does not decode (5xx) travels in the error's
// `description` as JSON text; it is read back so that the verdict is on what the error carries.
function envelope(description) {
  try {
    const body = JSON.parse(description);
    return body && typeof body.error === 'object' && body.error ? body.error : {};
  } catch {
    return {};
  }
}

function failureOf(error) {
  const message = error?.message || String(error);
  switch (error?._tag) {
    case 'BetaErrorResponse': // a 4xx whose body decoded as the library's error union
      return failure('status', {
        status: error.response.status,
        type: error.cause?.error?.type ?? null,
        message: error.cause?.error?.message ?? null,
        request_id: header(error.response, 'request-id'),
      });
    case 'ResponseError': {
      if (error.reason !== 'StatusCode') return failure('invalid_response', { message });
      const body = envelope(error.description);
      return failure('status', {
        status: error.response.status,
        type: typeof body.type === 'string' ? body.type : null,
        message: typeof body.message === 'string' ? body.message : (error.description ?? message),
        request_id: header(error.response, 'request-id'),
      });
    }
    case 'RequestError':
      return failure(error.reason === 'Transport' ? 'connection' : 'invalid_argument', { message });
    case 'ParseError': // a body that is JSON but not the schema: a 200's model, or a 4xx's envelope
      return failure('invalid_response', { message });
    default:
      return failure('other', { message });
  }
}

async function retrieve(request) {
  const layer = AnthropicClient.layer({ apiKey: Redacted.make(request.api_key), apiUrl: request.base_url }).pipe(
    Layer.provide(FetchHttpClient.layer),
  );
  const params = request.betas === null ? undefined : { 'anthropic-beta': request.betas.join(',') };
  const program = Effect.flatMap(AnthropicClient.AnthropicClient, (service) =>
    service.client.betaModelsGet(request.model_id, params),
  );
  const exit = await Effect.runPromiseExit(Effect.provide(program, layer));
  if (Exit.isSuccess(exit)) return { ok: true, model: exit.value };
  return failureOf(Cause.squash(exit.cause));
}

await serve({ name: '@effect/ai-anthropic betaModelsGet', version, retrieve });
