// Drives `qwen3-onnx serve` through the official OpenAI Node SDK and prints one JSON object with what came back,
// for Qwen3Onnx.Server.Tests to check (schemas are validated there, with the same validator as the other tests).
// Usage: node contract.cjs BASE_URL MODEL   (QWEN3ONNX_NODE_OPENAI: the folder holding node_modules/openai)
const path = require("path");
const { default: OpenAI } = require(path.join(process.env.QWEN3ONNX_NODE_OPENAI, "node_modules", "openai"));

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0 });

const weather = {
  type: "object",
  properties: {
    city: { type: "string", enum: ["Paris", "Zürich", "New York"] },
    days: { type: "integer" },
    hourly: { type: "boolean" },
  },
  required: ["city", "days", "hourly"],
  additionalProperties: false,
};
const tools = [
  { type: "function", function: { name: "get_weather", description: "Forecast", parameters: weather } },
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string", enum: ["UTC", "CET"] } }, required: ["zone"], additionalProperties: false } } },
];
const answer = {
  type: "object",
  properties: { answer: { type: "string", maxLength: 20 }, score: { type: "number" }, tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, maxItems: 3 } },
  required: ["answer", "score", "tags"],
  additionalProperties: false,
};
const base = { model, temperature: 0.8, max_tokens: 300, enable_thinking: false };
const user = (content) => [{ role: "user", content }];

async function main() {
  const out = { schemas: { weather, answer } };

  const required = await client.chat.completions.create({ ...base, seed: 1, messages: user("Weather?"), tools, tool_choice: "required" });
  out.required = { finish: required.choices[0].finish_reason, calls: required.choices[0].message.tool_calls };

  // The SDK's stream helper assembles delta.tool_calls into whole calls.
  const stream = client.chat.completions.stream({ ...base, seed: 2, messages: user("Weather?"), tools, tool_choice: { type: "function", function: { name: "get_weather" } } });
  const forced = await stream.finalChatCompletion();
  out.forcedStreamed = { finish: forced.choices[0].finish_reason, calls: forced.choices[0].message.tool_calls };

  // json_object leaves strings unbounded and random weights may write one for ever: this seed (the request
  // ConstrainedDecodingTests also sends) is one whose answer ends.
  const jsonObject = await client.chat.completions.create({ ...base, seed: 8, temperature: 0.7, messages: user("JSON please"), response_format: { type: "json_object" }, max_tokens: 400 });
  out.jsonObject = { finish: jsonObject.choices[0].finish_reason, content: jsonObject.choices[0].message.content };

  const strict = await client.chat.completions.create({
    ...base, seed: 4, messages: user("Answer"), response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema: answer } },
  });
  out.jsonSchema = { finish: strict.choices[0].finish_reason, content: strict.choices[0].message.content };

  const strictStream = client.chat.completions.stream({
    ...base, seed: 5, messages: user("Answer"), response_format: { type: "json_schema", json_schema: { name: "answer", strict: true, schema: answer } },
  });
  const strictStreamed = await strictStream.finalChatCompletion();
  out.jsonSchemaStreamed = { finish: strictStreamed.choices[0].finish_reason, content: strictStreamed.choices[0].message.content };

  const logprobs = await client.chat.completions.create({ ...base, temperature: 0, max_tokens: 6, messages: user("Hi"), logprobs: true, top_logprobs: 4 });
  out.logprobs = { content: logprobs.choices[0].message.content, logprobs: logprobs.choices[0].logprobs, usage: logprobs.usage, finish: logprobs.choices[0].finish_reason };

  const developer = await client.chat.completions.create({ ...base, max_tokens: 4, messages: [{ role: "developer", content: "Be terse." }, ...user("Hi")] });
  out.developer = { promptTokens: developer.usage.prompt_tokens };

  const retrieved = await client.models.retrieve(model);
  out.retrieved = { id: retrieved.id, object: retrieved.object };

  try {
    await client.chat.completions.create({ ...base, messages: user("Hi"), tool_choice: "required" });
    out.requiredWithoutTools = { status: 200 };
  } catch (error) {
    out.requiredWithoutTools = { status: error.status, param: error.param, code: error.code, type: error.type };
  }

  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
