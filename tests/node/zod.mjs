// Structured outputs the way most Node users write them: zod schemas through the SDK's helpers
// (zodResponseFormat, zodFunction, zodTextFormat). The SDK turns each schema into strict JSON Schema (definitions,
// $ref recursion, nullable as anyOf, enums, unions); the fake must accept what the SDK sends and answer with JSON
// the same zod schema parses.
import OpenAI from "openai";
import { zodFunction, zodResponseFormat, zodTextFormat } from "openai/helpers/zod";
import { z } from "zod";
import { ok, report, scenario } from "./harness.mjs";

const client = new OpenAI({ baseURL: process.env.BASE, apiKey: "sk-node-zod", maxRetries: 0 });
const Step = z.object({ explanation: z.string(), output: z.string() });
const Solution = z.object({
  steps: z.array(Step), final_answer: z.string(), confidence: z.number().nullable(), kind: z.enum(["exact", "approx"]),
  meta: z.object({ when: z.string().describe("an ISO date"), tags: z.array(z.string()).nullable() }),
  value: z.union([z.string(), z.number()]),
});
const Node = z.lazy(() => z.object({ name: z.string(), children: z.array(Node) }));
const messages = [{ role: "user", content: "Solve 8x + 7 = -23" }];

await scenario("zod chat parse", async () => {
  const completion = await client.chat.completions.parse({
    model: "gpt-4o-2024-08-06", messages, response_format: zodResponseFormat(Solution, "solution") });
  const parsed = completion.choices[0].message.parsed;
  ok("zod chat parse: parsed satisfies the schema", Solution.safeParse(parsed).success, JSON.stringify(parsed));
  ok("zod chat parse: enum value", ["exact", "approx"].includes(parsed?.kind));
});

await scenario("zod recursive schema", async () => {
  const completion = await client.chat.completions.parse({
    model: "gpt-4o", messages, response_format: zodResponseFormat(z.object({ root: Node }), "tree") });
  const parsed = completion.choices[0].message.parsed;
  ok("zod recursive schema: a tree comes back", z.object({ root: Node }).safeParse(parsed).success, JSON.stringify(parsed));
});

await scenario("zod function tool", async () => {
  const completion = await client.chat.completions.parse({
    model: "gpt-4o", messages, tools: [zodFunction({ name: "record_step", parameters: Step })], tool_choice: "required" });
  const call = completion.choices[0].message.tool_calls[0];
  ok("zod function tool: strict tool sent", call.function.name === "record_step");
  ok("zod function tool: parsed_arguments", Step.safeParse(call.function.parsed_arguments).success,
    JSON.stringify(call.function.parsed_arguments));
});

await scenario("zod Responses parse", async () => {
  const response = await client.responses.parse({
    model: "gpt-4o", input: "Solve 8x + 7 = -23", text: { format: zodTextFormat(Solution, "solution") } });
  ok("zod Responses parse: output_parsed", Solution.safeParse(response.output_parsed).success,
    JSON.stringify(response.output_parsed));
});

await scenario("zod streamed parse", async () => {
  const stream = client.chat.completions.stream({
    model: "gpt-4o", messages, response_format: zodResponseFormat(Solution, "solution") });
  const final = await stream.finalChatCompletion();
  ok("zod streamed parse: final parsed", Solution.safeParse(final.choices[0].message.parsed).success);
});

await scenario("zod runTools", async () => {
  // The model calls the tool once (scripted over the control plane), then answers.
  const origin = new URL(process.env.BASE).origin;
  await fetch(`${origin}/__mockapi__/scripts`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: { contains: "record the zod step" }, replies: [
      { tool_calls: [{ name: "record_step", arguments: { explanation: "subtract 7, divide by 8", output: "x = -3.75" } }] },
      { text: "Recorded." }] }) });
  const seen = [];
  const runner = client.chat.completions.runTools({
    model: "gpt-4o", messages: [{ role: "user", content: "Please record the zod step" }],
    tools: [zodFunction({ name: "record_step", parameters: Step, function: async (args) => { seen.push(args); return { saved: true }; } })],
  });
  const content = await runner.finalContent();
  ok("zod runTools: the tool ran with parsed arguments", seen.length === 1 && seen[0].output === "x = -3.75",
    JSON.stringify(seen));
  ok("zod runTools: the final answer follows the tool result", content === "Recorded.", String(content));
});

report();
