using System.Diagnostics;
using Qwen3Onnx.Runtime.Tests.Api;

namespace Qwen3Onnx.Runtime.Tests.Chat;

[TestClass]
public sealed class SampleAppTests
{
    [TestMethod]
    public async Task TheSampleAppAnswersWithAnExportedModel()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Qwen3Onnx.Sample.dll"));
        start.ArgumentList.Add(TestModels.Demo);
        start.ArgumentList.Add("Hello?");

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.AreEqual(0, process.ExitCode, await error);
        Assert.IsGreaterThan(1, (await output).Length);
    }
}
