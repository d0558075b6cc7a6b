# Regenerates ChatTemplateCases.json: renders each case's messages with the Jinja chat template from the real
# Qwen3 tokenizer_config.json, in the environment transformers' apply_chat_template uses (sandboxed, trim/lstrip
# blocks, loopcontrols, tojson = json.dumps(ensure_ascii=False)). Needs python3 with jinja2 >= 3.1.
#   python3 render_chat_cases.py ~/.cache/qwen3onnx/tokenizer-qwen3-3.7.2/tokenizer_config.json
import json, os, sys
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
template = env.from_string(json.load(open(sys.argv[1]))["chat_template"])

WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "Weather for a city — «quoted» \"text\"\\path\n\u0001",
           "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "城市"},
                                                           "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 1.0}},
                          "required": ["city"], "additionalProperties": False, "examples": [None, True, 1e-05, 2.5e20, 0.0001, 12345678901234567890, [], {}]}}}
CLOCK = {"name": "now", "description": "Current time", "parameters": {"type": "object", "properties": {}}}

cases = [
    {"name": "tools with system, calls, grouped tool responses, final answer",
     "tools": [WEATHER, CLOCK], "add_generation_prompt": True, "enable_thinking": True,
     "messages": [
         {"role": "system", "content": "You are terse."},
         {"role": "user", "content": "Weather in Paris and the time?"},
         {"role": "assistant", "content": "<think>\nNeed two tools.\n</think>\n\nChecking.", "tool_calls": [
             {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
             {"id": "c2", "type": "function", "function": {"name": "now", "arguments": {}}}]},
         {"role": "tool", "tool_call_id": "c1", "content": "{\"temp_c\": 18}"},
         {"role": "tool", "tool_call_id": "c2", "content": "12:00"},
         {"role": "assistant", "content": "<think>\nAnswer now.\n</think>\n\nParis: 18 °C at 12:00."},
         {"role": "user", "content": "Thanks!"}]},
    {"name": "tools without system, dict arguments, generation after tool responses",
     "tools": [WEATHER], "add_generation_prompt": True, "enable_thinking": False,
     "messages": [
         {"role": "user", "content": "Météo à Zürich ?"},
         {"role": "assistant", "content": "", "tool_calls": [
             {"name": "get_weather", "arguments": {"city": "Zürich", "days": 2, "ratio": 0.5, "tags": ["a", "b"], "deep": {"x": None}}}]},
         {"role": "tool", "content": "sunny"}]},
    {"name": "reasoning_content field after the last query is kept, earlier reasoning dropped",
     "tools": [], "add_generation_prompt": False, "enable_thinking": True,
     "messages": [
         {"role": "user", "content": "Q1"},
         {"role": "assistant", "content": "A1", "reasoning_content": "R1"},
         {"role": "user", "content": "Q2"},
         {"role": "assistant", "content": "\n\nA2", "reasoning_content": "\nR2\n"}]},
    {"name": "multi-step agent turn: tool responses as a user message do not count as the query",
     "tools": [], "add_generation_prompt": True, "enable_thinking": True,
     "messages": [
         {"role": "user", "content": "Plan it."},
         {"role": "assistant", "content": "<think>step one</think>\n", "tool_calls": [{"name": "now", "arguments": "{}"}]},
         {"role": "user", "content": "<tool_response>\n12:00\n</tool_response>"},
         {"role": "assistant", "content": "<think>\nno reasoning kept? \n</think>Done.", "tool_calls": [{"name": "now", "arguments": "{}"}, {"name": "now", "arguments": "{\"tz\":\"UTC\"}"}]}]},
    {"name": "second system message, empty assistant, last assistant without think",
     "tools": [], "add_generation_prompt": False, "enable_thinking": True,
     "messages": [
         {"role": "system", "content": "S1"},
         {"role": "user", "content": "hi"},
         {"role": "system", "content": "S2"},
         {"role": "assistant", "content": ""}]},
    {"name": "tool message first, then an assistant without a user query",
     "tools": [], "add_generation_prompt": True, "enable_thinking": True,
     "messages": [
         {"role": "tool", "content": "orphan"},
         {"role": "assistant", "content": "ok"}]},
]

for case in cases:
    case["text"] = template.render(messages=case["messages"], tools=case["tools"] or None,
                                   add_generation_prompt=case["add_generation_prompt"], enable_thinking=case["enable_thinking"])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ChatTemplateCases.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump({"reference": "jinja2 %s rendering of Qwen3's chat_template as transformers does" % __import__("jinja2").__version__,
               "cases": cases}, f, ensure_ascii=False, indent=1)
    f.write("\n")
