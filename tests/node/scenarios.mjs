// More of what a Node user's code does against the fake, beyond smoke.mjs: uploads from disk streams, model
// auto-pagination, tool calls (plain, streamed, helpers), zod-free parse, Responses tools, assistants streams with
// tool outputs, file batches, batches, fine-tuning events, typed errors via fault directives, request ids, and
// cut or abandoned streams (the server must not fail on them: test_node_sdk.py checks its log and journal).
import OpenAI, { toFile } from "openai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { failsWith, ok, poll, report, scenario } from "./harness.mjs";

const BASE = process.env.BASE;
const client = new OpenAI({ baseURL: BASE, apiKey: "sk-node", maxRetries: 0 });
const weather = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
const chatTools = [{ type: "function", function: { name: "get_weather", strict: true, parameters: weather } }];

await scenario("files from a read stream", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mockapi-node-")), "notes.txt");
  fs.writeFileSync(file, "read from disk\n");
  const f = await client.files.create({ file: fs.createReadStream(file), purpose: "assistants" });
  ok("files.create(createReadStream) keeps the name", f.filename === "notes.txt" && f.bytes === 15, JSON.stringify(f));
  ok("files.create _request_id", /^req_[0-9a-f]{32}$/.test(f._request_id), f._request_id);
  const text = await (await client.files.content(f.id)).text();
  ok("files.content after stream upload", text === "read from disk\n", text);
  const waited = await client.files.waitForProcessing(f.id);
  ok("files.waitForProcessing", waited.status === "processed", waited.status);
});

await scenario("models auto-pagination", async () => {
  const ids = []; for await (const m of client.models.list()) ids.push(m.id);
  ok("models.list for await", ids.length > 10 && ids.includes("gpt-4o-mini"), String(ids.length));
});

await scenario("chat tool calls", async () => {
  const messages = [{ role: "user", content: "weather in Paris?" }];
  const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools: chatTools, tool_choice: "required" });
  const msg = first.choices[0].message;
  ok("chat tool_calls", first.choices[0].finish_reason === "tool_calls" && msg.tool_calls[0].id.startsWith("call_"), JSON.stringify(msg));
  const second = await client.chat.completions.create({ model: "gpt-4o-mini", tools: chatTools,
    messages: [...messages, msg, { role: "tool", tool_call_id: msg.tool_calls[0].id, content: "sunny" }] });
  ok("chat after tool output", second.choices[0].message.content.includes("sunny"), second.choices[0].message.content);
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools: chatTools, tool_choice: "required", stream: true });
  let args = ""; let id = null;
  for await (const chunk of stream) { const tc = chunk.choices[0]?.delta?.tool_calls?.[0]; if (tc?.id) id = tc.id; args += tc?.function?.arguments ?? ""; }
  ok("chat stream tool call deltas", id?.startsWith("call_") && JSON.parse(args).city.length > 0, args);
  const runner = client.chat.completions.stream({ model: "gpt-4o-mini", messages, tools: chatTools, tool_choice: "required" });
  const done = []; runner.on("tool_calls.function.arguments.done", (e) => done.push(e.parsed_arguments));
  const final = await runner.finalChatCompletion();
  ok("chat.completions.stream tool helper", done.length === 1 && done[0].city && final.choices[0].message.tool_calls.length === 1, JSON.stringify(done));
  const ran = await client.chat.completions.runTools({ model: "gpt-4o-mini", messages, tool_choice: { type: "function", function: { name: "get_weather" } },
    tools: [{ type: "function", function: { name: "get_weather", parameters: weather, parse: JSON.parse, function: ({ city }) => `rain in ${city}` } }] }).finalFunctionToolCallResult();
  ok("chat.completions.runTools", typeof ran === "string" && ran.startsWith("rain in"), String(ran));
});

await scenario("chat parse", async () => {
  const response_format = { type: "json_schema", json_schema: { name: "person", strict: true, schema: {
    type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"], additionalProperties: false } } };
  const parsed = await client.chat.completions.parse({ model: "gpt-4o-2024-08-06", messages: [{ role: "user", content: "a person" }], response_format });
  const p = parsed.choices[0].message.parsed;
  ok("chat.completions.parse json_schema", typeof p?.name === "string" && Number.isInteger(p?.age), JSON.stringify(parsed.choices[0].message));
  const viaTool = await client.chat.completions.parse({ model: "gpt-4o-2024-08-06", messages: [{ role: "user", content: "x" }], tools: chatTools, tool_choice: "required" });
  ok("chat.completions.parse strict tool", viaTool.choices[0].message.tool_calls[0].function.parsed_arguments?.city !== undefined);
  const streamed = await client.chat.completions.stream({ model: "gpt-4o-2024-08-06", messages: [{ role: "user", content: "a person" }], response_format }).finalChatCompletion();
  ok("chat.completions.stream parsed", streamed.choices[0].message.parsed?.name === p.name, JSON.stringify(streamed.choices[0].message));
  const e = await failsWith(() => client.chat.completions.parse({ model: "gpt-4o-2024-08-06", messages: [{ role: "user", content: "a person" }], response_format, max_completion_tokens: 2 }));
  ok("chat.completions.parse length limit", e?.constructor?.name === "LengthFinishReasonError", String(e));
});

await scenario("responses", async () => {
  const tools = [{ type: "function", name: "get_weather", parameters: weather, strict: true }];
  const first = await client.responses.create({ model: "gpt-4o-mini", input: "weather?", tools, tool_choice: "required" });
  const call = first.output.find((o) => o.type === "function_call");
  ok("responses function_call", call?.call_id?.startsWith("call_") && JSON.parse(call.arguments).city, JSON.stringify(first.output));
  const second = await client.responses.create({ model: "gpt-4o-mini", previous_response_id: first.id, tools,
    input: [{ type: "function_call_output", call_id: call.call_id, output: "sunny" }] });
  ok("responses function_call_output", second.output_text.includes("sunny"), second.output_text);
  const stream = client.responses.stream({ model: "gpt-4o-mini", input: "weather?", tools, tool_choice: "required" });
  const deltas = []; stream.on("response.function_call_arguments.delta", (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  ok("responses.stream function arguments", deltas.join("") === final.output[0].arguments, JSON.stringify(deltas));
  const parsed = await client.responses.parse({ model: "gpt-4o-2024-08-06", input: "a person",
    text: { format: { type: "json_schema", name: "p", strict: true, schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false } } } });
  ok("responses.parse", typeof parsed.output_parsed?.name === "string", JSON.stringify(parsed.output_parsed));
});

await scenario("embeddings", async () => {
  const floats = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "float", dimensions: 256 });
  ok("embeddings float + dimensions", floats.data.length === 2 && floats.data[1].embedding.length === 256 && floats.data[1].index === 1);
  const dflt = await client.embeddings.create({ model: "text-embedding-3-large", input: "a", dimensions: 64 });
  ok("embeddings base64 default decoded", dflt.data[0].embedding.length === 64 && typeof dflt.data[0].embedding[0] === "number");
});

await scenario("assistants tool round trip (streams)", async () => {
  const asst = await client.beta.assistants.create({ model: "gpt-4o", tools: chatTools });
  const thread = await client.beta.threads.create({ messages: [{ role: "user", content: "weather?" }] });
  const first = client.beta.threads.runs.stream(thread.id, { assistant_id: asst.id, tool_choice: "required" });
  const created = []; first.on("toolCallCreated", (t) => created.push(t.id));
  const run = await first.finalRun();
  const calls = run.required_action?.submit_tool_outputs.tool_calls ?? [];
  ok("runs.stream requires_action", run.status === "requires_action" && calls.length === 1 && created[0] === calls[0].id, run.status);
  const second = client.beta.threads.runs.submitToolOutputsStream(run.id, { thread_id: thread.id, tool_outputs: calls.map((c) => ({ tool_call_id: c.id, output: "sunny" })) });
  const deltas = []; second.on("textDelta", (d) => deltas.push(d.value));
  let textDone = null; second.on("textDone", (t) => { textDone = t.value; });
  const finalRun = await second.finalRun();
  ok("submitToolOutputsStream", finalRun.status === "completed" && deltas.join("") === textDone && textDone.includes("sunny"), `${finalRun.status} ${textDone}`);
  const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id });
  ok("run steps after tools", steps.data.map((s) => s.type).sort().join() === "message_creation,tool_calls");
  const polled = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: asst.id, tool_choice: { type: "function", function: { name: "get_weather" } } }, poll);
  const done = await client.beta.threads.runs.submitToolOutputsAndPoll(polled.id, { thread_id: thread.id,
    tool_outputs: polled.required_action.submit_tool_outputs.tool_calls.map((c) => ({ tool_call_id: c.id, output: "rain" })) }, poll);
  ok("createAndPoll + submitToolOutputsAndPoll", polled.status === "requires_action" && done.status === "completed", done.status);
  const locked = await client.beta.threads.runs.create(thread.id, { assistant_id: asst.id, tool_choice: "required" });
  const e = await failsWith(() => client.beta.threads.messages.create(thread.id, { role: "user", content: "more" }));
  ok("locked thread BadRequestError", e instanceof OpenAI.BadRequestError && e.message.includes("while a run"), String(e));
  const cancelled = await client.beta.threads.runs.cancel(locked.id, { thread_id: thread.id });
  const settled = await client.beta.threads.runs.poll(locked.id, { thread_id: thread.id }, poll);
  ok("runs.cancel then poll", cancelled.status === "cancelling" && settled.status === "cancelled", settled.status);
  const viaStream = client.beta.threads.createAndRunStream({ assistant_id: asst.id, thread: { messages: [{ role: "user", content: "hi" }] } });
  const events = []; viaStream.on("event", (ev) => events.push(ev.event));
  const r = await viaStream.finalRun();
  ok("createAndRunStream", r.status === "completed" && events[0] === "thread.created", events.slice(0, 2).join());
});

await scenario("vector store file batches", async () => {
  const vs = await client.vectorStores.create({ name: "node" });
  const one = await client.files.create({ file: await toFile(Buffer.from("The capital of Italy is Rome."), "italy.txt"), purpose: "assistants" });
  const batch = await client.vectorStores.fileBatches.uploadAndPoll(vs.id,
    { files: [await toFile(Buffer.from("The capital of Spain is Madrid."), "spain.txt")], fileIds: [one.id] }, poll);
  ok("fileBatches.uploadAndPoll", batch.status === "completed" && batch.file_counts.completed === 2 && batch.object === "vector_store.files_batch", JSON.stringify(batch.file_counts));
  const listed = []; for await (const f of client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: vs.id })) listed.push(f.status);
  ok("fileBatches.listFiles", listed.length === 2 && listed.every((s) => s === "completed"), listed.join());
});

await scenario("batches", async () => {
  const lines = ["a", "b"].map((c) => JSON.stringify({ custom_id: c, method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: c }] } }));
  lines.push(JSON.stringify({ custom_id: "bad", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [] } }));
  const input = await client.files.create({ file: await toFile(Buffer.from(lines.join("\n")), "in.jsonl"), purpose: "batch" });
  let b = await client.batches.create({ input_file_id: input.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
  for (let i = 0; i < 200 && !["completed", "failed", "expired", "cancelled"].includes(b.status); i++) { await new Promise((r) => setTimeout(r, 20)); b = await client.batches.retrieve(b.id); }
  const output = (await (await client.files.content(b.output_file_id)).text()).trim().split("\n").map((l) => JSON.parse(l));
  const errorsFile = (await (await client.files.content(b.error_file_id)).text()).trim().split("\n").map((l) => JSON.parse(l));
  ok("batch completed with counts", b.status === "completed" && b.request_counts.completed === 2 && b.request_counts.failed === 1, JSON.stringify(b.request_counts));
  ok("batch output + error files", output.every((o) => o.response.status_code === 200) && errorsFile[0].custom_id === "bad" && errorsFile[0].response.status_code === 400);
  const listed = []; for await (const x of client.batches.list({ limit: 1 })) listed.push(x.id);
  ok("batches.list auto-pagination", listed.includes(b.id));
});

await scenario("fine-tuning events", async () => {
  const rows = []; for (let i = 0; i < 10; i++) rows.push(JSON.stringify({ messages: [{ role: "user", content: "q" + i }, { role: "assistant", content: "a" + i }] }));
  const training = await client.files.create({ file: await toFile(Buffer.from(rows.join("\n")), "train.jsonl"), purpose: "fine-tune" });
  const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: training.id,
    method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 1, batch_size: 5 } } } });
  ok("fineTuning.jobs.create", job.status === "validating_files" && job.id.startsWith("ftjob-"), job.status);
  const first = await client.fineTuning.jobs.listEvents(job.id);
  ok("listEvents right after create", first.data.at(-1)?.message === `Created fine-tuning job: ${job.id}`, JSON.stringify(first.data.map((e) => e.message)));
  let j = job;
  for (let i = 0; i < 200 && !["succeeded", "failed", "cancelled"].includes(j.status); i++) { await new Promise((r) => setTimeout(r, 20)); j = await client.fineTuning.jobs.retrieve(job.id); }
  const messages = []; for await (const e of client.fineTuning.jobs.listEvents(job.id, { limit: 3 })) messages.push(e.message);
  ok("listEvents auto-pagination, newest first", j.status === "succeeded" && messages[0] === "The job has successfully completed" && messages.at(-1).startsWith("Created fine-tuning job"), messages.join(" | "));
});

await scenario("typed errors", async () => {
  const notFound = await failsWith(() => client.beta.assistants.retrieve("asst_nope"));
  ok("NotFoundError", notFound instanceof OpenAI.NotFoundError && notFound.message.includes("No assistant found with id 'asst_nope'."), String(notFound));
  const bad = await failsWith(() => client.chat.completions.create({ model: "gpt-4o-mini", messages: [], stream: true }));
  ok("BadRequestError before a stream", bad instanceof OpenAI.BadRequestError && bad.code === "empty_array" && bad.param === "messages", String(bad));
  const auth = await failsWith(() => client.models.list({ headers: { "x-mockapi-fault": "error; status=401" } }));
  ok("AuthenticationError", auth instanceof OpenAI.AuthenticationError && auth.code === "invalid_api_key", String(auth));
  const limited = await failsWith(() => client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }, { headers: { "x-mockapi-fault": "rate_limit" } }));
  ok("RateLimitError", limited instanceof OpenAI.RateLimitError && limited.code === "rate_limit_exceeded" && limited.headers.get("retry-after") === "1" && /^req_/.test(limited.requestID), String(limited));
  const server = await failsWith(() => client.models.list({ headers: { "x-mockapi-fault": "server_error" } }));
  ok("InternalServerError", server instanceof OpenAI.InternalServerError && server.status === 500);
  const retrying = new OpenAI({ baseURL: BASE, apiKey: "sk-node", maxRetries: 2 });
  const { data, response } = await retrying.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] },
    { headers: { "x-mockapi-fault": "rate_limit; retry_after_ms=5; times=2" } }).withResponse();
  ok("SDK retries past two 429s", response.status === 200 && data.id.startsWith("chatcmpl-"));
});

await scenario("request ids and headers", async () => {
  const { data, response, request_id } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).withResponse();
  ok("withResponse headers", response.headers.get("openai-version") === "2020-10-01" && response.headers.get("content-type") === "application/json");
  ok("request_id = _request_id = x-request-id", request_id === data._request_id && request_id === response.headers.get("x-request-id") && /^req_[0-9a-f]{32}$/.test(request_id), request_id);
  const streamed = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], stream: true }).withResponse();
  ok("stream withResponse", /^req_/.test(streamed.request_id) && streamed.response.headers.get("content-type").startsWith("text/event-stream"));
  for await (const _ of streamed.data) { /* drain */ }
});

await scenario("cut and abandoned streams", async () => {
  const cut = await failsWith(async () => {
    const s = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], stream: true }, { headers: { "x-mockapi-fault": "stream_cut; after=2" } });
    for await (const _ of s) { /* until the cut */ }
  });
  ok("stream_cut ends the chat stream with an error", cut !== null, String(cut));
  const asst = await client.beta.assistants.create({ model: "gpt-4o" });
  const thread = await client.beta.threads.create({ messages: [{ role: "user", content: "a long question ".repeat(20) }] });
  const rcut = await failsWith(() => client.beta.threads.runs.stream(thread.id, { assistant_id: asst.id }, { headers: { "x-mockapi-fault": "stream_cut; after=4" } }).finalRun());
  ok("stream_cut ends runs.stream with an error", rcut !== null, String(rcut));
  const s = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "many words ".repeat(40) }], stream: true });
  let n = 0; for await (const _ of s) { if (++n === 2) break; }
  ok("breaking out of a chat stream", n === 2);
  const rs = client.responses.stream({ model: "gpt-4o-mini", input: "many words ".repeat(40) });
  rs.on("response.output_text.delta", () => rs.abort());
  const aborted = await failsWith(() => rs.finalResponse());
  ok("aborting responses.stream", aborted instanceof OpenAI.APIUserAbortError, String(aborted));
  await new Promise((r) => setTimeout(r, 100)); // let the server notice the closed connections
});

report();
