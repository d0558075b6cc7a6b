using Microsoft.ML.OnnxRuntime;

namespace Qwen3Onnx.Runtime.Session;

/// <summary>
/// Runs the session's graph by the export manifest's input and output names, for every cache strategy: plainly
/// (outputs on the host) or through an IOBinding that puts each present where the strategy wants it.
/// </summary>
internal sealed class GraphRunner : IDisposable
{
    public GraphRunner(InferenceSession session, string[] inputNames, string[] outputNames, bool cudaGraph)
    {
        Session = session;
        InputNames = inputNames;
        OutputNames = outputNames;
        if (cudaGraph)
        {
            // Prefill shapes change from call to call: run it eagerly, outside any captured graph.
            RunOptions.AddRunConfigEntry("gpu_graph_id", "-1");
        }
    }

    public InferenceSession Session { get; }

    public string[] InputNames { get; }

    public string[] OutputNames { get; }

    public RunOptions RunOptions { get; } = new();

    /// <summary>Clears an earlier abort, then honours a cancellation that came before the run (an Abort after this still stops it).</summary>
    public static void Arm(RunOptions runOptions, CancellationToken cancellation)
    {
        runOptions.Terminate = false;
        cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>Logits and presents, all in host memory ONNX Runtime allocated.</summary>
    public IReadOnlyList<OrtValue> Run(StepInputs inputs) => Session.Run(RunOptions, InputNames, inputs.Values, OutputNames);

    /// <summary>
    /// Runs one step through an IOBinding: every input as given, the logits to host memory, and each present output
    /// (its name and its index among the key/value values) where <paramref name="bindPresent"/> puts it.
    /// </summary>
    public IReadOnlyList<OrtValue> RunBound<TState>(StepInputs inputs, TState state, Action<OrtIoBinding, string, int, TState> bindPresent)
    {
        using var binding = Session.CreateIoBinding();
        for (int i = 0; i < inputs.Values.Length; i++)
        {
            binding.BindInput(InputNames[i], inputs.Values[i]);
        }

        binding.BindOutputToDevice(OutputNames[0], OrtMemoryInfo.DefaultInstance);
        for (int i = 1; i < OutputNames.Length; i++)
        {
            bindPresent(binding, OutputNames[i], i - 1, state);
        }

        Session.RunWithBinding(RunOptions, binding);
        return binding.GetOutputValues();
    }

    public void Dispose() => RunOptions.Dispose();
}
