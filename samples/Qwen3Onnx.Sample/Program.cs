// Embeds Qwen3Onnx in an app through Microsoft.Extensions.AI: dotnet run -- <export folder> [question]
using Microsoft.Extensions.AI;
using Qwen3Onnx.Runtime;
using Qwen3Onnx.Runtime.Chat;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Qwen3Onnx.Sample <export folder> [question]");
    return 1;
}

using IChatClient client = new Qwen3ChatClient(Qwen3Model.Load(args[0]), ownsModel: true);
string question = args.Length > 1 ? args[1] : "What is the capital of France?";
await foreach (var update in client.GetStreamingResponseAsync(question, new ChatOptions { MaxOutputTokens = 64 }))
{
    Console.Write(update.Text);
}

Console.WriteLine();
return 0;
