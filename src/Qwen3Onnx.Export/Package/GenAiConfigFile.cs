namespace Qwen3Onnx.Export.Package;

/// <summary>The text of <c>genai_config.json</c> and what had to be left out of it.</summary>
internal sealed record GenAiConfigFile(string Json, IReadOnlyList<string> Warnings);
