// tests/e2e/masto_js_stream.cjs - masto.js (the library of the Elk and
// Phanpy web apps) on gazouillis's streaming WebSocket, for
// test_79_masto_js.py: one socket, three subscriptions (a hashtag named
// with capitals, the local timeline, the user's), statuses posted through
// masto.js's REST client, one subscription ended; prints what each
// subscription received as JSON. Usage: node masto_js_stream.cjs URL TOKEN
// [query|header] (where the token goes on the socket).
"use strict";
const { createRestAPIClient, createStreamingAPIClient } = require("masto");
const WebSocket = require("ws");

const [url, token, tokenIn] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const rest = createRestAPIClient({ url, accessToken: token });
  const streaming = createStreamingAPIClient({
    streamingApiUrl: url.replace(/^http/, "ws"),
    accessToken: token,
    implementation: WebSocket,
    useInsecureAccessToken: tokenIn === "query",
    retry: false,
  });
  const got = { tag: [], local: [], user: [] };
  const subscriptions = {
    tag: streaming.hashtag.subscribe({ tag: "Innover" }),
    local: streaming.public.local.subscribe(),
    user: streaming.user.subscribe(),
  };
  for (const [name, sub] of Object.entries(subscriptions)) {
    (async () => {
      for await (const e of sub) {
        got[name].push({ event: e.event, stream: e.stream, id: e.payload.id || e.payload });
      }
    })().catch((err) => got[name].push({ error: String(err) }));
  }
  // the socket opens when masto.js is ready: post until the user stream hears
  const warmup = [];
  for (let i = 0; i < 50 && got.user.length === 0; i++) {
    warmup.push((await rest.v1.statuses.create({ status: `echauffement ${i}` })).id);
    await sleep(200);
  }
  await sleep(500);
  for (const name of Object.keys(got)) got[name] = got[name].filter((e) => !warmup.includes(e.id));
  const tagged = await rest.v1.statuses.create({ status: "masto.js ici #innover" });
  const plain = await rest.v1.statuses.create({ status: "sans etiquette" });
  await sleep(800);
  subscriptions.local.unsubscribe();
  await sleep(300);
  const after = await rest.v1.statuses.create({ status: "encore #Innover" });
  await rest.v1.statuses.$select(after.id).remove();
  await sleep(800);
  console.log(JSON.stringify({ tagged: tagged.id, plain: plain.id, after: after.id, got }));
  process.exit(0);
})().catch((err) => {
  console.error("masto.js failed:", err);
  process.exit(1);
});
