using System.Text.Json.Nodes;

namespace Qwen3Onnx.Models.Tests;

/// <summary>Minimal valid config.json texts with one field changed or removed.</summary>
internal static class ConfigJson
{
    public const string Source = "some/folder/config.json";

    public static JsonObject Dense() => new()
    {
        ["model_type"] = "qwen3",
        ["vocab_size"] = 512,
        ["hidden_size"] = 64,
        ["intermediate_size"] = 128,
        ["num_hidden_layers"] = 4,
        ["num_attention_heads"] = 4,
        ["num_key_value_heads"] = 2,
        ["head_dim"] = 16,
    };

    public static JsonObject Moe()
    {
        var moe = Dense();
        moe["model_type"] = "qwen3_moe";
        moe.Remove("intermediate_size");
        moe["num_experts"] = 8;
        moe["num_experts_per_tok"] = 2;
        moe["moe_intermediate_size"] = 32;
        return moe;
    }

    /// <summary>The object with <paramref name="field"/> set to <paramref name="value"/>, or removed when null.</summary>
    public static string With(this JsonObject config, string field, JsonNode? value)
    {
        if (value is null)
        {
            config.Remove(field);
        }
        else
        {
            config[field] = value;
        }

        return config.ToJsonString();
    }
}
