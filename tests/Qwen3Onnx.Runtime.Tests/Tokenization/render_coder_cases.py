# Regenerates CoderChatTemplateCases.json: renders each case's messages with Qwen3-Coder's Jinja chat template (the
# copy src/Qwen3Onnx.Runtime/Tokenization/Qwen3CoderChatTemplateSource.cs keeps, which is llama.cpp's
# models/templates/Qwen3-Coder.jinja, itself Qwen/Qwen3-Coder-30B-A3B-Instruct's chat_template), in the environment
# transformers' apply_chat_template uses (sandboxed, trim/lstrip blocks, loopcontrols, tojson = json.dumps
# (ensure_ascii=False)). Needs python3 with jinja2 >= 3.1.
#   python3 render_coder_cases.py
import json, os, re
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

here = os.path.dirname(os.path.abspath(__file__))
source_file = os.path.join(here, "../../../src/Qwen3Onnx.Runtime/Tokenization/Qwen3CoderChatTemplateSource.cs")
source = re.search(r'Jinja = """\n(.*?)\n""";', open(source_file, encoding="utf-8").read(), re.S).group(1)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

def raise_exception(message):
    raise Exception(message)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
template = env.from_string(source)

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "  Weather for a city — «quoted» \"text\"\\path\n\u001c",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "\t城市 ", "minLength": 1},
        "days": {"type": "integer", "minimum": 1, "maximum": 14, "default": 1.0, "nullable": True},
        "unit": {"type": ["string", "null"], "enum": ["c", "f"], "examples": [None, True, 1e-05, 2.5e20, 12345678901234567890]},
        "where": {"type": "object", "properties": {"lat": {"type": "number"}}, "description": "Coordinates"},
        "flag": True},
        "required": ["city"], "additionalProperties": False},
    "strict": True}}
CLOCK = {"name": "now", "description": "Current time", "parameters": {"type": "object", "properties": {}}}
BARE = {"name": "ping"}

cases = [
    {"name": "tools with system, calls with typed arguments, grouped tool responses, final answer",
     "tools": [WEATHER, CLOCK, BARE], "add_generation_prompt": True,
     "messages": [
         {"role": "system", "content": "You are terse."},
         {"role": "user", "content": "Weather in Paris and the time?"},
         {"role": "assistant", "content": "  Checking both.\n", "tool_calls": [
             {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": {
                 "city": "Paris", "days": 2, "ratio": 0.5, "tiny": 1e-05, "big": 2.5e20, "whole": 3.0, "ok": True,
                 "none": None, "tags": ["a", "ü"], "deep": {"x": None, "y": [1, 2.5]}, "text": "line1\nline2 \"q\""}}},
             {"id": "c2", "type": "function", "function": {"name": "now", "arguments": {}}}]},
         {"role": "tool", "tool_call_id": "c1", "content": "{\"temp_c\": 18}"},
         {"role": "tool", "tool_call_id": "c2", "content": "12:00"},
         {"role": "assistant", "content": "Paris: 18 °C at 12:00."},
         {"role": "user", "content": "Thanks!"}]},
    {"name": "tools without system get Qwen's default system line; calls without content; generation after tool responses",
     "tools": [CLOCK], "add_generation_prompt": True,
     "messages": [
         {"role": "user", "content": "Time?"},
         {"role": "assistant", "content": " \n\u001f", "tool_calls": [{"name": "now", "arguments": {"tz": "UTC"}}, {"name": "now", "arguments": {}}]},
         {"role": "tool", "content": "12:00"}]},
    {"name": "no tools: system, user, assistant kept raw, a second system message, no generation prompt",
     "tools": [], "add_generation_prompt": False,
     "messages": [
         {"role": "system", "content": "S1"},
         {"role": "user", "content": "hi"},
         {"role": "assistant", "content": "<think>\nkept as written\n</think>\n\nhello", "reasoning_content": "ignored"},
         {"role": "system", "content": "S2"},
         {"role": "user", "content": "again"}]},
    {"name": "a tool message first opens no user turn; a last tool message closes it",
     "tools": [], "add_generation_prompt": True,
     "messages": [
         {"role": "tool", "content": "orphan"},
         {"role": "user", "content": "q"},
         {"role": "tool", "content": "a"},
         {"role": "tool", "content": "b"}]},
    {"name": "a system message then a tool message: the tool is the first of the loop",
     "tools": [], "add_generation_prompt": False,
     "messages": [
         {"role": "system", "content": "S"},
         {"role": "tool", "content": "t"},
         {"role": "assistant", "content": "done"}]},
    {"name": "only a user message",
     "tools": [], "add_generation_prompt": True,
     "messages": [{"role": "user", "content": "Write quicksort in C#."}]},
]

for case in cases:
    kwargs = {"tools": case["tools"]} if case["tools"] else {}
    case["text"] = template.render(messages=case["messages"], add_generation_prompt=case["add_generation_prompt"], **kwargs)

with open(os.path.join(here, "CoderChatTemplateCases.json"), "w", encoding="utf-8") as f:
    json.dump({"reference": "jinja2 %s rendering of Qwen3-Coder's chat_template as transformers does" % __import__("jinja2").__version__,
               "template": source, "cases": cases}, f, ensure_ascii=False, indent=1)
    f.write("\n")
