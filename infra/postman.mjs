// The Postman collection of the API, made from its OpenAPI document:
//
//   node infra/postman.mjs docs/openapi.json docs/qhealth.postman_collection.json
//
// openapi-to-postmanv2 converts (one folder per tag, bodies from the schemas' examples); then
// the collection is made usable and reproducible:
// - `{{host}}` (default http://127.0.0.1:8080) and `{{baseUrl}}` = `{{host}}/api`;
// - bearer auth with `{{access_token}}` for the whole collection, `noauth` on public requests;
// - the sign-in request (`POST /auth`) sends `{{email}}` and `{{password}}` and, like the
//   refresh request, stores the answered tokens in `{{access_token}}` / `{{refresh_token}}`;
// - the converter's random ids are dropped (Postman assigns its own on import) and the values it
//   makes up where a schema has no example come from a seeded generator, so the same document
//   always gives the same file and the test command can tell a stale one.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

// Before the converter loads: its example generator draws from Math.random, and makes up
// date-times around the present moment.
Math.random = seededRandom(20261127);
globalThis.Date = frozenAt(Date.UTC(2026, 0, 1), Date);

const require = createRequire(import.meta.url);
const converter = require("openapi-to-postmanv2");

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: node infra/postman.mjs <openapi.json> <collection.json>");
  process.exit(2);
}
const document = JSON.parse(readFileSync(source, "utf8"));

const options = {
  folderStrategy: "Tags",
  parametersResolution: "Example",
  optimizeConversion: false,
  includeAuthInfoInExample: false,
  enableOptionalParameters: false,
  alwaysInheritAuthentication: true,
};

converter.convert({ type: "json", data: document }, options, (error, result) => {
  if (error || !result.result) {
    console.error("conversion failed:", error ?? result.reason);
    process.exit(1);
  }
  const collection = finish(result.output[0].data, document);
  writeFileSync(target, `${JSON.stringify(collection, null, 2)}\n`);
});

function finish(collection, document) {
  collection.info = {
    name: "QHealth API",
    description: "Every operation of the QHealth API (generated from docs/openapi.json). " +
      "Set `host`, `email` and `password`, send \"Sign in\" (auth folder): it stores the " +
      "tokens the other requests use.",
    schema: collection.info.schema,
  };
  collection.variable = [
    { key: "host", value: "http://127.0.0.1:8080", type: "string" },
    { key: "baseUrl", value: "{{host}}/api", type: "string" },
    { key: "email", value: "", type: "string" },
    { key: "password", value: "", type: "string" },
    { key: "access_token", value: "", type: "string" },
    { key: "refresh_token", value: "", type: "string" },
  ];
  collection.auth = { type: "bearer", bearer: [{ key: "token", value: "{{access_token}}", type: "string" }] };
  for (const request of requests(collection.item)) {
    const operation = operationOf(document, request.request);
    request.request.auth = operation?.security?.length ? undefined : { type: "noauth" };
    if (operation?.operationId === "auth_login") signIn(request);
    if (operation?.operationId === "auth_login" || operation?.operationId === "auth_refresh") {
      request.event = [storeTokens()];
    }
  }
  return withoutIds(collection);
}

/// mulberry32: a small, well-mixed 32-bit generator; reproducibility is all that matters here.
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/// A Date whose present moment is `instant`; dates given explicitly are as usual.
function frozenAt(instant, RealDate) {
  return class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [instant]));
    }

    static now() {
      return instant;
    }
  };
}

function* requests(items) {
  for (const item of items ?? []) {
    if (item.request) yield item;
    yield* requests(item.item);
  }
}

/// The OpenAPI operation a converted request came from: its method and its path with
/// Postman's `:name` segments read as `{name}`.
function operationOf(document, request) {
  const path = "/" + request.url.path.map((part) => part.replace(/^:(.+)$/, "{$1}")).join("/");
  return document.paths[path]?.[request.method.toLowerCase()];
}

function signIn(item) {
  item.name = "Sign in";
  item.request.body.raw = JSON.stringify({ email: "{{email}}", password: "{{password}}" }, null, 2);
}

function storeTokens() {
  return {
    listen: "test",
    script: {
      type: "text/javascript",
      exec: [
        "const answer = pm.response.json();",
        "if (answer.access) {",
        "  pm.collectionVariables.set('access_token', answer.access);",
        "  pm.collectionVariables.set('refresh_token', answer.refresh);",
        "}",
      ],
    },
  };
}

function withoutIds(value) {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, inner]) => key !== "id" && key !== "_postman_id" && inner !== undefined)
        .map(([key, inner]) => [key, withoutIds(inner)]),
    );
  }
  return value;
}
