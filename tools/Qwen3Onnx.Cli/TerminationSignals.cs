using System.Runtime.InteropServices;

namespace Qwen3Onnx.Cli;

/// <summary>
/// SIGINT and SIGTERM as a cancellation the command handles itself, instead of the process ending: export deletes
/// its staging folder, download stops between files, serve drains. <see cref="ExitCode"/> is the shell's code for
/// the signal that came (130 or 143), for commands that end because of it.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _received = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public TerminationSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Receive(context, 130));
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Receive(context, 143));
    }

    public CancellationToken Token => _received.Token;

    public bool Received => _received.IsCancellationRequested;

    public int ExitCode { get; private set; } = 130;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _received.Dispose();
    }

    private void Receive(PosixSignalContext context, int exitCode)
    {
        context.Cancel = true;
        if (!_received.IsCancellationRequested)
        {
            ExitCode = exitCode;
            _received.Cancel();
        }
    }
}
