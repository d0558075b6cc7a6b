using System.Net.Http;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Qwen3Onnx.Models;
using Qwen3Onnx.Testing;

namespace Qwen3Onnx.Cli.Tests;

/// <summary>
/// Every exception type a command can let through (from the libraries, the file system, ONNX Runtime, the network,
/// the JSON reader, or a bug of ours) ends as one <c>error:</c> line and exit code 1; a stack trace only with --verbose.
/// </summary>
[TestClass]
public sealed class CliFailureLineTests
{
    public static IEnumerable<object[]> RaisableExceptions() =>
    [
        [new Qwen3OnnxException("model.safetensors: truncated\nsecond line")],
        [new IOException("No space left on device : '/out/.model.partial/model.onnx.data'")],
        [new DirectoryNotFoundException("Could not find a part of the path '/gone'")],
        [new UnauthorizedAccessException("Access to the path '/root/x' is denied.")],
        [OnnxRuntimeError("Non-zero status code returned while running MatMulNBits node.\nat kernel")],
        [new OutOfMemoryException()],
        [new JsonException("'}' is invalid after a value. LineNumber: 3")],
        [new InvalidDataException("bad data")],
        [new FormatException("bad number")],
        [new ArgumentOutOfRangeException("elementOffset", "slice outside tensor")],
        [new InvalidOperationException("sequence contains no elements")],
        [new NotSupportedException("not supported")],
        [new NullReferenceException()],
        [new HttpRequestException("Connection refused (huggingface.co:443)")],
        [new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout")],
        [new AggregateException(new IOException("disk full"))],
        [new AggregateException(new IOException("a"), new FormatException("b"))],
        [new TargetInvocationException(new InvalidCastException("cast"))],
        [new TypeInitializationException("Qwen3Onnx.X", new IOException("cannot read"))],
    ];

    [TestMethod]
    [DynamicData(nameof(RaisableExceptions))]
    public void AnyExceptionIsOneErrorLineAndExitCodeOne(Exception exception)
    {
        var error = new StringWriter();
        int exitCode = CliErrors.Unexpected(Thrown(exception), verbose: false, error);

        Assert.AreEqual(1, exitCode);
        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, error.ToString());
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain(" at ", lines[0].Replace("at kernel", "", StringComparison.Ordinal), lines[0]);
        Assert.IsGreaterThan("error: ".Length + 3, lines[0].Trim().Length, "the line says something");
    }

    [TestMethod]
    [DynamicData(nameof(RaisableExceptions))]
    public void VerbosePrintsTheStackTraceToo(Exception exception)
    {
        var error = new StringWriter();
        CliErrors.Unexpected(Thrown(exception), verbose: true, error);

        Assert.Contains("   at ", error.ToString());
        Assert.Contains("error: ", error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    [TestMethod]
    public void OsAndOnnxRuntimeMessagesAreTheLineAndOurBugsSaySo()
    {
        Assert.AreEqual("error: No space left on device : '/out/x'\n", Line(new IOException("No space left on device : '/out/x'")));
        StringAssert.StartsWith(Line(OnnxRuntimeError("oops")), "error: ONNX Runtime: [ErrorCode:Fail] oops");
        Assert.AreEqual(
            "error: internal error (NullReferenceException: Object reference not set to an instance of an object.); rerun with --verbose for the stack trace\n",
            Line(new NullReferenceException()));
        Assert.AreEqual("error: disk full\n", Line(new AggregateException(new IOException("disk full"))));
    }

    [TestMethod]
    public async Task TheRealCliAcceptsVerboseOnEveryCommandAndStillPrintsOneLine()
    {
        foreach (string command in new[] { "export", "run", "serve", "bench", "tokenize" })
        {
            var (exitCode, _, stderr) = await CliProcess.RunAsync(new Dictionary<string, string>(), command, "--model", "/nonexistent/qwen3", "--verbose");
            Assert.AreEqual(1, exitCode, $"{command}: {stderr}");
            Assert.StartsWith("error: ", stderr, command);
            Assert.DoesNotContain("   at ", stderr, command);
        }
    }

    [TestMethod]
    public async Task ModelNamingAFileSaysItIsAFile()
    {
        string file = Path.GetTempFileName();
        try
        {
            foreach (string command in new[] { "export", "run", "serve", "bench" })
            {
                var (exitCode, _, stderr) = await CliProcess.RunAsync(new Dictionary<string, string>(), command, "--model", file);
                Assert.AreEqual(1, exitCode, $"{command}: {stderr}");
                Assert.Contains($"{file}", stderr, command);
                Assert.Contains("is a file", stderr, command);
                Assert.DoesNotContain("does not exist", stderr, command);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Line(Exception exception)
    {
        var error = new StringWriter { NewLine = "\n" };
        CliErrors.Unexpected(exception, verbose: false, error);
        return error.ToString();
    }

    /// <summary>Thrown and caught, so the exception carries a stack trace as a real one does.</summary>
    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static OnnxRuntimeException OnnxRuntimeError(string message)
    {
        var ctor = typeof(OnnxRuntimeException).GetConstructors(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Public)
            .First(c => c.GetParameters().Length == 2);
        var code = Enum.ToObject(ctor.GetParameters()[0].ParameterType, 1);
        return (OnnxRuntimeException)ctor.Invoke([code, message]);
    }
}
