// What outside Node users do that smoke.mjs and scenarios.mjs leave out: multi-page `for await` over files,
// assistants, messages and stored chat completions (cursor order and `before`), uploads from every input `toFile`
// and `fs.createReadStream` take (binary bytes must round-trip), assistants streams with parallel tool calls
// (`toolCallDone`, event order, snapshots, partial outputs refused, run failures), chat stream helpers with n=2,
// logprobs and streamed parallel `runTools`, Responses stream event invariants, `.asResponse()`, the error
// object's fields, retry counting through the journal (`maxRetries`, `x-should-retry`, timeouts, resets) and
// AbortController cancellation (a run keeps going server-side after its stream is dropped).
// Every client uses its own API key, so lists and journal entries belong to this file alone.
import OpenAI, { toFile } from "openai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { failsWith, ok, poll, report, scenario } from "./harness.mjs";

const BASE = process.env.BASE;
const ORIGIN = new URL(BASE).origin;
const make = (key, opts = {}) => new OpenAI({ baseURL: BASE, apiKey: key, maxRetries: 0, ...opts });
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const control = async (method, route, body) => {
  const r = await fetch(`${ORIGIN}/__mockapi__/${route}`, { method, headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  return r.json();
};
// Requests the fake received with this key (optionally for one path), oldest first.
const journal = async (key, p) => (await control("GET", `journal${p ? `?path=${encodeURIComponent(p)}` : ""}`)).data.filter((e) => e.api_key === key);
const collect = async (iterable) => { const xs = []; for await (const x of iterable) xs.push(x); return xs; };
const obj = (props) => ({ type: "object", properties: props, required: Object.keys(props), additionalProperties: false });
const weatherFn = { name: "get_weather", strict: true, parameters: obj({ city: { type: "string" } }) };
const timeFn = { name: "get_time", strict: true, parameters: obj({ tz: { type: "string" } }) };
const parallelReply = { tool_calls: [{ name: "get_weather", arguments: { city: "Paris" } }, { name: "get_time", arguments: { tz: "CET" } }] };

await scenario("files: cursor pages", async () => {
  const key = "sk-node2-files";
  const c = make(key);
  for (let i = 0; i < 5; i++) await c.files.create({ file: await toFile(Buffer.from(`p${i}`), `p${i}.txt`), purpose: "user_data" });
  await c.files.create({ file: await toFile(Buffer.from("other"), "other.txt"), purpose: "assistants" });
  const first = await c.files.list({ purpose: "user_data", limit: 2 });
  ok("files.list first page", first.data.length === 2 && first.has_more === true && first.hasNextPage(), JSON.stringify(first.data.map((f) => f.filename)));
  const paged = (await collect(c.files.list({ purpose: "user_data", limit: 2 }))).map((f) => f.filename);
  const whole = (await c.files.list({ purpose: "user_data", limit: 100 })).data.map((f) => f.filename);
  const asc = (await collect(c.files.list({ purpose: "user_data", order: "asc", limit: 2 }))).map((f) => f.filename);
  ok("files.list for await: every page, purpose filter, no repeats", same([...paged].sort(), ["p0.txt", "p1.txt", "p2.txt", "p3.txt", "p4.txt"]), paged.join());
  ok("files.list paged order = one-page order", same(paged, whole), `${paged} vs ${whole}`);
  ok("files.list newest first; order=asc reverses it", paged[0] === "p4.txt" && same(asc, [...paged].reverse()), `${paged} / ${asc}`);
  // The for-await walk above: limit=2 over 5 files is 3 requests, each next one with after=<last id seen>.
  const walk = (await journal(key, "/v1/files")).filter((e) => e.method === "GET").map((e) => e.query).slice(1, 4);
  ok("files.list for await = 3 requests with after cursors", walk.length === 3 && !walk[0].includes("after=") && walk.slice(1).every((q) => /after=file-/.test(q)), walk.join(" | "));
});

await scenario("assistants: cursor pages and before", async () => {
  const c = make("sk-node2-assistants");
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await c.beta.assistants.create({ model: "gpt-4o-mini", name: `a${i}` }));
  const asc = (await collect(c.beta.assistants.list({ order: "asc", limit: 2 }))).map((a) => a.name);
  const desc = (await collect(c.beta.assistants.list({ limit: 2 }))).map((a) => a.name);
  ok("assistants.list for await asc", same(asc, ["a0", "a1", "a2", "a3", "a4"]), asc.join());
  ok("assistants.list default desc", same(desc, ["a4", "a3", "a2", "a1", "a0"]), desc.join());
  const before = await c.beta.assistants.list({ order: "asc", before: made[3].id });
  ok("assistants.list before=<id>", same(before.data.map((a) => a.name), ["a0", "a1", "a2"]) && before.body.first_id === made[0].id && before.body.last_id === made[2].id, JSON.stringify(before.body));
  await c.beta.assistants.delete(made[2].id);
  const left = (await collect(c.beta.assistants.list({ order: "asc", limit: 1 }))).map((a) => a.name);
  ok("assistants.list after a delete", same(left, ["a0", "a1", "a3", "a4"]), left.join());
});

await scenario("messages: thread order across pages", async () => {
  const c = make("sk-node2-messages");
  const thread = await c.beta.threads.create({ messages: ["m0", "m1", "m2"].map((t) => ({ role: "user", content: t })) });
  for (const t of ["m3", "m4", "m5", "m6"]) await c.beta.threads.messages.create(thread.id, { role: "user", content: t });
  const text = (m) => m.content[0]?.text?.value;
  const asc = (await collect(c.beta.threads.messages.list(thread.id, { order: "asc", limit: 3 }))).map(text);
  ok("messages.list for await asc keeps insertion order", same(asc, ["m0", "m1", "m2", "m3", "m4", "m5", "m6"]), asc.join());
  const newest = await c.beta.threads.messages.list(thread.id, { limit: 2 });
  ok("messages.list default desc", same(newest.data.map(text), ["m6", "m5"]) && newest.has_more, JSON.stringify(newest.data.map(text)));
  const asst = await c.beta.assistants.create({ model: "gpt-4o-mini" });
  const run = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id,
    additional_messages: [{ role: "user", content: "m7 extra" }], instructions: "Answer briefly." }, poll);
  ok("createAndPoll with additional_messages + instructions", run.status === "completed" && run.instructions === "Answer briefly.", `${run.status} ${run.instructions}`);
  const byRun = await c.beta.threads.messages.list(thread.id, { run_id: run.id });
  ok("messages.list run_id filter", byRun.data.length === 1 && byRun.data[0].role === "assistant" && byRun.data[0].run_id === run.id && text(byRun.data[0]).includes("m7 extra"), JSON.stringify(byRun.data.map(text)));
  const all = (await collect(c.beta.threads.messages.list(thread.id, { order: "asc", limit: 4 }))).map(text);
  ok("additional message stored before the reply", all.length === 9 && all[7] === "m7 extra", all.join());
});

await scenario("stored chat completions: pages and metadata filter", async () => {
  const c = make("sk-node2-store");
  const ids = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await c.chat.completions.create({ model: "gpt-4o-mini", store: true, metadata: { run: "n2" }, messages: [{ role: "user", content: `q${i}` }] })).id);
  }
  await c.chat.completions.create({ model: "gpt-4o-mini", store: true, messages: [{ role: "user", content: "untagged" }] });
  const listed = (await collect(c.chat.completions.list({ metadata: { run: "n2" }, limit: 2 }))).map((x) => x.id);
  ok("chat.completions.list metadata[run]=n2, oldest first, paged", same(listed, ids), `${listed} vs ${ids}`);
  const msgs = await collect(c.chat.completions.messages.list(ids[1]));
  ok("chat.completions.messages.list", msgs.length === 1 && msgs[0].content === "q1" && msgs[0].id === `${ids[1]}-0`, JSON.stringify(msgs));
});

await scenario("conversation items: pages follow last_id", async () => {
  // The SDK's ConversationCursorPage asks for the next page with after=<body.last_id>, not the last item's id.
  const c = make("sk-node2-conversations");
  const conv = await c.conversations.create({ items: ["c0", "c1", "c2", "c3", "c4"].map((t) => ({ type: "message", role: "user", content: t })) });
  const text = (i) => i.content?.[0]?.text;
  const asc = (await collect(c.conversations.items.list(conv.id, { order: "asc", limit: 2 }))).map(text);
  const desc = (await collect(c.conversations.items.list(conv.id, { limit: 2 }))).map(text);
  ok("conversations.items.list for await asc", same(asc, ["c0", "c1", "c2", "c3", "c4"]), asc.join());
  ok("conversations.items.list default newest first", same(desc, ["c4", "c3", "c2", "c1", "c0"]), desc.join());
  await c.responses.create({ model: "gpt-4o-mini", conversation: conv.id, input: "c5" });
  const after = (await collect(c.conversations.items.list(conv.id, { order: "asc", limit: 3 }))).map((i) => i.role);
  ok("a response appends its input and output", after.length === 7 && after.at(-1) === "assistant", after.join());
});

await scenario("uploads from every toFile input", async () => {
  const c = make("sk-node2-uploads");
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const bin = await c.files.create({ file: await toFile(bytes, "all-bytes.bin"), purpose: "user_data" });
  const back = new Uint8Array(await (await c.files.content(bin.id)).arrayBuffer());
  ok("toFile(Uint8Array) binary round trip", bin.bytes === 256 && back.length === 256 && back.every((b, i) => b === i), `${bin.bytes} ${back.length}`);
  const web = await c.files.create({ file: new File(['{"a":1}\n'], "web.jsonl", { type: "application/jsonl" }), purpose: "batch" });
  ok("web File object (batch .jsonl)", web.filename === "web.jsonl" && web.bytes === 8 && web.purpose === "batch" && web.expires_at === web.created_at + 2592000, JSON.stringify(web));
  const fromResponse = await c.files.create({ file: await toFile(new Response("from a fetch Response"), "resp.txt"), purpose: "assistants" });
  ok("toFile(Response)", fromResponse.bytes === 21 && fromResponse.filename === "resp.txt", JSON.stringify(fromResponse));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mockapi-node2-"));
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  fs.writeFileSync(path.join(dir, "big.bin"), big);
  const streamed = await c.files.create({ file: fs.createReadStream(path.join(dir, "big.bin")), purpose: "user_data" });
  const got = Buffer.from(await (await c.files.content(streamed.id)).arrayBuffer());
  ok("createReadStream 300 kB binary round trip", streamed.bytes === big.length && got.equals(big), `${streamed.bytes} ${got.length}`);
  fs.writeFileSync(path.join(dir, "lines.txt"), '{"custom_id":"x"}\n');
  const wrong = await failsWith(() => c.files.create({ file: fs.createReadStream(path.join(dir, "lines.txt")), purpose: "batch" }));
  ok("batch purpose needs .jsonl", wrong instanceof OpenAI.BadRequestError && wrong.error?.message === "Invalid file format for Batch API. Must be .jsonl", String(wrong));
  const speech = Buffer.from(await (await c.audio.speech.create({ model: "tts-1", voice: "nova", input: "Node reads this back." })).arrayBuffer());
  fs.writeFileSync(path.join(dir, "speech.mp3"), speech);
  const tr = await c.audio.transcriptions.create({ file: fs.createReadStream(path.join(dir, "speech.mp3")), model: "whisper-1", response_format: "verbose_json", timestamp_granularities: ["word"] });
  ok("transcription from createReadStream (speech round trip, word timestamps)", tr.text === "Node reads this back." && tr.words?.length === 4 && tr.duration > 0, JSON.stringify(tr).slice(0, 200));
  const deleted = await c.files.delete(bin.id);
  const gone = await failsWith(() => c.files.content(bin.id));
  ok("files.delete then content is 404", deleted.deleted === true && gone instanceof OpenAI.NotFoundError && gone.param === "id", String(gone));
});

await scenario("how Node encodes nested multipart fields, arrays and query objects", async () => {
  const c = make("sk-node2-encoding");
  const f = await c.files.create({ file: await toFile(Buffer.from("x"), "e.txt"), purpose: "user_data", expires_after: { anchor: "created_at", seconds: 3600 } });
  ok("multipart expires_after[anchor]/[seconds]", f.expires_at === f.created_at + 3600, JSON.stringify(f));
  const speech = Buffer.from(await (await c.audio.speech.create({ model: "tts-1", voice: "alloy", input: "Two words. And more." })).arrayBuffer());
  const tr = await c.audio.transcriptions.create({ file: await toFile(speech, "s.mp3"), model: "whisper-1", response_format: "verbose_json", timestamp_granularities: ["word", "segment"] });
  ok("multipart timestamp_granularities[] with two values", tr.words?.length === 4 && tr.segments?.length === 2 && tr.segments[1].text.trim() === "And more.", JSON.stringify(tr.segments));
  const png = Buffer.from((await c.images.generate({ model: "dall-e-2", prompt: "x", size: "256x256", response_format: "b64_json" })).data[0].b64_json, "base64");
  const one = await c.images.edit({ model: "gpt-image-1", prompt: "merge", image: await toFile(png, "a.png", { type: "image/png" }) });
  const two = await c.images.edit({ model: "gpt-image-1", prompt: "merge", image: [await toFile(png, "a.png", { type: "image/png" }), await toFile(png, "b.png", { type: "image/png" })] });
  ok("multipart image[] array: both images count as input", two.usage.input_tokens_details.image_tokens === 2 * one.usage.input_tokens_details.image_tokens && two.data.length === 1, `${one.usage.input_tokens_details.image_tokens} ${two.usage.input_tokens_details.image_tokens}`);
  const rows = []; for (let i = 0; i < 10; i++) rows.push(JSON.stringify({ messages: [{ role: "user", content: "q" + i }, { role: "assistant", content: "a" + i }] }));
  const training = await c.files.create({ file: await toFile(Buffer.from(rows.join("\n")), "t.jsonl"), purpose: "fine-tune" });
  const tagged = await c.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: training.id, metadata: { team: "node" } });
  await c.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: training.id });
  const found = await collect(c.fineTuning.jobs.list({ metadata: { team: "node" } }));
  ok("query metadata[team]=node filters jobs", found.length === 1 && found[0].id === tagged.id, JSON.stringify(found.map((j) => j.id)));
});

await scenario("responses: background stream resumed with starting_after, failed stream", async () => {
  const c = make("sk-node2-background");
  const bg = await c.responses.create({ model: "gpt-4o-mini", input: "work in the background", background: true });
  const resumed = c.responses.stream({ response_id: bg.id, starting_after: 2 });
  const seq = []; resumed.on("event", (e) => seq.push(e.sequence_number));
  const final = await resumed.finalResponse();
  const stored = await c.responses.retrieve(bg.id);
  ok("background response resumes after sequence 2", bg.status === "queued" && seq[0] === 3 && seq.every((n, i) => n === i + 3) && final.status === "completed" && stored.output_text === final.output_text, `${bg.status} ${JSON.stringify(seq)}`);
  await control("POST", "scripts", { match: { surface: "responses", contains: "zz-fail-resp" }, replies: [{ error: { code: "server_error", message: "The model failed." } }] });
  const failing = c.responses.stream({ model: "gpt-4o-mini", input: "zz-fail-resp" });
  const types = []; failing.on("event", (e) => types.push(e.type));
  const failed = await failing.finalResponse();
  ok("a failed response streams response.failed with its error", failed.status === "failed" && failed.error?.code === "server_error" && types.at(-1) === "response.failed", `${failed.status} ${types}`);
});

await scenario("assistants stream: parallel tool calls", async () => {
  const c = make("sk-node2-asst-tools");
  await control("POST", "scripts", { match: { surface: "assistants", contains: "zz-par-asst" }, replies: [parallelReply] });
  const asst = await c.beta.assistants.create({ model: "gpt-4o", tools: [{ type: "function", function: weatherFn }, { type: "function", function: timeFn }] });
  const thread = await c.beta.threads.create({ messages: [{ role: "user", content: "zz-par-asst weather and time?" }] });
  const stream = c.beta.threads.runs.stream(thread.id, { assistant_id: asst.id });
  const events = []; const created = []; const done = [];
  stream.on("event", (e) => events.push(e.event));
  stream.on("toolCallCreated", (t) => created.push(t.id));
  stream.on("toolCallDone", (t) => done.push(t));
  const run = await stream.finalRun();
  const required = run.required_action?.submit_tool_outputs?.tool_calls ?? [];
  ok("runs.stream ends in requires_action with both calls", run.status === "requires_action" && required.length === 2, `${run.status} ${required.length}`);
  ok("toolCallDone has the full arguments of each call", done.length === 2 && same(done.map((t) => [t.function.name, JSON.parse(t.function.arguments)]),
    [["get_weather", { city: "Paris" }], ["get_time", { tz: "CET" }]]), JSON.stringify(done));
  ok("toolCallCreated/Done ids = required_action ids", same(created, required.map((t) => t.id)) && same(done.map((t) => t.id), created), `${created} / ${required.map((t) => t.id)}`);
  ok("assistant event order", events[0] === "thread.run.created" && events.at(-1) === "thread.run.requires_action" && events.includes("thread.run.step.delta")
    && events.indexOf("thread.run.in_progress") < events.indexOf("thread.run.step.created"), events.join());
  const partial = await failsWith(() => c.beta.threads.runs.submitToolOutputs(run.id, { thread_id: thread.id, tool_outputs: [{ tool_call_id: required[0].id, output: "sunny" }] }));
  ok("submitting one of two outputs is a 400", partial instanceof OpenAI.BadRequestError && partial.message.includes(required[1].id), String(partial));
  const finished = await c.beta.threads.runs.submitToolOutputsAndPoll(run.id, { thread_id: thread.id,
    tool_outputs: [{ tool_call_id: required[0].id, output: "sunny, 21C" }, { tool_call_id: required[1].id, output: "14:05" }] }, poll);
  const reply = (await c.beta.threads.messages.list(thread.id, { limit: 1 })).data[0];
  ok("submitToolOutputsAndPoll completes; reply uses both outputs", finished.status === "completed" && reply.content[0].text.value.includes("sunny, 21C") && reply.content[0].text.value.includes("14:05"), `${finished.status} ${reply.content[0]?.text?.value}`);
  const steps = await collect(c.beta.threads.runs.steps.list(run.id, { thread_id: thread.id, order: "asc" }));
  const outputs = steps[0]?.step_details?.tool_calls?.map((t) => t.function.output);
  ok("tool_calls step records the outputs", steps.length === 2 && steps[0].type === "tool_calls" && same(outputs, ["sunny, 21C", "14:05"]), JSON.stringify(outputs));
});

await scenario("assistants stream: text snapshots, code interpreter, failure", async () => {
  const c = make("sk-node2-asst-text");
  const asst = await c.beta.assistants.create({ model: "gpt-4o-mini", tools: [{ type: "code_interpreter" }] });
  const thread = await c.beta.threads.create({ messages: [{ role: "user", content: "explain streams in a few words" }] });
  const s = c.beta.threads.runs.stream(thread.id, { assistant_id: asst.id });
  let deltas = ""; let messageDone = null; const stepsDone = [];
  s.on("textDelta", (d) => { deltas += d.value; });
  s.on("messageDone", (m) => { messageDone = m; });
  s.on("runStepDone", (st) => stepsDone.push(st.status));
  const run = await s.finalRun();
  const messages = await s.finalMessages();
  const stored = (await c.beta.threads.messages.list(thread.id, { limit: 1 })).data[0];
  ok("textDelta concatenation = messageDone = stored message", deltas.length > 0 && messageDone?.content[0].text.value === deltas && stored.content[0].text.value === deltas && stored.id === messageDone.id, deltas.slice(0, 60));
  ok("finalMessages / runStepDone / currentRun", messages.length === 1 && messages[0].status === "completed" && same(stepsDone, ["completed"]) && s.currentRun()?.status === "completed", JSON.stringify(stepsDone));
  ok("run usage adds up", run.usage && run.usage.prompt_tokens > 0 && run.usage.total_tokens === run.usage.prompt_tokens + run.usage.completion_tokens, JSON.stringify(run.usage));
  const ci = c.beta.threads.runs.stream(thread.id, { assistant_id: asst.id, tool_choice: { type: "code_interpreter" },
    additional_messages: [{ role: "user", content: "compute 6*7 with python" }] });
  const ciDone = []; ci.on("toolCallDone", (t) => ciDone.push(t));
  const ciRun = await ci.finalRun();
  const call = ciDone[0];
  ok("code_interpreter toolCallDone", ciRun.status === "completed" && call?.type === "code_interpreter" && typeof call.code_interpreter.input === "string" && Array.isArray(call.code_interpreter.outputs), JSON.stringify(call));
  await control("POST", "scripts", { match: { surface: "assistants", contains: "zz-fail-asst" }, replies: [{ error: { code: "rate_limit_exceeded", message: "Rate limit reached." } }] });
  const failing = c.beta.threads.runs.stream(thread.id, { assistant_id: asst.id, additional_messages: [{ role: "user", content: "zz-fail-asst" }] });
  const failEvents = []; failing.on("event", (e) => failEvents.push(e.event));
  const failed = await failing.finalRun();
  ok("a failed run streams thread.run.failed with last_error", failed.status === "failed" && failed.last_error?.code === "rate_limit_exceeded" && failEvents.includes("thread.run.failed"), `${failed.status} ${JSON.stringify(failed.last_error)}`);
  const unlocked = await c.beta.threads.messages.create(thread.id, { role: "user", content: "still usable" });
  ok("thread unlocked after the failed run", unlocked.id.startsWith("msg_"));
});

await scenario("chat stream helpers: n=2, usage, logprobs", async () => {
  const c = make("sk-node2-chat");
  const runner = c.chat.completions.stream({ model: "gpt-4o-mini", n: 2, stream_options: { include_usage: true }, messages: [{ role: "user", content: "two answers please" }] });
  const contentDone = []; runner.on("content.done", (e) => contentDone.push(e.content));
  const final = await runner.finalChatCompletion();
  const usage = await runner.totalUsage();
  const contents = final.choices.map((ch) => ch.message.content);
  ok("stream n=2 gives two complete choices", final.choices.length === 2 && same(final.choices.map((ch) => ch.index), [0, 1]) && contents.every((t) => t?.length > 0) && final.choices.every((ch) => ch.finish_reason === "stop"), JSON.stringify(contents));
  ok("content.done per choice", same([...contentDone].sort(), [...contents].sort()), JSON.stringify(contentDone));
  const counts = (u) => [u?.prompt_tokens, u?.completion_tokens, u?.total_tokens];
  ok("include_usage -> totalUsage = final usage", usage.completion_tokens > 0 && same(counts(usage), counts(final.usage)), `${JSON.stringify(usage)} ${JSON.stringify(final.usage)}`);
  const plain = await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "two answers please" }] });
  ok("streamed content = non-streamed content", contents[0] === plain.choices[0].message.content && final.usage.prompt_tokens === plain.usage.prompt_tokens);
  const lp = c.chat.completions.stream({ model: "gpt-4o-mini", logprobs: true, top_logprobs: 2, messages: [{ role: "user", content: "hello" }] });
  let lpDone = null; lp.on("logprobs.content.done", (e) => { lpDone = e.content; });
  const lpFinal = await lp.finalChatCompletion();
  ok("streamed logprobs tokens spell the content", lpDone?.length > 0 && lpDone.map((t) => t.token).join("") === lpFinal.choices[0].message.content && lpDone.every((t) => t.top_logprobs.length === 2), String(lpDone?.length));
  const content = await c.chat.completions.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "final content" }] }).finalContent();
  ok("finalContent()", typeof content === "string" && content.includes("final content"), String(content));
});

await scenario("chat runTools: parallel calls, streamed and not", async () => {
  const c = make("sk-node2-runtools");
  const calls = [];
  const tools = [
    { type: "function", function: { ...weatherFn, parse: JSON.parse, function: ({ city }) => { calls.push(city); return `sunny in ${city}`; } } },
    { type: "function", function: { ...timeFn, parse: JSON.parse, function: ({ tz }) => { calls.push(tz); return `14:05 ${tz}`; } } },
  ];
  for (const stream of [false, true]) {
    calls.length = 0;
    const marker = `zz-par-chat-${stream}`;
    await control("POST", "scripts", { match: { surface: "chat", contains: marker }, replies: [parallelReply] });
    const runner = c.chat.completions.runTools({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: `${marker} weather and time?` }], tools });
    const results = []; runner.on("functionToolCallResult", (r) => results.push(r));
    const final = await runner.finalContent();
    const completions = runner.allChatCompletions();
    ok(`runTools(stream=${stream}) runs both parallel calls`, same(calls, ["Paris", "CET"]) && same(results, ["sunny in Paris", "14:05 CET"]), JSON.stringify(results));
    ok(`runTools(stream=${stream}) second turn answers from the outputs`, completions.length === 2 && final.includes("sunny in Paris") && final.includes("14:05 CET"), String(final));
    const toolMsgs = runner.messages.filter((m) => m.role === "tool");
    const asked = completions[0].choices[0].message.tool_calls.map((t) => t.id);
    ok(`runTools(stream=${stream}) tool messages answer each call id`, same(toolMsgs.map((m) => m.tool_call_id), asked) && asked.every((id) => id.startsWith("call_")), JSON.stringify(asked));
  }
});

await scenario("responses stream invariants", async () => {
  const c = make("sk-node2-responses");
  const s = c.responses.stream({ model: "gpt-4o-mini", input: "stream a sentence about rivers" });
  const events = []; s.on("event", (e) => events.push(e));
  const final = await s.finalResponse();
  const seq = events.map((e) => e.sequence_number);
  ok("sequence_number counts 0,1,2,…", seq.every((n, i) => n === i), JSON.stringify(seq.slice(0, 10)));
  ok("created, in_progress first; completed last", events[0].type === "response.created" && events[1].type === "response.in_progress" && events.at(-1).type === "response.completed", events.map((e) => e.type).join());
  const deltas = events.filter((e) => e.type === "response.output_text.delta");
  const textDone = events.find((e) => e.type === "response.output_text.done");
  const msg = final.output.find((o) => o.type === "message");
  ok("deltas = output_text.done = output_text", deltas.map((e) => e.delta).join("") === textDone?.text && textDone.text === final.output_text && deltas.every((e) => e.item_id === msg.id), final.output_text.slice(0, 50));
  ok("final usage", final.status === "completed" && final.usage.total_tokens === final.usage.input_tokens + final.usage.output_tokens && final.usage.output_tokens > 0, JSON.stringify(final.usage));
  const stored = await c.responses.retrieve(final.id);
  ok("streamed response is stored", stored.output_text === final.output_text && stored.id === final.id);
  const chained = await c.responses.stream({ model: "gpt-4o-mini", previous_response_id: final.id, input: "and about lakes?" }).finalResponse();
  const items = await collect(c.responses.inputItems.list(chained.id, { limit: 1 }));
  ok("chained stream + inputItems pages", chained.previous_response_id === final.id && items.length === 1 && items[0].content[0].text === "and about lakes?", JSON.stringify(items));
});

await scenario("asResponse / withResponse", async () => {
  const c = make("sk-node2-raw");
  const raw = await c.models.retrieve("gpt-4o-mini").asResponse();
  const body = await raw.json();
  ok("asResponse: raw status, headers and body", raw.status === 200 && /^req_[0-9a-f]{32}$/.test(raw.headers.get("x-request-id")) && body.id === "gpt-4o-mini" && body.object === "model", JSON.stringify(body));
  const a = await c.models.list().withResponse();
  const b = await c.models.list().withResponse();
  ok("each request has its own request id", a.request_id !== b.request_id && a.data.data.length > 10, `${a.request_id} ${b.request_id}`);
  const logged = (await journal("sk-node2-raw")).map((e) => e.request_id);
  ok("x-request-id matches the server's journal", logged.includes(a.request_id) && logged.includes(b.request_id) && logged.includes(raw.headers.get("x-request-id")));
  ok("openai-processing-ms is an integer", /^\d+$/.test(a.response.headers.get("openai-processing-ms") ?? ""), a.response.headers.get("openai-processing-ms"));
});

await scenario("error objects", async () => {
  const c = make("sk-node2-errors");
  const nf = await failsWith(() => c.beta.threads.retrieve("thread_nope"));
  ok("NotFoundError fields", nf instanceof OpenAI.NotFoundError && nf.status === 404 && same(nf.error, { message: "No thread found with id 'thread_nope'.", type: "invalid_request_error", param: null, code: null })
    && nf.code === null && nf.param === null && nf.type === "invalid_request_error", JSON.stringify(nf?.error));
  ok("requestID = x-request-id header", /^req_[0-9a-f]{32}$/.test(nf.requestID) && nf.requestID === nf.headers.get("x-request-id"), nf.requestID);
  const model = await failsWith(() => c.chat.completions.create({ model: "gpt-nope", messages: [{ role: "user", content: "x" }] }));
  ok("unknown model: 404 model_not_found", model instanceof OpenAI.NotFoundError && model.code === "model_not_found" && model.error.message === "The model `gpt-nope` does not exist or you do not have access to it.", String(model));
  const range = await failsWith(() => c.chat.completions.create({ model: "gpt-4o-mini", temperature: 3, messages: [{ role: "user", content: "x" }] }));
  ok("out of range: code + param", range instanceof OpenAI.BadRequestError && range.param === "temperature" && range.code === "decimal_above_max_value" && range.message.includes("Expected a value <= 2"), `${range?.code} ${range?.message}`);
  const unknown = await failsWith(() => c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], colour: "blue" }));
  ok("unknown argument", unknown instanceof OpenAI.BadRequestError && unknown.error.message === "Unrecognized request argument supplied: colour", String(unknown));
  const missing = await failsWith(() => c.chat.completions.create({ model: "gpt-4o-mini" }));
  ok("missing messages", missing instanceof OpenAI.BadRequestError && missing.code === "missing_required_parameter" && missing.param === "messages", String(missing));
  const noKey = make("sk-unused", { defaultHeaders: { Authorization: null } });
  const auth = await failsWith(() => noKey.models.list());
  ok("no Authorization header: 401", auth instanceof OpenAI.AuthenticationError && auth.error.message.startsWith("You didn't provide an API key."), String(auth));
  const beta = await failsWith(() => c.get("/assistants", { headers: { "OpenAI-Beta": null } }));
  ok("assistants without OpenAI-Beta: 400", beta instanceof OpenAI.BadRequestError && /OpenAI-Beta/.test(beta.message), String(beta));
});

await scenario("retries counted by the server", async () => {
  const key = "sk-node2-retries";
  const c = make(key, { maxRetries: 1 });
  const gave = await failsWith(() => c.models.retrieve("gpt-4o", { headers: { "x-mockapi-fault": "rate_limit; retry_after_ms=5; times=5" } }));
  let seen = await journal(key, "/v1/models/gpt-4o");
  ok("maxRetries:1 -> 2 attempts then RateLimitError", gave instanceof OpenAI.RateLimitError && same(seen.map((e) => [e.status, e.headers["x-stainless-retry-count"]]), [[429, "0"], [429, "1"]]), JSON.stringify(seen.map((e) => [e.status, e.headers["x-stainless-retry-count"]])));
  const m = await c.models.retrieve("gpt-4o-mini", { maxRetries: 3, headers: { "x-mockapi-fault": "overloaded; retry_after_ms=5; times=3" } });
  seen = await journal(key, "/v1/models/gpt-4o-mini");
  ok("per-request maxRetries:3 outlasts three 503s", m.id === "gpt-4o-mini" && same(seen.map((e) => e.status), [503, 503, 503, 200]), JSON.stringify(seen.map((e) => e.status)));
  const rule = await control("POST", "faults", { kind: "overloaded", path: "/v1/models/dall-e-3", times: 3, headers: { "x-should-retry": "false" } });
  const noRetry = await failsWith(() => make(key, { maxRetries: 2 }).models.retrieve("dall-e-3"));
  await control("DELETE", `faults/${rule.id}`);
  seen = await journal(key, "/v1/models/dall-e-3");
  ok("x-should-retry: false stops the SDK's retries", noRetry instanceof OpenAI.InternalServerError && noRetry.status === 503 && seen.length === 1, `${noRetry} ${seen.length}`);
  const timedOut = await failsWith(() => c.models.retrieve("tts-1", { maxRetries: 0, timeout: 300, headers: { "x-mockapi-fault": "hang; seconds=1" } }));
  ok("hang -> APIConnectionTimeoutError", timedOut instanceof OpenAI.APIConnectionTimeoutError, String(timedOut));
  const reset = await failsWith(() => c.models.retrieve("whisper-1", { headers: { "x-mockapi-fault": "reset" } }));
  seen = await journal(key, "/v1/models/whisper-1");
  ok("reset -> APIConnectionError after the retry", reset instanceof OpenAI.APIConnectionError && !(reset instanceof OpenAI.APIConnectionTimeoutError) && seen.length === 2 && seen.every((e) => e.status === 0), `${reset} ${seen.length}`);
});

await scenario("AbortController", async () => {
  const c = make("sk-node2-abort");
  const early = new AbortController(); early.abort();
  const pre = await failsWith(() => c.models.list({ signal: early.signal }));
  ok("signal aborted before sending", pre instanceof OpenAI.APIUserAbortError, String(pre));
  const ctl = new AbortController();
  const stream = await c.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "long ".repeat(60) }] }, { signal: ctl.signal });
  let chunks = 0; let finished = false;
  for await (const chunk of stream) { chunks++; if (chunk.choices[0]?.finish_reason) finished = true; if (chunks === 2) ctl.abort(); }
  ok("aborting a chat stream stops it before the end", chunks === 2 && !finished, `${chunks} ${finished}`);
  const asst = await c.beta.assistants.create({ model: "gpt-4o-mini" });
  const thread = await c.beta.threads.create({ messages: [{ role: "user", content: "a long answer please ".repeat(10) }] });
  const rctl = new AbortController();
  const rs = c.beta.threads.runs.stream(thread.id, { assistant_id: asst.id }, { signal: rctl.signal });
  let runId = null;
  rs.on("event", (e) => { if (e.event === "thread.run.created") runId = e.data.id; });
  rs.on("textDelta", () => rctl.abort());
  const aborted = await failsWith(() => rs.finalRun());
  ok("aborting runs.stream rejects finalRun", aborted instanceof OpenAI.APIUserAbortError && runId !== null, String(aborted));
  const after = await c.beta.threads.runs.poll(runId, { thread_id: thread.id }, poll);
  const reply = (await c.beta.threads.messages.list(thread.id, { limit: 1 })).data[0];
  ok("the run still completes server-side after the client left", after.status === "completed" && reply.role === "assistant" && reply.content[0].text.value.length > 0, after.status);
  await new Promise((r) => setTimeout(r, 100)); // let the server notice the closed connections
});

await scenario("newer request options: moderation, background windows, prompt-cache diagnostics", async () => {
  const c = make("sk-node2-options");
  await control("POST", "moderations", { match: { contains: "zz-kraken" }, categories: ["violence"] });
  const screen = { model: "omni-moderation-latest", policy: { input: { mode: "block" }, output: { mode: "block" } } };
  const blocked = await c.responses.create({ model: "gpt-5.6-sol", input: "release the zz-kraken", moderation: screen });
  ok("a flagged input is not answered", blocked.status === "incomplete" && blocked.incomplete_details.reason === "content_filter" && blocked.output.length === 0 && blocked.moderation.input.flagged === true, JSON.stringify(blocked.moderation?.input?.flagged));
  const chat = await c.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], moderation: { model: "omni-moderation-latest" } });
  ok("chat carries moderation_results", chat.moderation.input.type === "moderation_results" && chat.moderation.output.results[0].flagged === false, JSON.stringify(chat.moderation?.input?.type));
  const queued = await c.responses.create({ model: "gpt-5.6-sol", input: "later", background: true, background_options: { completion_window: "8h" } });
  ok("an 8h background window is queued", queued.status === "queued", queued.status);
  const refused = await failsWith(() => c.responses.create({ model: "gpt-5.6-sol", input: "now", background_options: { completion_window: "2h" } }));
  ok("a 2h window without background is a 400", refused instanceof OpenAI.BadRequestError && refused.param === "background_options.completion_window", String(refused));
  const first = await c.responses.create({ model: "gpt-5.6-sol", input: "Plan a trip" });
  const next = await c.responses.create({ model: "gpt-5.6-sol", input: "And then?", previous_response_id: first.id, prompt_cache_options: { ttl: "12h", comparison_response_id: first.id } });
  ok("prompt cache diagnostics see the shared prefix", next.prompt_cache_diagnostics.type === "cache_hit" && next.prompt_cache_options.ttl === "12h", JSON.stringify(next.prompt_cache_diagnostics));
  await control("DELETE", "moderations");
});

await scenario("containers and spoken chat answers", async () => {
  const c = make("sk-node2-containers");
  const source = await c.files.create({ file: await toFile(Buffer.from("a,b\n1,2\n"), "data.csv"), purpose: "user_data" });
  const box = await c.containers.create({ name: "node-box", file_ids: [source.id] });
  ok("a container starts running", /^cntr_[0-9a-f]{48}$/.test(box.id) && box.status === "running", JSON.stringify(box));
  const up = await c.containers.files.create(box.id, { file: await toFile(Buffer.from([0, 1, 2, 255]), "raw.bin") });
  const got = Buffer.from(await (await c.containers.files.content.retrieve(up.id, { container_id: box.id })).arrayBuffer());
  ok("container file bytes round-trip", got.equals(Buffer.from([0, 1, 2, 255])), got.toString("hex"));
  const files = await collect(c.containers.files.list(box.id));
  ok("both files listed", files.length === 2 && files.every((f) => f.path.startsWith("/mnt/data/")), String(files.length));
  await c.containers.delete(box.id);
  const gone = await failsWith(() => c.containers.retrieve(box.id));
  ok("a deleted container is a 404", gone instanceof OpenAI.NotFoundError, String(gone));
  const spoken = await c.chat.completions.create({ model: "gpt-audio-mini", modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" }, messages: [{ role: "user", content: "hello" }] });
  const wav = Buffer.from(spoken.choices[0].message.audio.data, "base64");
  ok("a spoken answer is a WAV with its transcript", wav.subarray(0, 4).toString() === "RIFF" && spoken.choices[0].message.content === null && spoken.choices[0].message.audio.transcript.length > 0, wav.subarray(0, 4).toString());
});

await scenario("evals runs and realtime client secrets", async () => {
  const c = make("sk-node2-evals");
  const ev = await c.evals.create({
    name: "echo",
    data_source_config: { type: "custom", item_schema: { type: "object", properties: { q: { type: "string" }, a: { type: "string" } }, required: ["q", "a"] }, include_sample_schema: true },
    testing_criteria: [{ type: "string_check", name: "exact", input: "{{sample.output_text}}", reference: "{{item.a}}", operation: "eq" }],
  });
  await control("POST", "scripts", { match: { contains: "zz-eval-q" }, replies: [{ text: "forty-two" }] });
  const run = await c.evals.runs.create(ev.id, { data_source: { type: "completions", model: "gpt-4o-mini",
    input_messages: { type: "template", template: [{ role: "user", content: "{{item.q}}" }] },
    source: { type: "file_content", content: [{ item: { q: "zz-eval-q", a: "forty-two" } }] } } });
  let done = run;
  for (let i = 0; i < 100 && !["completed", "failed", "canceled"].includes(done.status); i++) {
    await new Promise((r) => setTimeout(r, 20));
    done = await c.evals.runs.retrieve(run.id, { eval_id: ev.id });
  }
  ok("an eval run completes and grades the scripted answer", done.status === "completed" && done.result_counts.passed === 1, JSON.stringify(done.result_counts));
  const items = await collect(c.evals.runs.outputItems.list(run.id, { eval_id: ev.id }));
  ok("its output item passed", items.length === 1 && items[0].status === "pass", JSON.stringify(items.map((x) => x.status)));
  const secret = await c.realtime.clientSecrets.create({ session: { type: "realtime", model: "gpt-realtime", instructions: "hi" } });
  ok("a realtime client secret carries its session", secret.value.startsWith("ek_") && secret.session.type === "realtime", JSON.stringify(secret.session?.type));
});

await scenario("webhooks: a signed delivery to a Node handler", async () => {
  const c = make("sk-node2-webhooks");
  const http = await import("node:http");
  const got = [];
  let resolveFirst;
  const first = new Promise((r) => { resolveFirst = r; });
  // What the guide's express handler does: the raw text body and the headers go to unwrap.
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => { got.push({ body, headers: req.headers }); res.writeHead(200).end(); resolveFirst(); });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/webhook`;
    const endpoint = await c.webhooks.create({ url, name: "node", event_types: ["response.completed"] });
    ok("webhooks.create returns the signing secret", endpoint.signing_secret.startsWith("whsec_") && endpoint.object === "webhook_endpoint");
    const response = await c.responses.create({ model: "gpt-4o-mini", input: "hi", background: true });
    await Promise.race([first, new Promise((r) => setTimeout(r, 5000))]);
    const event = await c.webhooks.unwrap(got[0]?.body ?? "", got[0]?.headers ?? {}, endpoint.signing_secret);
    ok("unwrap verifies the delivery", event.type === "response.completed" && event.data.id === response.id, JSON.stringify(event));
    const forged = await failsWith(() => c.webhooks.unwrap(got[0].body, got[0].headers, "whsec_" + Buffer.from("not the secret").toString("base64")));
    ok("a wrong secret is InvalidWebhookSignatureError", forged instanceof OpenAI.InvalidWebhookSignatureError, String(forged));
    const tested = await c.webhooks.test(endpoint.id, { event_type: "batch.completed" });
    ok("webhooks.test reports the handler's status", tested.status_code === 200 && tested.success === true, JSON.stringify(tested));
    const listed = await collect(c.webhooks.list());
    ok("webhooks.list pages the endpoints", listed.length === 1 && listed[0].id === endpoint.id && !("signing_secret" in listed[0]));
    const deleted = await c.webhooks.delete(endpoint.id);
    ok("webhooks.delete", deleted.deleted === true, JSON.stringify(deleted));
  } finally {
    server.close();
  }
});

await scenario("decisions and realtime calls", async () => {
  const c = make("sk-node2-decisions");
  const questions = [
    { type: "choice", name: "team", instructions: "Route it.", choices: [{ value: "billing" }, { value: "tech" }] },
    { type: "predicate", name: "refund", instructions: "A refund is asked for." },
  ];
  await control("POST", "scripts", { match: { contains: "zz-refund" }, replies: [{ answers: [{ choice: "billing" }, { probability: 0.9 }] }] });
  const decided = await c.decisions.create({ model: "gpt-6-luna", input: "zz-refund please", questions });
  ok("decisions answers in question order, scripted", decided.answers[0].choice === "billing" && decided.answers[1].probability === 0.9, JSON.stringify(decided.answers));
  const again = await c.decisions.create({ model: "gpt-6-luna", input: "The app crashes", questions });
  const repeat = await c.decisions.create({ model: "gpt-6-luna", input: "The app crashes", questions });
  ok("default decisions repeat exactly", same(again.answers, repeat.answers));
  const wrong = await failsWith(() => c.decisions.create({ model: "gpt-4o-mini", input: "x", questions }));
  ok("another model is a 400 naming model", wrong instanceof OpenAI.BadRequestError && wrong.param === "model", String(wrong));

  const offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n";
  const created = await c.realtime.calls.create({ sdp: offer, session: { type: "realtime", instructions: "Be brief." } });
  const answer = await created.text();
  const callId = (created.headers.get("location") ?? "").split("/").pop();
  ok("a WebRTC call answers with SDP and a Location", created.status === 201 && answer.startsWith("v=0") && callId.startsWith("rtc_"), `${created.status} ${callId}`);
  await c.realtime.calls.hangup(callId);
  const ringing = await control("POST", "realtime/calls", { api_key: "sk-node2-decisions" });
  await c.realtime.calls.accept(ringing.call_id, { type: "realtime", model: "gpt-realtime", instructions: "You are Alex." });
  await c.realtime.calls.refer(ringing.call_id, { target_uri: "tel:+14155550123" });
  const record = await control("GET", `realtime/calls/${ringing.call_id}`);
  ok("a SIP call accepted then transferred", record.status === "referred" && record.session.instructions === "You are Alex.", JSON.stringify(record.status));
});

report();
